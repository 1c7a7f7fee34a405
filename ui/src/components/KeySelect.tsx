//! A labelled choice list that answers single keys: an option may name keys (`M`, `1`) that
//! choose it at once, as counter staff type them; every other key keeps the browser's own
//! meaning (arrows, type-ahead on the label). Enter is left to the form (next field).

import type { KeyboardEvent, ReactNode, Ref, SelectHTMLAttributes } from "react";

export interface KeyOption<V extends string> {
  value: V;
  label: string;
  /** Single characters that choose this option (compared without case). */
  keys?: string[];
}

interface Props<V extends string> extends Omit<SelectHTMLAttributes<HTMLSelectElement>, "onChange" | "value"> {
  label: string;
  name: string;
  testId: string;
  value: V;
  options: KeyOption<V>[];
  onChange: (value: V) => void;
  hint?: string;
  error?: ReactNode;
  ref?: Ref<HTMLSelectElement>;
}

export function KeySelect<V extends string>({ label, testId, value, options, onChange, hint, error, className, ...select }: Props<V>) {
  function onKeyDown(e: KeyboardEvent<HTMLSelectElement>) {
    if (e.ctrlKey || e.altKey || e.metaKey || e.key.length !== 1) return;
    const typed = e.key.toUpperCase();
    const hit = options.find((o) => o.keys?.some((k) => k.toUpperCase() === typed));
    if (!hit) return;
    e.preventDefault();
    onChange(hit.value);
  }
  return (
    <div className={`field ${className ?? ""}`}>
      <label>
        <span className="field-label">{label}</span>
        <select
          {...select}
          data-testid={testId}
          value={value}
          aria-invalid={error ? true : undefined}
          onChange={(e) => onChange(e.target.value as V)}
          onKeyDown={onKeyDown}
        >
          {options.map((o) => (
            <option key={o.value} value={o.value}>
              {o.keys?.length ? `${o.label} · ${o.keys.join("/")}` : o.label}
            </option>
          ))}
        </select>
      </label>
      {hint && <span className="field-hint">{hint}</span>}
      {error}
    </div>
  );
}
