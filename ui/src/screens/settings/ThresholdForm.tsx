//! 交班差额审批限额 in 操作员与设置: everyone sees above which difference a handover needs a
//! supervisor; an administrator changes it. The field starts with the threshold in force; the
//! core checks the range and the role.

import { useEffect, useState } from "react";
import { api } from "../../api";
import { ErrorText, errorIn } from "../../components/ErrorText";
import { Field } from "../../components/Field";
import { KeyForm } from "../../components/KeyForm";
import { formatFen, formatYuanInput, parseYuan } from "../../format";
import { useKept } from "../../hooks/useDraft";
import { useSubmit, type FieldFor } from "../../hooks/useSubmit";
import { useT } from "../../i18n";

const fieldFor: FieldFor = (code) => (code.startsWith("threshold_") || code.startsWith("amount_") ? "threshold" : undefined);

export function ThresholdForm({ canChange }: { canChange: boolean }) {
  const t = useT();
  const [current, setCurrent] = useState<number | null>(null);
  const [edited, setEdited, clearEdited] = useKept<string | null>("threshold.value", null);
  const [saved, setSaved] = useState<number | null>(null);
  const load = useSubmit();
  const save = useSubmit(fieldFor);

  useEffect(() => {
    void load.run(async () => setCurrent(await api.cashThreshold()));
  }, [load.run]);

  const value = edited ?? (current === null ? "" : formatYuanInput(current));

  function submit() {
    const fen = parseYuan(value);
    if (fen === null) {
      save.setProblem({ key: "handover.amountInvalid", field: "threshold" });
      return;
    }
    setSaved(null);
    void save.run(async () => {
      const now = await api.setCashThreshold(fen);
      setCurrent(now);
      clearEdited();
      setSaved(now);
    });
  }

  const currentText = current === null ? t("ops.loading") : t("threshold.current", { amount: formatFen(current) });
  return (
    <section className="inline-form" data-testid="threshold-settings">
      <h3>{t("threshold.title")}</h3>
      {load.problem && <ErrorText problem={load.problem} testId="threshold-current" />}
      {!load.problem && !canChange && <p data-testid="threshold-current">{currentText}</p>}
      {canChange && (
        <KeyForm onSubmit={submit} problem={save.problem} escBack={false} className="threshold-row">
          <Field
            name="threshold"
            label={t("threshold.name")}
            hint={load.problem ? undefined : currentText}
            testId="threshold-value"
            inputMode="decimal"
            value={value}
            onChange={setEdited}
            disabled={current === null && !load.problem}
            error={errorIn(save.problem, "threshold", "threshold-error")}
          />
          <button type="submit" data-testid="threshold-submit" disabled={save.pending || (current === null && !load.problem)}>
            {t("threshold.submit")}
          </button>
          {errorIn(save.problem, "form", "threshold-error")}
          {saved !== null && (
            <p className="notice" role="status" data-testid="threshold-notice">
              {t("notice.thresholdSet", { amount: formatFen(saved) })}
            </p>
          )}
        </KeyForm>
      )}
    </section>
  );
}
