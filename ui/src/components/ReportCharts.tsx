//! Charts of a report on screen, as SVG: money taken and given back per hour, and the split by
//! payment method. The amounts come from the core; only the bars' lengths are worked out here
//! (as a share of the largest amount), and every label is one of the core's figures.

import type { HourTakings } from "../bindings/HourTakings";
import type { TenderTotals } from "../bindings/TenderTotals";
import { formatFen } from "../format";
import { useT } from "../i18n";
import { ALL_METHODS, METHOD_KEY } from "./TenderFields";

const W = 560;
const H = 170;
const AXIS = 22;

/** Bars up for money taken, lighter bars down for money given back, one slot per hour. */
export function HourChart({ hours }: { hours: HourTakings[] }) {
  const t = useT();
  const max = Math.max(1, ...hours.map((h) => Math.max(h.taken_fen, h.given_back_fen)));
  const peak = hours.reduce<HourTakings | null>((best, h) => (best === null || h.taken_fen > best.taken_fen ? h : best), null);
  const hasBack = hours.some((h) => h.given_back_fen > 0);
  const up = hasBack ? (H - AXIS) * 0.75 : H - AXIS;
  const down = H - AXIS - up;
  const slot = W / Math.max(hours.length, 1);
  const bar = Math.min(slot * 0.7, 40);
  const every = Math.max(1, Math.ceil(44 / slot));
  return (
    <figure className="chart" data-testid="chart-hourly">
      <figcaption>
        {t("report.hourly")}
        {peak && peak.taken_fen > 0 && <span className="muted"> · {t("report.max", { amount: formatFen(peak.taken_fen) })}</span>}
      </figcaption>
      <svg viewBox={`0 0 ${W} ${H}`} role="img" aria-label={t("report.hourly")}>
        <line x1={0} y1={up} x2={W} y2={up} className="chart-axis" />
        {hours.map((h, i) => {
          const x = i * slot + (slot - bar) / 2;
          const hu = (h.taken_fen / max) * up;
          const hd = (h.given_back_fen / max) * up;
          return (
            <g key={h.hour}>
              {h.taken_fen > 0 && (
                <rect x={x} y={up - hu} width={bar} height={hu} className="chart-bar">
                  <title>{`${h.hour} ${formatFen(h.taken_fen)}`}</title>
                </rect>
              )}
              {h.given_back_fen > 0 && (
                <rect x={x} y={up} width={bar} height={Math.min(hd, down)} className="chart-bar back">
                  <title>{`${h.hour} -${formatFen(h.given_back_fen)}`}</title>
                </rect>
              )}
              {i % every === 0 && (
                <text x={i * slot + slot / 2} y={H - 6} textAnchor="middle" className="chart-label">
                  {h.hour.slice(11, 13)}
                  {t("report.hourSuffix")}
                </text>
              )}
            </g>
          );
        })}
      </svg>
    </figure>
  );
}

/** One bar per payment method with money, as long as its share of the largest. */
export function TenderBars({ totals }: { totals: TenderTotals }) {
  const t = useT();
  const rows = ALL_METHODS.map((m) => ({ m, fen: totals[m] })).filter((r) => r.fen !== 0);
  const max = Math.max(1, ...rows.map((r) => r.fen));
  return (
    <figure className="chart" data-testid="chart-tenders">
      <figcaption>{t("report.split")}</figcaption>
      <div className="tender-bars">
        {rows.map((r) => (
          <div key={r.m} className="tender-bar-row">
            <span>{t(METHOD_KEY[r.m])}</span>
            <span className="tender-bar-track">
              <span className="tender-bar" style={{ width: `${Math.max(0, (r.fen / max) * 100)}%` }} />
            </span>
            <span className="num">{formatFen(r.fen)}</span>
          </div>
        ))}
      </div>
    </figure>
  );
}
