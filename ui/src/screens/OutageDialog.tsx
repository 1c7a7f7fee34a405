//! F11 启动 / 结束应急. Starting asks the reason, when the HIS went down (optional, "08:30"),
//! and who announced it; ending asks when it came back (optional). When the operator is not
//! a supervisor or administrator, a supervisor's name and PIN are asked too and sent along;
//! whether they suffice is for the core to say. Ending while shifts are still open is refused
//! with their list; the supervisor may then confirm ending anyway (a box to tick, journalled).
//! Once ended, the shell offers the outage report.

import { useState } from "react";
import { api } from "../api";
import type { AppStatus } from "../bindings/AppStatus";
import type { CredentialsInput } from "../bindings/CredentialsInput";
import { Dialog } from "../components/Dialog";
import { errorIn } from "../components/ErrorText";
import { Field, PinField } from "../components/Field";
import { KeyForm } from "../components/KeyForm";
import { formatLocal } from "../format";
import { useDraft } from "../hooks/useDraft";
import { useSubmit, type FieldFor } from "../hooks/useSubmit";
import { useT } from "../i18n";
import type { Notice } from "./notice";

const SUPERVISOR_CODES = ["pin_wrong", "operator_unknown", "operator_locked", "role_forbidden"];

const timeOnly: FieldFor = (code) => (code.startsWith("time_") || code === "outage_end_before_start" ? "time" : undefined);

/** With the supervisor fields shown, a refused approval belongs next to the supervisor PIN. */
const withSupervisor: FieldFor = (code) =>
  SUPERVISOR_CODES.includes(code) || code.startsWith("pin_") ? "supPin" : timeOnly(code);

interface Props {
  status: AppStatus;
  onDone: (s: AppStatus, notice: Notice) => void;
  /** The outage `id` was ended. */
  onEnded: (s: AppStatus, id: string) => void;
  onClose: () => void;
}

export function OutageDialog({ status, onDone, onEnded, onClose }: Props) {
  const t = useT();
  const active = status.outage?.active ? status.outage : null;
  /** Who may not start or end an outage themself has a supervisor approve it on the form. */
  const askSupervisor = !status.may.includes("manage_outage");
  const [reason, setReason, clearReason] = useDraft("outage.reason");
  const [time, setTime, clearTime] = useDraft(active ? "outage.upAt" : "outage.since");
  const [announced, setAnnounced, clearAnnounced] = useDraft("outage.announced");
  const [supName, setSupName, clearSupName] = useDraft("outage.supName");
  const [supPin, setSupPin] = useState("");
  /** The shifts still open were named by the core: the supervisor may end it anyway. */
  const [openShifts, setOpenShifts] = useState(false);
  const [anyway, setAnyway] = useState(false);
  const { pending, problem, run } = useSubmit(askSupervisor ? withSupervisor : timeOnly);

  function supervisor(): CredentialsInput | null {
    if (!askSupervisor || (supName.trim() === "" && supPin === "")) return null;
    return { name: supName.trim(), pin: supPin };
  }

  function submit() {
    const when = time.trim() === "" ? null : time.trim();
    void run(async () => {
      const next = active
        ? await api.endOutage({ his_up_at: when, supervisor: supervisor(), with_open_shifts: anyway })
        : await api.startOutage({ reason, his_down_at: when, announced_by: announced, supervisor: supervisor() });
      [clearReason, clearTime, clearAnnounced, clearSupName].forEach((clear) => clear());
      if (active) onEnded(next, active.id);
      else onDone(next, { key: "notice.outageStarted" });
    }).then((failed) => {
      if (failed) setSupPin("");
      if (failed?.code === "outage_shifts_open") setOpenShifts(true);
    });
  }

  const err = (slot: string) => errorIn(problem, slot, "outage-error");
  return (
    <Dialog title={t(active ? "outage.endTitle" : "outage.startTitle")} onClose={onClose} size="medium">
      {active && <p className="muted">{t("outage.activeInfo", { time: formatLocal(active.his_down_at), reason: active.reason })}</p>}
      <KeyForm onSubmit={submit} problem={problem} escBack={false} className="cols2">
        {!active && (
          <Field name="reason" className="span2" label={t("outage.reason")} testId="outage-reason" value={reason} onChange={setReason} autoFocus />
        )}
        <Field
          name="time"
          label={`${t(active ? "outage.upAt" : "outage.since")}（${t("common.optional")}）`}
          hint={t("outage.timeHint")}
          testId={active ? "outage-up-at" : "outage-since"}
          value={time}
          onChange={setTime}
          autoFocus={!!active}
          error={err("time")}
        />
        {!active && (
          <Field
            name="announced"
            label={t("outage.announced")}
            hint={t("outage.announcedHint")}
            testId="outage-announced"
            value={announced}
            onChange={setAnnounced}
          />
        )}
        {askSupervisor && (
          <fieldset className="supervisor span2">
            <legend>{t("outage.supervisor")}</legend>
            <p className="field-hint">{t("outage.supervisorHint")}</p>
            <div className="cols2">
              <Field name="supName" label={t("outage.supName")} testId="sup-name" value={supName} onChange={setSupName} />
              <PinField name="supPin" label={t("outage.supPin")} testId="sup-pin" value={supPin} onChange={setSupPin} error={err("supPin")} />
            </div>
          </fieldset>
        )}
        <div className="span2">{err("form")}</div>
        {active && openShifts && (
          <label className="span2 check-line">
            <input type="checkbox" data-testid="outage-with-open-shifts" checked={anyway} onChange={(e) => setAnyway(e.target.checked)} />
            {t("outage.withOpenShifts")}
          </label>
        )}
        <button type="submit" className="primary" data-testid="outage-submit" disabled={pending}>
          {t(active ? "outage.submitEnd" : "outage.submitStart")} <kbd>Enter</kbd>
        </button>
      </KeyForm>
    </Dialog>
  );
}
