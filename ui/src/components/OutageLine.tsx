//! Under the status bar: the red "HIS 停机 · 应急模式" banner with the time since the HIS went
//! down (ticking every second), or a plain grey line saying the system is normal.

import type { OutageView } from "../bindings/OutageView";
import { formatElapsed, formatLocal } from "../format";
import { useNow } from "../hooks/useNow";
import { useLang, useT } from "../i18n";

export function OutageLine({ outage }: { outage: OutageView | null }) {
  const t = useT();
  if (!outage?.active) {
    return (
      <div className="no-outage" data-testid="no-outage">
        {t("status.normal")}
      </div>
    );
  }
  return (
    <div className="outage-banner" data-testid="outage-banner" role="status">
      <strong>{t("status.outage")}</strong>
      <span>
        {t("status.elapsed")} <Elapsed since={outage.his_down_at} />
      </span>
      <span>{t("status.downAt", { time: formatLocal(outage.his_down_at) })}</span>
    </div>
  );
}

function Elapsed({ since }: { since: string }) {
  const now = useNow(1000);
  const { lang } = useLang();
  return (
    <b className="elapsed" data-testid="outage-elapsed">
      {formatElapsed(since, now, lang)}
    </b>
  );
}
