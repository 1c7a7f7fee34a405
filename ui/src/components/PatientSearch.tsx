//! 查找患者, left on the counter screens (挂号, 收费): one box for a name, pinyin initials, ID number,
//! phone, downtime number (DT-…) or HIS ID. Every keystroke asks the core (`find_patients`);
//! only the reply to the latest text is shown. ↑/↓ move the highlight, Enter picks it. Enter
//! typed before the reply to the text in the box picks that reply's first row when it comes,
//! as the item picker does (`useCombobox`); the pinned card then shows sex, age, number and ID number to
//! check against the patient (wrong-patient errors are downtime's commonest harm).

import { useEffect, useImperativeHandle, useRef, type Ref } from "react";
import { api } from "../api";
import type { PatientView } from "../bindings/PatientView";
import { ErrorText } from "./ErrorText";
import { useCombobox } from "../hooks/useCombobox";
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
  const box = useCombobox<PatientView>({ query, find: (q) => api.findPatients(q, LIMIT), onPick, closable: false });
  const { found, items, active, problem } = box;

  // Back on the screen with a query kept from before, its results are shown again.
  useEffect(() => {
    if (query.trim() !== "") box.search(query);
  }, []); // once, on arrival
  // A query the screen cleared (next patient) takes its results with it.
  useEffect(() => {
    if (query === "") box.forget();
  }, [query]);

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
          aria-controls={box.listId}
          aria-activedescendant={items.length > 0 ? box.optionId(active) : undefined}
          placeholder={t("reg.searchPlaceholder")}
          spellCheck={false}
          autoComplete="off"
          data-testid={`${testId}-search`}
          value={query}
          onChange={(e) => {
            onQuery(e.target.value);
            box.search(e.target.value);
          }}
          onFocus={(e) => e.target.select()}
          onKeyDown={box.onKeyDown}
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
        <ul className="patient-results" role="listbox" id={box.listId} data-testid={`${testId}-results`} data-answers={found?.for}>
          {items.map((p, i) => (
            <li
              key={p.id}
              id={box.optionId(i)}
              role="option"
              aria-selected={i === active}
              className={`patient-row ${i === active ? "active" : ""} ${p.id === pinnedId ? "pinned-row" : ""}`}
              data-testid={`${testId}-row`}
              onMouseDown={(e) => e.preventDefault()} // keep the focus in the box
              onClick={() => {
                box.setActive(i);
                box.pick(p);
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
