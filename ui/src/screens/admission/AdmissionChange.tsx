//! 取消入院 and 转床 / 转病区: small forms on the admission, each a record of its own (nothing
//! is changed in place). Cancelling needs the deposit balance refunded first; the core says so
//! (`admission_has_balance`) and the form says how.

import { useState } from "react";
import { api, type CodeMap } from "../../api";
import type { AdmissionView } from "../../bindings/AdmissionView";
import { errorIn } from "../../components/ErrorText";
import { Field } from "../../components/Field";
import { FormButtons } from "../../components/FormButtons";
import { KeyForm } from "../../components/KeyForm";
import { useSubmit, type FieldFor } from "../../hooks/useSubmit";
import { useT, type MsgKey } from "../../i18n";
import { ADMIT_WORDS } from "./AdmitForm";

const OWN_WORDS: CodeMap<MsgKey> = {
  ...ADMIT_WORDS,
  admission_has_balance: "adm.cancelHasBalance",
};

interface Props {
  admission: AdmissionView;
  onDone: (a: AdmissionView) => void;
  onBackOut: () => void;
}

const cancelField: FieldFor = (code) => (code.startsWith("text_") ? "reason" : undefined);

export function CancelAdmissionForm({ admission, onDone, onBackOut }: Props) {
  const t = useT();
  const [reason, setReason] = useState("");
  const { pending, problem, setProblem, run } = useSubmit(cancelField);

  function submit() {
    if (reason.trim() === "") return setProblem({ key: "corr.reasonRequired", field: "reason" });
    void run(async () => onDone(await api.cancelAdmission(admission.inpatient_no, reason.trim()))).then((e) => {
      if (e && OWN_WORDS[e.code]) setProblem({ ipc: e, key: OWN_WORDS[e.code], field: cancelField(e.code) });
    });
  }

  const err = (slot: string) => errorIn(problem, slot, "adm-cancel-error");
  return (
    <KeyForm onSubmit={submit} problem={problem} onBackOut={onBackOut} className="corr-form" testId="adm-cancel-form">
      <h3>{t("adm.cancelTitle", { no: admission.inpatient_no })}</h3>
      <p className="field-hint">{t("adm.cancelHint")}</p>
      <Field name="reason" label={t("adm.cancelReason")} testId="adm-cancel-reason" value={reason} onChange={setReason} autoFocus error={err("reason")} />
      {err("form")}
      <FormButtons submit="adm.cancelSubmit" testId="adm-cancel-submit" kind="danger" pending={pending} back="dep.close" onBack={onBackOut} />
    </KeyForm>
  );
}

export function TransferForm({ admission, onDone, onBackOut }: Props) {
  const t = useT();
  const [ward, setWard] = useState(admission.ward);
  const [bed, setBed] = useState(admission.bed);
  const [reason, setReason] = useState("");
  // The core's refusals of ward, bed or reason do not say which: they show under the form.
  const { pending, problem, setProblem, run } = useSubmit();

  function submit() {
    if (ward.trim() === "") return setProblem({ key: "adm.wardRequired", field: "ward" });
    void run(async () => onDone(await api.transferAdmission(admission.inpatient_no, ward.trim(), bed.trim() === "" ? null : bed.trim(), reason.trim()))).then((e) => {
      if (e && OWN_WORDS[e.code]) setProblem({ ipc: e, key: OWN_WORDS[e.code] });
    });
  }

  const err = (slot: string) => errorIn(problem, slot, "adm-transfer-error");
  return (
    <KeyForm onSubmit={submit} problem={problem} onBackOut={onBackOut} className="corr-form" testId="adm-transfer-form">
      <h3>{t("adm.transferTitle", { no: admission.inpatient_no })}</h3>
      <div className="cols2">
        <Field name="ward" label={t("adm.ward")} testId="adm-transfer-ward" value={ward} onChange={setWard} autoFocus error={err("ward")} />
        <Field name="bed" label={`${t("adm.bed")}（${t("common.optional")}）`} testId="adm-transfer-bed" value={bed} onChange={setBed} />
      </div>
      <Field name="reason" label={`${t("corr.reason")}（${t("common.optional")}）`} testId="adm-transfer-reason" value={reason} onChange={setReason} />
      {err("form")}
      <FormButtons submit="adm.transferSubmit" testId="adm-transfer-submit" pending={pending} back="dep.close" onBack={onBackOut} />
    </KeyForm>
  );
}
