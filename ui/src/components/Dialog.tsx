//! A modal panel over the home screen. Esc (handled by the shell) or the close button closes it.
//! When nothing in it takes the focus on opening (a dialog to read, like F1 help), the panel
//! itself takes it, so the focus is never left behind the overlay.

import { useEffect, useRef, type ReactNode } from "react";
import { useT } from "../i18n";

interface Props {
  title: string;
  onClose: () => void;
  children: ReactNode;
  size?: "medium" | "wide" | "full";
}

export function Dialog({ title, onClose, children, size }: Props) {
  const t = useT();
  const panel = useRef<HTMLElement>(null);
  useEffect(() => {
    // After the dialog's own first focus (autoFocus, effects) has had its turn.
    const id = requestAnimationFrame(() => {
      if (panel.current && !panel.current.contains(document.activeElement)) panel.current.focus();
    });
    return () => cancelAnimationFrame(id);
  }, []);
  return (
    <div className="overlay">
      <section ref={panel} tabIndex={-1} className={`dialog ${size ?? ""}`} role="dialog" aria-modal="true" aria-label={title} data-testid="dialog">
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
