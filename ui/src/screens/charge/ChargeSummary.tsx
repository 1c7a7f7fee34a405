//! Right of the lines: the category subtotals, the total in large type with its capitals (大写),
//! and the line count — all exactly as the core priced the draft; "—" until it has.

import type { PricedDraftView } from "../../bindings/PricedDraftView";
import { formatFen } from "../../format";
import { useT } from "../../i18n";

interface Props {
  priced: PricedDraftView | null;
  lineCount: number;
  /** A pricing is out: the figures are about to change. */
  pricing: boolean;
}

export function ChargeSummary({ priced, lineCount, pricing }: Props) {
  const t = useT();
  return (
    <section className="panel charge-summary" aria-live="polite">
      <h2>{t("charge.totalTitle")}</h2>
      <ul className="subtotals" data-testid="charge-subtotals">
        {(priced?.subtotals ?? []).map((s) => (
          <li key={s.category}>
            <span>{s.category}</span>
            <span className="num">{formatFen(s.amount_fen)}</span>
          </li>
        ))}
      </ul>
      <p className="charge-total" data-testid="charge-total">
        {priced ? formatFen(priced.total_fen) : "—"}
      </p>
      <p className="charge-capitals" data-testid="charge-capitals">
        {priced?.total_capitals ?? ""}
      </p>
      <p className="muted" data-testid="charge-count">
        {t("charge.lineCount", { count: lineCount })}
        {pricing && ` · ${t("charge.pricing")}`}
      </p>
    </section>
  );
}
