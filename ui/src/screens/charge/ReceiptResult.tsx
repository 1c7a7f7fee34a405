//! The receipt just issued, right and large: its number and the change (the core's), how it was
//! paid, the due dates (医保 re-settlement for an insured patient, the exchange for a computer
//! invoice), and whether it printed. Ctrl+R reprints it as a copy (副本); Enter (the focus is
//! on 下一位) or F5 starts the next patient.

import type { Ref } from "react";
import type { PrintLayout } from "../../api";
import type { ReceiptView } from "../../bindings/ReceiptView";
import { formatFen } from "../../format";
import { useT } from "../../i18n";
import { LayoutSelect, PrintStatus, type PrintState } from "../../components/printing";
import { ReceiptTenders } from "../../components/ReceiptTenders";

interface Props {
  receipt: ReceiptView;
  print: PrintState;
  layout: PrintLayout;
  onLayout: (l: PrintLayout) => void;
  onReprint: () => void;
  onNext: () => void;
  nextRef?: Ref<HTMLButtonElement>;
}

export function ReceiptResult({ receipt: r, print, layout, onLayout, onReprint, onNext, nextRef }: Props) {
  const t = useT();
  const provisional = r.due_provisional ? t("due.provisional") : "";
  return (
    <section className="panel receipt-result" data-testid="receipt-result" role="status">
      <p className="result-patient">{r.patient_name}</p>
      <div className="result-numbers">
        <div>
          <span className="result-label">{t("receipt.no")}</span>
          <span className="receipt-big code" data-testid="receipt-no">
            {r.receipt_no}
          </span>
        </div>
        <div>
          <span className="result-label">{t("receipt.change")}</span>
          <span className="huge" data-testid="receipt-change">
            {formatFen(r.change_fen)}
          </span>
        </div>
      </div>
      <p className="receipt-total">
        {t("receipt.total")} <b>{formatFen(r.total_fen)}</b> <span className="muted">{r.total_capitals}</span>
      </p>
      <ReceiptTenders tenders={r.tenders} />
      {r.insured && r.resettle_due && (
        <p className="pay-due" data-testid="receipt-due">
          {t("receipt.resettleDue", { date: r.resettle_due })}
          {provisional}
        </p>
      )}
      {r.exchange_due && (
        <p className="muted">
          {t("receipt.exchangeDue", { date: r.exchange_due })}
          {provisional}
        </p>
      )}
      {r.paper_no && <p className="muted">{t("receipt.paperNo", { no: r.paper_no })}</p>}
      <PrintStatus state={print} />
      <div className="button-row receipt-actions">
        <LayoutSelect layout={layout} onChange={onLayout} />
        <button type="button" data-testid="reprint" disabled={print.pending} onClick={onReprint}>
          {t("receipt.reprint")} <kbd>Ctrl+R</kbd>
        </button>
      </div>
      <button ref={nextRef} type="button" className="primary" data-testid="next-patient" onClick={onNext}>
        {t("receipt.next")} <kbd>Enter</kbd> <kbd>F5</kbd>
      </button>
    </section>
  );
}
