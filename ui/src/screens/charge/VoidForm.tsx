//! 作废: a receipt of the current shift is voided with a reason and a supervisor's name and
//! PIN. The number stays used and shows as 作废 everywhere; a receipt of an earlier shift is
//! refunded instead (the core says so with `receipt_void_other_shift`).

import { useState } from "react";
import { api } from "../../api";
import type { ReceiptView } from "../../bindings/ReceiptView";
import { errorIn } from "../../components/ErrorText";
import { Field, PinField } from "../../components/Field";
import { KeyForm } from "../../components/KeyForm";
import { useDraft } from "../../hooks/useDraft";
import { useSubmit, type FieldFor } from "../../hooks/useSubmit";
import { useT, type MsgKey } from "../../i18n";

/** Where a refusal belongs in a form asking a reason and a supervisor (void and refund). */
export const SUPERVISED_FIELDS: Record<string, string> = {
  text_empty: "reason",
  text_control_chars: "reason",
  text_too_long: "reason",
  operator_unknown: "supName",
  pin_wrong: "supPin",
  role_forbidden: "supPin",
  operator_locked: "supPin",
};
const fieldFor: FieldFor = (code) => SUPERVISED_FIELDS[code];

const OWN_WORDS: Record<string, MsgKey> = {
  receipt_void_other_shift: "corr.voidOtherShift",
  shift_required: "charge.shiftRequired",
};

interface Props {
  receipt: ReceiptView;
  onVoided: (r: ReceiptView) => void;
  /** Esc on the first field: back to the receipt list. */
  onBackOut: () => void;
  /** Refusals this screen tells in its own words, over the ones above. */
  ownWords?: Record<string, MsgKey>;
}

export function VoidForm({ receipt, onVoided, onBackOut, ownWords }: Props) {
  const t = useT();
  const [reason, setReason, clearReason] = useDraft(`void.reason.${receipt.receipt_no}`);
  const [supName, setSupName] = useDraft("corr.supName");
  const [supPin, setSupPin] = useState("");
  const { pending, problem, setProblem, run } = useSubmit(fieldFor);

  function submit() {
    if (reason.trim() === "") return setProblem({ key: "corr.reasonRequired", field: "reason" });
    if (supName.trim() === "" || supPin === "") return setProblem({ key: "free.supRequired", field: supName.trim() === "" ? "supName" : "supPin" });
    void run(async () => {
      const r = await api.voidReceipt(receipt.receipt_no, reason.trim(), { name: supName.trim(), pin: supPin });
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
      <fieldset className="supervisor">
        <legend>{t("corr.supervisor")}</legend>
        <div className="cols2">
          <Field name="supName" label={t("sup.name")} testId="void-sup-name" value={supName} onChange={setSupName} error={err("supName")} />
          <PinField name="supPin" label={t("sup.pin")} testId="void-sup-pin" value={supPin} onChange={setSupPin} error={err("supPin")} />
        </div>
      </fieldset>
      {err("form")}
      <div className="button-row">
        <button type="submit" className="primary danger" data-testid="void-submit" disabled={pending}>
          {t("corr.voidSubmit")} <kbd>Enter</kbd>
        </button>
        <button type="button" className="quiet" onClick={onBackOut}>
          {t("corr.back")} <kbd>Esc</kbd>
        </button>
      </div>
    </KeyForm>
  );
}
