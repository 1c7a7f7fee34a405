//! The frame of the screens before the shell (setup, login): a centred card, the language
//! switch, and the key bar.

import type { ReactNode } from "react";
import { useT } from "../i18n";
import { FKeyBar, type FKey } from "./FKeyBar";
import { LangButton } from "./LangButton";

interface Props {
  title: string;
  children: ReactNode;
  keys?: FKey[];
  wide?: boolean;
}

export function CardPage({ title, children, keys, wide }: Props) {
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
