//! 合并患者 (Ctrl+M): two downtime records found to be one person. The clerk picks the record
//! merged away and the record kept (each by the patient search; the pinned patient starts as
//! the one kept), types the reason, and a supervisor approves in place with name and PIN — the
//! same fieldset as 作废 and 退费. The core checks the roles (an approver is never the operator)
//! and keeps the merge as a record of its own: afterwards both numbers find the patient kept,
//! and what was issued for either stays as it was. Enter picks a patient and moves on, then goes
//! field to field and merges from the PIN; Ctrl+Enter merges from anywhere; Esc closes.

import { useEffect, useRef, useState, type KeyboardEvent } from "react";
import { api, type CodeMap } from "../../api";
import type { PatientView } from "../../bindings/PatientView";
import { Dialog } from "../../components/Dialog";
import { errorIn } from "../../components/ErrorText";
import { Field } from "../../components/Field";
import { FormButtons } from "../../components/FormButtons";
import { isSaveKey, KeyForm } from "../../components/KeyForm";
import { maskId, PatientNo, sexAge } from "../../components/PatientCard";
import { PatientSearch } from "../../components/PatientSearch";
import { SUPERVISED_FIELDS, SupervisorFields, useSupervisor } from "../../components/SupervisorFields";
import type { Problem } from "../../hooks/useSubmit";
import { useSubmit, type FieldFor } from "../../hooks/useSubmit";
import { useT } from "../../i18n";

type Slot = "merged" | "into";

const FIELD_OF: CodeMap<string> = {
  ...SUPERVISED_FIELDS,
  approver_is_actor: "supName",
  patient_merge_same: "merged",
  patient_not_local: "merged",
  patient_unknown: "merged",
};
const fieldFor: FieldFor = (code) => FIELD_OF[code];

interface Props {
  /** The patient pinned on the screen underneath, if any: preset as the record kept. */
  patient: PatientView | null;
  /** Called with the patient kept and the record merged away. */
  onMerged: (kept: PatientView, mergedAway: PatientView) => void;
  onClose: () => void;
}

export function MergePatientsDialog({ patient, onMerged, onClose }: Props) {
  const t = useT();
  const [picked, setPicked] = useState<Record<Slot, PatientView | null>>({ merged: null, into: patient?.downtime_no ? patient : null });
  const [queries, setQueries] = useState<Record<Slot, string>>({ merged: "", into: "" });
  const [reason, setReason] = useState("");
  const sup = useSupervisor(useState(""));
  const { pending, problem, setProblem, run } = useSubmit(fieldFor);
  const boxes = { merged: useRef<HTMLInputElement>(null), into: useRef<HTMLInputElement>(null) };
  const reasonInput = useRef<HTMLInputElement>(null);

  useEffect(() => boxes.merged.current?.focus(), []);
  // A refusal about a record puts the focus in its search box.
  useEffect(() => {
    if (problem?.field === "merged" || problem?.field === "into") boxes[problem.field].current?.focus();
  }, [problem]);

  function pick(slot: Slot, p: PatientView) {
    if (!p.downtime_no) return setProblem({ key: "pm.notLocal", field: slot });
    setProblem(null);
    const next = { ...picked, [slot]: p };
    setPicked(next);
    setQueries((q) => ({ ...q, [slot]: "" }));
    // On to the other record if it is still missing, else to the reason.
    const other: Slot = slot === "merged" ? "into" : "merged";
    (next[other] ? reasonInput : boxes[other]).current?.focus();
  }

  function submit() {
    const { merged, into } = picked;
    const missing: Problem | null = !merged
      ? { key: "pm.needMerged", field: "merged" }
      : !into
        ? { key: "pm.needInto", field: "into" }
        : reason.trim() === ""
          ? { key: "pm.reasonRequired", field: "reason" }
          : sup.missing();
    if (missing || !merged || !into) return setProblem(missing);
    void run(async () => onMerged(await api.mergePatients(merged.downtime_no ?? "", into.downtime_no ?? "", reason.trim(), sup.credentials()), merged));
  }

  /** Ctrl+Enter merges from the search boxes too (the form handles its own fields). */
  function onKeyDown(e: KeyboardEvent<HTMLDivElement>) {
    if (e.nativeEvent.isComposing || !isSaveKey(e) || e.defaultPrevented) return;
    e.preventDefault();
    submit();
  }

  const err = (slot: string) => errorIn(problem, slot, "pm-error");
  const slot = (s: Slot) => (
    <div className="pm-slot" data-testid={`pm-${s}`}>
      <PatientSearch
        ref={boxes[s]}
        testId={`pm-${s}`}
        label={t(s === "merged" ? "pm.merged" : "pm.into")}
        query={queries[s]}
        onQuery={(q) => setQueries((old) => ({ ...old, [s]: q }))}
        onPick={(p) => pick(s, p)}
        pinnedId={picked[s]?.id ?? null}
      />
      {picked[s] ? <Picked p={picked[s]} testId={`pm-${s}-picked`} /> : <p className="muted">{t("pm.none")}</p>}
      {err(s)}
    </div>
  );

  return (
    <Dialog title={t("pm.title")} onClose={onClose} size="wide">
      <div onKeyDown={onKeyDown}>
        <p className="field-hint pm-hint">{t("pm.hint")}</p>
        <div className="pm-slots">
          {slot("merged")}
          <span className="pm-arrow" aria-hidden="true">
            →
          </span>
          {slot("into")}
        </div>
        <KeyForm onSubmit={submit} problem={problem} escBack={false} className="pm-form" testId="pm-form">
          <Field ref={reasonInput} name="reason" label={t("pm.reason")} testId="pm-reason" value={reason} onChange={setReason} error={err("reason")} />
          <SupervisorFields sup={sup} prefix="pm" errorFor={err} className="supervisor tight" />
          <div className="pm-foot">
            {err("form")}
            <FormButtons submit="pm.submit" testId="pm-submit" kind="danger" pending={pending} back="common.close" onBack={onClose} />
          </div>
        </KeyForm>
      </div>
    </Dialog>
  );
}

/** The record chosen for a slot: enough to tell two people of one name apart. */
function Picked({ p, testId }: { p: PatientView; testId: string }) {
  const t = useT();
  return (
    <p className="pm-picked" data-testid={testId}>
      <b>{p.name}</b> <span className="muted">{sexAge(p, t)}</span> <PatientNo p={p} />
      <span className="row-facts">
        {" "}
        · {p.id_number ? maskId(p.id_number) : t("patient.noIdNumber")}
        {p.phone && ` · ${p.phone}`}
      </span>
    </p>
  );
}
