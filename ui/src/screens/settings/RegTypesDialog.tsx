//! 号别与挂号费, from 操作员与设置: the hospital's registration types left, each with its fee as
//! the core prices it from the price list in force (or which codes that list lacks); ↑/↓ choose
//! one and Enter edits it; Ctrl+N 新增号别. The form right: key (fixed once the type exists),
//! name, the fee items by price-list code (several separated by spaces or commas; none: a
//! free type), and 启用 — unticked, the type is no longer offered at registration. Under the
//! list, the fee items of the type being edited, each with its name and price. Every change
//! returns the new list from the core, which also decides who may change it (`edit_lists`) and
//! refuses a code the price list lacks, naming it. Typed text survives Esc (`ListEditor`).

import { api, type CodeMap } from "../../api";
import type { RegTypeView } from "../../bindings/RegTypeView";
import { errorIn } from "../../components/ErrorText";
import { Field } from "../../components/Field";
import { KeyForm } from "../../components/KeyForm";
import { formatFen } from "../../format";
import type { FieldFor } from "../../hooks/useSubmit";
import { useT } from "../../i18n";
import { EditorHead, EditorList, ListEditorDialog, useListEditor } from "./ListEditor";

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

interface Props {
  /** The operator may change the list (`edit_lists` in the status's `may`). */
  canEdit: boolean;
  /** The types changed: screens holding them load them again. */
  onChanged: () => void;
  onClose: () => void;
}

export function RegTypesDialog({ canEdit, onChanged, onClose }: Props) {
  const t = useT();
  const ed = useListEditor<RegTypeView, TypeDraft>({
    load: api.regTypes,
    keyOf: (x) => x.key,
    draftKey: "regtype.form",
    blank: NEW_TYPE,
    toDraft: (x) => ({ key: x.key, name: x.name, codes: x.fee_items.map((i) => i.code).join(" "), active: x.active, existing: true }),
    existing: (d) => d.existing,
    typed: (d) => d.existing || d.key !== "" || d.name !== "",
    fieldFor,
    onChanged,
  });
  const { draft, set, write } = ed;
  const editing = draft.existing ? ed.rows.find((x) => x.key === draft.key) ?? null : null;

  function save() {
    const input = { key: draft.key.trim(), name: draft.name.trim(), fee_codes: splitCodes(draft.codes), active: draft.active };
    void ed.changed(
      () => api.setRegType(input),
      (next) => {
        const saved = next.find((x) => x.key === input.key.toLowerCase());
        const fee = saved?.total_fen != null ? (saved.total_fen === 0 ? t("regtype.free") : formatFen(saved.total_fen)) : "—";
        ed.setNotice({ key: input.active ? "notice.regTypeSaved" : "notice.regTypeStopped", vars: { name: saved?.name ?? input.name, fee } });
        ed.setSelected(saved?.key ?? null);
        ed.clearDraft();
        ed.focusOn("list"); // the list shows what was saved; Enter edits it again
      },
    );
  }

  return (
    <ListEditorDialog title={t("regtype.title")} size="wide" prefix="regtype" notice={ed.notice} onClose={onClose}>
      <div className="two-col dept-cols">
        <div>
          <EditorList
            editor={ed}
            prefix="regtype"
            label={t("regtype.title")}
            empty={t("regtype.listEmpty")}
            hint={t("regtype.listHint")}
            row={(x) => (
              <>
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
              </>
            )}
          />
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
          <EditorHead
            prefix="regtype"
            title={draft.existing ? t("regtype.editTitle", { key: draft.key }) : t("regtype.new")}
            newLabel={t("regtype.new")}
            canEdit={canEdit}
            rolesOnly={t("regtype.rolesOnly")}
            onNew={ed.startNew}
          />
          <KeyForm onSubmit={save} problem={write.problem} escBack={false} className="grid-form">
            <Field
              name="key"
              label={t("regtype.key")}
              hint={t(draft.existing ? "regtype.keyFixed" : "regtype.keyHint")}
              testId="regtype-key"
              value={draft.key}
              onChange={(key) => set({ key })}
              readOnly={draft.existing}
              ref={ed.refs.first}
              error={errorIn(write.problem, "key", "regtype-error")}
            />
            <Field name="name" label={t("regtype.name")} testId="regtype-name" value={draft.name} onChange={(name) => set({ name })} ref={ed.refs.name} error={errorIn(write.problem, "name", "regtype-error")} />
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
    </ListEditorDialog>
  );
}
