//! 预交金, right and large: the balance as the core derives it, the receipt just issued (a
//! deposit's number or a refund's) with its amount in figures and capitals, the change, and
//! whether it printed; Ctrl+R reprints it as a copy. 打印预交金汇总 saves the account's summary
//! PDF and says where; either PDF opens in the system's viewer from here.

import { ErrorText } from "../../components/ErrorText";
import { formatFen } from "../../format";
import { useT } from "../../i18n";
import { LayoutSelect, PrintStatus, SavedPdf } from "../../components/printing";
import { ReceiptTenders } from "../../components/ReceiptTenders";
import type { DepositDesk } from "./depositDesk";

export function DepositSide({ desk }: { desk: DepositDesk }) {
  const t = useT();
  const { account, last } = desk;
  const refund = last?.kind === "deposit_refund";
  return (
    <section className="panel reg-result dep-side" data-testid="dep-account" role="status">
      <p className="result-patient">{account?.admission.patient_name ?? ""}</p>
      <div className="result-numbers">
        <div>
          <span className="result-label">{t("adm.inpatientNo")}</span>
          <span className="code dep-side-no">{desk.inpatientNo}</span>
        </div>
      </div>
      <div className="dep-balance-box">
        <span className="result-label">{t("dep.balance")}</span>
        <span className="dep-balance" data-testid="dep-balance">
          {account ? formatFen(account.balance_fen) : "—"}
        </span>
      </div>
      {last && (
        <div className="dep-last">
          <span className="result-label">{t(refund ? "dep.refundReceiptNo" : "dep.receiptNo")}</span>
          <span className="receipt-big code" data-testid={refund ? "dep-refund-receipt-no" : "dep-receipt-no"}>
            {last.receipt_no}
          </span>
          <p className="receipt-total">
            {t(refund ? "dep.refunded" : "dep.taken")} <b data-testid="dep-last-amount">{formatFen(last.total_fen)}</b> <span className="muted">{last.total_capitals}</span>
          </p>
          <ReceiptTenders tenders={last.tenders} />
          {last.change_fen > 0 && (
            <p className="dep-change">
              {t("receipt.change")} <b data-testid="dep-change">{formatFen(last.change_fen)}</b>
            </p>
          )}
          <PrintStatus state={desk.printState} />
        </div>
      )}
      <div className="button-row receipt-actions">
        {last && (
          <>
            <LayoutSelect layout={desk.layout} onChange={desk.setLayout} />
            <button type="button" data-testid="reprint" disabled={desk.printState.pending} onClick={desk.reprint}>
              {t("receipt.reprint")} <kbd>Ctrl+R</kbd>
            </button>
          </>
        )}
        <button type="button" data-testid="dep-summary-print" disabled={desk.summaryPending || !account} onClick={desk.printSummary}>
          {t("dep.summaryPrint")}
        </button>
      </div>
      {desk.summaryPath && <SavedPdf path={desk.summaryPath} pathTestId="dep-summary-path" openTestId="dep-summary-open-pdf" />}
      {desk.summaryProblem && <ErrorText problem={desk.summaryProblem} testId="dep-summary-error" />}
    </section>
  );
}
