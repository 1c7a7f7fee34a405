//! 退费: pays back lines of a charge receipt (or all that is left of it) with a reason, the
//! pharmacy's confirmation for drugs (退药确认人), how the money goes back, and a supervisor's
//! name and PIN. The amount is the core's: it comes back on the refund receipt, which has its
//! own number. The request id is made when the form opens and kept through retries.

import { useState } from "react";
import { api } from "../../api";
import type { RefundInputView } from "../../bindings/RefundInputView";
import type { ReceiptView } from "../../bindings/ReceiptView";
import type { TenderInputView } from "../../bindings/TenderInputView";
import { errorIn } from "../../components/ErrorText";
import { Field } from "../../components/Field";
import { FormButtons } from "../../components/FormButtons";
import { KeyForm } from "../../components/KeyForm";
import { SUPERVISED_FIELDS, SupervisorFields, useSupervisor } from "../../components/SupervisorFields";
import { formatFen, toHalfWidth } from "../../format";
import { useDraft } from "../../hooks/useDraft";
import { useSubmit, type FieldFor } from "../../hooks/useSubmit";
import { useT, type MsgKey } from "../../i18n";
import { newId, type TenderRow } from "./chargeDraft";
import { ALL_METHODS, blankTender, tenderOf, TenderFields } from "./TenderFields";

const FIELD_OF: Record<string, string> = {
  ...SUPERVISED_FIELDS,
  refund_needs_drug_return: "drugBy",
  tender_sum_mismatch: "amount-0",
  tender_zero: "amount-0",
  tender_card_reference: "ref-0",
  tender_reference_missing: "ref-0",
  tender_cheque_reference: "ref-0",
  tender_other_name: "ref-0",
};
const fieldFor: FieldFor = (code) => FIELD_OF[code] ?? (code.startsWith("quantity_") ? "line-qty" : undefined);

const OWN_WORDS: Record<string, MsgKey> = {
  shift_required: "charge.shiftRequired",
  ipc_failed: "pay.retry",
};

interface Props {
  receipt: ReceiptView;
  onRefunded: (refund: ReceiptView) => void;
  /** Esc on the first field: back to the receipt list. */
  onBackOut: () => void;
}

export function RefundForm({ receipt, onRefunded, onBackOut }: Props) {
  const t = useT();
  const [id] = useState(newId);
  // Untouched, a receipt without refunds offers every line whole; after a refund the core
  // knows what is left, so the boxes start empty (all empty = all that is left).
  const [qtys, setQtys] = useState<Record<number, string>>(() =>
    Object.fromEntries(receipt.lines.map((l) => [l.line_no, receipt.refunded_fen === 0 ? l.qty : ""])),
  );
  const [reason, setReason] = useDraft(`refund.reason.${receipt.receipt_no}`);
  const [drugBy, setDrugBy] = useDraft(`refund.drugBy.${receipt.receipt_no}`);
  const sup = useSupervisor(useDraft("corr.supName"));
  const [payBack, setPayBack] = useState<TenderRow>(blankTender("cash"));
  const { pending, problem, setProblem, run } = useSubmit(fieldFor);
  const hasDrugs = receipt.lines.some((l) => l.is_drug);

  function submit() {
    if (reason.trim() === "") return setProblem({ key: "corr.reasonRequired", field: "reason" });
    const missing = sup.missing();
    if (missing) return setProblem(missing);
    // Cash with no amount: the core pays the whole refund back in cash.
    let tenders: TenderInputView[] = [];
    if (payBack.method !== "cash" || payBack.amount.trim() !== "") {
      const tender = tenderOf(payBack);
      if (!tender) return setProblem({ key: "pay.amountInvalid", field: "amount-0" });
      tenders = [tender];
    }
    const input: RefundInputView = {
      id,
      receipt_no: receipt.receipt_no,
      lines: receipt.lines
        .map((l) => ({ line_no: l.line_no, qty: toHalfWidth((qtys[l.line_no] ?? "").trim()) }))
        // An empty box or a zero refunds nothing of that line.
        .filter((l) => l.qty !== "" && !/^0*(\.0*)?$/.test(l.qty)),
      reason: reason.trim(),
      tenders,
      drug_return_by: drugBy.trim() === "" ? null : drugBy.trim(),
      supervisor: sup.credentials(),
    };
    void run(async () => onRefunded(await api.refundReceipt(input))).then((e) => {
      if (e && OWN_WORDS[e.code]) setProblem({ ipc: e, key: OWN_WORDS[e.code], field: fieldFor(e.code) });
    });
  }

  const err = (slot: string) => errorIn(problem, slot, "refund-error");
  return (
    <KeyForm onSubmit={submit} problem={problem} onBackOut={onBackOut} className="corr-form" testId="refund-form">
      <h3>{t("corr.refundTitle", { no: receipt.receipt_no })}</h3>
      <table className="table refund-lines">
        <thead>
          <tr>
            <th className="num">#</th>
            <th>{t("picker.name")}</th>
            <th className="num">{t("corr.paidQty")}</th>
            <th className="num">{t("charge.colAmount")}</th>
            <th className="num">{t("corr.refundQty")}</th>
          </tr>
        </thead>
        <tbody>
          {receipt.lines.map((l) => (
            <tr key={l.line_no}>
              <td className="num">{l.line_no}</td>
              <td>
                {l.name} {l.is_drug && <span className="tag">{t("picker.drug")}</span>}
              </td>
              <td className="num">
                {l.qty} {l.unit}
              </td>
              <td className="num">{formatFen(l.amount_fen)}</td>
              <td className="num">
                <input
                  name={l.line_no === receipt.lines[0]?.line_no ? "line-qty" : `line-qty-${l.line_no}`}
                  className="line-qty"
                  data-testid="refund-line-qty"
                  data-line-no={l.line_no}
                  aria-label={t("corr.refundQtyOf", { line: l.line_no })}
                  inputMode="decimal"
                  placeholder={t("corr.refundLeft")}
                  value={qtys[l.line_no] ?? ""}
                  onChange={(e) => setQtys({ ...qtys, [l.line_no]: e.target.value })}
                  onFocus={(e) => e.target.select()}
                  autoFocus={l.line_no === receipt.lines[0]?.line_no}
                />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <p className="field-hint">{t("corr.refundQtyHint")}</p>
      {err("line-qty")}
      <Field name="reason" label={t("corr.reason")} testId="refund-reason" value={reason} onChange={setReason} error={err("reason")} />
      {hasDrugs && <Field name="drugBy" label={t("corr.drugBy")} hint={t("corr.drugByHint")} testId="refund-drug-by" value={drugBy} onChange={setDrugBy} error={err("drugBy")} />}
      <h4>{t("corr.payBack")}</h4>
      <TenderFields row={payBack} index={0} prefix="refund" methods={ALL_METHODS} onChange={setPayBack} errorFor={err} amountHint={t("corr.payBackHint")} />
      <p className="muted" data-testid="refund-amount-note">
        {t("corr.amountBySystem")}
      </p>
      <SupervisorFields sup={sup} prefix="refund" errorFor={err} />
      {err("form")}
      <FormButtons submit="corr.refundSubmit" testId="refund-submit" pending={pending} back="corr.back" onBack={onBackOut} />
    </KeyForm>
  );
}
