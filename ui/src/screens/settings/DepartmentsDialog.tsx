//! 科室表, from 操作员与设置 (and from the registration and admission screens when the list is
//! empty): the departments left, ↑/↓ choose one and Enter edits it; Ctrl+N 新增科室. The form
//! right: code (fixed once the department exists: a new code is a new department), name, kind
//! (门诊 1 / 急诊 2 / 住院 3), the doctors in one field separated by 、 or commas, and 启用 —
//! unticked stops the department, which then leaves the list. Under the list, a 科室表 CSV is
//! imported as the price list is (the raw file, its name as a header), or the sample list.
//! Every change returns the new list from the core, which also decides who may change it
//! (administrators and supervisors; `role_forbidden` otherwise). Typed text survives Esc.

import { useEffect, useRef, useState, type KeyboardEvent } from "react";
import { api } from "../../api";
import type { DepartmentView } from "../../bindings/DepartmentView";
import type { DeptKind } from "../../bindings/DeptKind";
import type { Role } from "../../bindings/Role";
import { Dialog } from "../../components/Dialog";
import { ErrorText, errorIn } from "../../components/ErrorText";
import { Field } from "../../components/Field";
import { KeyForm } from "../../components/KeyForm";
import { KeySelect, type KeyOption } from "../../components/KeySelect";
import { useKept } from "../../hooks/useDraft";
import { useHotkeys } from "../../hooks/useHotkeys";
import { useSubmit, type FieldFor } from "../../hooks/useSubmit";
import { useT, type MsgKey } from "../../i18n";
import { FilePicker, type PickedFile } from "../../components/FilePicker";
import type { Notice } from "../notice";

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

type Target = "list" | "code" | "name";

interface Props {
  role: Role | undefined;
  /** The list changed: screens holding it load it again. */
  onChanged: () => void;
  onClose: () => void;
}

export function DepartmentsDialog({ role, onChanged, onClose }: Props) {
  const t = useT();
  const [depts, setDepts] = useState<DepartmentView[] | null>(null);
  const [selected, setSelected] = useState<string | null>(null);
  const [draft, setDraft, clearDraft] = useKept<DeptDraft>("dept.form", NEW_DEPT);
  const [notice, setNotice] = useState<Notice | null>(null);
  /** Which write the problem belongs to: it shows beside the form or beside the import. */
  const [op, setOp] = useState<"save" | "import">("save");
  const load = useSubmit();
  const write = useSubmit(fieldFor);
  const list = useRef<HTMLUListElement>(null);
  const codeInput = useRef<HTMLInputElement>(null);
  const nameInput = useRef<HTMLInputElement>(null);
  const [focus, setFocus] = useState<{ target: Target; seq: number } | null>(null);
  const focusOn = (target: Target) => setFocus((f) => ({ target, seq: (f?.seq ?? 0) + 1 }));
  const canEdit = role === "admin" || role === "supervisor";

  useEffect(() => {
    void load.run(async () => {
      const loaded = await api.departments();
      setDepts(loaded);
      // Text kept from before goes on; else choose from the list, or start a new one.
      const typed = draft.existing || draft.code !== "" || draft.name !== "";
      focusOn(typed ? (draft.existing ? "name" : "code") : loaded.length > 0 ? "list" : "code");
    });
  }, [load.run]); // once: the draft read is the one kept when the dialog opened

  useEffect(() => {
    if (focus) ({ list: list.current, code: codeInput.current, name: nameInput.current })[focus.target]?.focus();
  }, [focus]);

  useHotkeys({ "Ctrl+N": startNew });

  const rows = depts ?? [];
  const index = rows.findIndex((d) => d.code === selected);
  const set = (patch: Partial<DeptDraft>) => setDraft({ ...draft, ...patch });

  function startNew() {
    clearDraft();
    setNotice(null);
    write.setProblem(null);
    focusOn("code");
  }

  function edit(d: DepartmentView) {
    setSelected(d.code);
    setDraft({ code: d.code, name: d.name, kind: d.kind, doctors: d.doctors.join("、"), active: true, existing: true });
    setNotice(null);
    write.setProblem(null);
    focusOn("name");
  }

  function onListKey(e: KeyboardEvent<HTMLUListElement>) {
    if (rows.length === 0) return;
    if (e.key === "ArrowDown" || e.key === "ArrowUp") {
      e.preventDefault();
      const i = index < 0 ? 0 : e.key === "ArrowDown" ? Math.min(index + 1, rows.length - 1) : Math.max(index - 1, 0);
      setSelected(rows[i].code);
    } else if (e.key === "Enter") {
      e.preventDefault();
      edit(rows[Math.max(index, 0)]);
    }
  }

  /** A write that returns the new list; `done` says what became of it. */
  function changed(which: "save" | "import", work: () => Promise<DepartmentView[]>, done: (next: DepartmentView[]) => void) {
    setOp(which);
    setNotice(null);
    return write.run(async () => {
      const next = await work();
      setDepts(next);
      onChanged();
      done(next);
    });
  }

  function save() {
    const input = { code: draft.code.trim(), name: draft.name.trim(), kind: draft.kind, doctors: splitDoctors(draft.doctors), active: draft.active };
    void changed(
      "save",
      () => api.setDepartment(input),
      (next) => {
        const saved = next.find((d) => d.code.toUpperCase() === input.code.toUpperCase());
        const vars = { code: saved?.code ?? input.code.toUpperCase(), name: saved?.name ?? input.name };
        setNotice({ key: input.active ? "notice.deptSaved" : "notice.deptStopped", vars });
        setSelected(saved?.code ?? null);
        clearDraft();
        focusOn("code"); // ready for the next one
      },
    );
  }

  const imported = (next: DepartmentView[]) => setNotice({ key: "notice.deptImported", vars: { count: next.length } });

  function importFile(file: PickedFile) {
    void changed("import", () => api.importDepartments(file), imported);
  }

  const kinds: KeyOption<DeptKind>[] = KINDS.map((k, i) => ({ value: k, label: t(KIND_KEY[k]), keys: [String(i + 1)] }));
  const saveProblem = op === "save" ? write.problem : null;

  return (
    <Dialog title={t("dept.title")} onClose={onClose} size="full">
      <div data-testid="dept-editor">
        {notice && (
          <p className="notice" role="status" data-testid="dept-notice">
            {t(notice.key, notice.vars)}
          </p>
        )}
        {/* The list, the import and the form side by side: all of it seen on a 1366×700 window. */}
        <div className="ops-cols dept-cols">
          <div>
            {load.problem && <ErrorText problem={load.problem} testId="dept-load-error" />}
            <ul
              ref={list}
              className="today-list dept-list"
              role="listbox"
              tabIndex={0}
              aria-label={t("dept.title")}
              aria-activedescendant={index >= 0 ? `dept-${rows[index].code}` : undefined}
              data-testid="dept-list"
              onKeyDown={onListKey}
            >
              {depts !== null && rows.length === 0 && <li className="muted today-empty">{t("dept.listEmpty")}</li>}
              {rows.map((d, i) => (
                <li
                  key={d.code}
                  id={`dept-${d.code}`}
                  role="option"
                  aria-selected={i === index}
                  className={`today-row dept-row ${i === index ? "active" : ""}`}
                  data-testid="dept-row"
                  onClick={() => edit(d)}
                >
                  <span className="code">{d.code}</span>
                  <span className="today-main">
                    <span className="today-who">{d.name}</span> <span className="row-facts">{d.doctors.join("、")}</span>
                  </span>
                  <span className="tag">{t(KIND_KEY[d.kind])}</span>
                </li>
              ))}
            </ul>
            <p className="field-hint">{t("dept.listHint")}</p>
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
            <div className="dept-form-head">
              <h3>{draft.existing ? t("dept.editTitle", { code: draft.code }) : t("dept.new")}</h3>
              <button type="button" data-testid="dept-new" onClick={startNew}>
                {t("dept.new")} <kbd>Ctrl+N</kbd>
              </button>
            </div>
            {!canEdit && <p className="field-hint">{t("dept.rolesOnly")}</p>}
            <KeyForm onSubmit={save} problem={saveProblem} escBack={false} className="grid-form">
              <Field
                name="code"
                label={t("dept.code")}
                hint={t(draft.existing ? "dept.codeFixed" : "dept.codeHint")}
                testId="dept-code"
                value={draft.code}
                onChange={(code) => set({ code })}
                readOnly={draft.existing}
                ref={codeInput}
                error={errorIn(saveProblem, "code", "dept-error")}
              />
              <Field name="name" label={t("dept.name")} testId="dept-name" value={draft.name} onChange={(name) => set({ name })} ref={nameInput} error={errorIn(saveProblem, "name", "dept-error")} />
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
      </div>
    </Dialog>
  );
}
