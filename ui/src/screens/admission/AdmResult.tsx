//! The admission just made, right and large: the temporary inpatient number (住院号) the ward
//! and the patient will quote, where they go, and — for an insured patient — that they were
//! admitted as self-pay and are to be converted after recovery. Enter (the focus waits on
//! 交预交金) or F7 takes the first deposit.

import type { Ref } from "react";
import type { AdmissionView } from "../../bindings/AdmissionView";
import { formatLocal } from "../../format";
import { useT } from "../../i18n";
import { INSURANCE_KEY } from "../../components/PatientCard";

/** `内科病区 · 3病区 12床`: where the patient lies, from what the core sent. */
export function whereOf(a: AdmissionView, t: ReturnType<typeof useT>): string {
  const place = [a.ward, a.bed ? t("adm.bedNo", { bed: a.bed }) : ""].filter((x) => x !== "").join(" ");
  return place ? `${a.dept_name} · ${place}` : a.dept_name;
}

interface Props {
  admission: AdmissionView;
  onDeposit: () => void;
  /** 交预交金, where the focus waits after admitting: Enter (or F7) takes the first deposit. */
  depositRef?: Ref<HTMLButtonElement>;
}

export function AdmResult({ admission: a, onDeposit, depositRef }: Props) {
  const t = useT();
  return (
    <section className={`panel reg-result adm-result ${a.cancelled ? "cancelled" : ""}`} data-testid="adm-result" role="status">
      <p className="result-patient">
        {a.patient_name}
        {a.back_entered && <span className="tag">{t("reg.backEntered")}</span>}
        {a.cancelled && <span className="tag tag-red">{t("adm.cancelled")}</span>}
      </p>
      <div className="result-numbers">
        <div>
          <span className="result-label">{t("adm.inpatientNo")}</span>
          <span className="receipt-big code" data-testid="adm-inpatient-no">
            {a.inpatient_no}
          </span>
        </div>
        <div>
          <span className="result-label">{t("patient.downtimeNo")}</span>
          <span className="code">{a.downtime_no}</span>
        </div>
      </div>
      <p className="result-dept">{whereOf(a, t)}</p>
      {(a.doctor || a.diagnosis) && (
        <p>
          {a.doctor && t("adm.doctorIs", { doctor: a.doctor })} {a.diagnosis && t("adm.diagnosisIs", { diagnosis: a.diagnosis })}
        </p>
      )}
      <p className="muted">{t("adm.admittedAt", { time: formatLocal(a.admitted_at), clerk: a.clerk })}</p>
      {a.convert_to_insured && (
        <p className="pay-due" data-testid="adm-convert-flag">
          {t("adm.convertNote")} · {t(INSURANCE_KEY[a.insurance])} {a.insurance_no}
        </p>
      )}
      {!a.cancelled && (
        <button ref={depositRef} type="button" className="primary" data-testid="adm-deposit-open" onClick={onDeposit}>
          {t("dep.take")} <kbd>Enter</kbd> <kbd>F7</kbd>
        </button>
      )}
    </section>
  );
}
