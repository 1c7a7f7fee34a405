//! 退预交金 (F8): an amount of the balance paid back, how (原路退回 — the way the deposits came —
//! unless another way is chosen, `PayBackFields`), a reason, and a supervisor's name and PIN. While the amount is typed the
//! core says what the balance will be after it (or why it cannot be refunded), before anything
//! is confirmed. Enter goes amount → reason →
//! supervisor → PIN and refunds from there. The refund is a receipt of its own, printed at once;
//! an amount over the balance is the core's to refuse, shown at the amount. The request id is
//! made when the form opens and kept through retries.

import { useEffect, useState } from "react";
import { api, toIpcError, type CodeMap } from "../../api";
import type { DepositRefundPreviewView } from "../../bindings/DepositRefundPreviewView";
import type { IpcError } from "../../bindings/IpcError";
import type { Method } from "../../bindings/Method";
import type { DepositRefundInput } from "../../bindings/DepositRefundInput";
import type { ReceiptView } from "../../bindings/ReceiptView";
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
import { newId } from "../../newId";
import { ORIGINAL_WAY, PAY_BACK_FIELDS, PayBackFields, payBackTenders, previewMethod, type PayBackWay } from "../../components/PayBackFields";
import { ADMIT_WORDS } from "./AdmitForm";

const FIELD_OF: CodeMap<string> = {
  ...SUPERVISED_FIELDS,
  ...PAY_BACK_FIELDS,
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

const OWN_WORDS: CodeMap<MsgKey> = {
  shift_required: ADMIT_WORDS.shift_required,
  ipc_failed: "pay.retry",
};

interface Props {
  inpatientNo: string;
  /** The core's balance, shown beside the amount. */
  balanceFen: number | null;
  onRefunded: (refund: ReceiptView) => void;
  /** Esc on the first field (the amount): the form closes. */
  onBackOut: () => void;
}

export function DepositRefundForm({ inpatientNo, balanceFen, onRefunded, onBackOut }: Props) {
  const t = useT();
  const [id] = useState(newId);
  const [amount, setAmount] = useDraft(`depRefund.amount.${inpatientNo}`);
  const [reason, setReason] = useDraft(`depRefund.reason.${inpatientNo}`);
  const sup = useSupervisor(useDraft("corr.supName"));
  const [way, setWay] = useState<PayBackWay>(ORIGINAL_WAY);
  const [wayReason, setWayReason] = useDraft(`depRefund.wayReason.${inpatientNo}`);
  const { pending, problem, setProblem, run } = useSubmit(fieldFor);
  const after = useBalanceAfter(inpatientNo, amount, previewMethod(way));

  function submit() {
    const fen = parseYuan(amount);
    if (fen === null) return setProblem({ key: "pay.amountInvalid", field: "amount" });
    if (reason.trim() === "") return setProblem({ key: "corr.reasonRequired", field: "reason" });
    const missing = sup.missing();
    if (missing) return setProblem(missing);
    // The way the deposits came: the core splits it. Another way carries the whole amount.
    const tenders = payBackTenders(way, fen);
    const input: DepositRefundInput = {
      id,
      inpatient_no: inpatientNo,
      amount_fen: fen,
      tenders,
      reason: reason.trim(),
      pay_back_reason: wayReason.trim() === "" ? null : wayReason.trim(),
      supervisor: sup.credentials(),
    };
    void run(async () => {
      const refund = await api.refundDeposit(input);
      setAmount("");
      setReason("");
      setWayReason("");
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
      <PayBackFields
        way={way}
        onWay={setWay}
        payBack={after && "view" in after ? after.view.pay_back : null}
        channels={after && "view" in after ? after.view.channels : null}
        reason={wayReason}
        onReason={setWayReason}
        prefix="dep-refund"
        compact
        errorFor={err}
        reasonAsked={problem?.ipc?.code === "refund_other_way_needs_reason"}
      />
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
      <SupervisorFields sup={sup} prefix="dep-refund" errorFor={err} className="supervisor tight" />
      {err("form")}
      <FormButtons submit="dep.refundSubmit" testId="dep-refund-submit" pending={pending} back="dep.close" onBack={onBackOut} />
    </KeyForm>
  );
}

/** The core's balance after refunding what is typed, or its refusal; null while nothing
 *  readable is typed. */
function useBalanceAfter(inpatientNo: string, amount: string, method: Method | null): { view: DepositRefundPreviewView } | { refusal: IpcError } | null {
  const [after, setAfter] = useState<{ view: DepositRefundPreviewView } | { refusal: IpcError } | null>(null);
  useEffect(() => {
    const fen = amount.trim() === "" ? null : parseYuan(amount);
    if (fen === null) {
      setAfter(null);
      return;
    }
    let current = true;
    api.depositRefundPreview(inpatientNo, fen, method).then(
      (view) => current && setAfter({ view }),
      (e: unknown) => current && setAfter({ refusal: toIpcError(e) }),
    );
    return () => {
      current = false;
    };
  }, [inpatientNo, amount, method]);
  return after;
}
