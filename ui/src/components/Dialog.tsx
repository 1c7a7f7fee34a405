//! A modal panel over the home screen. Esc (handled by the shell) or the close button closes it.

import type { ReactNode } from "react";
import { useT } from "../i18n";

interface Props {
  title: string;
  onClose: () => void;
  children: ReactNode;
  size?: "medium" | "wide";
}

export function Dialog({ title, onClose, children, size }: Props) {
  const t = useT();
  return (
    <div className="overlay">
      <section className={`dialog ${size ?? ""}`} role="dialog" aria-modal="true" aria-label={title}>
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
