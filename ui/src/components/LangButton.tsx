//! Switches 中文 / English (also Ctrl+L anywhere).

import { useLang, useT } from "../i18n";

export function LangButton() {
  const t = useT();
  const { toggle } = useLang();
  return (
    <button type="button" className="lang" data-testid="lang-switch" title={t("lang.switchTitle")} onClick={toggle}>
      {t("lang.switch")}
    </button>
  );
}
