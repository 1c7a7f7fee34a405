//! 退预交金 (F8): an amount of the balance paid back, how (cash unless another way is chosen,
//! above the amount), a reason, and a supervisor's name and PIN. While the amount is typed the
//! core says what the balance will be after it (or why it cannot be refunded), before anything
//! is confirmed. Enter goes amount → reason →
//! supervisor → PIN and refunds from there. The refund is a receipt of its own, printed at once;
//! an amount over the balance is the core's to refuse, shown at the amount. The request id is
//! made when the form opens and kept through retries.

import { useEffect, useState } from "react";
import { api, toIpcError } from "../../api";
import type { DepositRefundPreviewView } from "../../bindings/DepositRefundPreviewView";
import type { IpcError } from "../../bindings/IpcError";
import type { DepositRefundInputView } from "../../bindings/DepositRefundInputView";
import type { ReceiptView } from "../../bindings/ReceiptView";
import type { TenderInputView } from "../../bindings/TenderInputView";
import { ErrorText, errorIn } from "../../components/ErrorText";
import { AmountField } from "../../components/AmountField";
import { Field } from "../../components/Field";
import { FormButtons } from "../../components/FormButtons";
import { KeyForm } from "../../components/KeyForm";
import { SUPERVISED_FIELDS, SupervisorFields, useSupervisor } from "../../components/SupervisorFields";
import { formatFen, parseYuan } from "../../format";
import { useDraft } from "../../hooks/useDraft";
import { useSubmit, type FieldFor } from "../../hooks/useSubmit";
import { useT, type MsgKey } from "../../i18n";
import { newId, type TenderRow } from "../charge/chargeDraft";
import { ALL_METHODS, blankTender, referenceOf, TenderFields } from "../charge/TenderFields";
import { ADMIT_WORDS } from "./AdmitForm";

const FIELD_OF: Record<string, string> = {
  ...SUPERVISED_FIELDS,
  deposit_refund_exceeds_balance: "amount",
  deposit_zero: "amount",
  amount_out_of_range: "amount",
  tender_zero: "amount",
  tender_sum_mismatch: "amount",
  tender_card_reference: "ref-0",
  tender_reference_missing: "ref-0",
  tender_cheque_reference: "ref-0",
  tender_other_name: "ref-0",
  tender_reference_invalid: "ref-0",
};
const fieldFor: FieldFor = (code) => FIELD_OF[code];

const OWN_WORDS: Record<string, MsgKey> = {
  shift_required: ADMIT_WORDS.shift_required,
  ipc_failed: "pay.retry",
};

interface Props {
  inpatientNo: string;
  /** The core's balance, shown beside the amount. */
  balanceFen: number | null;
  onRefunded: (refund: ReceiptView) => void;
  /** Esc on the first field (the way it is paid back, above the amount): the form closes. */
  onBackOut: () => void;
}

export function DepositRefundForm({ inpatientNo, balanceFen, onRefunded, onBackOut }: Props) {
  const t = useT();
  const [id] = useState(newId);
  const [amount, setAmount] = useDraft(`depRefund.amount.${inpatientNo}`);
  const [reason, setReason] = useDraft(`depRefund.reason.${inpatientNo}`);
  const sup = useSupervisor(useDraft("corr.supName"));
  const [payBack, setPayBack] = useState<TenderRow>(blankTender("cash"));
  const { pending, problem, setProblem, run } = useSubmit(fieldFor);
  const after = useBalanceAfter(inpatientNo, amount);

  function submit() {
    const fen = parseYuan(amount);
    if (fen === null) return setProblem({ key: "pay.amountInvalid", field: "amount" });
    if (reason.trim() === "") return setProblem({ key: "corr.reasonRequired", field: "reason" });
    const missing = sup.missing();
    if (missing) return setProblem(missing);
    // Cash: the core pays the whole amount back in cash. Another way carries the whole amount.
    const tenders: TenderInputView[] = payBack.method === "cash" ? [] : [{ method: payBack.method, amount_fen: fen, reference: referenceOf(payBack) }];
    const input: DepositRefundInputView = {
      id,
      inpatient_no: inpatientNo,
      amount_fen: fen,
      tenders,
      reason: reason.trim(),
      supervisor: sup.credentials(),
    };
    void run(async () => {
      const refund = await api.refundDeposit(input);
      setAmount("");
      setReason("");
      onRefunded(refund);
    }).then((e) => {
      if (e && OWN_WORDS[e.code]) setProblem({ ipc: e, key: OWN_WORDS[e.code], field: fieldFor(e.code) });
    });
  }

  const err = (slot: string) => errorIn(problem, slot, "dep-refund-error");
  return (
    <KeyForm onSubmit={submit} problem={problem} onBackOut={onBackOut} className="corr-form dep-refund-form" testId="dep-refund-form">
      <h3>
        {t("dep.refundTitle")} <kbd>F8</kbd>
      </h3>
      <TenderFields row={payBack} index={0} prefix="dep-refund" methods={ALL_METHODS} onChange={setPayBack} errorFor={err} noAmount />
      <AmountField
        name="amount"
        label={t("dep.refundAmount")}
        hint={balanceFen === null ? undefined : t("dep.refundBalance", { balance: formatFen(balanceFen) })}
        testId="dep-refund-amount"
        className="dep-refund-amount"
        value={amount}
        onChange={setAmount}
        autoFocus
        error={
          err("amount") ??
          (after && "refusal" in after ? <ErrorText problem={{ ipc: after.refusal }} testId="dep-refund-after-error" /> : null)
        }
      />
      {after && "view" in after && (
        <p className="dep-after" aria-live="polite" data-testid="dep-refund-after">
          {t("dep.refundAfter", { balance: formatFen(after.view.balance_after_fen) })}
        </p>
      )}
      <Field name="reason" className="dep-refund-reason" label={t("corr.reason")} testId="dep-refund-reason" value={reason} onChange={setReason} error={err("reason")} />
      <SupervisorFields sup={sup} prefix="dep-refund" errorFor={err} />
      {err("form")}
      <FormButtons submit="dep.refundSubmit" testId="dep-refund-submit" pending={pending} back="dep.close" onBack={onBackOut} />
    </KeyForm>
  );
}

/** The core's balance after refunding what is typed, or its refusal; null while nothing
 *  readable is typed. */
function useBalanceAfter(inpatientNo: string, amount: string): { view: DepositRefundPreviewView } | { refusal: IpcError } | null {
  const [after, setAfter] = useState<{ view: DepositRefundPreviewView } | { refusal: IpcError } | null>(null);
  useEffect(() => {
    const fen = amount.trim() === "" ? null : parseYuan(amount);
    if (fen === null) {
      setAfter(null);
      return;
    }
    let current = true;
    api.depositRefundPreview(inpatientNo, fen).then(
      (view) => current && setAfter({ view }),
      (e: unknown) => current && setAfter({ refusal: toIpcError(e) }),
    );
    return () => {
      current = false;
    };
  }, [inpatientNo, amount]);
  return after;
}
