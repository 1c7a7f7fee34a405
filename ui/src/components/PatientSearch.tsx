//! 查找患者, left on the counter screens (挂号, 收费): one box for a name, pinyin initials, ID number,
//! phone, downtime number (DT-…) or HIS ID. Every keystroke asks the core (`find_patients`);
//! only the reply to the latest text is shown. ↑/↓ move the highlight, Enter picks it. Enter
//! typed before the reply to the text in the box picks that reply's first row when it comes,
//! as the item picker does; the pinned card then shows sex, age, number and ID number to
//! check against the patient (wrong-patient errors are downtime's commonest harm).

import { useEffect, useId, useImperativeHandle, useRef, useState, type KeyboardEvent, type Ref } from "react";
import { api, toIpcError, type IpcError } from "../api";
import type { PatientView } from "../bindings/PatientView";
import { ErrorText } from "./ErrorText";
import { useT } from "../i18n";
import { maskId, PatientNo, sexAge } from "./PatientCard";

const LIMIT = 20;

interface Props {
  query: string;
  onQuery: (text: string) => void;
  onPick: (p: PatientView) => void;
  /** F2 新建患者 under the list; without it (a dialog picking among patients) no button. */
  onNew?: () => void;
  /** The patient now pinned, marked in the list. */
  pinnedId: string | null;
  ref?: Ref<HTMLInputElement>;
  /** The box's label, when it is not the screen's 查找患者 (F3). */
  label?: string;
  /** Test ids are `${testId}-search`, `${testId}-results`, `${testId}-row`, `${testId}-none`. */
  testId?: string;
}

export function PatientSearch({ query, onQuery, onPick, onNew, pinnedId, ref, label, testId = "patient" }: Props) {
  const t = useT();
  const input = useRef<HTMLInputElement>(null);
  useImperativeHandle(ref, () => input.current!, []);
  const listId = useId();
  /** The latest reply and the text it answers (`for` lags `query` while a search is out). */
  const [found, setFound] = useState<{ for: string; items: PatientView[] } | null>(null);
  const [active, setActive] = useState(0);
  const [problem, setProblem] = useState<IpcError | null>(null);
  const latest = useRef(0);
  const pickOnReply = useRef(false);

  function search(text: string) {
    const seq = ++latest.current;
    pickOnReply.current = false;
    if (text.trim() === "") {
      setFound(null);
      setProblem(null);
      return;
    }
    api.findPatients(text.trim(), LIMIT).then(
      (items) => {
        if (seq !== latest.current) return; // an older query answered late
        setProblem(null);
        setFound({ for: text, items });
        setActive(0);
        if (pickOnReply.current && items.length > 0) onPick(items[0]);
        pickOnReply.current = false;
      },
      (e: unknown) => {
        if (seq === latest.current) setProblem(toIpcError(e));
      },
    );
  }

  // Back on the screen with a query kept from before, its results are shown again.
  useEffect(() => {
    if (query.trim() !== "") search(query);
  }, []); // once, on arrival
  // A query the screen cleared (next patient) takes its results with it.
  useEffect(() => {
    if (query !== "") return;
    latest.current++;
    setFound(null);
  }, [query]);

  useEffect(() => {
    document.getElementById(`${listId}-${active}`)?.scrollIntoView?.({ block: "nearest" });
  }, [active, listId]);

  const items = found?.items ?? [];
  function onKeyDown(e: KeyboardEvent<HTMLInputElement>) {
    if (e.nativeEvent.isComposing) return; // keys that belong to a Chinese input method
    switch (e.key) {
      case "ArrowDown":
        if (items.length === 0) return;
        e.preventDefault();
        setActive((i) => Math.min(i + 1, items.length - 1));
        return;
      case "ArrowUp":
        if (items.length === 0) return;
        e.preventDefault();
        setActive((i) => Math.max(i - 1, 0));
        return;
      case "Enter":
        if (query.trim() === "") return;
        e.preventDefault();
        if (found?.for !== query) pickOnReply.current = true; // typed faster than the reply
        else if (items.length > 0) onPick(items[active]);
        return;
    }
  }

  return (
    <section className="patient-search">
      <label className="field">
        <span className="field-label">{label ?? <>{t("reg.searchLabel")} <kbd>F3</kbd></>}</span>
        <input
          ref={input}
          type="text"
          role="combobox"
          aria-autocomplete="list"
          aria-expanded={items.length > 0}
          aria-controls={listId}
          aria-activedescendant={items.length > 0 ? `${listId}-${active}` : undefined}
          placeholder={t("reg.searchPlaceholder")}
          spellCheck={false}
          autoComplete="off"
          data-testid={`${testId}-search`}
          value={query}
          onChange={(e) => {
            onQuery(e.target.value);
            search(e.target.value);
          }}
          onFocus={(e) => e.target.select()}
          onKeyDown={onKeyDown}
        />
      </label>
      {!found && <span className="field-hint">{t("reg.searchHint")}</span>}
      {problem && <ErrorText problem={{ ipc: problem }} testId={`${testId}-search-error`} />}
      {found && items.length === 0 && (
        <p className="muted" data-testid={`${testId}-none`}>
          {t(onNew ? "reg.searchNone" : "reg.searchNoneHere", { query: found.for.trim() })}
        </p>
      )}
      {items.length > 0 && (
        // `data-answers`: the text these results answer (tests wait for it, not for time).
        <ul className="patient-results" role="listbox" id={listId} data-testid={`${testId}-results`} data-answers={found?.for}>
          {items.map((p, i) => (
            <li
              key={p.id}
              id={`${listId}-${i}`}
              role="option"
              aria-selected={i === active}
              className={`patient-row ${i === active ? "active" : ""} ${p.id === pinnedId ? "pinned-row" : ""}`}
              data-testid={`${testId}-row`}
              onMouseDown={(e) => e.preventDefault()} // keep the focus in the box
              onClick={() => {
                setActive(i);
                onPick(p);
              }}
            >
              <span className="patient-row-name">
                {p.name} <span className="row-facts">{sexAge(p, t)}</span>
              </span>
              <PatientNo p={p} />
              <span className="row-facts">
                {p.id_number ? maskId(p.id_number) : t("patient.noIdNumber")}
                {p.phone && ` · ${p.phone}`}
              </span>
            </li>
          ))}
        </ul>
      )}
      {onNew && (
        <button type="button" className="new-patient" data-testid="new-patient" onClick={onNew}>
          <kbd>F2</kbd> {t("nav.newPatient")}
        </button>
      )}
    </section>
  );
}
