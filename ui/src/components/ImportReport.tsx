//! What the core found in a price-list file: before importing (the preview, with every bad
//! row and its reason in the user's language) and after (the summary, or "imported before").
//! The bad-row table serves the HIS patient index too.

import type { CategoryCount } from "../bindings/CategoryCount";
import type { ImportReportView } from "../bindings/ImportReportView";
import type { RowProblem } from "../bindings/RowProblem";
import { useLang, useT } from "../i18n";

/** Rows listed one by one; a file can have thousands of bad rows, the rest are counted. */
const MAX_LISTED = 300;

export function ImportReport({ report }: { report: ImportReportView }) {
  const t = useT();
  return (
    <div className="import-report" data-testid="import-report">
      <p className="muted">
        {t("catalog.reportFile", { file: report.file_name, format: report.format, encoding: report.encoding, month: report.month })}
      </p>
      <p className="big-text" data-testid="import-counts">
        {t("catalog.reportCounts", {
          rows: report.rows_read,
          good: report.good,
          duplicates: report.duplicates,
          problems: report.problems.length,
        })}
      </p>
      <Categories counts={report.by_category} />
      <RegTypesMissing report={report} />
      <ProblemRows problems={report.problems} />
    </div>
  );
}

/** The registration types this price list would leave without some of their fee items. */
export function RegTypesMissing({ report }: { report: ImportReportView }) {
  const t = useT();
  if (report.reg_types_missing.length === 0) return null;
  return (
    <div className="warn" data-testid="import-reg-types-missing">
      <p>{t("catalog.regTypesMissing")}</p>
      <ul>
        {report.reg_types_missing.map((m) => (
          <li key={m.key}>{t("catalog.regTypeMissing", { name: m.name, codes: m.codes.join("、") })}</li>
        ))}
      </ul>
    </div>
  );
}

/** Every bad row of an imported file with its number and reason (price list, patient index);
 * `total` counts them all when the core kept only the first ones. */
export function ProblemRows({ problems, total, codeLabel }: { problems: RowProblem[]; total?: number; codeLabel?: string }) {
  const t = useT();
  const { lang } = useLang();
  if (problems.length === 0) return null;
  const listed = problems.slice(0, MAX_LISTED);
  const more = Math.max(total ?? 0, problems.length) - listed.length;
  return (
    <>
      <h3 className="error">{t("catalog.problemsTitle")}</h3>
      <div className="problem-box">
        <table className="table">
          <thead>
            <tr>
              <th className="num">{t("catalog.colRow")}</th>
              <th>{codeLabel ?? t("catalog.colCode")}</th>
              <th>{t("catalog.colReason")}</th>
            </tr>
          </thead>
          <tbody>
            {listed.map((p) => (
              <tr key={p.row} data-testid="import-problem">
                <td className="num">{p.row}</td>
                <td>{p.code}</td>
                <td>{lang === "en" ? p.reason_en : p.reason}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {more > 0 && <p className="muted">{t("catalog.problemsMore", { more })}</p>}
    </>
  );
}

export function ImportSummary({ report }: { report: ImportReportView }) {
  const t = useT();
  const part = report.version?.part ?? report.part;
  const vars = { month: `${part ? `${part} ` : ""}${report.version?.month ?? report.month}`, items: report.version?.items ?? report.good };
  return (
    <div className="notice" role="status" data-testid="import-summary">
      <p className="big-text">{t(report.already_imported ? "catalog.alreadyImported" : "catalog.imported", vars)}</p>
      {!report.already_imported && <Categories counts={report.by_category} />}
      {!report.already_imported && <RegTypesMissing report={report} />}
    </div>
  );
}

function Categories({ counts }: { counts: CategoryCount[] }) {
  const t = useT();
  if (counts.length === 0) return null;
  return (
    <div className="categories">
      <span className="muted">{t("catalog.byCategory")}</span>
      <ul className="chips">
        {counts.map((c) => (
          <li key={c.category}>
            {c.category} <b>{c.items}</b>
          </li>
        ))}
      </ul>
    </div>
  );
}
