//! A labelled choice list that answers single keys: an option may name keys (`M`, `1`) that
//! choose it at once, as counter staff type them. It takes only its own keys: any other
//! character typed is refused with a hint naming the keys it takes — never the browser's
//! type-ahead, which would silently change the choice while someone types the next field's
//! text (a birth date typed into 性别). Arrows still move; Enter is left to the form.

import { useRef, useState, type KeyboardEvent, type ReactNode, type Ref, type SelectHTMLAttributes } from "react";
import { useT } from "../i18n";

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
  /** Letters typed within a second build a code: the first option whose value starts with it
   * is chosen (department codes). The browser's own type-ahead differs between engines. */
  codeTypeAhead?: boolean;
}

/** How long typed letters keep building one code. */
const TYPE_AHEAD_MS = 1000;

export function KeySelect<V extends string>({ label, testId, value, options, onChange, hint, error, className, codeTypeAhead, ...select }: Props<V>) {
  const typed = useRef({ text: "", at: 0 });
  const t = useT();
  /** A key this list does not take was typed: say which it takes. */
  const [refused, setRefused] = useState(false);
  const ownKeys = options.flatMap((o) => o.keys ?? []);
  function onKeyDown(e: KeyboardEvent<HTMLSelectElement>) {
    if (e.ctrlKey || e.altKey || e.metaKey || e.key.length !== 1 || e.nativeEvent.isComposing) {
      typed.current = { text: "", at: 0 }; // Enter, Tab, arrows: the next letter starts a new code
      return;
    }
    const key = e.key.toUpperCase();
    const hit = options.find((o) => o.keys?.some((k) => k.toUpperCase() === key));
    if (hit) {
      e.preventDefault();
      setRefused(false);
      onChange(hit.value);
      return;
    }
    if (!codeTypeAhead) {
      if (ownKeys.length === 0) return; // a list without keys of its own: the browser's type-ahead
      e.preventDefault();
      setRefused(true);
      return;
    }
    const now = e.timeStamp || Date.now();
    const buffer = now - typed.current.at < TYPE_AHEAD_MS ? typed.current.text + key : key;
    typed.current = { text: buffer, at: now };
    const starts = (text: string) => options.find((o) => o.value !== "" && o.value.toUpperCase().startsWith(text));
    // Letters that lead nowhere start over from this one, as type-ahead does.
    const match = starts(buffer) ?? starts(key);
    if (!starts(buffer)) typed.current = { text: key, at: now };
    e.preventDefault();
    if (match) onChange(match.value);
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
          onBlur={() => {
            typed.current = { text: "", at: 0 };
            setRefused(false);
          }}
        >
          {options.map((o) => (
            <option key={o.value} value={o.value}>
              {o.keys?.length ? `${o.label}（${o.keys.join("/")}）` : o.label}
            </option>
          ))}
        </select>
      </label>
      {refused && ownKeys.length > 0 ? (
        <span className="field-hint select-keys" role="status" data-testid={`${testId}-keys`}>
          {t("select.onlyKeys", { keys: ownKeys.join(" / ") })}
        </span>
      ) : (
        hint && <span className="field-hint">{hint}</span>
      )}
      {error}
    </div>
  );
}
