//! 新建患者 (F2): name, sex, birth date or age, ID number, phone, address, insurance. Enter
//! goes field to field and saves from the last; Ctrl+Enter saves from any field, so a patient
//! with only a name, sex and birth date needs no Enter through the empty ones (性别 takes only
//! M/F/U: a birth date typed into it changes nothing). Esc steps back, and from the name to the
//! search box. The core checks everything and derives birth date and sex from the ID number;
//! its refusals appear at the field they concern. Two need a decision: an ID number that
//! disagrees with the typed birth date or sex (tick 确认不一致 to save anyway), and a patient
//! who may already exist (pick them, or confirm this is someone else).

import { useImperativeHandle, useRef, useState, type Ref } from "react";
import { api } from "../../api";
import type { PatientView } from "../../bindings/PatientView";
import { errorIn } from "../../components/ErrorText";
import { KeyForm } from "../../components/KeyForm";
import {
  ageProblem,
  detailsFieldFor,
  detailsInput,
  MISMATCH_FIELDS,
  PatientFields,
  type DetailsField,
  type PatientDetails,
} from "../../components/PatientFields";
import { useDraft } from "../../hooks/useDraft";
import { useSubmit } from "../../hooks/useSubmit";
import { useT } from "../../i18n";
import { DuplicateBox } from "./DuplicateBox";

/** Refusals answered by picking an existing patient; only the first may be overridden. */
const POSSIBLE_DUPLICATE = "patient_possible_duplicate";
const KNOWN_ID = ["patient_duplicate_id", "patient_in_his"];

interface Props {
  onCreated: (p: PatientView) => void;
  /** An existing patient chosen instead of creating one. */
  onUseExisting: (p: PatientView) => void;
  /** Esc on the name: back to the search box. */
  onBackOut: () => void;
  /** The name input, for the screen's focus. */
  nameRef?: Ref<HTMLInputElement>;
}

export function NewPatientForm({ onCreated, onUseExisting, onBackOut, nameRef }: Props) {
  const t = useT();
  const nameInput = useRef<HTMLInputElement>(null);
  useImperativeHandle(nameRef, () => nameInput.current!, []);
  const idInput = useRef<HTMLInputElement>(null);
  // Each box is a draft of its own, so a trip home loses nothing typed.
  const drafts: Record<DetailsField, ReturnType<typeof useDraft>> = {
    name: useDraft("np.name"),
    sex: useDraft("np.sex", "U"),
    birth: useDraft("np.birth"),
    age: useDraft("np.age"),
    idNumber: useDraft("np.idNumber"),
    phone: useDraft("np.phone"),
    address: useDraft("np.address"),
    insurance: useDraft("np.insurance", "self_pay"),
    insuranceNo: useDraft("np.insuranceNo"),
  };
  const details = Object.fromEntries(Object.entries(drafts).map(([k, [v]]) => [k, v])) as unknown as PatientDetails;
  const clearAll = () => Object.values(drafts).forEach(([, , clear]) => clear());
  /** The clerk confirmed that the ID number's birth date or sex differs from what was typed. */
  const [mismatchOk, setMismatchOk] = useState(false);
  const [candidates, setCandidates] = useState<PatientView[] | null>(null);
  const { pending, problem, setProblem, run } = useSubmit(detailsFieldFor);
  const code = problem?.ipc?.code;

  function change(field: DetailsField, value: string) {
    // Changing what the mismatch was about takes the confirmation back.
    if (MISMATCH_FIELDS.includes(field)) setMismatchOk(false);
    drafts[field][1](value);
  }

  function submit(flags: { mismatchOk?: boolean; duplicateOk?: boolean } = {}) {
    const built = detailsInput(details, { mismatchOk: flags.mismatchOk ?? mismatchOk, duplicateOk: flags.duplicateOk });
    if ("problem" in built) return setProblem(built.problem);
    setCandidates(null);
    void run(async () => {
      const created = await api.addPatient(built.input);
      clearAll();
      setMismatchOk(false);
      onCreated(created);
    }).then((e) => {
      if (!e) return;
      setProblem(ageProblem(details, { ipc: e, field: detailsFieldFor(e.code) }));
      if (e.code === POSSIBLE_DUPLICATE) lookUp(details.name.trim(), true);
      else if (KNOWN_ID.includes(e.code)) lookUp(details.idNumber.trim(), false);
    });
  }

  /** The patients the clerk may mean: by name (same name first), or by the ID number. */
  function lookUp(query: string, sameNameOnly: boolean) {
    api.findPatients(query, 10).then(
      (found) => {
        const same = found.filter((p) => p.name === query);
        setCandidates(sameNameOnly && same.length > 0 ? same : found);
      },
      () => setCandidates([]),
    );
  }

  function useExisting(p: PatientView) {
    clearAll();
    setMismatchOk(false);
    setProblem(null);
    setCandidates(null);
    onUseExisting(p);
  }

  const duplicate = code === POSSIBLE_DUPLICATE || (code !== undefined && KNOWN_ID.includes(code));

  return (
    <section className="panel reg-form">
      <h2>
        {t("nav.newPatient")} <kbd>F2</kbd>
      </h2>
      <KeyForm onSubmit={() => submit()} problem={problem} onBackOut={onBackOut} className="cols2" testId="np-form">
        <PatientFields
          details={details}
          onChange={change}
          problem={problem}
          prefix="np"
          mismatchOk={mismatchOk}
          onConfirmMismatch={(checked) => {
            setMismatchOk(checked);
            if (checked) submit({ mismatchOk: true });
          }}
          pending={pending}
          nameRef={nameInput}
          idRef={idInput}
        />
        <div className="span2">
          {duplicate && problem ? (
            <DuplicateBox
              problem={problem}
              candidates={candidates}
              allowCreate={code === POSSIBLE_DUPLICATE}
              busy={pending}
              onUse={useExisting}
              onCreate={() => submit({ duplicateOk: true })}
              onBack={() => (code === POSSIBLE_DUPLICATE ? nameInput : idInput).current?.focus()}
            />
          ) : (
            errorIn(problem, "form", "np-error")
          )}
        </div>
        <button type="submit" className="primary" data-testid="np-submit" disabled={pending}>
          {t("np.submit")} <kbd>Ctrl+Enter</kbd>
        </button>
      </KeyForm>
    </section>
  );
}
