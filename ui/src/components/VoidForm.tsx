//! 作废: a receipt of the current shift is voided with a reason and a supervisor's name and
//! PIN. The number stays used and shows as 作废 everywhere; a receipt of an earlier shift is
//! refunded instead (the core says so with `receipt_void_other_shift`).

import { api, type CodeMap } from "../api";
import type { ReceiptView } from "../bindings/ReceiptView";
import { errorIn } from "./ErrorText";
import { Field } from "./Field";
import { FormButtons } from "./FormButtons";
import { KeyForm } from "./KeyForm";
import { SUPERVISED_FIELDS, SupervisorFields, useSupervisor } from "./SupervisorFields";
import { useDraft } from "../hooks/useDraft";
import { useSubmit, type FieldFor } from "../hooks/useSubmit";
import { useT, type MsgKey } from "../i18n";

const fieldFor: FieldFor = (code) => SUPERVISED_FIELDS[code];

const OWN_WORDS: CodeMap<MsgKey> = {
  receipt_void_other_shift: "corr.voidOtherShift",
  shift_required: "charge.shiftRequired",
};

interface Props {
  receipt: ReceiptView;
  onVoided: (r: ReceiptView) => void;
  /** Esc on the first field: back to the receipt list. */
  onBackOut: () => void;
  /** Refusals this screen tells in its own words, over the ones above. */
  ownWords?: CodeMap<MsgKey>;
}

export function VoidForm({ receipt, onVoided, onBackOut, ownWords }: Props) {
  const t = useT();
  const [reason, setReason, clearReason] = useDraft(`void.reason.${receipt.receipt_no}`);
  const sup = useSupervisor(useDraft("corr.supName"));
  const { pending, problem, setProblem, run } = useSubmit(fieldFor);

  function submit() {
    if (reason.trim() === "") return setProblem({ key: "corr.reasonRequired", field: "reason" });
    const missing = sup.missing();
    if (missing) return setProblem(missing);
    void run(async () => {
      const r = await api.voidReceipt(receipt.receipt_no, reason.trim(), sup.credentials());
      clearReason();
      onVoided(r);
    }).then((e) => {
      const key = e && (ownWords?.[e.code] ?? OWN_WORDS[e.code]);
      if (e && key) setProblem({ ipc: e, key });
    });
  }

  const err = (slot: string) => errorIn(problem, slot, "void-error");
  return (
    <KeyForm onSubmit={submit} problem={problem} onBackOut={onBackOut} className="corr-form" testId="void-form">
      <h3>{t("corr.voidTitle", { no: receipt.receipt_no })}</h3>
      <Field name="reason" label={t("corr.reason")} testId="void-reason" value={reason} onChange={setReason} autoFocus error={err("reason")} />
      <SupervisorFields sup={sup} prefix="void" errorFor={err} />
      {err("form")}
      <FormButtons submit="corr.voidSubmit" testId="void-submit" kind="danger" pending={pending} back="corr.back" onBack={onBackOut} />
    </KeyForm>
  );
}
