//! 交班 (F10 with a shift open): the handover sheet of the operator's shift on the left (the
//! X report while it is open), the count on the right; once closed, the Z report with its
//! difference and its printing (the original, on A4, printed by the close itself), and
//! reprints marked 副本. Ctrl+R prints the sheet; Ctrl+N registers the next paper invoice book
//! (while the shift is open); Esc goes home.

import { useEffect, useState } from "react";
import { api, type ReportLayout } from "../api";
import type { AppStatus } from "../bindings/AppStatus";
import type { ReportPrintView } from "../bindings/ReportPrintView";
import type { ShiftClosedView } from "../bindings/ShiftClosedView";
import type { ShiftReport } from "../bindings/ShiftReport";
import { ErrorText } from "../components/ErrorText";
import { formatFen, formatLocal } from "../format";
import { useHotkeys } from "../hooks/useHotkeys";
import { useSubmit } from "../hooks/useSubmit";
import { useLang, useT, type MsgKey } from "../i18n";
import { CloseForm } from "./handover/CloseForm";
import { PaperBookForm } from "./handover/PaperBookForm";
import { ShiftSheet } from "./handover/ShiftSheet";

/** Keys this screen adds to the shell's, for the key bar and the F1 help. */
export const HANDOVER_KEYS: { key: string; label: MsgKey }[] = [
  { key: "Enter", label: "fkey.next" },
  { key: "Ctrl+D", label: "handover.keyMode" },
  { key: "Ctrl+R", label: "handover.keyPrint" },
  { key: "Ctrl+N", label: "handover.newBook" },
  { key: "Esc", label: "fkey.home" },
];

interface Props {
  onStatus: (s: AppStatus) => void;
  keysOn: boolean;
  onHome: () => void;
}

export function HandoverScreen({ onStatus, keysOn, onHome }: Props) {
  const t = useT();
  const [report, setReport] = useState<ShiftReport | null>(null);
  const [closed, setClosed] = useState<ShiftClosedView | null>(null);
  const [printed, setPrinted] = useState<ReportPrintView | null>(null);
  const load = useSubmit();
  const print = useSubmit();
  const [bookOpen, setBookOpen] = useState(false);
  const [bookDone, setBookDone] = useState<string | null>(null);

  useEffect(() => {
    void load.run(async () => setReport(await api.shiftReport(null)));
  }, []); // once, on arrival

  const sheet = closed?.report ?? report;

  function printSheet(layout: ReportLayout) {
    if (!sheet) return;
    void print.run(async () => setPrinted(await api.printShiftReport(sheet.shift_id, layout)));
  }
  useHotkeys(
    {
      "Ctrl+R": () => printSheet("a4"),
      "Ctrl+N": () => {
        if (sheet?.kind === "x" && !closed) setBookOpen((o) => !o);
      },
    },
    keysOn,
  );

  function onBook(s: AppStatus, first: string, last: string) {
    onStatus(s);
    setBookOpen(false);
    setBookDone(t("handover.bookDone", { first, last }));
    void load.run(async () => setReport(await api.shiftReport(null)));
  }

  function onClosed(v: ShiftClosedView) {
    setClosed(v);
    setPrinted(v.print);
    onStatus(v.status);
  }

  return (
    <main className="screen handover" data-testid="handover">
      <div className="handover-head">
        <h1 data-testid="handover-title">
          {t(sheet?.kind === "z" ? "handover.zTitle" : "handover.xTitle")}
          {sheet?.copy && !closed && <span className="tag tag-warn">副本</span>}
        </h1>
        {sheet && <span className="muted">{t("handover.who", { operator: sheet.operator, opened: formatLocal(sheet.opened_at) })}</span>}
        <div className="button-row">
          <button type="button" data-testid="handover-print" disabled={!sheet || print.pending} onClick={() => printSheet("a4")}>
            {t(closed ? "handover.reprint" : "handover.printA4")} <kbd>Ctrl+R</kbd>
          </button>
          <button type="button" className="quiet" data-testid="handover-print-roll" disabled={!sheet || print.pending} onClick={() => printSheet("roll80")}>
            {t("handover.printRoll")}
          </button>
          {sheet?.kind === "x" && !closed && (
            <button type="button" className="quiet" data-testid="book-open" onClick={() => setBookOpen((o) => !o)}>
              {t("handover.newBook")} <kbd>Ctrl+N</kbd>
            </button>
          )}
        </div>
      </div>
      {load.problem && <ErrorText problem={load.problem} testId="handover-load-error" />}
      <div className="handover-cols">
        {sheet ? <ShiftSheet report={sheet} /> : <p className="muted">{t("handover.loading")}</p>}
        <section className="panel handover-side">
          {closed ? (
            <Closed view={closed} onHome={onHome} />
          ) : (
            sheet?.kind === "x" &&
            (bookOpen ? (
              <PaperBookForm onDone={onBook} />
            ) : (
              <CloseForm keysOn={keysOn} onClosed={onClosed} onBack={onHome} />
            ))
          )}
          {bookDone && !closed && (
            <p className="notice" data-testid="book-done" role="status">
              {bookDone}
            </p>
          )}
          {print.problem && <ErrorText problem={print.problem} testId="handover-print-error" />}
          {printed && <Printed view={printed} />}
        </section>
      </div>
    </main>
  );
}

function Closed({ view, onHome }: { view: ShiftClosedView; onHome: () => void }) {
  const t = useT();
  const diff = view.report.difference_fen ?? 0;
  return (
    <div className="handover-closed" data-testid="handover-closed" role="status">
      <span className="result-label">{t("handover.closed")}</span>
      <span className={`closed-diff ${diff === 0 ? "" : "diff"}`} data-testid="handover-closed-diff">
        {t("handover.closedDiff", { diff: formatFen(diff) })}
      </span>
      {view.report.difference_reason && <p className="row-facts">{view.report.difference_reason}</p>}
      <button type="button" className="primary" data-testid="handover-home" autoFocus onClick={onHome}>
        {t("handover.home")} <kbd>Esc</kbd>
      </button>
    </div>
  );
}

/** Where the sheet went: the printer and the PDF, or only the PDF and why. */
function Printed({ view }: { view: ReportPrintView }) {
  const t = useT();
  const { lang } = useLang();
  const key = view.sent_to_printer ? (view.copy ? "handover.printedCopy" : "handover.printed") : view.copy ? "handover.savedCopy" : "handover.saved";
  const problem = lang === "en" ? view.problem_en : view.problem;
  return (
    <div className="report-printed" data-testid="handover-printed">
      <p className="notice" data-testid="handover-pdf" data-path={view.pdf_path}>
        {t(key, { path: view.pdf_path })}
      </p>
      {problem && <p className="warn">{problem}</p>}
      <button type="button" className="quiet" data-testid="handover-open-pdf" onClick={() => void api.openPdf(view.pdf_path)}>
        {t("handover.openPdf")}
      </button>
    </div>
  );
}
