//! The registration just made, right and large: the numbers the patient must hear (停机号,
//! 候诊号, the change), the department and type, and the fee with the receipt that paid it.
//! Enter (the focus is on 下一位) or F4 starts the next patient; Ctrl+R prints the 候诊条.

import type { Ref } from "react";
import type { RegistrationView } from "../../bindings/RegistrationView";
import { formatFen, formatLocal } from "../../format";
import { useT } from "../../i18n";
import { PrintStatus, type PrintState } from "../../components/printing";

interface Props {
  reg: RegistrationView;
  onNext: () => void;
  /** 打印候诊条, and how that went. */
  onPrintSlip: () => void;
  slip: PrintState;
  nextRef?: Ref<HTMLButtonElement>;
}

export function RegResult({ reg, onNext, onPrintSlip, slip, nextRef }: Props) {
  const t = useT();
  return (
    <section className={`panel reg-result reg-done ${reg.cancelled ? "cancelled" : ""}`} data-testid="reg-result" role="status">
      <p className="result-patient">
        {reg.patient_name}
        {reg.back_entered && <span className="tag">{t("reg.backEntered")}</span>}
        {reg.cancelled && <span className="tag tag-red">{t("reg.cancelled")}</span>}
      </p>
      <div className="result-numbers">
        <div>
          <span className="result-label">{t("patient.downtimeNo")}</span>
          <span className="result-dt" data-testid="reg-downtime-no">
            {reg.downtime_no}
          </span>
        </div>
        <div>
          <span className="result-label">{t("reg.queueNo")}</span>
          <span className="result-queue huge" data-testid="reg-queue-no">
            {reg.queue_no}
          </span>
        </div>
      </div>
      <p className="result-dept">
        {reg.dept_name} · {reg.reg_type_name} · {reg.doctor || t("reg.doctorAny")}
      </p>
      <p className="muted">{t("reg.visitAt", { time: formatLocal(reg.occurred_at) })}</p>
      {/* Change is for the moment of paying; once refunded the refund takes its place. */}
      {reg.change_fen > 0 && !reg.cancelled && (
        <div className="result-change">
          <span className="result-label">{t("reg.change")}</span>
          <span className="huge" data-testid="reg-change">
            {formatFen(reg.change_fen)}
          </span>
        </div>
      )}
      <div className="result-fee">
        <span>{reg.receipt_no ? t("reg.feePaid", { receipt: reg.receipt_no }) : t("reg.feeNone")}</span>
        <b data-testid="reg-fee">{formatFen(reg.total_fen)}</b>
      </div>
      {reg.refund_receipt_no && (
        <p className="notice" data-testid="reg-refunded">
          {t("reg.refunded", { amount: formatFen(reg.refund_fen), receipt: reg.refund_receipt_no })}
        </p>
      )}
      {reg.fee_items.length > 0 && (
        <ul className="fee-items">
          {reg.fee_items.map((item) => (
            <li key={item.code}>
              <span>{item.name}</span>
              <span className="num">{formatFen(item.amount_fen)}</span>
            </li>
          ))}
        </ul>
      )}
      <PrintStatus state={slip} testId="slip-status" pathTestId="slip-path" />
      <div className="button-row reg-actions">
        <button type="button" data-testid="reg-print-slip" disabled={slip.pending || reg.cancelled} onClick={onPrintSlip}>
          {t("reg.printSlip")} <kbd>Ctrl+R</kbd>
        </button>
        <button ref={nextRef} type="button" className="primary" data-testid="reg-next" onClick={onNext}>
          {t("reg.next")} <kbd>Enter</kbd> <kbd>F4</kbd>
        </button>
      </div>
    </section>
  );
}
