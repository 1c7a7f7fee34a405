//! F10 开班 (without an open shift): the float. The amount is read by `parseYuan` and sent as
//! integer fen; the core checks the range. With a shift open, F10 is the handover screen.

import { api } from "../api";
import type { AppStatus } from "../bindings/AppStatus";
import { Dialog } from "../components/Dialog";
import { errorIn } from "../components/ErrorText";
import { Field } from "../components/Field";
import { KeyForm } from "../components/KeyForm";
import { formatFen, parseYuan } from "../format";
import { useDraft } from "../hooks/useDraft";
import { useSubmit, type FieldFor } from "../hooks/useSubmit";
import { useT } from "../i18n";
import type { Notice } from "./notice";

const fieldFor: FieldFor = (code) => (code.startsWith("amount_") ? "amount" : undefined);

interface Props {
  onDone: (s: AppStatus, notice: Notice) => void;
  onClose: () => void;
}

export function ShiftDialog({ onDone, onClose }: Props) {
  const t = useT();
  const [amount, setAmount, clearAmount] = useDraft("shift.float");
  const { pending, problem, setProblem, run } = useSubmit(fieldFor);
  const fen = parseYuan(amount);

  function submit() {
    if (fen === null) {
      setProblem({ key: "shift.amountInvalid", field: "amount" });
      return;
    }
    void run(async () => {
      const next = await api.openShift(fen);
      clearAmount();
      onDone(next, { key: "notice.shiftOpened", vars: { float: formatFen(fen) } });
    });
  }

  return (
    <Dialog title={t("shift.openTitle")} onClose={onClose}>
      <KeyForm onSubmit={submit} problem={problem} escBack={false}>
        <Field
          name="amount"
          label={t("shift.float")}
          hint={t("shift.amountHint")}
          testId="shift-float"
          value={amount}
          onChange={setAmount}
          inputMode="decimal"
          big
          autoFocus
          error={errorIn(problem, "amount", "shift-error")}
        />
        <p className="amount-echo" aria-live="polite">
          {fen !== null ? formatFen(fen) : "\u00a0"}
        </p>
        {errorIn(problem, "form", "shift-error")}
        <button type="submit" className="primary" data-testid="shift-submit" disabled={pending}>
          {t("nav.shiftOpen")} <kbd>Enter</kbd>
        </button>
      </KeyForm>
    </Dialog>
  );
}
