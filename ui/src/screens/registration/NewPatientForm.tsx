//! 新建患者 (F2): name, sex, birth date or age, ID number, phone, address, insurance. Enter
//! goes field to field and saves from the last; Ctrl+Enter saves from any field, so a patient
//! with only a name, sex and birth date needs no Enter through the empty ones (性别 takes only
//! M/F/U: a birth date typed into it changes nothing). Esc steps back, and from the name to the
//! search box. The core checks everything and derives birth date and sex from the ID number;
//! its refusals appear at the field they concern. Two need a decision: an ID number that
//! disagrees with the typed birth date or sex (tick 确认不一致 to save anyway), and a patient
//! who may already exist (pick them, or confirm this is someone else).

import { useImperativeHandle, useRef, useState, type Ref } from "react";
import { api, type CodeMap } from "../../api";
import type { Insurance } from "../../bindings/Insurance";
import type { NewPatientInput } from "../../bindings/NewPatientInput";
import type { PatientView } from "../../bindings/PatientView";
import type { Sex } from "../../bindings/Sex";
import { ErrorText, errorIn } from "../../components/ErrorText";
import { Field } from "../../components/Field";
import { KeyForm } from "../../components/KeyForm";
import { KeySelect, type KeyOption } from "../../components/KeySelect";
import { parseWhole } from "../../format";
import { useDraft } from "../../hooks/useDraft";
import { useSubmit, type FieldFor } from "../../hooks/useSubmit";
import { useT } from "../../i18n";
import { DuplicateBox } from "./DuplicateBox";
import { SEX_KEY } from "../../components/PatientCard";

/** The input each refusal concerns (the form's name for it). */
const FIELD_OF: CodeMap<string> = {
  text_empty: "name",
  text_control_chars: "name",
  sex_invalid: "sex",
  birth_in_future: "birth",
  date_invalid: "birth",
  age_too_high: "birth",
  birth_and_age: "birth",
  id_number_checksum: "idNumber",
  id_number_length: "idNumber",
  id_number_invalid: "idNumber",
  id_number_date: "idNumber",
  id_mismatch: "confirmMismatch",
  phone_invalid: "phone",
  insurance_invalid: "insurance",
  insurance_no_missing: "insuranceNo",
};
const fieldFor: FieldFor = (code) => FIELD_OF[code];

/** Refusals answered by picking an existing patient; only the first may be overridden. */
const POSSIBLE_DUPLICATE = "patient_possible_duplicate";
const KNOWN_ID = ["patient_duplicate_id", "patient_in_his"];

/** 性别 takes only its letters: a digit (a birth date typed one field early) changes nothing. */
const SEXES: { value: Sex; keys: string[] }[] = [
  { value: "M", keys: ["M"] },
  { value: "F", keys: ["F"] },
  { value: "U", keys: ["U"] },
];
const INSURANCES: Insurance[] = ["self_pay", "employee", "resident", "public_funded", "commercial"];

const blankToNull = (text: string) => (text.trim() === "" ? null : text.trim());

interface Props {
  onCreated: (p: PatientView) => void;
  /** An existing patient chosen instead of creating one. */
  onUseExisting: (p: PatientView) => void;
  /** Esc on the name: back to the search box. */
  onBackOut: () => void;
  /** The name input, for the screen's focus. */
  nameRef?: Ref<HTMLInputElement>;
}

export function NewPatientForm({ onCreated, onUseExisting, onBackOut, nameRef }: Props) {
  const t = useT();
  const nameInput = useRef<HTMLInputElement>(null);
  useImperativeHandle(nameRef, () => nameInput.current!, []);
  const idInput = useRef<HTMLInputElement>(null);
  const [name, setName, clearName] = useDraft("np.name");
  const [sex, setSex, clearSex] = useDraft("np.sex", "U");
  const [birth, setBirth, clearBirth] = useDraft("np.birth");
  const [age, setAge, clearAge] = useDraft("np.age");
  const [idNumber, setIdNumber, clearIdNumber] = useDraft("np.idNumber");
  const [phone, setPhone, clearPhone] = useDraft("np.phone");
  const [address, setAddress, clearAddress] = useDraft("np.address");
  const [insurance, setInsurance, clearInsurance] = useDraft("np.insurance", "self_pay");
  const [insuranceNo, setInsuranceNo, clearInsuranceNo] = useDraft("np.insuranceNo");
  const clearAll = () =>
    [clearName, clearSex, clearBirth, clearAge, clearIdNumber, clearPhone, clearAddress, clearInsurance, clearInsuranceNo].forEach((c) => c());
  /** The clerk confirmed that the ID number's birth date or sex differs from what was typed. */
  const [mismatchOk, setMismatchOk] = useState(false);
  const [candidates, setCandidates] = useState<PatientView[] | null>(null);
  const { pending, problem, setProblem, run } = useSubmit(fieldFor);
  const code = problem?.ipc?.code;
  const insured = insurance !== "self_pay";

  // Changing what the mismatch was about takes the confirmation back.
  const unconfirm = <A,>(set: (v: A) => void) => (v: A) => {
    setMismatchOk(false);
    set(v);
  };

  function submit(flags: { mismatchOk?: boolean; duplicateOk?: boolean } = {}) {
    const ageYears = age.trim() === "" ? null : parseWhole(age);
    if (ageYears === null && age.trim() !== "") {
      setProblem({ key: "np.ageInvalid", field: "age" });
      return;
    }
    const input: NewPatientInput = {
      name,
      sex,
      birth: blankToNull(birth),
      age: ageYears,
      id_number: blankToNull(idNumber),
      phone: blankToNull(phone),
      address: blankToNull(address),
      insurance,
      insurance_no: insured ? blankToNull(insuranceNo) : null,
      confirm_duplicate: flags.duplicateOk ?? false,
      confirm_id_mismatch: flags.mismatchOk ?? mismatchOk,
    };
    setCandidates(null);
    void run(async () => {
      const created = await api.addPatient(input);
      clearAll();
      setMismatchOk(false);
      onCreated(created);
    }).then((e) => {
      if (!e) return;
      // Only an age typed (no birth date): its refusal belongs at the age.
      if (FIELD_OF[e.code] === "birth" && birth.trim() === "" && ageYears !== null) setProblem({ ipc: e, field: "age" });
      if (e.code === POSSIBLE_DUPLICATE) lookUp(name.trim(), true);
      else if (KNOWN_ID.includes(e.code)) lookUp(idNumber.trim(), false);
    });
  }

  /** The patients the clerk may mean: by name (same name first), or by the ID number. */
  function lookUp(query: string, sameNameOnly: boolean) {
    api.findPatients(query, 10).then(
      (found) => {
        const same = found.filter((p) => p.name === query);
        setCandidates(sameNameOnly && same.length > 0 ? same : found);
      },
      () => setCandidates([]),
    );
  }

  function useExisting(p: PatientView) {
    clearAll();
    setMismatchOk(false);
    setProblem(null);
    setCandidates(null);
    onUseExisting(p);
  }

  const err = (slot: string) => errorIn(problem, slot, "np-error");
  const duplicate = code === POSSIBLE_DUPLICATE || (code !== undefined && KNOWN_ID.includes(code));
  const sexOptions: KeyOption<Sex>[] = SEXES.map((s) => ({ ...s, label: t(SEX_KEY[s.value]) }));
  // Short names in the list (it is half a column wide); the pinned card shows the full name.
  const insuranceOptions: KeyOption<Insurance>[] = INSURANCES.map((value, i) => ({ value, label: t(`insuranceShort.${value}`), keys: [String(i)] }));

  return (
    <section className="panel reg-form">
      <h2>
        {t("nav.newPatient")} <kbd>F2</kbd>
      </h2>
      <KeyForm onSubmit={() => submit()} problem={problem} onBackOut={onBackOut} className="cols2" testId="np-form">
        <Field ref={nameInput} name="name" label={t("np.name")} testId="np-name" value={name} onChange={setName} error={err("name")} />
        <KeySelect name="sex" label={t("np.sex")} testId="np-sex" value={sex as Sex} options={sexOptions} onChange={unconfirm(setSex)} error={err("sex")} />
        <Field name="birth" label={t("np.birth")} placeholder={t("np.birthHint")} testId="np-birth" value={birth} onChange={unconfirm(setBirth)} error={err("birth")} />
        <Field name="age" label={t("np.age")} placeholder={t("np.ageHint")} testId="np-age" value={age} onChange={setAge} inputMode="numeric" error={err("age")} />
        <div className="span2 id-field">
          <Field
            ref={idInput}
            name="idNumber"
            label={t("np.idNumber")}
            hint={t("np.idNumberHint")}
            testId="np-id-number"
            value={idNumber}
            onChange={unconfirm(setIdNumber)}
            error={err("idNumber")}
          />
          {(code === "id_mismatch" || mismatchOk) && (
            <div className="confirm-box">
              {code === "id_mismatch" && problem && <ErrorText problem={problem} testId="np-error" />}
              <label className="check">
                <input
                  type="checkbox"
                  name="confirmMismatch"
                  data-testid="np-confirm-mismatch"
                  checked={mismatchOk}
                  disabled={pending}
                  onChange={(e) => {
                    setMismatchOk(e.target.checked);
                    if (e.target.checked) submit({ mismatchOk: true });
                  }}
                />
                {t("np.confirmMismatch")} <span className="field-hint">{t("np.confirmMismatchHint")}</span>
              </label>
            </div>
          )}
        </div>
        <Field name="phone" label={t("np.phone")} testId="np-phone" value={phone} onChange={setPhone} inputMode="tel" error={err("phone")} />
        <Field name="address" label={t("np.address")} testId="np-address" value={address} onChange={setAddress} error={err("address")} />
        <KeySelect
          name="insurance"
          label={t("np.insurance")}
          testId="np-insurance"
          value={insurance as Insurance}
          options={insuranceOptions}
          onChange={setInsurance}
          error={err("insurance")}
        />
        {insured ? (
          <Field
            name="insuranceNo"
            label={t("np.insuranceNo")}
            hint={t("np.insuranceNoHint")}
            testId="np-insurance-no"
            value={insuranceNo}
            onChange={setInsuranceNo}
            error={err("insuranceNo")}
          />
        ) : (
          <p className="field-hint self-pay-hint">{t("np.selfPayHint")}</p>
        )}
        <div className="span2">
          {duplicate && problem ? (
            <DuplicateBox
              problem={problem}
              candidates={candidates}
              allowCreate={code === POSSIBLE_DUPLICATE}
              busy={pending}
              onUse={useExisting}
              onCreate={() => submit({ duplicateOk: true })}
              onBack={() => (code === POSSIBLE_DUPLICATE ? nameInput : idInput).current?.focus()}
            />
          ) : (
            err("form")
          )}
        </div>
        <button type="submit" className="primary" data-testid="np-submit" disabled={pending}>
          {t("np.submit")} <kbd>Ctrl+Enter</kbd>
        </button>
      </KeyForm>
    </section>
  );
}
