//! The totals of the reconciliation per station, day or tender: downtime, HIS and their
//! difference side by side, a row that differs marked. Only shows what the core derived.

import type { ReconTotalView } from "../../bindings/ReconTotalView";
import { formatFen } from "../../format";
import { useT } from "../../i18n";

export function Totals({ title, rows, testId }: { title: string; rows: ReconTotalView[]; testId: string }) {
  const t = useT();
  return (
    <div className="recon-total-block">
      <h3>{title}</h3>
      <table className="batches" data-testid={testId}>
        <thead>
          <tr>
            <th />
            <th className="num">{t("recon.col.downtime")}</th>
            <th className="num">{t("recon.col.his")}</th>
            <th className="num">{t("recon.col.difference")}</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={r.key} className={r.difference_fen !== 0 ? "recon-off" : undefined}>
              <td>{r.label}</td>
              <td className="num">{formatFen(r.downtime_fen)}</td>
              <td className="num">{formatFen(r.his_fen)}</td>
              <td className="num">{formatFen(r.difference_fen)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
