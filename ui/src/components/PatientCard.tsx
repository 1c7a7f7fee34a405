//! How a patient reads on the counter screens (挂号, 收费): the facts that tell two people of
//! one name apart (sex, age, number, ID number, phone), and the pinned card of the chosen
//! patient. Everything shown is what the core sent; the UI only masks and labels.

import type { Insurance } from "../bindings/Insurance";
import type { PatientView } from "../bindings/PatientView";
import type { Sex } from "../bindings/Sex";
import { useT, type MsgKey, type T } from "../i18n";
import { roleRefused, useDoor } from "./Door";

export const SEX_KEY: Record<Sex, MsgKey> = { M: "sex.M", F: "sex.F", U: "sex.U" };

export const INSURANCE_KEY: Record<Insurance, MsgKey> = {
  self_pay: "insurance.self_pay",
  employee: "insurance.employee",
  resident: "insurance.resident",
  public_funded: "insurance.public_funded",
  commercial: "insurance.commercial",
};

/** `110101199003071234` → `110101********1234`: enough to compare with the card in hand. */
export function maskId(id: string): string {
  return id.length < 11 ? id : `${id.slice(0, 6)}${"*".repeat(id.length - 10)}${id.slice(-4)}`;
}

/** `男 · 35岁` */
export function sexAge(p: PatientView, t: T): string {
  const age = p.age === null ? "" : ` · ${t("patient.age", { age: p.age })}`;
  return `${t(SEX_KEY[p.sex])}${age}`;
}

/** The number the patient is known by here: the downtime number, else the HIS ID. */
export function PatientNo({ p }: { p: PatientView }) {
  if (p.downtime_no) return <span className="code">{p.downtime_no}</span>;
  return (
    <span>
      <span className="tag">HIS</span> <span className="code">{p.his_id}</span>
    </span>
  );
}

interface CardProps {
  patient: PatientView;
  testId?: string;
  /** 更正 (Ctrl+U) and 合并 (Ctrl+M): buttons on the card, offered when the role may. */
  tasks?: { correct: () => void; merge: () => void };
}

/** The chosen patient, pinned at the left of a counter screen with the insurance type. */
export function PatientCard({ patient: p, testId = "patient-pinned", tasks }: CardProps) {
  const t = useT();
  const mayCorrect = !roleRefused(useDoor("correct_patient"));
  const mayMerge = !roleRefused(useDoor("merge_patients"));
  const rows: [MsgKey, string][] = [
    ["patient.birth", p.birth ?? "—"],
    ["patient.idNumber", p.id_number ?? "—"],
    ["patient.phone", p.phone || "—"],
    ["patient.insurance", `${t(INSURANCE_KEY[p.insurance])}${p.insurance_no ? ` ${p.insurance_no}` : ""}`],
  ];
  return (
    <section className="pinned" data-testid={testId} aria-live="polite">
      <p className="pinned-name">
        {p.name} <span className="muted">{sexAge(p, t)}</span>
      </p>
      {p.downtime_no ? (
        <p className="pinned-no">
          <span className="muted">{t("patient.downtimeNo")}</span> <b className="code">{p.downtime_no}</b>
        </p>
      ) : null}
      {p.his_id && (
        <p className="pinned-his">
          <span className="tag">HIS</span> {t("patient.hisId")} <b className="code">{p.his_id}</b>
          {!p.downtime_no && <span className="muted"> · {t("patient.hisNotYet")}</span>}
        </p>
      )}
      <dl>
        {rows.map(([label, value]) => (
          <div key={label}>
            <dt>{t(label)}</dt>
            <dd>{value}</dd>
          </div>
        ))}
      </dl>
      {tasks && (mayCorrect || mayMerge) && (
        <p className="pinned-actions">
          {/* A patient of the HIS index is corrected in HIS until registered here. */}
          {mayCorrect && p.downtime_no && (
            <button type="button" className="quiet" data-testid="patient-correct" onClick={tasks.correct}>
              {t("pc.short")} <kbd>Ctrl+U</kbd>
            </button>
          )}
          {mayMerge && (
            <button type="button" className="quiet" data-testid="patient-merge" onClick={tasks.merge}>
              {t("pm.short")} <kbd>Ctrl+M</kbd>
            </button>
          )}
        </p>
      )}
    </section>
  );
}
