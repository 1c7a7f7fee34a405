//! 号别与挂号费, from 操作员与设置: the hospital's registration types left, each with its fee as
//! the core prices it from the price list in force (or which codes that list lacks); ↑/↓ choose
//! one and Enter edits it; Ctrl+N 新增号别. The form right: key (fixed once the type exists),
//! name, the fee items by price-list code (several separated by spaces or commas; none: a
//! free type), and 启用 — unticked, the type is no longer offered at registration. Under the
//! list, the fee items of the type being edited, each with its name and price. Every change
//! returns the new list from the core, which also decides who may change it (supervisors and
//! administrators) and refuses a code the price list lacks, naming it. Typed text survives Esc.

import { useEffect, useRef, useState, type KeyboardEvent } from "react";
import { api, type CodeMap } from "../../api";
import type { RegTypeView } from "../../bindings/RegTypeView";
import type { Role } from "../../bindings/Role";
import { Dialog } from "../../components/Dialog";
import { ErrorText, errorIn } from "../../components/ErrorText";
import { Field } from "../../components/Field";
import { KeyForm } from "../../components/KeyForm";
import { formatFen } from "../../format";
import { useKept } from "../../hooks/useDraft";
import { useHotkeys } from "../../hooks/useHotkeys";
import { useSubmit, type FieldFor } from "../../hooks/useSubmit";
import { useT } from "../../i18n";
import type { Notice } from "../notice";

/** The form as typed: the codes as one text, `existing` when editing a listed type. */
type TypeDraft = { key: string; name: string; codes: string; active: boolean; existing: boolean };

const NEW_TYPE: TypeDraft = { key: "", name: "", codes: "", active: true, existing: false };

/** `110200001 110200002`, `110200001,110200002`, `110200001，110200002` → the codes. */
export function splitCodes(text: string): string[] {
  return text
    .split(/[\s,，、;；]+/)
    .map((c) => c.trim())
    .filter((c) => c !== "");
}

const FIELD_OF: CodeMap<string> = {
  reg_type_key_invalid: "key",
  reg_type_name_taken: "name",
  text_empty: "name",
  text_control_chars: "name",
  reg_fee_code_unknown: "codes",
};
const fieldFor: FieldFor = (code) => FIELD_OF[code];

type Target = "list" | "key" | "name";

interface Props {
  role: Role | undefined;
  /** The types changed: screens holding them load them again. */
  onChanged: () => void;
  onClose: () => void;
}

export function RegTypesDialog({ role, onChanged, onClose }: Props) {
  const t = useT();
  const [types, setTypes] = useState<RegTypeView[] | null>(null);
  const [selected, setSelected] = useState<string | null>(null);
  const [draft, setDraft, clearDraft] = useKept<TypeDraft>("regtype.form", NEW_TYPE);
  const [notice, setNotice] = useState<Notice | null>(null);
  const load = useSubmit();
  const write = useSubmit(fieldFor);
  const list = useRef<HTMLUListElement>(null);
  const keyInput = useRef<HTMLInputElement>(null);
  const nameInput = useRef<HTMLInputElement>(null);
  const [focus, setFocus] = useState<{ target: Target; seq: number } | null>(null);
  const focusOn = (target: Target) => setFocus((f) => ({ target, seq: (f?.seq ?? 0) + 1 }));
  const canEdit = role === "admin" || role === "supervisor";

  useEffect(() => {
    void load.run(async () => {
      const loaded = await api.regTypes();
      setTypes(loaded);
      // Text kept from before goes on; else choose from the list, or start a new one.
      const typed = draft.existing || draft.key !== "" || draft.name !== "";
      focusOn(typed ? (draft.existing ? "name" : "key") : loaded.length > 0 ? "list" : "key");
    });
  }, [load.run]); // once: the draft read is the one kept when the dialog opened

  useEffect(() => {
    if (focus) ({ list: list.current, key: keyInput.current, name: nameInput.current })[focus.target]?.focus();
  }, [focus]);

  useHotkeys({ "Ctrl+N": startNew });

  const rows = types ?? [];
  const index = rows.findIndex((x) => x.key === selected);
  const set = (patch: Partial<TypeDraft>) => setDraft({ ...draft, ...patch });
  const editing = draft.existing ? rows.find((x) => x.key === draft.key) ?? null : null;

  function startNew() {
    clearDraft();
    setNotice(null);
    write.setProblem(null);
    focusOn("key");
  }

  function edit(x: RegTypeView) {
    setSelected(x.key);
    setDraft({ key: x.key, name: x.name, codes: x.fee_items.map((i) => i.code).join(" "), active: x.active, existing: true });
    setNotice(null);
    write.setProblem(null);
    focusOn("name");
  }

  function onListKey(e: KeyboardEvent<HTMLUListElement>) {
    if (rows.length === 0) return;
    if (e.key === "ArrowDown" || e.key === "ArrowUp") {
      e.preventDefault();
      const i = index < 0 ? 0 : e.key === "ArrowDown" ? Math.min(index + 1, rows.length - 1) : Math.max(index - 1, 0);
      setSelected(rows[i].key);
    } else if (e.key === "Enter") {
      e.preventDefault();
      edit(rows[Math.max(index, 0)]);
    }
  }

  function save() {
    const input = { key: draft.key.trim(), name: draft.name.trim(), fee_codes: splitCodes(draft.codes), active: draft.active };
    setNotice(null);
    void write.run(async () => {
      const next = await api.setRegType(input);
      setTypes(next);
      onChanged();
      const saved = next.find((x) => x.key === input.key.toLowerCase());
      const fee = saved?.total_fen != null ? (saved.total_fen === 0 ? t("regtype.free") : formatFen(saved.total_fen)) : "—";
      setNotice({ key: input.active ? "notice.regTypeSaved" : "notice.regTypeStopped", vars: { name: saved?.name ?? input.name, fee } });
      setSelected(saved?.key ?? null);
      clearDraft();
      focusOn("list"); // the list shows what was saved; Enter edits it again
    });
  }

  return (
    <Dialog title={t("regtype.title")} onClose={onClose} size="wide">
      <div data-testid="regtype-editor">
        {notice && (
          <p className="notice" role="status" data-testid="regtype-notice">
            {t(notice.key, notice.vars)}
          </p>
        )}
        <div className="two-col dept-cols">
          <div>
            {load.problem && <ErrorText problem={load.problem} testId="regtype-load-error" />}
            <ul
              ref={list}
              className="today-list dept-list"
              role="listbox"
              tabIndex={0}
              aria-label={t("regtype.title")}
              aria-activedescendant={index >= 0 ? `regtype-${rows[index].key}` : undefined}
              data-testid="regtype-list"
              onKeyDown={onListKey}
            >
              {types !== null && rows.length === 0 && <li className="muted today-empty">{t("regtype.listEmpty")}</li>}
              {rows.map((x, i) => (
                <li
                  key={x.key}
                  id={`regtype-${x.key}`}
                  role="option"
                  aria-selected={i === index}
                  className={`today-row dept-row ${i === index ? "active" : ""}`}
                  data-testid="regtype-row"
                  onClick={() => edit(x)}
                >
                  <span className="code">{x.key}</span>
                  <span className="today-main">
                    <span className="today-who">{x.name}</span>{" "}
                    <span className="row-facts">{x.fee_items.map((f) => f.name || f.code).join(" + ")}</span>
                  </span>
                  <span className={`tag ${x.missing_codes.length > 0 || !x.active ? "tag-warn" : ""}`}>
                    {!x.active
                      ? t("regtype.inactive")
                      : x.missing_codes.length > 0
                        ? t("regtype.missing", { codes: x.missing_codes.join("、") })
                        : x.total_fen === 0
                          ? t("regtype.free")
                          : formatFen(x.total_fen ?? 0)}
                  </span>
                </li>
              ))}
            </ul>
            <p className="field-hint">{t("regtype.listHint")}</p>
            {editing && (
              <table className="table regtype-fees" data-testid="regtype-fees">
                <thead>
                  <tr>
                    <th>{t("regtype.colCode")}</th>
                    <th>{t("regtype.colItem")}</th>
                    <th className="num">{t("regtype.colPrice")}</th>
                  </tr>
                </thead>
                <tbody>
                  {editing.fee_items.map((f) => (
                    <tr key={f.code}>
                      <td>{f.code}</td>
                      <td className={f.missing ? "locked" : undefined}>{f.missing ? t("regtype.itemMissing") : f.name}</td>
                      <td className="num">{f.unit_price ? `¥${f.unit_price}` : "—"}</td>
                    </tr>
                  ))}
                  <tr>
                    <td colSpan={2}>{t("regtype.total")}</td>
                    <td className="num">
                      <b>{editing.total_fen != null ? formatFen(editing.total_fen) : "—"}</b>
                    </td>
                  </tr>
                </tbody>
              </table>
            )}
          </div>
          <div>
            <div className="dept-form-head">
              <h3>{draft.existing ? t("regtype.editTitle", { key: draft.key }) : t("regtype.new")}</h3>
              <button type="button" data-testid="regtype-new" onClick={startNew}>
                {t("regtype.new")} <kbd>Ctrl+N</kbd>
              </button>
            </div>
            {!canEdit && <p className="field-hint">{t("regtype.rolesOnly")}</p>}
            <KeyForm onSubmit={save} problem={write.problem} escBack={false} className="grid-form">
              <Field
                name="key"
                label={t("regtype.key")}
                hint={t(draft.existing ? "regtype.keyFixed" : "regtype.keyHint")}
                testId="regtype-key"
                value={draft.key}
                onChange={(key) => set({ key })}
                readOnly={draft.existing}
                ref={keyInput}
                error={errorIn(write.problem, "key", "regtype-error")}
              />
              <Field name="name" label={t("regtype.name")} testId="regtype-name" value={draft.name} onChange={(name) => set({ name })} ref={nameInput} error={errorIn(write.problem, "name", "regtype-error")} />
              <Field
                name="codes"
                label={t("regtype.codes")}
                hint={t("regtype.codesHint")}
                testId="regtype-codes"
                value={draft.codes}
                onChange={(codes) => set({ codes })}
                error={errorIn(write.problem, "codes", "regtype-error")}
              />
              <label className="check">
                <input type="checkbox" name="active" data-testid="regtype-active" checked={draft.active} onChange={(e) => set({ active: e.target.checked })} />
                {t("regtype.active")} <span className="field-hint">{t("regtype.activeHint")}</span>
              </label>
              {errorIn(write.problem, "form", "regtype-error")}
              <button type="submit" className={draft.active ? "primary" : "danger"} data-testid="regtype-save" disabled={write.pending}>
                {t("regtype.save")} <kbd>Enter</kbd>
              </button>
            </KeyForm>
          </div>
        </div>
      </div>
    </Dialog>
  );
}
