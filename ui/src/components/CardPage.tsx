//! The frame of the screens before the shell (setup, login): a centred card, the language
//! switch, the outage banner when one is on (`banner`), and the key bar.

import type { ReactNode } from "react";
import { useT } from "../i18n";
import { FKeyBar, type FKey } from "./FKeyBar";
import { LangButton } from "./LangButton";

interface Props {
  title: string;
  children: ReactNode;
  keys?: FKey[];
  wide?: boolean;
  /** Under the head: the outage banner (login), so nobody logs in unaware of the outage. */
  banner?: ReactNode;
}

export function CardPage({ title, children, keys, wide, banner }: Props) {
  const t = useT();
  const bar = keys ?? [
    { key: "Enter", label: t("fkey.next") },
    { key: "Esc", label: t("fkey.back") },
    { key: "Ctrl+L", label: t("fkey.lang") },
  ];
  return (
    <div className="page">
      <header className="page-head">
        <span className="app-name">{t("app.title")}</span>
        <LangButton />
      </header>
      {banner}
      <main className="page-body">
        <section className={`card ${wide ? "wide" : ""}`}>
          <h1>{title}</h1>
          {children}
        </section>
      </main>
      <FKeyBar keys={bar} />
    </div>
  );
}
