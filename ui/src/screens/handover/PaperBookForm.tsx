//! 登记下一本手工票据 (Ctrl+N on the handover screen, while the shift is open): when the paper
//! invoice book in hand runs out, the first and last numbers of the next one. The core checks
//! them (one prefix, not used, not overlapping another open shift's book); the sheet then
//! accounts for the new book too.

import { api } from "../../api";
import type { AppStatus } from "../../bindings/AppStatus";
import { errorIn } from "../../components/ErrorText";
import { Field } from "../../components/Field";
import { KeyForm } from "../../components/KeyForm";
import { useDraft } from "../../hooks/useDraft";
import { useSubmit, type FieldFor } from "../../hooks/useSubmit";
import { useT } from "../../i18n";

const fieldFor: FieldFor = (code) => (code.startsWith("paper_") || code.startsWith("text_") ? "bookFrom" : undefined);

interface Props {
  onDone: (s: AppStatus, first: string, last: string) => void;
}

export function PaperBookForm({ onDone }: Props) {
  const t = useT();
  const [from, setFrom, clearFrom] = useDraft("handover.bookFrom");
  const [to, setTo, clearTo] = useDraft("handover.bookTo");
  const { pending, problem, setProblem, run } = useSubmit(fieldFor);

  function submit() {
    if (from.trim() === "" || to.trim() === "") {
      setProblem({ key: "shift.paperBoth", field: from.trim() === "" ? "bookFrom" : "bookTo" });
      return;
    }
    void run(async () => {
      const next = await api.registerPaperBook(from.trim(), to.trim());
      clearFrom();
      clearTo();
      onDone(next, from.trim(), to.trim());
    });
  }

  return (
    <KeyForm onSubmit={submit} problem={problem} escBack={false} className="paper-book-form" testId="paper-book-form">
      <h3>{t("handover.newBook")}</h3>
      <div className="field-pair">
        <Field name="bookFrom" label={t("handover.bookFrom")} testId="book-from" value={from} onChange={setFrom} autoFocus error={errorIn(problem, "bookFrom", "book-error")} />
        <Field name="bookTo" label={t("handover.bookTo")} testId="book-to" value={to} onChange={setTo} error={errorIn(problem, "bookTo", "book-error")} />
      </div>
      {errorIn(problem, "form", "book-error")}
      <button type="submit" data-testid="book-submit" disabled={pending}>
        {t("handover.bookSubmit")} <kbd>Enter</kbd>
      </button>
    </KeyForm>
  );
}
