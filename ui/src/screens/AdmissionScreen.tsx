//! 入院 (F6) and 预交金 (F7): the patient left (search, results, the pinned patient, and the
//! admissions in hospital under them; F2 creates one with the registration screen's form), the
//! form centre (新建患者, 入院, or the chosen admission's deposit account), and right and large
//! the result — the temporary inpatient number, or the balance and the receipt just issued. The shell says which key brought the clerk here and the screen puts the focus where
//! that key's next keystroke belongs: F6 the search (or the form, with a patient pinned; after
//! a result, the next patient), F7 the deposit form of the chosen admission (or the list, to
//! choose one), F8 退预交金. What was pinned, chosen and typed survives a trip home. Without
//! departments the form offers the 科室表 editor; a change there (`deptSeq`) reloads the list,
//! and back from the editor the focus goes to the form.

import { useEffect, useRef, useState } from "react";
import { api } from "../api";
import type { AdmissionView } from "../bindings/AdmissionView";
import type { PatientView } from "../bindings/PatientView";
import { ErrorText } from "../components/ErrorText";
import { PatientCard } from "../components/PatientCard";
import { PATIENT_KEYS, usePatientTasks, type OpenPatientTask } from "./patient/patientTask";
import { PatientSearch } from "../components/PatientSearch";
import { useDraft, useKept } from "../hooks/useDraft";
import { useSubmit } from "../hooks/useSubmit";
import { useT, type MsgKey } from "../i18n";
import { AdmissionList } from "./admission/AdmissionList";
import { admissible, AdmitForm, useAdmDraft } from "./admission/AdmitForm";
import { AdmResult } from "./admission/AdmResult";
import { useDepositDesk } from "./admission/depositDesk";
import { DepositPanel, type DepositIntent } from "./admission/DepositPanel";
import { DepositSide } from "./admission/DepositSide";
import { useDeskFocus } from "./deskFocus";
import { NewPatientForm } from "./registration/NewPatientForm";

/** Which key opened the screen; `seq` makes a repeated key a new request. */
export type AdmIntent = { kind: "admit" | "deposit" | "refund" | "new" | "find"; seq: number };

/** Keys this screen adds to the shell's, for the key bar and the F1 help. */
export const ADM_KEYS: { key: string; label: MsgKey }[] = [
  { key: "↑ ↓", label: "fkey.move" },
  { key: "Enter", label: "fkey.next" },
  { key: "Insert", label: "pay.addTender" },
  { key: "Delete", label: "dep.keyVoid" },
  { key: "Ctrl+R", label: "receipt.reprint" },
  ...PATIENT_KEYS,
  { key: "Esc", label: "fkey.back" },
];

type Mode = "new" | "admit" | "deposit";
type Target = "search" | "np" | "admit" | "result" | "list";

interface Props {
  intent: AdmIntent;
  /** False while a dialog or the lock screen covers the screen. */
  keysOn: boolean;
  /** Opens the 科室表 editor. */
  onOpenDepts: () => void;
  /** Counts changes to the 科室表: the list is loaded again at each. */
  deptSeq: number;
  /** Ctrl+U / Ctrl+M: the shell's 更正 and 合并 dialogs, for the pinned patient. */
  onPatientTask: OpenPatientTask;
}

export function AdmissionScreen({ intent, keysOn, onOpenDepts, deptSeq, onPatientTask }: Props) {
  const t = useT();
  const [query, setQuery, clearQuery] = useDraft("adm.search");
  const [mode, setMode] = useKept<Mode>("adm.mode", "admit");
  const [pinned, setPinned, clearPinned] = useKept<PatientView | null>("adm.pinned", null);
  const [result, setResult, clearResult] = useKept<AdmissionView | null>("adm.result", null);
  const [selectedNo, setSelectedNo] = useKept<string | null>("adm.selected", null);
  const [depIntent, setDepIntent] = useState<DepositIntent>({ kind: "deposit", seq: 0 });
  const draft = useAdmDraft();
  const desk = useDepositDesk(selectedNo);
  const [admissions, setAdmissions] = useState<AdmissionView[] | null>(null);
  const listLoad = useSubmit();

  const search = useRef<HTMLInputElement>(null);
  const npName = useRef<HTMLInputElement>(null);
  const deptSelect = useRef<HTMLSelectElement>(null);
  const list = useRef<HTMLUListElement>(null);
  const depositButton = useRef<HTMLButtonElement>(null);

  const reloadList = () => listLoad.run(async () => setAdmissions(await api.admissions(true)));
  useEffect(() => {
    void reloadList();
  }, []); // once, on arrival
  const { focusOn, depts, deptLoad } = useDeskFocus<Target>({
    targets: () => ({ search: search.current, np: npName.current, admit: deptSelect.current, result: depositButton.current, list: list.current }),
    form: "admit",
    formShown: !!pinned && mode === "admit",
    deptSeq,
    keysOn,
  });

  const patientTasks = usePatientTasks(onPatientTask, pinned, setPinned, keysOn);

  /** Clears the last admission's result, patient and form: the next patient. */
  function clearLast() {
    clearResult();
    clearPinned();
    draft.clear();
    clearQuery();
  }

  function deposits(kind: DepositIntent["kind"]) {
    if (!selectedNo) {
      focusOn("list");
      return;
    }
    setMode("deposit");
    setDepIntent((old) => ({ kind, seq: old.seq + 1 }));
  }

  useEffect(() => {
    switch (intent.kind) {
      case "new":
        if (result) clearLast();
        setMode("new");
        focusOn("np");
        return;
      case "find":
        focusOn("search");
        return;
      case "deposit":
      case "refund":
        deposits(intent.kind);
        return;
      case "admit":
        if (result) clearLast();
        setMode("admit");
        focusOn(pinned && !result ? "admit" : "search");
        return;
    }
  }, [intent.seq]); // each key press once; the state it reads is this render's

  function pin(p: PatientView) {
    setPinned(p);
    clearResult();
    draft.takePatient(p);
    setMode("admit");
    focusOn("admit");
  }

  function admitted(a: AdmissionView) {
    setResult(a);
    setSelectedNo(a.inpatient_no);
    draft.clear();
    setAdmissions((old) => [a, ...(old ?? []).filter((x) => x.inpatient_no !== a.inpatient_no)]);
    // An HIS patient now has a downtime number too.
    if (pinned) setPinned({ ...pinned, downtime_no: a.downtime_no });
    focusOn("result");
  }

  function choose(a: AdmissionView) {
    setSelectedNo(a.inpatient_no);
  }

  function openAccount(a: AdmissionView) {
    setSelectedNo(a.inpatient_no);
    setMode("deposit");
    setDepIntent((old) => ({ kind: "deposit", seq: old.seq + 1 }));
  }

  function changed(a: AdmissionView) {
    void reloadList();
    if (result?.inpatient_no === a.inpatient_no) setResult(a);
  }

  const toSearch = () => focusOn("search");

  function centre() {
    if (mode === "new") return <NewPatientForm nameRef={npName} onCreated={pin} onUseExisting={pin} onBackOut={toSearch} />;
    return (
      <section className="panel reg-form adm-form">
        <h2>
          {t("nav.admit")} <kbd>F6</kbd>
          {pinned && <span className="reg-for">{t("adm.for", { name: pinned.name, no: pinned.downtime_no ?? `HIS ${pinned.his_id ?? ""}` })}</span>}
        </h2>
        {!pinned ? (
          <p className="muted reg-hint">{t("adm.noPatient")}</p>
        ) : depts === null ? (
          deptLoad.problem ? <ErrorText problem={deptLoad.problem} testId="adm-error" /> : <p className="muted">{t("common.working")}</p>
        ) : depts.length === 0 ? (
          <div className="dept-empty">
            <p className="warn">{t("adm.deptNone")}</p>
            <button type="button" data-testid="dept-open-editor" onClick={onOpenDepts}>
              {t("dept.open")}
            </button>
          </div>
        ) : (
          <AdmitForm patient={pinned} depts={admissible(depts)} draft={draft} onAdmitted={admitted} onBackOut={toSearch} deptRef={deptSelect} />
        )}
      </section>
    );
  }

  const deposit = mode === "deposit" && selectedNo !== null;
  return (
    <main className="screen reg-screen adm-screen" data-testid="adm-screen">
      <div className="reg-cols adm-cols">
        <div className="reg-col">
          <PatientSearch
            key={patientTasks.seq}
            ref={search}
            query={query}
            onQuery={setQuery}
            onPick={pin}
            onNew={() => {
              if (result) clearLast();
              setMode("new");
              focusOn("np");
            }}
            pinnedId={pinned?.id ?? null}
          />
          {pinned && <PatientCard patient={pinned} tasks={patientTasks} />}
          {/* The admissions in hospital sit with the patient search: the right column is the result's. */}
          <AdmissionList
            admissions={admissions}
            loadProblem={listLoad.problem}
            selectedNo={selectedNo}
            onSelect={choose}
            onOpen={openAccount}
            onBackOut={toSearch}
            listRef={list}
          />
        </div>
        <div className="reg-col">
          {deposit ? <DepositPanel desk={desk} intent={depIntent} keysOn={keysOn} onChanged={changed} /> : centre()}
        </div>
        <div className="reg-col">
          {deposit ? (
            <DepositSide desk={desk} />
          ) : result ? (
            <AdmResult admission={result} onDeposit={() => deposits("deposit")} depositRef={depositButton} />
          ) : (
            <section className="panel reg-result-empty">
              <p className="muted">{t("adm.resultEmpty")}</p>
            </section>
          )}
        </div>
      </div>
    </main>
  );
}
