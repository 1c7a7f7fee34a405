//! 应急期间报表: every shift of the outage per operator and in total, takings per hour and the
//! split by payment method as charts, the lists to chase, and printing on A4 or the roll.
//! Opened when an outage is ended, and by supervisors, administrators and finance (Ctrl+B).

import { useEffect, useState } from "react";
import { api, type ReportLayout } from "../api";
import type { PeriodReport } from "../bindings/PeriodReport";
import type { ReportPrintView } from "../bindings/ReportPrintView";
import { Dialog } from "../components/Dialog";
import { ErrorText } from "../components/ErrorText";
import { HourChart, TenderBars } from "../components/ReportCharts";
import { formatFen, formatLocal } from "../format";
import { useSubmit } from "../hooks/useSubmit";
import { useLang, useT } from "../i18n";

interface Props {
  /** The outage; null: the active one, else the last. */
  outageId: string | null;
  onClose: () => void;
}

export function OutageReportDialog({ outageId, onClose }: Props) {
  const t = useT();
  const { lang } = useLang();
  const [report, setReport] = useState<PeriodReport | null>(null);
  const [printed, setPrinted] = useState<ReportPrintView | null>(null);
  const load = useSubmit();
  const print = useSubmit();

  useEffect(() => {
    void load.run(async () => setReport(await api.outageReport(outageId)));
  }, [outageId]);

  function printIt(layout: ReportLayout) {
    void print.run(async () => setPrinted(await api.printOutageReport(report?.outage?.id ?? outageId, layout)));
  }

  const r = report;
  const open = r ? r.shifts.filter((s) => s.closed_at === null).length : 0;
  const problem = printed && (lang === "en" ? printed.problem_en : printed.problem);
  return (
    <Dialog title={t("report.title")} onClose={onClose} size="wide">
      {load.problem && <ErrorText problem={load.problem} testId="report-error" />}
      {!r ? (
        !load.problem && <p className="muted">{t("report.loading")}</p>
      ) : (
        <div className="period-report" data-testid="outage-report">
          {r.outage && (
            <p className="muted">
              {t("report.period", {
                down: formatLocal(r.outage.his_down_at),
                up: r.outage.his_up_at ? formatLocal(r.outage.his_up_at) : t("report.notUp"),
                reason: r.outage.reason,
              })}{" "}
              · {t("report.shifts", { count: r.shifts.length, open })}
            </p>
          )}
          <table className="table compact" data-testid="report-operators">
            <thead>
              <tr>
                <th>{t("report.operator")}</th>
                <th className="num">{t("report.net")}</th>
                <th className="num">{t("report.expected")}</th>
                <th className="num">{t("handover.counted")}</th>
                <th className="num">{t("report.difference")}</th>
              </tr>
            </thead>
            <tbody>
              {r.operators.map((o) => (
                <tr key={o.operator}>
                  <td>{o.operator}</td>
                  <td className="num">{formatFen(o.net_fen)}</td>
                  <td className="num">{formatFen(o.expected_cash_fen)}</td>
                  <td className="num">{o.counted_cash_fen === null ? "—" : formatFen(o.counted_cash_fen)}</td>
                  <td className="num">{o.difference_fen === null ? "—" : formatFen(o.difference_fen)}</td>
                </tr>
              ))}
              <tr className="total">
                <td>{t("report.total")}</td>
                <td className="num" data-testid="report-net">
                  {formatFen(r.net_fen)}
                </td>
                <td className="num">{formatFen(r.expected_cash_fen)}</td>
                <td className="num">{r.counted_cash_fen === null ? "—" : formatFen(r.counted_cash_fen)}</td>
                <td className="num">{r.difference_fen === null ? "—" : formatFen(r.difference_fen)}</td>
              </tr>
            </tbody>
          </table>
          <div className="report-charts">
            <HourChart hours={r.hourly} />
            <TenderBars totals={r.totals_by_tender_fen} />
          </div>
          <p className="row-facts" data-testid="report-lists">
            {t("report.lists", {
              insured: r.insured.length,
              exchange: r.exchange_pending.reduce((n, e) => n + e.count, 0),
              admissions: r.admissions_to_convert.length,
            })}
          </p>
          <div className="button-row">
            <button type="button" className="primary" data-testid="report-print" autoFocus disabled={print.pending} onClick={() => printIt("a4")}>
              {t("report.print")} <kbd>Enter</kbd>
            </button>
            <button type="button" data-testid="report-print-roll" disabled={print.pending} onClick={() => printIt("roll80")}>
              {t("report.printRoll")}
            </button>
          </div>
          {print.problem && <ErrorText problem={print.problem} testId="report-print-error" />}
          {printed && (
            <p className="notice" data-testid="report-printed" data-path={printed.pdf_path}>
              {t(printed.sent_to_printer ? "report.printed" : "report.saved", { path: printed.pdf_path })}
            </p>
          )}
          {problem && <p className="warn">{problem}</p>}
        </div>
      )}
    </Dialog>
  );
}
