//! 入院 for the pinned patient: department (inpatient wards only; its code typed chooses it),
//! ward, bed, doctor, diagnosis, insurance (the patient's by default). Enter goes field to
//! field and admits from the last; Esc steps back, and from the department to the search box.
//! An insured patient is admitted as self-pay during the outage and converted after recovery:
//! the form says so before, the result after. A patient already admitted needs 确认再次入院.

import { useEffect, useImperativeHandle, useRef, type Ref } from "react";
import { api, type CodeMap } from "../../api";
import type { AdmissionView } from "../../bindings/AdmissionView";
import type { DepartmentView } from "../../bindings/DepartmentView";
import type { Insurance } from "../../bindings/Insurance";
import type { PatientView } from "../../bindings/PatientView";
import { ErrorText, errorIn } from "../../components/ErrorText";
import { Field } from "../../components/Field";
import { KeyForm } from "../../components/KeyForm";
import { KeySelect, type KeyOption } from "../../components/KeySelect";
import { useDraft, useKept } from "../../hooks/useDraft";
import { useSubmit, type FieldFor } from "../../hooks/useSubmit";
import { useT, type MsgKey } from "../../i18n";
import { BACK_ENTRY_FIELDS, BackEntry } from "../../components/BackEntry";

const FIELD_OF: CodeMap<string> = {
  ...BACK_ENTRY_FIELDS,
  dept_unknown: "dept",
  dept_not_inpatient: "dept",
  insurance_invalid: "insurance",
  insurance_no_missing: "insuranceNo",
};
const fieldFor: FieldFor = (code) => FIELD_OF[code];

/** Refusals told in the admission office's own words. */
export const ADMIT_WORDS: CodeMap<MsgKey> = {
  role_forbidden: "adm.roleForbidden",
  outage_not_active: "adm.outageNotActive",
  patient_unknown: "adm.patientUnknown",
  shift_required: "dep.shiftRequired",
};

const SECOND = "admission_already_active";
export const INSURANCES: Insurance[] = ["self_pay", "employee", "resident", "public_funded", "commercial"];

/** The form's typed values, kept while the clerk goes elsewhere; cleared for the next patient. */
export function useAdmDraft() {
  const [dept, setDept, clearDept] = useDraft("adm.dept");
  const [ward, setWard, clearWard] = useDraft("adm.ward");
  const [bed, setBed, clearBed] = useDraft("adm.bed");
  const [doctor, setDoctor, clearDoctor] = useDraft("adm.doctor");
  const [diagnosis, setDiagnosis, clearDiagnosis] = useDraft("adm.diagnosis");
  const [insurance, setInsurance, clearInsurance] = useDraft("adm.insurance", "self_pay");
  const [insuranceNo, setInsuranceNo, clearInsuranceNo] = useDraft("adm.insuranceNo");
  const [backEntry, setBackEntry, clearBackEntry] = useKept("adm.backEntry", false);
  const [backAt, setBackAt, clearBackAt] = useDraft("adm.backAt");
  const clear = () =>
    [clearDept, clearWard, clearBed, clearDoctor, clearDiagnosis, clearInsurance, clearInsuranceNo, clearBackEntry, clearBackAt].forEach((c) => c());
  /** A newly pinned patient brings their insurance. */
  const takePatient = (p: PatientView) => {
    setInsurance(p.insurance);
    setInsuranceNo(p.insurance_no);
  };
  return {
    dept, setDept, ward, setWard, bed, setBed, doctor, setDoctor, diagnosis, setDiagnosis,
    insurance, setInsurance, insuranceNo, setInsuranceNo, backEntry, setBackEntry, backAt, setBackAt, clear, takePatient,
  };
}
export type AdmDraft = ReturnType<typeof useAdmDraft>;

/** Inpatient wards only: the core refuses an admission anywhere else. */
export const admissible = (depts: DepartmentView[]) => depts.filter((d) => d.kind === "inpatient");

const blankToNull = (text: string) => (text.trim() === "" ? null : text.trim());

interface Props {
  patient: PatientView;
  depts: DepartmentView[];
  draft: AdmDraft;
  onAdmitted: (a: AdmissionView) => void;
  onBackOut: () => void;
  deptRef?: Ref<HTMLSelectElement>;
}

export function AdmitForm({ patient, depts, draft, onAdmitted, onBackOut, deptRef }: Props) {
  const t = useT();
  const deptSelect = useRef<HTMLSelectElement>(null);
  useImperativeHandle(deptRef, () => deptSelect.current!, []);
  const confirmButton = useRef<HTMLButtonElement>(null);
  const { pending, problem, setProblem, run } = useSubmit(fieldFor);
  const code = problem?.ipc?.code;
  const chosen = depts.find((d) => d.code === draft.dept) ?? null;
  const insured = draft.insurance !== "self_pay";
  const showBackEntry = draft.backEntry || code === "outage_not_active";

  useEffect(() => {
    if (code === SECOND) confirmButton.current?.focus();
  }, [problem]);

  function submit(confirmSecond = false) {
    if (!chosen) return setProblem({ key: "adm.deptRequired", field: "dept" });
    if (draft.backEntry && draft.backAt.trim() === "") return setProblem({ key: "reg.backAtRequired", field: "backAt" });
    void run(async () => {
      onAdmitted(
        await api.admit({
          patient: patient.downtime_no ?? patient.his_id ?? "",
          dept: chosen.code,
          ward: blankToNull(draft.ward),
          bed: blankToNull(draft.bed),
          doctor: blankToNull(draft.doctor),
          diagnosis: blankToNull(draft.diagnosis),
          insurance: draft.insurance,
          insurance_no: insured ? blankToNull(draft.insuranceNo) : null,
          confirm_second: confirmSecond,
          back_entered_at: draft.backEntry ? draft.backAt.trim() : null,
        }),
      );
    }).then((e) => {
      if (e && ADMIT_WORDS[e.code]) setProblem({ ipc: e, key: ADMIT_WORDS[e.code], field: fieldFor(e.code) });
    });
  }

  const err = (slot: string) => errorIn(problem, slot, "adm-error");
  const deptOptions: KeyOption<string>[] = [
    { value: "", label: t("reg.deptChoose") },
    ...depts.map((d) => ({ value: d.code, label: `${d.code} ${d.name}${d.kind === "inpatient" ? "" : t(d.kind === "emergency" ? "adm.deptEmergency" : "adm.deptOutpatient")}` })),
  ];
  const insuranceOptions: KeyOption<Insurance>[] = INSURANCES.map((value, i) => ({ value, label: t(`insuranceShort.${value}`), keys: [String(i)] }));
  const doctors = chosen?.doctors ?? [];

  return (
    <KeyForm onSubmit={() => submit()} problem={problem} onBackOut={onBackOut} className="cols2 adm-fields" testId="adm-form">
      <KeySelect
        ref={deptSelect}
        name="dept"
        label={t("adm.dept")}
        testId="adm-dept"
        value={draft.dept}
        options={deptOptions}
        onChange={draft.setDept}
        error={err("dept")}
        className="span2"
        codeTypeAhead
      />
      <Field name="ward" label={`${t("adm.ward")}（${t("common.optional")}）`} testId="adm-ward" value={draft.ward} onChange={draft.setWard} error={err("ward")} />
      <Field name="bed" label={`${t("adm.bed")}（${t("common.optional")}）`} testId="adm-bed" value={draft.bed} onChange={draft.setBed} error={err("bed")} />
      <Field
        name="doctor"
        label={`${t("adm.doctor")}（${t("common.optional")}）`}
        hint={doctors.length > 0 ? t("adm.doctorsOf", { doctors: doctors.join("、") }) : undefined}
        testId="adm-doctor"
        value={draft.doctor}
        onChange={draft.setDoctor}
        error={err("doctor")}
      />
      <Field name="diagnosis" label={`${t("adm.diagnosis")}（${t("common.optional")}）`} testId="adm-diagnosis" value={draft.diagnosis} onChange={draft.setDiagnosis} error={err("diagnosis")} />
      <KeySelect
        name="insurance"
        label={t("np.insurance")}
        testId="adm-insurance"
        value={draft.insurance as Insurance}
        options={insuranceOptions}
        onChange={draft.setInsurance}
        error={err("insurance")}
      />
      {insured ? (
        <Field name="insuranceNo" label={t("np.insuranceNo")} testId="adm-insurance-no" value={draft.insuranceNo} onChange={draft.setInsuranceNo} error={err("insuranceNo")} />
      ) : (
        <p className="field-hint self-pay-hint">{t("np.selfPayHint")}</p>
      )}
      {insured && (
        <p className="pay-due span2" data-testid="adm-insured-note">
          {t("adm.convertNote")}
        </p>
      )}
      {showBackEntry && (
        <div className="span2">
          <BackEntry on={draft.backEntry} onToggle={draft.setBackEntry} at={draft.backAt} onAt={draft.setBackAt} hint="adm.backEntryHint" prefix="adm" errorFor={err} />
        </div>
      )}
      <div className="span2">
        {code === SECOND && problem ? (
          <div className="confirm-box" data-testid="adm-second">
            <ErrorText problem={problem} testId="adm-error" />
            <div className="button-row">
              <button ref={confirmButton} type="button" className="primary" data-testid="adm-confirm-second" disabled={pending} onClick={() => submit(true)}>
                {t("adm.confirmSecond")}
              </button>
              <button type="button" className="quiet" onClick={() => deptSelect.current?.focus()}>
                {t("adm.confirmSecondBack")}
              </button>
            </div>
          </div>
        ) : (
          err("form")
        )}
      </div>
      <button type="submit" className="primary" data-testid="adm-submit" disabled={pending}>
        {t("adm.submit")} <kbd>Enter</kbd>
      </button>
    </KeyForm>
  );
}
