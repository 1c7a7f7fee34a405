//! 科室表, from 操作员与设置 (and from the registration and admission screens when the list is
//! empty): the departments left, ↑/↓ choose one and Enter edits it; Ctrl+N 新增科室. The form
//! right: code (fixed once the department exists: a new code is a new department), name, kind
//! (门诊 1 / 急诊 2 / 住院 3), the doctors in one field separated by 、 or commas, and 启用 —
//! unticked stops the department, which then leaves the list. Under the list, a 科室表 CSV is
//! imported as the price list is (the raw file, its name as a header), or the sample list.
//! Every change returns the new list from the core, which also decides who may change it
//! (`edit_lists`; `role_forbidden` otherwise). Typed text survives Esc (`ListEditor`).

import { useState } from "react";
import { api } from "../../api";
import type { DepartmentView } from "../../bindings/DepartmentView";
import type { DeptKind } from "../../bindings/DeptKind";
import { ErrorText, errorIn } from "../../components/ErrorText";
import { Field } from "../../components/Field";
import { KeyForm } from "../../components/KeyForm";
import { KeySelect, type KeyOption } from "../../components/KeySelect";
import type { FieldFor } from "../../hooks/useSubmit";
import { useT, type MsgKey } from "../../i18n";
import { FilePicker, type PickedFile } from "../../components/FilePicker";
import { EditorHead, EditorList, ListEditorDialog, useListEditor } from "./ListEditor";

export const KIND_KEY: Record<DeptKind, MsgKey> = {
  outpatient: "deptKind.outpatient",
  emergency: "deptKind.emergency",
  inpatient: "deptKind.inpatient",
};

const KINDS: DeptKind[] = ["outpatient", "emergency", "inpatient"];

/** The form as typed: doctors as one text, `existing` when editing a listed department. */
type DeptDraft = { code: string; name: string; kind: DeptKind; doctors: string; active: boolean; existing: boolean };

const NEW_DEPT: DeptDraft = { code: "", name: "", kind: "outpatient", doctors: "", active: true, existing: false };

/** `张明、王芳`, `张明,王芳`, `张明，王芳` → `["张明", "王芳"]`. */
export function splitDoctors(text: string): string[] {
  return text
    .split(/[、,，;；\n]/)
    .map((d) => d.trim())
    .filter((d) => d !== "");
}

const fieldFor: FieldFor = (code) => (code === "dept_code_invalid" ? "code" : code === "text_empty" ? "name" : undefined);

interface Props {
  /** The operator may change the list (`edit_lists` in the status's `may`). */
  canEdit: boolean;
  /** The list changed: screens holding it load it again. */
  onChanged: () => void;
  onClose: () => void;
}

export function DepartmentsDialog({ canEdit, onChanged, onClose }: Props) {
  const t = useT();
  const ed = useListEditor<DepartmentView, DeptDraft>({
    load: api.departments,
    keyOf: (d) => d.code,
    draftKey: "dept.form",
    blank: NEW_DEPT,
    toDraft: (d) => ({ code: d.code, name: d.name, kind: d.kind, doctors: d.doctors.join("、"), active: true, existing: true }),
    existing: (d) => d.existing,
    typed: (d) => d.existing || d.code !== "" || d.name !== "",
    fieldFor,
    onChanged,
  });
  const { draft, set, write } = ed;
  /** Which write the problem belongs to: it shows beside the form or beside the import. */
  const [op, setOp] = useState<"save" | "import">("save");

  /** A write that returns the new list; `done` says what became of it. */
  function changed(which: "save" | "import", work: () => Promise<DepartmentView[]>, done: (next: DepartmentView[]) => void) {
    setOp(which);
    return ed.changed(work, done);
  }

  function save() {
    const input = { code: draft.code.trim(), name: draft.name.trim(), kind: draft.kind, doctors: splitDoctors(draft.doctors), active: draft.active };
    void changed(
      "save",
      () => api.setDepartment(input),
      (next) => {
        const saved = next.find((d) => d.code.toUpperCase() === input.code.toUpperCase());
        const vars = { code: saved?.code ?? input.code.toUpperCase(), name: saved?.name ?? input.name };
        ed.setNotice({ key: input.active ? "notice.deptSaved" : "notice.deptStopped", vars });
        ed.setSelected(saved?.code ?? null);
        ed.clearDraft();
        ed.focusOn("first"); // ready for the next one
      },
    );
  }

  const imported = (next: DepartmentView[]) => ed.setNotice({ key: "notice.deptImported", vars: { count: next.length } });

  function importFile(file: PickedFile) {
    void changed("import", () => api.importDepartments(file), imported);
  }

  const kinds: KeyOption<DeptKind>[] = KINDS.map((k, i) => ({ value: k, label: t(KIND_KEY[k]), keys: [String(i + 1)] }));
  const saveProblem = op === "save" ? write.problem : null;

  return (
    <ListEditorDialog title={t("dept.title")} size="full" prefix="dept" notice={ed.notice} onClose={onClose}>
      {/* The list, the import and the form side by side: all of it seen on a 1366×700 window. */}
      <div className="ops-cols dept-cols">
        <div>
          <EditorList
            editor={ed}
            prefix="dept"
            label={t("dept.title")}
            empty={t("dept.listEmpty")}
            hint={t("dept.listHint")}
            row={(d) => (
              <>
                <span className="today-main">
                  <span className="today-who">{d.name}</span> <span className="row-facts">{d.doctors.join("、")}</span>
                </span>
                <span className="tag">{t(KIND_KEY[d.kind])}</span>
              </>
            )}
          />
        </div>
        <div>
          <section className="inline-form">
            <h3>{t("dept.importTitle")}</h3>
            <FilePicker
              label={t("catalog.file")}
              title={t("file.dialogDepartments")}
              filterName={t("file.filterCsv")}
              extensions={["csv"]}
              testId="dept-file"
              disabled={write.pending}
              onPick={importFile}
              hint={t("dept.fileHint")}
            />
            <div className="button-row">
              <button type="button" data-testid="dept-sample" disabled={write.pending} onClick={() => void changed("import", api.importSampleDepartments, imported)}>
                {t("reg.deptImportSample")}
              </button>
            </div>
            <p className="field-hint">{t("reg.deptSampleHint")}</p>
            {op === "import" && write.problem && <ErrorText problem={write.problem} testId="dept-error" />}
          </section>
        </div>
        <div>
          <EditorHead
            prefix="dept"
            title={draft.existing ? t("dept.editTitle", { code: draft.code }) : t("dept.new")}
            newLabel={t("dept.new")}
            canEdit={canEdit}
            rolesOnly={t("dept.rolesOnly")}
            onNew={ed.startNew}
          />
          <KeyForm onSubmit={save} problem={saveProblem} escBack={false} className="grid-form">
            <Field
              name="code"
              label={t("dept.code")}
              hint={t(draft.existing ? "dept.codeFixed" : "dept.codeHint")}
              testId="dept-code"
              value={draft.code}
              onChange={(code) => set({ code })}
              readOnly={draft.existing}
              ref={ed.refs.first}
              error={errorIn(saveProblem, "code", "dept-error")}
            />
            <Field name="name" label={t("dept.name")} testId="dept-name" value={draft.name} onChange={(name) => set({ name })} ref={ed.refs.name} error={errorIn(saveProblem, "name", "dept-error")} />
            <KeySelect name="kind" label={t("dept.kind")} testId="dept-kind" value={draft.kind} options={kinds} onChange={(kind) => set({ kind })} />
            <Field name="doctors" label={t("dept.doctors")} hint={t("dept.doctorsHint")} testId="dept-doctors" value={draft.doctors} onChange={(doctors) => set({ doctors })} />
            <label className="check">
              <input type="checkbox" name="active" data-testid="dept-active" checked={draft.active} onChange={(e) => set({ active: e.target.checked })} />
              {t("dept.active")} <span className="field-hint">{t("dept.activeHint")}</span>
            </label>
            {errorIn(saveProblem, "form", "dept-error")}
            <button type="submit" className={draft.active ? "primary" : "danger"} data-testid="dept-save" disabled={write.pending}>
              {t("dept.save")} <kbd>Enter</kbd>
            </button>
          </KeyForm>
        </div>
      </div>
    </ListEditorDialog>
  );
}
