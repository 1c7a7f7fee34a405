//! 医保患者 on a payment (收费, 挂号): a patient with insurance on file is charged as insured —
//! the box starts ticked — pays in full now and is re-settled after recovery; unticked, the
//! cashier says why they pay as self-pay (the core refuses it without a reason, and the
//! receipt keeps it). A patient without insurance on file sees nothing here.

import type { ReactNode } from "react";
import type { PatientView } from "../bindings/PatientView";
import { Field } from "./Field";
import { useT } from "../i18n";
import type { CodeMap } from "../api";

/** Where the core's refusals of the payer belong. */
export const PAYER_FIELDS: CodeMap<string> = {
  patient_not_insured: "insured",
  self_pay_reason_missing: "selfPayReason",
};

/** Whether `patient` is charged as insured unless the cashier says otherwise. */
export const insurable = (patient: PatientView | null) => patient !== null && patient.insurance !== "self_pay";

interface Props {
  patient: PatientView | null;
  insured: boolean;
  reason: string;
  onInsured: (insured: boolean) => void;
  onReason: (reason: string) => void;
  /** Test ids are `${prefix}-insured` and `${prefix}-self-pay-reason`. */
  prefix: string;
  errorFor: (field: string) => ReactNode;
  /** Shown under the box while it is ticked (the re-settlement due date). */
  children?: ReactNode;
}

export function PayerFields({ patient, insured, reason, onInsured, onReason, prefix, errorFor, children }: Props) {
  const t = useT();
  if (!insurable(patient)) return null;
  return (
    <div className="pay-insured">
      <label className="check">
        <input type="checkbox" name="insured" data-testid={`${prefix}-insured`} checked={insured} onChange={(e) => onInsured(e.target.checked)} />
        {t("pay.insured")} <span className="field-hint">{t("pay.insuredHint")}</span>
      </label>
      {insured && children}
      {errorFor("insured")}
      {!insured && (
        <Field
          name="selfPayReason"
          label={t("pay.selfPayReason")}
          hint={t("pay.selfPayHint")}
          testId={`${prefix}-self-pay-reason`}
          value={reason}
          onChange={onReason}
          error={errorFor("selfPayReason")}
        />
      )}
    </div>
  );
}
