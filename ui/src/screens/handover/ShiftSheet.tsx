//! The handover sheet on screen: the groups and the payment methods, the cash with what is
//! expected, the receipts (ranges, voids, refunds, paper numbers with skipped and repeated ones
//! called out), the lists to chase and the fee categories. Every figure is the core's; the
//! printed sheet (Ctrl+R) carries the full lists.

import type { Groups } from "../../bindings/Groups";
import type { ShiftReport } from "../../bindings/ShiftReport";
import type { FeeCategory } from "../../bindings/FeeCategory";
import { formatFen } from "../../format";
import { feeCategoryKey, useT, type MsgKey } from "../../i18n";
import { ALL_METHODS, METHOD_KEY } from "../../components/TenderFields";

export const GROUPS: (keyof Groups)[] = ["registration", "outpatient", "refunds", "voids", "deposits", "deposit_refunds"];

/** Most receipt ranges listed one by one; the rest are counted. */
const RANGES_SHOWN = 3;

export function ShiftSheet({ report: r }: { report: ShiftReport }) {
  const t = useT();
  const ranges = r.receipts_used.map((x) => (x.count === 1 ? x.first : `${x.first}—${x.last.slice(-6)}`));
  const rangeText = ranges.length > RANGES_SHOWN ? `${ranges.slice(0, RANGES_SHOWN).join("、")} …（${ranges.length}）` : ranges.join("、");
  const receiptCount = r.receipts_used.reduce((n, x) => n + x.count, 0);
  const categories = Object.entries(r.totals_by_category_fen) as [FeeCategory, number][];
  const paper = r.paper_numbers;
  return (
    <section className="panel sheet" data-testid="shift-sheet">
      <div className="sheet-col">
        <h3>{t("handover.groups")}</h3>
        <table className="table compact" data-testid="sheet-groups">
          <thead>
            <tr>
              <th />
              <th className="num">{t("handover.count")}</th>
              <th className="num">{t("handover.amount")}</th>
            </tr>
          </thead>
          <tbody>
            {GROUPS.map((g) => (
              <tr key={g}>
                <td>{t(`handover.group.${g}` as MsgKey)}</td>
                <td className="num">{r.groups[g].count}</td>
                <td className="num">{formatFen(r.groups[g].amount_fen)}</td>
              </tr>
            ))}
            <tr className="total">
              <td>{t("handover.net")}</td>
              <td />
              <td className="num" data-testid="sheet-net">
                {formatFen(r.net_fen)}
              </td>
            </tr>
          </tbody>
        </table>
        <h3>{t("handover.tenders")}</h3>
        <table className="table compact" data-testid="sheet-tenders">
          <tbody>
            {ALL_METHODS.map((m) => (
              <tr key={m}>
                <td>{t(METHOD_KEY[m])}</td>
                <td className="num">{formatFen(r.totals_by_tender_fen[m])}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <div className="sheet-col">
        <h3>{t("handover.cash")}</h3>
        <dl className="cash-lines" data-testid="sheet-cash">
          <dt>{t("handover.float")}</dt>
          <dd>{formatFen(r.opening_float_fen)}</dd>
          <dt>{t("handover.cashTaken")}</dt>
          <dd>{formatFen(r.cash_taken_fen)}</dd>
          <dt>{t("handover.cashBack")}</dt>
          <dd>{formatFen(r.cash_given_back_fen)}</dd>
          <dt className="strong">
            {t("handover.expected")} <span className="field-hint">{t("handover.expectedHint")}</span>
          </dt>
          <dd className="strong big" data-testid="sheet-expected">
            {formatFen(r.expected_cash_fen)}
          </dd>
          {r.counted_cash_fen !== null && r.difference_fen !== null && (
            <>
              <dt>{t("handover.counted")}</dt>
              <dd data-testid="sheet-counted">{formatFen(r.counted_cash_fen)}</dd>
              <dt>{t("handover.difference")}</dt>
              <dd className={r.difference_fen === 0 ? "" : "diff"} data-testid="sheet-difference">
                {formatFen(r.difference_fen)}
              </dd>
            </>
          )}
        </dl>
        <h3>{t("handover.receipts")}</h3>
        <ul className="sheet-facts" data-testid="sheet-receipts">
          <li>{receiptCount > 0 ? t("handover.ranges", { count: receiptCount, ranges: rangeText }) : t("handover.noReceipts")}</li>
          {r.groups.voids.count > 0 && <li>{t("handover.voided", { count: r.groups.voids.count, amount: formatFen(r.groups.voids.amount_fen) })}</li>}
          {r.refunds.length > 0 && <li>{t("handover.refunded", { count: r.groups.refunds.count, amount: formatFen(r.groups.refunds.amount_fen) })}</li>}
          {paper.books.map((b) => (
            <li key={`${b.operator}${b.first}`} data-testid="sheet-paper-book">
              {t("handover.book", {
                first: b.first,
                last: b.last,
                count: b.count,
                used: b.used,
                voided: b.voided,
                skipped: b.skipped,
                rest: b.unused ? t("handover.bookUnused", { first: b.unused.first, last: b.unused.last, count: b.unused.count }) : t("handover.bookFull"),
              })}
            </li>
          ))}
          {paper.used.length > 0 && (
            <li>
              {t("handover.paper", {
                count: paper.used.length,
                numbers: paper.used.map((u) => u.paper_no + (u.voided ? t("handover.paperVoided") : "")).join("、"),
              })}
            </li>
          )}
          {paper.skipped.map((k) => (
            <li key={k.first} className="warn-line" data-testid="sheet-paper-skipped">
              {t("handover.skipped", { first: k.first, last: k.last, count: k.count })}
            </li>
          ))}
          {paper.repeated.map((x) => (
            <li key={x.paper_no} className="warn-line">
              {t("handover.repeated", { no: x.paper_no, receipts: x.receipt_nos.join("、") })}
            </li>
          ))}
          <li>{t("handover.insured", { count: r.insured.length })}</li>
          <li>{t("handover.admissions", { count: r.admissions_to_convert.length })}</li>
        </ul>
        {categories.length > 0 && (
          <>
            <h3>{t("handover.categories")}</h3>
            <ul className="chips sheet-categories" data-testid="sheet-categories">
              {categories.map(([c, fen]) => (
                <li key={c}>
                  {t(feeCategoryKey(c))} {formatFen(fen)}
                </li>
              ))}
            </ul>
          </>
        )}
        <p className="field-hint" data-testid="sheet-anchor">
          {t("handover.anchor", { seq: r.journal_seq, hash: r.journal_hash_prefix })}
        </p>
      </div>
    </section>
  );
}
