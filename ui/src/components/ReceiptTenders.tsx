//! How a receipt was paid, as the result panels show it (收费 and 预交金): one line a tender —
//! its method and reference, what was handed over when it differs from the amount — and the
//! amount. All of it is the core's.

import type { TenderView } from "../bindings/TenderView";
import { formatFen } from "../format";
import { useT } from "../i18n";
import { METHOD_KEY } from "./TenderFields";

export function ReceiptTenders({ tenders }: { tenders: TenderView[] }) {
  const t = useT();
  return (
    <ul className="fee-items receipt-tenders">
      {tenders.map((x, i) => (
        <li key={i}>
          <span>
            {t(METHOD_KEY[x.method])}
            {x.reference && ` ${x.reference}`}
            {x.tendered_fen !== null && x.tendered_fen !== x.amount_fen && ` · ${t("receipt.tendered", { amount: formatFen(x.tendered_fen) })}`}
          </span>
          <span className="num">{formatFen(x.amount_fen)}</span>
        </li>
      ))}
    </ul>
  );
}
