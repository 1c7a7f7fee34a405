//! A form driven from the keyboard: Enter moves to the next field and submits from the last;
//! in a full-screen form Esc steps back to the previous field (nothing typed is lost), and from
//! the first field to where the form was entered from (`onBackOut`), else on to the window.
//! When a problem names a field, that field gets the focus with its text selected. Ctrl+Enter
//! submits from any field (optional fields need no Enter each).

import { useEffect, useRef, type KeyboardEvent, type ReactNode } from "react";
import type { Problem } from "../hooks/useSubmit";

interface Props {
  onSubmit: () => void;
  children: ReactNode;
  problem?: Problem | null;
  /** False inside dialogs, where Esc closes the dialog instead. */
  escBack?: boolean;
  /** Esc on the first field: the step before this form (e.g. back to the patient search). */
  onBackOut?: () => void;
  className?: string;
  testId?: string;
}

const FIELDS = "input:not([disabled]):not([type=hidden]), select:not([disabled]), textarea:not([disabled])";

export function KeyForm({ onSubmit, children, problem, escBack = true, onBackOut, className, testId }: Props) {
  const form = useRef<HTMLFormElement>(null);

  useEffect(() => {
    if (!problem?.field || !form.current) return;
    const el = form.current.elements.namedItem(problem.field);
    if (el instanceof HTMLInputElement || el instanceof HTMLSelectElement) {
      el.focus();
      if (el instanceof HTMLInputElement) el.select();
    }
  }, [problem]);

  function onKeyDown(e: KeyboardEvent<HTMLFormElement>) {
    if (e.nativeEvent.isComposing) return; // Enter that confirms a Chinese IME composition
    if (isSaveKey(e)) {
      e.preventDefault();
      form.current?.requestSubmit();
      return;
    }
    const target = e.target;
    if (!(target instanceof HTMLInputElement || target instanceof HTMLSelectElement)) return;
    const fields = Array.from(form.current?.querySelectorAll<HTMLElement>(FIELDS) ?? []);
    const i = fields.indexOf(target);
    if (e.key === "Enter") {
      e.preventDefault();
      if (i >= 0 && i < fields.length - 1) fields[i + 1].focus();
      else form.current?.requestSubmit();
    } else if (e.key === "Escape" && escBack && i > 0) {
      e.preventDefault();
      fields[i - 1].focus();
    } else if (e.key === "Escape" && escBack && i === 0 && onBackOut) {
      e.preventDefault();
      onBackOut();
    }
  }

  return (
    <form
      ref={form}
      className={className}
      data-testid={testId}
      noValidate
      autoComplete="off"
      onKeyDown={onKeyDown}
      onSubmit={(e) => {
        e.preventDefault();
        onSubmit();
      }}
    >
      {children}
    </form>
  );
}

/** Ctrl+Enter: save the form from whichever field has the focus. */
export function isSaveKey(e: { key: string; ctrlKey: boolean; metaKey: boolean; altKey: boolean }): boolean {
  return e.key === "Enter" && (e.ctrlKey || e.metaKey) && !e.altKey;
}
