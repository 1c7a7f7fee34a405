//! 主管授权: the supervisor's name and PIN a correction (作废, 退费, 退预交金) or a line outside
//! the price list needs, as one fieldset, with what goes with it — the check that neither box
//! is empty, the `CredentialsInput` the core takes, and where the core's refusals of them show. The
//! PIN is only ever held by the form that asks for it.

import { useState, type ReactNode } from "react";
import type { CredentialsInput } from "../bindings/CredentialsInput";
import type { Problem } from "../hooks/useSubmit";
import { useT, type MsgKey } from "../i18n";
import type { Vars } from "../i18n/catalog";
import { Field, PinField } from "./Field";
import type { CodeMap } from "../api";

/** Where the core's refusal of a supervisor shows. */
export const SUPERVISOR_FIELDS: CodeMap<string> = {
  operator_unknown: "supName",
  pin_wrong: "supPin",
  role_forbidden: "supPin",
  operator_locked: "supPin",
};

/** Where a refusal belongs in a form asking a reason and a supervisor (void and refund). */
export const SUPERVISED_FIELDS: CodeMap<string> = {
  text_empty: "reason",
  text_control_chars: "reason",
  text_too_long: "reason",
  ...SUPERVISOR_FIELDS,
};

export interface Supervisor {
  name: string;
  setName: (name: string) => void;
  pin: string;
  setPin: (pin: string) => void;
  /** The UI's own refusal, at the first empty box; null when both are filled in. */
  missing: () => Problem | null;
  credentials: () => CredentialsInput;
}

/** The name's state, as `useState` or `useDraft` give it: the form chooses whether the name is
 *  kept as a draft (`useSupervisor(useDraft("corr.supName"))`) or preset. */
type NameState = readonly [name: string, setName: (name: string) => void, ...rest: unknown[]];

/** The supervisor being typed: the name in `nameState`, the PIN in this form's memory only. */
export function useSupervisor([name, setName]: NameState): Supervisor {
  const [pin, setPin] = useState("");
  return {
    name,
    setName,
    pin,
    setPin,
    missing: () => (name.trim() === "" || pin === "" ? { key: "free.supRequired", field: name.trim() === "" ? "supName" : "supPin" } : null),
    credentials: () => ({ name: name.trim(), pin }),
  };
}

interface Props {
  sup: Supervisor;
  /** Test ids are `${prefix}-sup-name` and `${prefix}-sup-pin`. */
  prefix: string;
  errorFor: (field: string) => ReactNode;
  legend?: MsgKey;
  /** Values for the legend's placeholders (e.g. the threshold a difference is above). */
  legendVars?: Vars;
  className?: string;
}

export function SupervisorFields({ sup, prefix, errorFor, legend = "corr.supervisor", legendVars, className = "supervisor" }: Props) {
  const t = useT();
  return (
    <fieldset className={className}>
      <legend>{t(legend, legendVars)}</legend>
      <div className="cols2">
        <Field name="supName" label={t("sup.name")} testId={`${prefix}-sup-name`} value={sup.name} onChange={sup.setName} error={errorFor("supName")} />
        <PinField name="supPin" label={t("sup.pin")} testId={`${prefix}-sup-pin`} value={sup.pin} onChange={sup.setPin} error={errorFor("supPin")} />
      </div>
    </fieldset>
  );
}
