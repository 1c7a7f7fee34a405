//! F10 开班 / 交班: the float when opening, the counted cash when closing. The amount is read
//! by `parseYuan` and sent as integer fen; the core checks the range.

import type { AppStatus } from "../bindings/AppStatus";
import { api } from "../api";
import { Dialog } from "../components/Dialog";
import { errorIn } from "../components/ErrorText";
import { Field } from "../components/Field";
import { KeyForm } from "../components/KeyForm";
import { openShift } from "../components/StatusBar";
import { formatFen, formatLocal, parseYuan } from "../format";
import { useDraft } from "../hooks/useDraft";
import { useSubmit, type FieldFor } from "../hooks/useSubmit";
import { useT } from "../i18n";
import type { Notice } from "./notice";

const fieldFor: FieldFor = (code) => (code.startsWith("amount_") ? "amount" : undefined);

interface Props {
  status: AppStatus;
  onDone: (s: AppStatus, notice: Notice) => void;
  onClose: () => void;
}

export function ShiftDialog({ status, onDone, onClose }: Props) {
  const t = useT();
  const shift = openShift(status.shift);
  const closing = shift !== null;
  const [amount, setAmount, clearAmount] = useDraft(closing ? "shift.counted" : "shift.float");
  const { pending, problem, setProblem, run } = useSubmit(fieldFor);
  const fen = parseYuan(amount);

  function submit() {
    if (fen === null) {
      setProblem({ key: "shift.amountInvalid", field: "amount" });
      return;
    }
    void run(async () => {
      const next = closing ? await api.closeShift(fen) : await api.openShift(fen);
      clearAmount();
      onDone(
        next,
        closing
          ? { key: "notice.shiftClosed", vars: { counted: formatFen(fen) } }
          : { key: "notice.shiftOpened", vars: { float: formatFen(fen) } },
      );
    });
  }

  return (
    <Dialog title={t(closing ? "shift.closeTitle" : "shift.openTitle")} onClose={onClose}>
      {shift && <p className="muted">{t("shift.openInfo", { time: formatLocal(shift.opened_at), float: formatFen(shift.float_fen) })}</p>}
      <KeyForm onSubmit={submit} problem={problem} escBack={false}>
        <Field
          name="amount"
          label={t(closing ? "shift.counted" : "shift.float")}
          hint={t("shift.amountHint")}
          testId={closing ? "shift-counted" : "shift-float"}
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
          {t(closing ? "nav.shiftClose" : "nav.shiftOpen")} <kbd>Enter</kbd>
        </button>
      </KeyForm>
    </Dialog>
  );
}
