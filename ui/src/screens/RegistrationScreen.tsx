//! 挂号: the patient left (search, results, the pinned patient), the form centre (新建患者 or
//! 挂号), the result right and large with today's registrations under it. The shell says which
//! key brought the clerk here — F2 new patient, F3 find, F4 register (or, with a result on
//! screen, the next patient) — and the screen puts the focus where that key's next keystroke
//! belongs. The pinned patient, the result and everything typed survive a trip home. F2 after
//! a result starts clean, as the next patient does; Ctrl+R prints the result's 候诊条. Without
//! departments to register in, the form offers the sample list and the 科室表 editor; a change
//! there (`deptSeq`) reloads the list, and back from the editor the focus goes to the form.

import { useEffect, useRef, useState } from "react";
import { api, toIpcError } from "../api";
import type { PatientView } from "../bindings/PatientView";
import type { RegistrationView } from "../bindings/RegistrationView";
import { ErrorText } from "../components/ErrorText";
import { useDraft, useKept } from "../hooks/useDraft";
import { useHotkeys } from "../hooks/useHotkeys";
import { useSubmit } from "../hooks/useSubmit";
import { useT, type MsgKey } from "../i18n";
import { NewPatientForm } from "./registration/NewPatientForm";
import { PatientCard } from "../components/PatientCard";
import { PatientSearch } from "../components/PatientSearch";
import { RegisterForm, registrable, useRegDraft } from "./registration/RegisterForm";
import { NOT_PRINTED, type PrintState } from "../components/printing";
import { RegResult } from "./registration/RegResult";
import { TodayList } from "./registration/TodayList";
import { useDeskFocus } from "./deskFocus";
import { PATIENT_KEYS, usePatientTasks, type OpenPatientTask } from "./patient/patientTask";

/** Which counter key opened the screen; `seq` makes a repeated key a new request. */
export type RegIntent = { kind: "new" | "find" | "register"; seq: number };

/** Keys this screen adds to the shell's, for the key bar and the F1 help. */
export const REG_KEYS: { key: string; label: MsgKey }[] = [
  { key: "↑ ↓", label: "fkey.move" },
  { key: "Enter", label: "fkey.next" },
  { key: "Ctrl+T", label: "reg.keyToday" },
  { key: "Ctrl+R", label: "reg.keySlip" },
  { key: "Delete", label: "reg.keyCancel" },
  { key: "Ctrl+I", label: "reg.keyIndex" },
  ...PATIENT_KEYS,
  { key: "Esc", label: "fkey.back" },
];

type Target = "search" | "np" | "reg" | "next" | "list";

interface Props {
  intent: RegIntent;
  /** False while a dialog or the lock screen covers the screen. */
  keysOn: boolean;
  /** Opens the HIS 患者索引 dialog. */
  onOpenIndex: () => void;
  /** Opens the 科室表 editor. */
  onOpenDepts: () => void;
  /** Counts changes to the 科室表: the list is loaded again at each. */
  deptSeq: number;
  /** Ctrl+U / Ctrl+M: the shell's 更正 and 合并 dialogs, for the pinned patient. */
  onPatientTask: OpenPatientTask;
}

export function RegistrationScreen({ intent, keysOn, onOpenIndex, onOpenDepts, deptSeq, onPatientTask }: Props) {
  const t = useT();
  const [query, setQuery, clearQuery] = useDraft("reg.search");
  const [mode, setMode] = useKept<"new" | "register">("reg.mode", "register");
  const [pinned, setPinned, clearPinned] = useKept<PatientView | null>("reg.pinned", null);
  const [result, setResult, clearResult] = useKept<RegistrationView | null>("reg.result", null);
  const draft = useRegDraft();
  const [regs, setRegs] = useState<RegistrationView[] | null>(null);
  const deptImport = useSubmit();
  const listLoad = useSubmit();
  /** The 候诊条 printed for the registration on screen (by its id). */
  const [slip, setSlip] = useState<{ id: string; state: PrintState } | null>(null);
  const slipState = slip && slip.id === result?.id ? slip.state : NOT_PRINTED;

  const search = useRef<HTMLInputElement>(null);
  const npName = useRef<HTMLInputElement>(null);
  const deptSelect = useRef<HTMLSelectElement>(null);
  const importButton = useRef<HTMLButtonElement>(null);
  const nextButton = useRef<HTMLButtonElement>(null);
  const list = useRef<HTMLUListElement>(null);

  useEffect(() => {
    void listLoad.run(async () => setRegs(await api.registrationsToday()));
  }, [listLoad.run]);
  const { focusOn, depts, setDepts, deptLoad } = useDeskFocus<Target>({
    targets: () => ({
      search: search.current,
      np: npName.current,
      reg: deptSelect.current ?? importButton.current,
      next: nextButton.current,
      list: list.current,
    }),
    form: "reg",
    formShown: !!pinned && mode === "register" && !result,
    deptSeq,
    keysOn,
  });

  useEffect(() => {
    if (intent.kind === "new") startNew();
    else if (intent.kind === "find") focusOn("search");
    else if (result) next();
    else if (pinned) {
      setMode("register");
      focusOn("reg");
    } else focusOn("search");
  }, [intent.seq]); // each key press once; the state it reads is this render's

  useHotkeys({ "Ctrl+T": () => focusOn("list"), "Ctrl+I": onOpenIndex, "Ctrl+R": printSlip }, keysOn);
  const patientTasks = usePatientTasks(onPatientTask, pinned, setPinned, keysOn);

  function printSlip() {
    if (!result || result.cancelled || slipState.pending) return;
    const id = result.id;
    setSlip({ id, state: { ...NOT_PRINTED, pending: true } });
    api.printQueueSlip(id).then(
      (r) => setSlip({ id, state: { ...NOT_PRINTED, result: r } }),
      (e: unknown) => setSlip({ id, state: { ...NOT_PRINTED, problem: toIpcError(e) } }),
    );
  }

  function pin(p: PatientView) {
    setPinned(p);
    clearResult();
    setMode("register");
    focusOn("reg");
  }

  function registered(r: RegistrationView) {
    setResult(r);
    setRegs([r, ...(regs ?? []).filter((x) => x.id !== r.id)]);
    // An HIS patient now has a downtime number too.
    if (pinned) setPinned({ ...pinned, downtime_no: r.downtime_no });
    focusOn("next");
  }

  function next() {
    clearResult();
    clearPinned();
    draft.clear();
    clearQuery();
    setMode("register");
    focusOn("search");
  }

  /** F2: a new patient; after a result, the last one's card and patient go first. */
  function startNew() {
    if (result) {
      clearResult();
      clearPinned();
      draft.clear();
      clearQuery();
    }
    setMode("new");
    focusOn("np");
  }

  function cancelled(r: RegistrationView) {
    setRegs((regs ?? []).map((x) => (x.id === r.id ? r : x)));
    if (result?.id === r.id) setResult(r);
  }

  function importSample() {
    void deptImport.run(async () => {
      setDepts(await api.importSampleDepartments());
      focusOn("reg");
    });
  }

  const toSearch = () => focusOn("search");
  const open = depts ? registrable(depts) : [];

  function centre() {
    if (!pinned) return <p className="muted reg-hint">{t("reg.noPatient")}</p>;
    if (depts === null) return deptLoad.problem ? <ErrorText problem={deptLoad.problem} testId="reg-error" /> : <p className="muted">{t("common.working")}</p>;
    if (depts.length === 0)
      return (
        <div className="dept-empty">
          <p className="warn">{t("reg.deptNone")}</p>
          <button ref={importButton} type="button" className="primary" data-testid="dept-import-sample" disabled={deptImport.pending} onClick={importSample}>
            {t("reg.deptImportSample")}
          </button>
          <p className="field-hint">{t("reg.deptSampleHint")}</p>
          <button type="button" data-testid="dept-open-editor" onClick={onOpenDepts}>
            {t("dept.open")}
          </button>
          {deptImport.problem && <ErrorText problem={deptImport.problem} testId="reg-error" />}
        </div>
      );
    if (open.length === 0)
      return (
        <div className="dept-empty">
          <p className="warn">{t("reg.deptNoOutpatient")}</p>
          <button ref={importButton} type="button" data-testid="dept-open-editor" onClick={onOpenDepts}>
            {t("dept.open")}
          </button>
        </div>
      );
    return <RegisterForm patient={pinned} depts={open} draft={draft} onRegistered={registered} onBackOut={toSearch} deptRef={deptSelect} typesSeq={deptSeq} />;
  }

  return (
    <main className="screen reg-screen" data-testid="reg-screen">
      <div className="reg-cols">
        <div className="reg-col">
          <PatientSearch
            key={patientTasks.seq}
            ref={search}
            query={query}
            onQuery={setQuery}
            onPick={pin}
            onNew={startNew}
            pinnedId={pinned?.id ?? null}
          />
          {pinned && <PatientCard patient={pinned} tasks={patientTasks} />}
          <button type="button" className="quiet index-open" data-testid="patient-index-open" onClick={onOpenIndex}>
            {t("index.title")} <kbd>Ctrl+I</kbd>
          </button>
        </div>
        <div className="reg-col">
          {mode === "new" ? (
            <NewPatientForm nameRef={npName} onCreated={pin} onUseExisting={pin} onBackOut={toSearch} />
          ) : (
            <section className="panel reg-form">
              <h2>
                {t("nav.register")} <kbd>F4</kbd>
                {pinned && <span className="reg-for">{t("reg.for", { name: pinned.name, no: pinned.downtime_no ?? `HIS ${pinned.his_id ?? ""}` })}</span>}
              </h2>
              {centre()}
            </section>
          )}
        </div>
        <div className="reg-col">
          {result ? (
            <RegResult reg={result} onNext={next} onPrintSlip={printSlip} slip={slipState} nextRef={nextButton} />
          ) : (
            <section className="panel reg-result-empty">
              <p className="muted">{t("reg.resultEmpty")}</p>
            </section>
          )}
          <TodayList regs={regs} loadProblem={listLoad.problem} onCancelled={cancelled} onBackOut={toSearch} listRef={list} />
        </div>
      </div>
    </main>
  );
}
