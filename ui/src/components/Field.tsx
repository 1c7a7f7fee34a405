//! A labelled input. Focusing it selects its text, so a retyped value replaces the old one.

import type { InputHTMLAttributes, ReactNode, Ref } from "react";

interface Props extends Omit<InputHTMLAttributes<HTMLInputElement>, "onChange"> {
  label: string;
  name: string;
  testId: string;
  value: string;
  onChange: (value: string) => void;
  hint?: string;
  /** Shown under the input: the error that concerns this field. */
  error?: ReactNode;
  /** Large numerals, for money. */
  big?: boolean;
  ref?: Ref<HTMLInputElement>;
}

export function Field({ label, testId, onChange, hint, error, big, className, onFocus, ...input }: Props) {
  return (
    <div className={`field ${className ?? ""}`}>
      <label>
        <span className="field-label">{label}</span>
        <input
          type="text"
          spellCheck={false}
          {...input}
          className={big ? "big" : undefined}
          data-testid={testId}
          aria-invalid={error ? true : undefined}
          onChange={(e) => onChange(e.target.value)}
          onFocus={(e) => {
            e.target.select();
            onFocus?.(e);
          }}
        />
      </label>
      {hint && <span className="field-hint">{hint}</span>}
      {error}
    </div>
  );
}

/** A PIN: digits, hidden, never autocompleted. */
export function PinField(props: Omit<Props, "type" | "inputMode">) {
  return <Field {...props} type="password" inputMode="numeric" autoComplete="off" />;
}
