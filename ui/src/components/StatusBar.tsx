//! The top bar, always visible while logged in: station, operator and role, shift, price-list
//! month and size (in warning colours when the core calls it stale), the count of documents not
//! printed (未打印, Ctrl+Y) when there are any, language switch.

import type { AppStatus } from "../bindings/AppStatus";
import type { ShiftView } from "../bindings/ShiftView";
import { formatFen, formatLocalTime } from "../format";
import { roleKey, useT } from "../i18n";
import { LangButton } from "./LangButton";

/** The operator's shift if it is still open (a closed one only matters to finance). */
export function openShift(shift: ShiftView | null): ShiftView | null {
  return shift && shift.closed_at === null ? shift : null;
}

export function StatusBar({ status }: { status: AppStatus }) {
  const t = useT();
  const { station, operator, catalog } = status;
  const shift = openShift(status.shift);
  return (
    <header className="status-bar" data-testid="status-bar">
      {station && (
        <span className="station">
          {station.hospital} · <b>{station.code}</b> {station.name}
        </span>
      )}
      {operator && (
        <span data-testid="status-operator">
          {operator.name} · {t(roleKey(operator.role))}
        </span>
      )}
      <span data-testid="status-shift">
        {shift
          ? t("status.shiftOpen", { time: formatLocalTime(shift.opened_at), float: formatFen(shift.float_fen) })
          : t("status.shiftNone")}
      </span>
      <span className={catalog.active && !catalog.stale ? "muted" : "status-warn"} data-testid="status-catalog">
        {catalog.active
          ? t(catalog.stale ? "status.catalogStale" : "status.catalog", { month: catalog.active.month, items: catalog.items })
          : t("status.catalogNone")}
      </span>
      {status.unprinted > 0 && (
        <span className="status-warn" data-testid="status-unprinted">
          {t("status.unprinted", { count: status.unprinted })} <kbd>Ctrl+Y</kbd>
        </span>
      )}
      <LangButton />
    </header>
  );
}
