//! 收据打印机 in 操作员与设置: everyone sees where receipts go (a CUPS printer, or "PDF only");
//! an administrator sets the printer's CUPS name, empty for "只保存 PDF，不直接打印". The field
//! starts with the printer in use, so an Enter pressed by mistake changes nothing. The core
//! checks the name (`printer_invalid`) and the role (`role_forbidden`).

import { useEffect, useState } from "react";
import { api } from "../../api";
import { ErrorText, errorIn } from "../../components/ErrorText";
import { Field } from "../../components/Field";
import { KeyForm } from "../../components/KeyForm";
import { useKept } from "../../hooks/useDraft";
import { useSubmit, type FieldFor } from "../../hooks/useSubmit";
import { useT } from "../../i18n";
import type { Notice } from "../notice";

const fieldFor: FieldFor = (code) => (code === "printer_invalid" ? "printer" : undefined);

export function PrinterForm({ canChange }: { canChange: boolean }) {
  const t = useT();
  /** `undefined` while it loads; `null`: no printer, PDFs only. */
  const [current, setCurrent] = useState<string | null | undefined>(undefined);
  /** What the administrator typed; `null` until then (the field shows the printer in use). */
  const [edited, setEdited, clearEdited] = useKept<string | null>("printer.name", null);
  const [notice, setNotice] = useState<Notice | null>(null);
  const load = useSubmit();
  const save = useSubmit(fieldFor);

  useEffect(() => {
    void load.run(async () => setCurrent(await api.printer()));
  }, [load.run]);

  const value = edited ?? current ?? "";

  function submit() {
    setNotice(null);
    void save.run(async () => {
      const now = await api.setPrinter(value.trim());
      setCurrent(now);
      clearEdited();
      setNotice(now ? { key: "notice.printerSet", vars: { name: now } } : { key: "notice.printerNone" });
    });
  }

  return (
    <section className="inline-form" data-testid="printer-settings">
      <h3>{t("printer.title")}</h3>
      {load.problem ? (
        <ErrorText problem={load.problem} testId="printer-current" />
      ) : (
        <p className="printer-current" data-testid="printer-current">
          {current === undefined ? t("ops.loading") : current === null ? t("printer.none") : t("printer.current", { name: current })}
        </p>
      )}
      {canChange && (
        <KeyForm onSubmit={submit} problem={save.problem} escBack={false} className="grid-form">
          <Field
            name="printer"
            label={t("printer.name")}
            hint={t("printer.hint")}
            testId="printer-name"
            value={value}
            onChange={setEdited}
            disabled={current === undefined && !load.problem}
            error={errorIn(save.problem, "printer", "printer-error")}
          />
          {errorIn(save.problem, "form", "printer-error")}
          {notice && (
            <p className="notice" role="status" data-testid="printer-notice">
              {t(notice.key, notice.vars)}
            </p>
          )}
          <button type="submit" data-testid="printer-submit" disabled={save.pending || (current === undefined && !load.problem)}>
            {t("printer.submit")}
          </button>
        </KeyForm>
      )}
    </section>
  );
}
