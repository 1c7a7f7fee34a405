//! 更正患者信息 (Ctrl+U on the pinned patient): the patient's details as they are now, to
//! change, and a required 原因. Enter goes field to field and saves from the reason, Ctrl+Enter
//! saves from any field, Esc cancels (nothing is saved). The core keeps the correction as a
//! record of its own, journalled; documents already issued keep what they printed. Its
//! refusals (a bad ID number, an ID number that is someone else's, nothing changed) show at the
//! field they concern, and change nothing.

import { useEffect, useRef, useState } from "react";
import { api, type CodeMap } from "../../api";
import type { PatientView } from "../../bindings/PatientView";
import { Dialog } from "../../components/Dialog";
import { errorIn } from "../../components/ErrorText";
import { Field } from "../../components/Field";
import { KeyForm } from "../../components/KeyForm";
import {
  ageProblem,
  DETAILS_FIELD_OF,
  detailsInput,
  detailsOf,
  MISMATCH_FIELDS,
  PatientFields,
  type DetailsField,
  type PatientDetails,
} from "../../components/PatientFields";
import { useSubmit, type FieldFor } from "../../hooks/useSubmit";
import { useT } from "../../i18n";

/** Where a refusal of the correction shows. The reason is checked here before the core sees
 *  it, so an empty name is the only `text_empty` the core can give. */
const FIELD_OF: CodeMap<string> = { ...DETAILS_FIELD_OF, patient_duplicate_id: "idNumber" };
const fieldFor: FieldFor = (code) => FIELD_OF[code];

interface Props {
  /** The pinned patient; has a downtime number (the shell offers the dialog only then). */
  patient: PatientView;
  onCorrected: (p: PatientView) => void;
  onClose: () => void;
}

export function CorrectPatientDialog({ patient, onCorrected, onClose }: Props) {
  const t = useT();
  const [details, setDetails] = useState<PatientDetails>(() => detailsOf(patient));
  const [reason, setReason] = useState("");
  const [mismatchOk, setMismatchOk] = useState(false);
  const { pending, problem, setProblem, run } = useSubmit(fieldFor);
  const nameInput = useRef<HTMLInputElement>(null);
  // The name first: the commonest correction (a wrong character); its text is selected.
  useEffect(() => nameInput.current?.focus(), []);

  function change(field: DetailsField, value: string) {
    if (MISMATCH_FIELDS.includes(field)) setMismatchOk(false);
    setDetails((d) => ({ ...d, [field]: value }));
  }

  function submit(ok = mismatchOk) {
    const built = detailsInput(details, { mismatchOk: ok });
    if ("problem" in built) return setProblem(built.problem);
    if (reason.trim() === "") return setProblem({ key: "pc.reasonRequired", field: "reason" });
    void run(async () => {
      onCorrected(await api.correctPatient(patient.downtime_no ?? "", built.input, reason.trim()));
    }).then((e) => e && setProblem(ageProblem(details, { ipc: e, field: fieldFor(e.code) })));
  }

  return (
    <Dialog title={t("pc.title")} onClose={onClose} size="wide">
      <p className="pc-who" data-testid="pc-who">
        {t("pc.who", { name: patient.name, no: patient.downtime_no ?? "" })}
        <span className="field-hint"> {t("pc.keepsIssued")}</span>
      </p>
      <KeyForm onSubmit={() => submit()} problem={problem} escBack={false} className="pc-form" testId="pc-form">
        <PatientFields
          details={details}
          onChange={change}
          problem={problem}
          prefix="pc"
          mismatchOk={mismatchOk}
          onConfirmMismatch={(checked) => {
            setMismatchOk(checked);
            if (checked) submit(true);
          }}
          pending={pending}
          nameRef={nameInput}
        />
        <Field
          className="span2"
          name="reason"
          label={t("pc.reason")}
          placeholder={t("pc.reasonHint")}
          testId="pc-reason"
          value={reason}
          onChange={setReason}
          error={errorIn(problem, "reason", "pc-error")}
        />
        <div className="pc-full">{errorIn(problem, "form", "pc-error")}</div>
        <button type="submit" className="primary" data-testid="pc-submit" disabled={pending}>
          {t("pc.submit")} <kbd>Ctrl+Enter</kbd>
        </button>
      </KeyForm>
    </Dialog>
  );
}
