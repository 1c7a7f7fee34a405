//! 挂号收费: the registration's fee is paid at once, as on the payment panel — cash first (its
//! amount preset to the core's fee for the chosen type, then 实收), other tenders with Insert,
//! each with the reference its method needs, 医保患者 ticked for an insured patient. Enter goes cash → 实收 → 确认挂号收费; Esc goes
//! back to the form with everything typed kept. The registration and its receipt are one
//! request: its `id` is made when the form starts and sent again on a retry, so a registration
//! whose answer was lost is neither made nor paid twice.

import { useEffect, useRef } from "react";
import type { PatientView } from "../../bindings/PatientView";
import type { RegTypeView } from "../../bindings/RegTypeView";
import { insurable, PAYER_FIELDS, PayerFields } from "../../components/PayerFields";
import { errorIn } from "../../components/ErrorText";
import { FormButtons } from "../../components/FormButtons";
import { formatFen, formatYuanInput } from "../../format";
import type { FieldFor, Problem } from "../../hooks/useSubmit";
import { useT } from "../../i18n";
import { newId } from "../../newId";
import { readTenders, referenceField, TenderSection, useTenderSection, type TenderChange, type TenderDraft } from "../../components/TenderSection";
import type { TenderInput } from "../../bindings/TenderInput";
import type { CodeMap, ErrorCode } from "../../api";

/** The payment being typed for one registration (`id` is the registration's). */
export interface RegPayDraft extends TenderDraft {
  id: string;
  /** The type and fee the cash amount was preset for. */
  presetFor: string;
  /** Charged as insured; unset: as the patient's record says. */
  insured?: boolean;
  selfPayReason?: string;
}

export const freshRegPay = (): RegPayDraft => ({ id: newId(), cash: "", tendered: "", tenders: [], presetFor: "" });

/** Where the core's refusals of a payment belong. */
export const PAY_FIELDS: CodeMap<string> = {
  ...PAYER_FIELDS,
  tender_cash_short: "tendered",
  tender_tendered_without_cash: "tendered",
  tender_sum_mismatch: "cash",
  tender_cash_twice: "cash",
  tender_missing: "cash",
  tender_zero: "cash",
};
export const payFieldFor: FieldFor = (code) => PAY_FIELDS[code];

interface Props {
  patient: PatientView;
  type: RegTypeView;
  draft: RegPayDraft;
  onChange: (patch: Partial<RegPayDraft>) => void;
  /** Sends the registration with these tenders. */
  onPay: (tenders: TenderInput[], cashTenderedFen: number | null, insured: boolean, selfPayReason: string | null) => void;
  pending: boolean;
  problem: Problem | null;
  setProblem: (p: Problem | null) => void;
  /** Esc: back to the form. */
  onBackOut: () => void;
}

export function RegPay({ patient, type, draft, onChange, onPay, pending, problem, setProblem, onBackOut }: Props) {
  const t = useT();
  const cash = useRef<HTMLInputElement>(null);
  const change: TenderChange = (patch) => onChange(typeof patch === "function" ? patch(draft) : patch);
  const section = useTenderSection({ draft, change, prefix: "regpay", problem, onSubmit: submit, onBackOut });
  const fee = type.total_fen ?? 0;
  const insured = insurable(patient) && (draft.insured ?? true);
  const presetKey = `${type.key}/${fee}`;

  // The cash amount starts as the fee of the chosen type; the focus goes to it.
  useEffect(() => {
    if (draft.presetFor !== presetKey) onChange({ cash: formatYuanInput(fee), presetFor: presetKey });
    cash.current?.focus();
    cash.current?.select();
  }, [presetKey]);

  function submit() {
    const typed = readTenders(draft);
    if ("problem" in typed) return setProblem(typed.problem);
    onPay(typed.tenders, typed.cashTenderedFen, insured, insured ? null : draft.selfPayReason?.trim() || null);
  }

  const err = (slot: string) => errorIn(problem, slot, "regpay-error");
  return (
    <form {...section.formProps} className="reg-pay" data-testid="reg-pay">
      <p className="pay-due-total">
        <span className="muted">{t("reg.payFor", { type: type.name })}</span> <b data-testid="reg-pay-total">{formatFen(fee)}</b>
      </p>
      <TenderSection section={section} cashLabel="pay.cash" tenderedHint="pay.changeLater" cashRef={cash} errorFor={err} />
      <PayerFields
        patient={patient}
        insured={insured}
        reason={draft.selfPayReason ?? ""}
        onInsured={(insured) => onChange({ insured })}
        onReason={(selfPayReason) => onChange({ selfPayReason })}
        prefix="regpay"
        errorFor={err}
      />
      {err("form")}
      <FormButtons submit="reg.paySubmit" testId="reg-pay-submit" kind="pay-submit" submitRef={section.submitButton} pending={pending} back="reg.payBack" onBack={onBackOut} />
    </form>
  );
}

/** The field a payment refusal concerns, in the rows as typed. */
export const payField = (draft: RegPayDraft, code: ErrorCode) => referenceField(draft.tenders, code) ?? payFieldFor(code);
