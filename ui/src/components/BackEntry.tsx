//! 补录: outside an outage the core refuses new records unless a paper record written during
//! the outage is being entered afterwards; the box asks when it really happened. Shown once the
//! core has said `outage_not_active` (or the box was ticked); Space ticks it, and the next
//! keystroke is the time.

import { useEffect, useRef, type ReactNode } from "react";
import { Field } from "./Field";
import { useT, type MsgKey } from "../i18n";
import type { CodeMap } from "../api";

interface Props {
  on: boolean;
  onToggle: (on: boolean) => void;
  at: string;
  onAt: (at: string) => void;
  /** What is being entered late, e.g. 停机期间手写的入院单. */
  hint: MsgKey;
  /** The time field's label; 实际时间 unless said. */
  label?: MsgKey;
  /** `${prefix}-back-toggle`, `${prefix}-back-entry` */
  prefix: string;
  /** The error that concerns the box (`backEntry`) or the time (`backAt`). */
  errorFor: (slot: string) => ReactNode;
}

export function BackEntry({ on, onToggle, at, onAt, hint, label = "reg.backAt", prefix, errorFor }: Props) {
  const t = useT();
  const toggle = useRef<HTMLInputElement>(null);
  const time = useRef<HTMLInputElement>(null);
  useEffect(() => {
    if (on && document.activeElement === toggle.current) time.current?.focus();
  }, [on]);
  return (
    <fieldset className="back-entry">
      <legend>{t("reg.backEntryTitle")}</legend>
      {errorFor("backEntry")}
      <label className="check">
        <input ref={toggle} type="checkbox" name="backEntry" data-testid={`${prefix}-back-toggle`} checked={on} onChange={(e) => onToggle(e.target.checked)} />
        {t("reg.backEntry")} <span className="field-hint">{t(hint)}</span>
      </label>
      {on && (
        <Field ref={time} name="backAt" label={t(label)} hint={t("reg.backAtHint")} testId={`${prefix}-back-entry`} value={at} onChange={onAt} error={errorFor("backAt")} />
      )}
    </fieldset>
  );
}

/** Where the core's refusals of a back-entered time belong. */
export const BACK_ENTRY_FIELDS: CodeMap<string> = {
  outage_not_active: "backEntry",
  time_invalid: "backAt",
  time_in_future: "backAt",
  back_entry_outside_outage: "backAt",
};
