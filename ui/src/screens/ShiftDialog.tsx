//! F10 开班 (without an open shift): the float, and — when paper invoices are written alongside —
//! the first and last numbers of the paper invoice book in hand (手工票据本), which the core
//! checks (one prefix, not used, not overlapping another open shift's book). The amount is read
//! by `parseYuan` and sent as integer fen; the core checks the range. With a shift open, F10 is
//! the handover screen. The float has the focus and Enter there opens the shift; the book's
//! fields come before it (Shift+Tab), so Enter walks from them through the float to opening.

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

const fieldFor: FieldFor = (code) =>
  code.startsWith("amount_") ? "amount" : code.startsWith("paper_") || code.startsWith("text_") ? "paperFrom" : undefined;

interface Props {
  onDone: (s: AppStatus, notice: Notice) => void;
  onClose: () => void;
}

export function ShiftDialog({ onDone, onClose }: Props) {
  const t = useT();
  const [amount, setAmount, clearAmount] = useDraft("shift.float");
  const [paperFrom, setPaperFrom, clearFrom] = useDraft("shift.paperFrom");
  const [paperTo, setPaperTo, clearTo] = useDraft("shift.paperTo");
  const { pending, problem, setProblem, run } = useSubmit(fieldFor);
  const fen = parseYuan(amount);

  function submit() {
    if (fen === null) {
      setProblem({ key: "shift.amountInvalid", field: "amount" });
      return;
    }
    const [from, to] = [paperFrom.trim(), paperTo.trim()];
    if ((from === "") !== (to === "")) {
      setProblem({ key: "shift.paperBoth", field: from === "" ? "paperFrom" : "paperTo" });
      return;
    }
    void run(async () => {
      const next = await api.openShift(fen, from || null, to || null);
      clearAmount();
      clearFrom();
      clearTo();
      onDone(next, { key: "notice.shiftOpened", vars: { float: formatFen(fen) } });
    });
  }

  return (
    <Dialog title={t("shift.openTitle")} onClose={onClose}>
      <KeyForm onSubmit={submit} problem={problem} escBack={false}>
        <div className="field-pair">
        <Field
          name="paperFrom"
          label={t("shift.paperFrom")}
          testId="shift-paper-from"
          value={paperFrom}
          onChange={setPaperFrom}
          error={errorIn(problem, "paperFrom", "shift-error")}
        />
        <Field
          name="paperTo"
          label={t("shift.paperTo")}
          testId="shift-paper-to"
          value={paperTo}
          onChange={setPaperTo}
          error={errorIn(problem, "paperTo", "shift-error")}
        />
        </div>
        <p className="field-hint shift-paper-hint">{t("shift.paperHint")}</p>
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
