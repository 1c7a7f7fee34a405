//! A money box (yuan as typed): large numerals, a decimal keypad on touch screens, and its
//! content selected whenever it gets the focus — and again when the window fills it in while it
//! has the focus but nothing was typed yet (F9 presets the cash to the total after focusing
//! it) — so the first key typed replaces the amount instead of appending to it.

import { useEffect, useRef, type ComponentProps, type Ref } from "react";
import { Field } from "./Field";

type Props = Omit<ComponentProps<typeof Field>, "inputMode" | "ref"> & { ref?: Ref<HTMLInputElement> };

export function AmountField({ ref, onChange, onFocus, big = true, ...props }: Props) {
  const input = useRef<HTMLInputElement | null>(null);
  /** Something was typed since the box got the focus: a new value is the person's own. */
  const typed = useRef(false);
  useEffect(() => {
    const el = input.current;
    if (el && document.activeElement === el && !typed.current) el.select();
  }, [props.value]);
  const setRef = (el: HTMLInputElement | null) => {
    input.current = el;
    if (typeof ref === "function") ref(el);
    else if (ref) (ref as { current: HTMLInputElement | null }).current = el;
  };
  return (
    <Field
      {...props}
      ref={setRef}
      big={big}
      inputMode="decimal"
      onChange={(v) => {
        typed.current = true;
        onChange(v);
      }}
      onFocus={(e) => {
        typed.current = false;
        e.target.select();
        onFocus?.(e);
      }}
    />
  );
}
