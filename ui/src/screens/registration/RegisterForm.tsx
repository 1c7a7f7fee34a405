//! 挂号 for the pinned patient: department, type, doctor; Enter goes field to field and
//! registers from the last, Esc steps back and from the department to the search box. An HIS
//! patient goes by HIS ID and comes back with a downtime number. Outside an outage the core
//! refuses (registration happens in the HIS) unless a paper record is being back-entered: the
//! 补录 box then asks when the visit really happened.

import { useEffect, useImperativeHandle, useRef, type Ref } from "react";
import { api } from "../../api";
import type { DepartmentView } from "../../bindings/DepartmentView";
import type { PatientView } from "../../bindings/PatientView";
import type { RegType } from "../../bindings/RegType";
import type { RegistrationView } from "../../bindings/RegistrationView";
import { errorIn } from "../../components/ErrorText";
import { Field } from "../../components/Field";
import { KeyForm } from "../../components/KeyForm";
import { KeySelect, type KeyOption } from "../../components/KeySelect";
import { useDraft, useKept } from "../../hooks/useDraft";
import { useSubmit, type FieldFor } from "../../hooks/useSubmit";
import { useT, type MsgKey } from "../../i18n";

const FIELD_OF: Record<string, string> = {
  dept_unknown: "dept",
  dept_not_outpatient: "dept",
  text_empty: "doctor",
  text_control_chars: "doctor",
  outage_not_active: "backEntry",
  time_invalid: "backAt",
  time_in_future: "backAt",
  back_entry_outside_outage: "backAt",
};
const fieldFor: FieldFor = (code) => FIELD_OF[code];

/** Refusals told in the counter's own words, with the key that helps. */
const OWN_WORDS: Record<string, MsgKey> = {
  shift_required: "reg.shiftRequired",
  outage_not_active: "reg.outageNotActive",
};

export const REG_TYPE_KEY: Record<RegType, MsgKey> = {
  ordinary: "regType.ordinary",
  expert: "regType.expert",
  emergency: "regType.emergency",
};
const REG_TYPES: RegType[] = ["ordinary", "expert", "emergency"];

/** The form's typed values, kept while the clerk goes elsewhere; cleared for the next patient. */
export function useRegDraft() {
  const [dept, setDept, clearDept] = useDraft("reg.dept");
  const [regType, setRegType, clearRegType] = useDraft("reg.type", "ordinary");
  const [doctor, setDoctor, clearDoctor] = useDraft("reg.doctor");
  const [backEntry, setBackEntry, clearBackEntry] = useKept("reg.backEntry", false);
  const [backAt, setBackAt, clearBackAt] = useDraft("reg.backAt");
  const clear = () => [clearDept, clearRegType, clearDoctor, clearBackEntry, clearBackAt].forEach((c) => c());
  return { dept, setDept, regType, setRegType, doctor, setDoctor, backEntry, setBackEntry, backAt, setBackAt, clear };
}
export type RegDraft = ReturnType<typeof useRegDraft>;

/** Departments where outpatients can be registered. */
export const registrable = (depts: DepartmentView[]) => depts.filter((d) => d.kind !== "inpatient");

interface Props {
  patient: PatientView;
  depts: DepartmentView[];
  draft: RegDraft;
  onRegistered: (r: RegistrationView) => void;
  onBackOut: () => void;
  deptRef?: Ref<HTMLSelectElement>;
}

export function RegisterForm({ patient, depts, draft, onRegistered, onBackOut, deptRef }: Props) {
  const t = useT();
  const deptSelect = useRef<HTMLSelectElement>(null);
  useImperativeHandle(deptRef, () => deptSelect.current!, []);
  const backToggle = useRef<HTMLInputElement>(null);
  const backAtInput = useRef<HTMLInputElement>(null);
  const { pending, problem, setProblem, run } = useSubmit(fieldFor);
  const { dept, regType, doctor, backEntry, backAt } = draft;
  const code = problem?.ipc?.code;
  const chosen = depts.find((d) => d.code === dept) ?? null;
  const showBackEntry = backEntry || code === "outage_not_active";

  // Ticking 补录 from the keyboard: the next keystroke is the real time.
  useEffect(() => {
    if (backEntry && document.activeElement === backToggle.current) backAtInput.current?.focus();
  }, [backEntry]);

  function chooseDept(code: string) {
    draft.setDept(code);
    const next = depts.find((d) => d.code === code);
    // An emergency department registers emergencies; elsewhere an emergency type is undone.
    if (next?.kind === "emergency") draft.setRegType("emergency");
    else if (regType === "emergency") draft.setRegType("ordinary");
    if (next && doctor && !next.doctors.includes(doctor)) draft.setDoctor("");
  }

  function submit() {
    if (!chosen) {
      setProblem({ key: "reg.deptRequired", field: "dept" });
      return;
    }
    if (backEntry && backAt.trim() === "") {
      setProblem({ key: "reg.backAtRequired", field: "backAt" });
      return;
    }
    void run(async () => {
      onRegistered(
        await api.register({
          patient: patient.downtime_no ?? patient.his_id ?? "",
          dept: chosen.code,
          reg_type: regType as RegType,
          doctor: doctor.trim() === "" ? null : doctor.trim(),
          back_entered_at: backEntry ? backAt.trim() : null,
        }),
      );
    }).then((e) => {
      if (e && OWN_WORDS[e.code]) setProblem({ ipc: e, key: OWN_WORDS[e.code], field: fieldFor(e.code) });
    });
  }

  const err = (slot: string) => errorIn(problem, slot, "reg-error");
  const deptOptions: KeyOption<string>[] = [
    { value: "", label: t("reg.deptChoose") },
    ...depts.map((d) => ({ value: d.code, label: `${d.code} ${d.name}${d.kind === "emergency" ? t("reg.deptEmergency") : ""}` })),
  ];
  const typeOptions: KeyOption<RegType>[] = REG_TYPES.map((value, i) => ({ value, label: t(REG_TYPE_KEY[value]), keys: [String(i + 1)] }));
  const doctors = chosen?.doctors ?? [];
  const doctorOptions: KeyOption<string>[] = [
    { value: "", label: t("reg.doctorAny"), keys: ["0"] },
    ...doctors.map((d, i) => ({ value: d, label: d, keys: i < 9 ? [String(i + 1)] : [] })),
  ];

  return (
    <KeyForm onSubmit={submit} problem={problem} onBackOut={onBackOut} className="reg-fields" testId="reg-form">
      <KeySelect ref={deptSelect} name="dept" label={t("reg.dept")} testId="reg-dept" value={dept} options={deptOptions} onChange={chooseDept} error={err("dept")} codeTypeAhead />
      <KeySelect name="regType" label={t("reg.type")} testId="reg-type" value={regType as RegType} options={typeOptions} onChange={draft.setRegType} />
      {doctors.length > 0 ? (
        <KeySelect name="doctor" label={t("reg.doctor")} testId="reg-doctor" value={doctor} options={doctorOptions} onChange={draft.setDoctor} error={err("doctor")} />
      ) : (
        <Field name="doctor" label={`${t("reg.doctor")}（${t("common.optional")}）`} testId="reg-doctor" value={doctor} onChange={draft.setDoctor} error={err("doctor")} />
      )}
      {showBackEntry && (
        <fieldset className="back-entry">
          <legend>{t("reg.backEntryTitle")}</legend>
          {err("backEntry")}
          <label className="check">
            <input
              ref={backToggle}
              type="checkbox"
              name="backEntry"
              data-testid="reg-back-toggle"
              checked={backEntry}
              onChange={(e) => draft.setBackEntry(e.target.checked)}
            />
            {t("reg.backEntry")} <span className="field-hint">{t("reg.backEntryHint")}</span>
          </label>
          {backEntry && (
            <Field
              ref={backAtInput}
              name="backAt"
              label={t("reg.backAt")}
              hint={t("reg.backAtHint")}
              testId="reg-back-entry"
              value={backAt}
              onChange={draft.setBackAt}
              error={err("backAt")}
            />
          )}
        </fieldset>
      )}
      {err("form")}
      <button type="submit" className="primary" data-testid="reg-submit" disabled={pending}>
        {t("reg.submit")} <kbd>Enter</kbd>
      </button>
    </KeyForm>
  );
}
