//! Full-screen refusal when the database cannot be used (damaged, newer schema, not ours,
//! read-only): the core's message and nothing else to click.

import type { IpcError } from "../api";
import { useLang, useT } from "../i18n";

export function FatalScreen({ error }: { error: IpcError }) {
  const t = useT();
  const { lang } = useLang();
  return (
    <main className="fatal" role="alert" data-testid="fatal-error">
      <h1>{t("fatal.title")}</h1>
      <p className="fatal-message">{(lang === "en" ? error.message_en : error.message) || t("error.unknown")}</p>
      <p>{t("fatal.hint")}</p>
      <p className="muted">
        {t("fatal.code")}: <code>{error.code}</code>
      </p>
    </main>
  );
}
