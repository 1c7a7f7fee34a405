//! 挂号 for the pinned patient: department, type (号别, the hospital's own, with its fee as the
//! core prices it), doctor; Enter goes field to field and from the last either registers (a
//! type without fees) or opens the payment (`RegPay`): the fee is taken at once, in the same
//! request as the registration. Esc steps back and from the department to the search box. An
//! HIS patient goes by HIS ID and comes back with a downtime number. Outside an outage the
//! core refuses (registration happens in the HIS) unless a paper record is being back-entered:
//! the 补录 box then asks when the visit really happened.

import { useEffect, useImperativeHandle, useRef, useState, type Ref } from "react";
import { api, type CodeMap } from "../../api";
import type { DepartmentView } from "../../bindings/DepartmentView";
import type { PatientView } from "../../bindings/PatientView";
import type { RegistrationView } from "../../bindings/RegistrationView";
import type { RegTypeView } from "../../bindings/RegTypeView";
import type { TenderInput } from "../../bindings/TenderInput";
import { ErrorText, errorIn } from "../../components/ErrorText";
import { Field } from "../../components/Field";
import { KeyForm } from "../../components/KeyForm";
import { KeySelect, type KeyOption } from "../../components/KeySelect";
import { useDraft, useKept } from "../../hooks/useDraft";
import { formatFen } from "../../format";
import { useSubmit, type FieldFor } from "../../hooks/useSubmit";
import { useT, type MsgKey } from "../../i18n";
import { insurable } from "../../components/PayerFields";
import { freshRegPay, payField, RegPay, type RegPayDraft } from "./RegPay";

const FIELD_OF: CodeMap<string> = {
  dept_unknown: "dept",
  dept_not_outpatient: "dept",
  reg_type_unknown: "regType",
  reg_type_inactive: "regType",
  reg_fee_item_missing: "regType",
  text_empty: "doctor",
  text_control_chars: "doctor",
  outage_not_active: "backEntry",
  time_invalid: "backAt",
  time_in_future: "backAt",
  back_entry_outside_outage: "backAt",
};
const fieldFor: FieldFor = (code) => FIELD_OF[code];

/** Refusals told in the counter's own words, with the key that helps. */
const OWN_WORDS: CodeMap<MsgKey> = {
  shift_required: "reg.shiftRequired",
  outage_not_active: "reg.outageNotActive",
};

/** The form's typed values, kept while the clerk goes elsewhere; cleared for the next patient. */
export function useRegDraft() {
  const [dept, setDept, clearDept] = useDraft("reg.dept");
  const [regType, setRegType, clearRegType] = useDraft("reg.type");
  const [doctor, setDoctor, clearDoctor] = useDraft("reg.doctor");
  const [backEntry, setBackEntry, clearBackEntry] = useKept("reg.backEntry", false);
  const [backAt, setBackAt, clearBackAt] = useDraft("reg.backAt");
  const [pay, setPay, clearPay] = useKept<RegPayDraft>("reg.pay", freshRegPay());
  const clear = () => {
    [clearDept, clearRegType, clearDoctor, clearBackEntry, clearBackAt, clearPay].forEach((c) => c());
    setPay(freshRegPay()); // the next registration is a new request
  };
  return { dept, setDept, regType, setRegType, doctor, setDoctor, backEntry, setBackEntry, backAt, setBackAt, pay, setPay, clear };
}

/** "普通号 ¥11.00", "便民门诊（免费）", or the type's name with what its fee lacks. */
export function typeLabel(type: RegTypeView, t: ReturnType<typeof useT>): string {
  if (type.total_fen === null) return `${type.name}${t("reg.typeMissing")}`;
  return type.total_fen === 0 ? `${type.name}${t("reg.typeFree")}` : `${type.name} ${formatFen(type.total_fen)}`;
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
  /** Changes when the 号别 were edited in settings: the types load again. */
  typesSeq?: number;
}

export function RegisterForm({ patient, depts, draft, onRegistered, onBackOut, deptRef, typesSeq }: Props) {
  const t = useT();
  const deptSelect = useRef<HTMLSelectElement>(null);
  const typeSelect = useRef<HTMLSelectElement>(null);
  const backToggle = useRef<HTMLInputElement>(null);
  const backAtInput = useRef<HTMLInputElement>(null);
  const { pending, problem, setProblem, run } = useSubmit(fieldFor);
  const typesLoad = useSubmit();
  const [types, setTypes] = useState<RegTypeView[] | null>(null);
  const [paying, setPaying] = useState(false);
  const { dept, regType, doctor, backEntry, backAt, pay } = draft;
  const code = problem?.ipc?.code;
  const chosen = depts.find((d) => d.code === dept) ?? null;
  const offered = (types ?? []).filter((x) => x.active);
  const type = offered.find((x) => x.key === regType) ?? null;
  const showBackEntry = backEntry || code === "outage_not_active";
  // The department list comes back with the form after a payment.
  useImperativeHandle(deptRef, () => deptSelect.current!, [paying]);

  useEffect(() => {
    void typesLoad.run(async () => setTypes(await api.regTypes()));
  }, [typesLoad.run, typesSeq]);
  // The first type offered until the clerk chooses another.
  useEffect(() => {
    if (types && !type && offered.length > 0) draft.setRegType(offered[0].key);
  }, [types]);

  // Ticking 补录 from the keyboard: the next keystroke is the real time.
  useEffect(() => {
    if (backEntry && document.activeElement === backToggle.current) backAtInput.current?.focus();
  }, [backEntry]);

  function chooseDept(code: string) {
    draft.setDept(code);
    const next = depts.find((d) => d.code === code);
    if (next && doctor && !next.doctors.includes(doctor)) draft.setDoctor("");
  }

  function submit() {
    if (!chosen) return setProblem({ key: "reg.deptRequired", field: "dept" });
    if (!type) return setProblem({ key: "reg.typeRequired", field: "regType" });
    if (type.total_fen === null) return setProblem({ key: "reg.typeMissingFee", field: "regType" });
    if (backEntry && backAt.trim() === "") return setProblem({ key: "reg.backAtRequired", field: "backAt" });
    setProblem(null);
    if (type.total_fen > 0) setPaying(true);
    else send([], null, insurable(patient), null);
  }

  // Back from the payment (Esc): the form again, on the type.
  const [backFromPay, setBackFromPay] = useState(0);
  useEffect(() => {
    if (backFromPay > 0) typeSelect.current?.focus();
  }, [backFromPay]);

  function backToForm() {
    setPaying(false);
    setBackFromPay((n) => n + 1);
  }

  function send(tenders: TenderInput[], cashTenderedFen: number | null, insured: boolean, selfPayReason: string | null) {
    if (!chosen || !type) return;
    void run(async () => {
      const r = await api.register({
        id: pay.id,
        patient: patient.downtime_no ?? patient.his_id ?? "",
        dept: chosen.code,
        reg_type: type.key,
        doctor: doctor.trim() === "" ? null : doctor.trim(),
        back_entered_at: backEntry ? backAt.trim() : null,
        tenders,
        cash_tendered_fen: cashTenderedFen,
        insured,
        self_pay_reason: selfPayReason,
      });
      setPaying(false);
      draft.setPay(freshRegPay()); // made: the next registration is a new request
      onRegistered(r);
    }).then((e) => {
      if (!e) return;
      const payAt = paying ? payField(pay, e.code) : undefined;
      // A refusal of the form's own fields (or of the outage) goes back to the form.
      if (paying && !payAt && (fieldFor(e.code) || OWN_WORDS[e.code])) setPaying(false);
      setProblem({ ipc: e, key: OWN_WORDS[e.code], field: payAt ?? fieldFor(e.code) });
    });
  }

  const err = (slot: string) => errorIn(problem, slot, "reg-error");
  const deptOptions: KeyOption<string>[] = [
    { value: "", label: t("reg.deptChoose") },
    ...depts.map((d) => ({ value: d.code, label: `${d.code} ${d.name}${d.kind === "emergency" ? t("reg.deptEmergency") : ""}` })),
  ];
  const typeOptions: KeyOption<string>[] = offered.map((x, i) => ({ value: x.key, label: typeLabel(x, t), keys: i < 9 ? [String(i + 1)] : [] }));
  const doctors = chosen?.doctors ?? [];
  const doctorOptions: KeyOption<string>[] = [
    { value: "", label: t("reg.doctorAny"), keys: ["0"] },
    ...doctors.map((d, i) => ({ value: d, label: d, keys: i < 9 ? [String(i + 1)] : [] })),
  ];

  if (paying && type && chosen)
    return (
      <>
        <p className="reg-pay-for" data-testid="reg-pay-for">
          {chosen.name} · {type.name} · {doctor || t("reg.doctorAny")}
        </p>
        <RegPay
          patient={patient}
          type={type}
          draft={pay}
          onChange={(patch) => draft.setPay({ ...pay, ...patch })}
          onPay={send}
          pending={pending}
          problem={problem}
          setProblem={setProblem}
          onBackOut={backToForm}
        />
      </>
    );

  return (
    <KeyForm onSubmit={submit} problem={problem} onBackOut={onBackOut} className="reg-fields" testId="reg-form">
      <KeySelect ref={deptSelect} name="dept" label={t("reg.dept")} testId="reg-dept" value={dept} options={deptOptions} onChange={chooseDept} error={err("dept")} codeTypeAhead />
      {typesLoad.problem && <ErrorText problem={typesLoad.problem} testId="reg-error" />}
      {types !== null && offered.length === 0 ? (
        <p className="warn" data-testid="reg-no-types">
          {t("reg.noTypes")}
        </p>
      ) : (
        <KeySelect ref={typeSelect} name="regType" label={t("reg.type")} testId="reg-type" value={regType} options={typeOptions} onChange={draft.setRegType} error={err("regType")} />
      )}
      {type && type.fee_items.length > 0 && (
        <p className="field-hint reg-fee-items" data-testid="reg-fee-items">
          {type.fee_items.map((i) => (i.missing ? t("reg.feeItemMissing", { code: i.code }) : `${i.name} ¥${i.unit_price}`)).join(" + ")}
        </p>
      )}
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
        {type && (type.total_fen ?? 0) > 0 ? t("reg.submitPay") : t("reg.submit")} <kbd>Enter</kbd>
      </button>
    </KeyForm>
  );
}
