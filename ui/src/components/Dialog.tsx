//! A modal panel over the home screen. Esc (handled by the shell) or the close button closes it.

import type { ReactNode } from "react";
import { useT } from "../i18n";

interface Props {
  title: string;
  onClose: () => void;
  children: ReactNode;
  wide?: boolean;
}

export function Dialog({ title, onClose, children, wide }: Props) {
  const t = useT();
  return (
    <div className="overlay">
      <section className={`dialog ${wide ? "wide" : ""}`} role="dialog" aria-modal="true" aria-label={title}>
        <header className="dialog-head">
          <h2>{title}</h2>
          <button type="button" className="quiet" onClick={onClose}>
            {t("common.close")} <kbd>Esc</kbd>
          </button>
        </header>
        {children}
      </section>
    </div>
  );
}
