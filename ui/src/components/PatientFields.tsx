//! A patient's details as the counter types them — name, sex, birth date or age, ID number,
//! phone, address, insurance — shared by 新建患者 (F2) and 更正患者信息 (Ctrl+U): the fields,
//! where each of the core's refusals shows, and the `NewPatientInput` the core takes. The core
//! checks everything; the form only collects text. 性别 takes only M/F/U (a birth date typed
//! one field early changes nothing). An ID number whose birth date or sex differs from what was
//! typed is refused until 确认不一致 is ticked (the tick saves at once).

import type { Ref } from "react";
import type { Insurance } from "../bindings/Insurance";
import type { NewPatientInput } from "../bindings/NewPatientInput";
import type { PatientView } from "../bindings/PatientView";
import type { Sex } from "../bindings/Sex";
import { parseWhole } from "../format";
import type { FieldFor, Problem } from "../hooks/useSubmit";
import { useT } from "../i18n";
import { ErrorText, errorIn } from "./ErrorText";
import { Field } from "./Field";
import { KeySelect, type KeyOption } from "./KeySelect";
import { SEX_KEY } from "./PatientCard";
import type { CodeMap } from "../api";

/** The details as typed: every box is text. */
export interface PatientDetails {
  name: string;
  sex: string;
  birth: string;
  age: string;
  idNumber: string;
  phone: string;
  address: string;
  insurance: string;
  insuranceNo: string;
}
export type DetailsField = keyof PatientDetails;

/** The details a patient has now, as the form shows them (an age only without a birth date). */
export function detailsOf(p: PatientView): PatientDetails {
  return {
    name: p.name,
    sex: p.sex,
    birth: p.birth ?? "",
    age: p.birth === null && p.age !== null ? String(p.age) : "",
    idNumber: p.id_number ?? "",
    phone: p.phone,
    address: p.address,
    insurance: p.insurance,
    insuranceNo: p.insurance_no,
  };
}

/** Changing one of these takes a 确认不一致 back: it was about them. */
export const MISMATCH_FIELDS: DetailsField[] = ["sex", "birth", "idNumber"];

/** The input each of the core's refusals concerns (the form's name for it). */
export const DETAILS_FIELD_OF: CodeMap<string> = {
  text_empty: "name",
  text_control_chars: "name",
  font_missing_glyph: "name",
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
export const detailsFieldFor: FieldFor = (code) => DETAILS_FIELD_OF[code];

const blankToNull = (text: string) => (text.trim() === "" ? null : text.trim());

/** The core's input, or the UI's own refusal (an age it cannot read). */
export function detailsInput(
  d: PatientDetails,
  flags: { mismatchOk: boolean; duplicateOk?: boolean },
): { input: NewPatientInput } | { problem: Problem } {
  const age = d.age.trim() === "" ? null : parseWhole(d.age);
  if (age === null && d.age.trim() !== "") return { problem: { key: "np.ageInvalid", field: "age" } };
  const insured = d.insurance !== "self_pay";
  return {
    input: {
      name: d.name,
      sex: d.sex,
      birth: blankToNull(d.birth),
      age,
      id_number: blankToNull(d.idNumber),
      phone: blankToNull(d.phone),
      address: blankToNull(d.address),
      insurance: d.insurance,
      insurance_no: insured ? blankToNull(d.insuranceNo) : null,
      confirm_duplicate: flags.duplicateOk ?? false,
      confirm_id_mismatch: flags.mismatchOk,
    },
  };
}

/** A refusal of a birth date, when only an age was typed, belongs at the age. */
export function ageProblem(d: PatientDetails, problem: Problem): Problem {
  const code = problem.ipc?.code;
  if (code && DETAILS_FIELD_OF[code] === "birth" && d.birth.trim() === "" && d.age.trim() !== "") return { ...problem, field: "age" };
  return problem;
}

const SEXES: { value: Sex; keys: string[] }[] = [
  { value: "M", keys: ["M"] },
  { value: "F", keys: ["F"] },
  { value: "U", keys: ["U"] },
];
const INSURANCES: Insurance[] = ["self_pay", "employee", "resident", "public_funded", "commercial"];

interface Props {
  details: PatientDetails;
  onChange: (field: DetailsField, value: string) => void;
  problem: Problem | null;
  /** Test ids are `${prefix}-name`, `${prefix}-sex`, … and `${prefix}-error` for errors. */
  prefix: string;
  /** 确认不一致 is ticked. */
  mismatchOk: boolean;
  onConfirmMismatch: (checked: boolean) => void;
  pending: boolean;
  nameRef?: Ref<HTMLInputElement>;
  idRef?: Ref<HTMLInputElement>;
}

/** The fields, for a `KeyForm` laid out in a grid (`cols2`, or three columns in 更正): the
 *  ID number spans two columns (`span2`). */
export function PatientFields({ details: d, onChange, problem, prefix, mismatchOk, onConfirmMismatch, pending, nameRef, idRef }: Props) {
  const t = useT();
  const err = (slot: string) => errorIn(problem, slot, `${prefix}-error`);
  const code = problem?.ipc?.code;
  const insured = d.insurance !== "self_pay";
  const on = (field: DetailsField) => (value: string) => onChange(field, value);
  const sexOptions: KeyOption<Sex>[] = SEXES.map((s) => ({ ...s, label: t(SEX_KEY[s.value]) }));
  // Short names in the list (it is half a column wide); the pinned card shows the full name.
  const insuranceOptions: KeyOption<Insurance>[] = INSURANCES.map((value, i) => ({ value, label: t(`insuranceShort.${value}`), keys: [String(i)] }));
  return (
    <>
      <Field ref={nameRef} name="name" label={t("np.name")} testId={`${prefix}-name`} value={d.name} onChange={on("name")} error={err("name")} />
      <KeySelect name="sex" label={t("np.sex")} testId={`${prefix}-sex`} value={d.sex as Sex} options={sexOptions} onChange={on("sex")} error={err("sex")} />
      <Field name="birth" label={t("np.birth")} placeholder={t("np.birthHint")} testId={`${prefix}-birth`} value={d.birth} onChange={on("birth")} error={err("birth")} />
      <Field name="age" label={t("np.age")} placeholder={t("np.ageHint")} testId={`${prefix}-age`} value={d.age} onChange={on("age")} inputMode="numeric" error={err("age")} />
      <div className="span2 id-field">
        <Field
          ref={idRef}
          name="idNumber"
          label={t("np.idNumber")}
          hint={t("np.idNumberHint")}
          testId={`${prefix}-id-number`}
          value={d.idNumber}
          onChange={on("idNumber")}
          error={err("idNumber")}
        />
        {(code === "id_mismatch" || mismatchOk) && (
          <div className="confirm-box">
            {code === "id_mismatch" && problem && <ErrorText problem={problem} testId={`${prefix}-error`} />}
            <label className="check">
              <input
                type="checkbox"
                name="confirmMismatch"
                data-testid={`${prefix}-confirm-mismatch`}
                checked={mismatchOk}
                disabled={pending}
                onChange={(e) => onConfirmMismatch(e.target.checked)}
              />
              {t("np.confirmMismatch")} <span className="field-hint">{t("np.confirmMismatchHint")}</span>
            </label>
          </div>
        )}
      </div>
      <Field name="phone" label={t("np.phone")} testId={`${prefix}-phone`} value={d.phone} onChange={on("phone")} inputMode="tel" error={err("phone")} />
      <Field name="address" label={t("np.address")} testId={`${prefix}-address`} value={d.address} onChange={on("address")} error={err("address")} />
      <KeySelect
        name="insurance"
        label={t("np.insurance")}
        testId={`${prefix}-insurance`}
        value={d.insurance as Insurance}
        options={insuranceOptions}
        onChange={on("insurance")}
        error={err("insurance")}
      />
      {insured ? (
        <Field
          name="insuranceNo"
          label={t("np.insuranceNo")}
          hint={t("np.insuranceNoHint")}
          testId={`${prefix}-insurance-no`}
          value={d.insuranceNo}
          onChange={on("insuranceNo")}
          error={err("insuranceNo")}
        />
      ) : (
        <p className="field-hint self-pay-hint">{t("np.selfPayHint")}</p>
      )}
    </>
  );
}
