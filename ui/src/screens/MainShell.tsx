//! The logged-in window: status bar, outage line, the current screen (home, 挂号, 收费, 入院 /
//! 预交金 or 价目表), the function-key bar, and one dialog at a time. The key map is fixed:
//! F1 help, F2 new patient, F3 find patient, F4 register (the registration screen, focused for
//! that key), F5 charge, F8 refund / void, F9 settle (the cashier screen, likewise), F6 admit,
//! F7 deposits (the admission screen), F10 shift (open it, or the handover screen), F11 outage,
//! F12 lock; Ctrl+B the outage report (supervisors, administrators, finance; ending the
//! outage offers it, over the Export screen); Ctrl+P price list,
//! Ctrl+O operators and settings (and from there the 科室表), Ctrl+J verify the journal, Ctrl+K
//! check a scanned receipt code, Ctrl+Y the documents not printed (未打印), Ctrl+E export batches (supervisors, administrators, finance;
//! ending the outage shows its report, then opens it for the final batch), Ctrl+G finance
//! reconciliation (finance, administrators), Ctrl+L language (App), Ctrl+Q log out. On the admission screen F2, F3 and F8 stay there: its own new-patient form, its search,
//! 退预交金. Esc closes the dialog (typed text is kept), else steps back on the screen and from
//! there goes home. The charge draft lives here, so it outlasts the screen.
//!
//! The key bar fits one or two rows at 1366 px in either language: it shows the screen's (or the
//! dialog's) keys and the counter keys; the rest (F11, Ctrl+P/O/J/K/Q) are on the home tiles
//! and in F1 help. A counter key the core refuses now (role, shift) refuses at once, with the
//! core's reason (`AppStatus.doors`), and a tile the role cannot use is shown as not offered.
//! A change to the 科室表 or the 号别 makes the screens holding them load them again (`deptSeq`).
//! Ctrl+U 更正 and Ctrl+M 合并 are the screens' keys (on their pinned patient); the dialogs
//! are the shell's, refused at the door like the counter keys.

import { useCallback, useEffect, useRef, useState } from "react";
import { api } from "../api";
import type { AppStatus } from "../bindings/AppStatus";
import { DoorProvider, DoorRefusal, refusalOf, roleRefused } from "../components/Door";
import { ErrorText } from "../components/ErrorText";
import { FKeyBar, type FKey } from "../components/FKeyBar";
import { OutageLine } from "../components/OutageLine";
import { openShift, StatusBar } from "../components/StatusBar";
import { DraftProvider } from "../hooks/useDraft";
import { useHotkeys } from "../hooks/useHotkeys";
import { useIdle } from "../hooks/useIdle";
import { useKeepFocusInView } from "../components/keepInView";
import type { IpcError } from "../bindings/IpcError";
import type { Task } from "../bindings/Task";
import { useSubmit } from "../hooks/useSubmit";
import { useLang, useT, type MsgKey } from "../i18n";
import { CATALOG_KEYS, CatalogScreen } from "./CatalogScreen";
import { useChargeDraft } from "./charge/chargeDraft";
import { FreeItemDialog } from "./charge/FreeItemDialog";
import { CHARGE_KEYS, ChargeScreen, type ChargeIntent } from "./ChargeScreen";
import { HANDOVER_KEYS, HandoverScreen } from "./HandoverScreen";
import { EXPORT_KEYS, ExportScreen } from "./ExportScreen";
import { RECON_KEYS, ReconcileScreen } from "./ReconcileScreen";
import { ADM_KEYS, AdmissionScreen, type AdmIntent } from "./AdmissionScreen";
import { HelpDialog } from "./HelpDialog";
import type { Notice } from "./notice";
import { OperatorsDialog } from "./OperatorsDialog";
import { OutageDialog } from "./OutageDialog";
import { OutageReportDialog } from "./OutageReportDialog";
import { PatientIndexDialog } from "./PatientIndexDialog";
import { ReceiptCheckDialog } from "./ReceiptCheckDialog";
import { DepartmentsDialog } from "./settings/DepartmentsDialog";
import { RegTypesDialog } from "./settings/RegTypesDialog";
import { REG_KEYS, RegistrationScreen, type RegIntent } from "./RegistrationScreen";
import { ShiftDialog } from "./ShiftDialog";
import { StatusRefresh } from "../components/printing";
import { UnprintedDialog } from "./UnprintedDialog";
import { VerifyDialog } from "./VerifyDialog";
import type { PatientView } from "../bindings/PatientView";
import { CorrectPatientDialog } from "./patient/CorrectPatientDialog";
import { MergePatientsDialog } from "./patient/MergePatientsDialog";
import type { OpenPatientTask, PatientTaskDone } from "./patient/patientTask";

type DialogId =
  | "shift"
  | "outage"
  | "outageReport"
  | "operators"
  | "verify"
  | "help"
  | "patientIndex"
  | "freeItem"
  | "departments"
  | "regTypes"
  | "receiptCheck"
  | "unprinted"
  | "correctPatient"
  | "mergePatients";
type ScreenId = "home" | "catalog" | "register" | "charge" | "admit" | "handover" | "export" | "reconcile";

/** A key with what it does: in the bar, the help, and the window's key map. */
type Bound = FKey & { run: () => void };

interface Action extends Bound {
  id: string;
  /** The counter task the key starts: refused at the door when the core says so. */
  task?: Task;
  /** Shown in the key bar of a screen with keys of its own (else only on the home tiles and
   *  in F1 help). */
  counter?: boolean;
  /** The role may not do it at all: its tile is shown as not offered. */
  refused?: boolean;
}

/** Keys kept for screens later work adds; until then they only say so. */
const COMING: [string, MsgKey][] = [];

interface Props {
  status: AppStatus;
  onStatus: (s: AppStatus) => void;
  onLock: () => void;
  /** True while the lock screen is up: the shell keeps its state but shows and hears nothing. */
  hidden: boolean;
}

export function MainShell(props: Props) {
  return (
    <DraftProvider>
      <Shell {...props} />
    </DraftProvider>
  );
}

function Shell({ status, onStatus, onLock, hidden }: Props) {
  const t = useT();
  const { toggle } = useLang();
  const [screen, setScreen] = useState<ScreenId>("home");
  const [dialog, setDialog] = useState<DialogId | null>(null);
  const [regIntent, setRegIntent] = useState<RegIntent>({ kind: "find", seq: 0 });
  const [chargeIntent, setChargeIntent] = useState<ChargeIntent>({ kind: "charge", seq: 0 });
  const [admIntent, setAdmIntent] = useState<AdmIntent>({ kind: "admit", seq: 0 });
  const charge = useChargeDraft(status.operator?.id ?? "");
  const [notice, setNotice] = useState<Notice | null>(null);
  /** The last key refused at the door, with the core's reason (who may, or open a shift). */
  const [refused, setRefused] = useState<IpcError | null>(null);
  const logout = useSubmit();
  useKeepFocusInView();
  const tiles = useRef(new Map<string, HTMLButtonElement>());
  const lastTile = useRef("shift");
  const lastFocus = useRef<HTMLElement | null>(null);
  /** The 科室表 was opened from this dialog (操作员与设置): Esc goes back there. */
  const [deptsFrom, setDeptsFrom] = useState<DialogId | null>(null);
  const [backFromDepts, setBackFromDepts] = useState(false);
  /** The 号别与挂号费 are opened from 操作员与设置: Esc goes back there, to their button. */
  const [backFromRegTypes, setBackFromRegTypes] = useState(false);
  /** Counts changes to the 科室表, so the screens holding it load it again. */
  const [deptSeq, setDeptSeq] = useState(0);
  /** The outage whose report is shown (null: the active or last one). */
  const [reportOutage, setReportOutage] = useState<string | null>(null);
  /** The Export screen was opened by ending the outage: the final batch. */
  const [finalExport, setFinalExport] = useState(false);
  /** The outage was just ended: its report first, then the final batch. */
  const [exportAfterReport, setExportAfterReport] = useState(false);
  /** The pinned patient a 更正 / 合并 dialog started from, and how its screen learns the outcome. */
  const [patientTask, setPatientTask] = useState<{ patient: PatientView | null; done: PatientTaskDone } | null>(null);
  /** What the operator may do, as the core sent it (the core checks it again on every call). */
  const mayExport = status.may.includes("export");
  const readsReports = status.may.includes("read_reports");
  const mayReconcile = status.may.includes("reconcile");

  const open = (id: DialogId) => {
    if (screen === "home" && tiles.current.has(id)) lastTile.current = id;
    setNotice(null);
    setRefused(null);
    setBackFromDepts(false);
    setBackFromRegTypes(false);
    setDialog(id);
  };
  const openDepts = (from: DialogId | null) => {
    setDeptsFrom(from);
    open("departments");
  };
  const goto = (next: ScreenId) => {
    if (next !== "home") lastTile.current = next;
    setNotice(null);
    setRefused(null);
    setDialog(null);
    setScreen(next);
  };
  const close =
    dialog === "regTypes"
      ? () => {
          setBackFromRegTypes(true);
          setDialog("operators");
        }
      : dialog === "departments" && deptsFrom
      ? () => {
          setBackFromDepts(true);
          setDialog(deptsFrom);
        }
      : dialog === "outageReport" && exportAfterReport
        ? () => {
            // The outage was just ended: on to its final batch.
            setExportAfterReport(false);
            setFinalExport(true);
            goto("export");
          }
        : () => setDialog(null);
  /** F2 / F3 / F4: the registration screen, told which key it was. */
  const counter = (kind: RegIntent["kind"]) => {
    setRegIntent((old) => ({ kind, seq: old.seq + 1 }));
    goto("register");
  };
  /** F5 / F8 / F9: the cashier screen, told which key it was. */
  const cashier = (kind: ChargeIntent["kind"]) => {
    setChargeIntent((old) => ({ kind, seq: old.seq + 1 }));
    goto("charge");
  };
  /** F6 / F7 (and on that screen F2, F3, F8): the admission screen, told which key it was. */
  const admission = (kind: AdmIntent["kind"]) => {
    setAdmIntent((old) => ({ kind, seq: old.seq + 1 }));
    goto("admit");
  };
  const done = (next: AppStatus, n: Notice) => {
    onStatus(next);
    setNotice(n);
    setDialog(null);
  };
  /** Ctrl+U / Ctrl+M from a screen's pinned patient: refused at the door (role), or without a
   *  patient to correct; else the dialog. */
  const openPatientTask: OpenPatientTask = (kind, patient, onDone) => {
    const refusal = refusalOf(status.doors, kind === "correct" ? "correct_patient" : "merge_patients");
    if (refusal) {
      setNotice(null);
      setRefused(refusal);
      return;
    }
    if (kind === "correct" && !patient) return setNotice({ key: "pc.needPatient" });
    if (kind === "correct" && patient && !patient.downtime_no) return setNotice({ key: "pc.notLocal", vars: { name: patient.name } });
    setPatientTask({ patient, done: onDone });
    open(kind === "correct" ? "correctPatient" : "mergePatients");
  };
  const patientDone = (changed: PatientView, replaced: PatientView, n: Notice) => {
    patientTask?.done(changed, replaced);
    setDialog(null);
    setNotice(n);
  };
  const doLogout = () => void logout.run(async () => onStatus(await api.logout()));

  // Back from a dialog or the lock screen, the focus returns where it was; on the home
  // screen that is an action tile: the one just used, else the first.
  useEffect(() => {
    if (dialog !== null || hidden) return;
    if (screen === "home") tiles.current.get(lastTile.current)?.focus();
    else if (lastFocus.current?.isConnected) lastFocus.current.focus();
  }, [dialog, hidden, screen]);

  const outageActive = status.outage?.active === true;
  const onAdmit = screen === "admit";
  const actions: Action[] = [
    { id: "newPatient", task: "new_patient", key: "F2", label: t("nav.newPatient"), counter: true, run: () => (onAdmit ? admission("new") : counter("new")) },
    { id: "findPatient", key: "F3", label: t("nav.findPatient"), counter: true, run: () => (onAdmit ? admission("find") : counter("find")) },
    { id: "register", task: "register", key: "F4", label: t("nav.register"), counter: true, run: () => counter("register") },
    { id: "charge", task: "charge", key: "F5", label: t("nav.charge"), counter: true, run: () => cashier("charge") },
    { id: "admit", task: "admit", key: "F6", label: t("nav.admit"), counter: true, run: () => admission("admit") },
    { id: "deposit", task: "deposit", key: "F7", label: t("nav.deposit"), counter: true, run: () => admission("deposit") },
    {
      id: "refund",
      task: onAdmit ? "deposit_refund" : "correct",
      key: "F8",
      label: t(onAdmit ? "nav.depositRefund" : "nav.refund"),
      counter: true,
      run: () => (onAdmit ? admission("refund") : cashier("corrections")),
    },
    { id: "settle", task: "pay", key: "F9", label: t("nav.settle"), counter: true, run: () => cashier("pay") },
    {
      id: "shift",
      key: "F10",
      label: t(openShift(status.shift) ? "nav.shiftClose" : "nav.shiftOpen"),
      counter: true,
      run: () => (openShift(status.shift) ? goto("handover") : open("shift")),
    },
    { id: "outage", key: "F11", label: t(outageActive ? "nav.outageEnd" : "nav.outageStart"), run: () => open("outage") },
    ...(readsReports
      ? [
          {
            id: "outageReport",
            key: "Ctrl+B",
            label: t("nav.outageReport"),
            run: () => {
              setReportOutage(null);
              open("outageReport");
            },
          },
        ]
      : []),
    { id: "catalog", key: "Ctrl+P", label: t("nav.catalog"), run: () => goto("catalog") },
    { id: "operators", key: "Ctrl+O", label: t("nav.operators"), run: () => open("operators") },
    { id: "verify", key: "Ctrl+J", label: t("nav.verify"), run: () => open("verify") },
    { id: "receiptCheck", key: "Ctrl+K", label: t("nav.receiptCheck"), run: () => open("receiptCheck") },
    { id: "unprinted", key: "Ctrl+Y", label: t("nav.unprinted"), run: () => open("unprinted") },
    // Offered only to those who may export; for others the key says why not.
    ...(mayExport
      ? [{ id: "export", key: "Ctrl+E", label: t("nav.export"), run: () => { setFinalExport(false); goto("export"); } }]
      : []),
    ...(mayReconcile ? [{ id: "reconcile", key: "Ctrl+G", label: t("nav.reconcile"), run: () => goto("reconcile") }] : []),
    { id: "lock", key: "F12", label: t("nav.lock"), counter: true, run: onLock },
    { id: "logout", key: "Ctrl+Q", label: t("nav.logout"), run: doLogout },
  ];
  const help: Bound = { key: "F1", label: t("nav.help"), run: () => (dialog === "help" ? close() : open("help")) };
  const lang: Bound = { key: "Ctrl+L", label: t("fkey.lang"), run: toggle };
  const soon: Bound[] = COMING.map(([key, label]) => ({
    key,
    label: t(label),
    run: () => setNotice({ key: "notice.comingSoon", vars: { key }, nameKey: label }),
  }));

  // Refuse at the door: a task the core refuses now (role, shift) does not open its screen or
  // form; the reason, naming who may, shows at once.
  for (const a of actions) {
    const refusal = a.task ? refusalOf(status.doors, a.task) : null;
    if (!refusal) continue;
    a.run = () => {
      setNotice(null);
      setRefused(refusal);
    };
    a.refused = roleRefused(refusal);
  }
  const keys: Record<string, () => void> = Object.fromEntries([help, ...soon, ...actions].map((a) => [a.key, a.run]));
  if (!mayExport) keys["Ctrl+E"] = () => setNotice({ key: "notice.exportForbidden" });
  if (!mayReconcile) keys["Ctrl+G"] = () => setNotice({ key: "notice.reconcileForbidden" });
  if (dialog) keys.Escape = close;
  else if (screen !== "home") keys.Escape = () => goto("home");
  useHotkeys(keys, !hidden);
  useIdle(status.idle_lock_minutes, onLock, !hidden);

  // The screen's own keys; the bar shows the open dialog's instead, the help always these.
  const ownKeys = {
    catalog: CATALOG_KEYS,
    register: REG_KEYS,
    charge: CHARGE_KEYS,
    admit: ADM_KEYS,
    handover: HANDOVER_KEYS,
    export: EXPORT_KEYS,
    reconcile: RECON_KEYS,
    home: null,
  }[screen];
  const screenKeys: FKey[] = ownKeys
    ? ownKeys.map((k) => ({ key: k.key, label: t(k.label), run: k.key === "Esc" ? () => goto("home") : undefined }))
    : [
        { key: "Tab", label: t("fkey.tab") },
        { key: "Enter", label: t("fkey.next") },
      ];
  const dialogKeys: FKey[] = [
    { key: "Enter", label: t("fkey.next") },
    ...(dialog === "departments" ? [{ key: "↑ ↓", label: t("fkey.move") }, { key: "Ctrl+N", label: t("dept.new") }] : []),
    ...(dialog === "regTypes" ? [{ key: "↑ ↓", label: t("fkey.move") }, { key: "Ctrl+N", label: t("regtype.new") }] : []),
    ...(dialog === "mergePatients" ? [{ key: "↑ ↓", label: t("fkey.move") }, { key: "Ctrl+Enter", label: t("pm.submit") }] : []),
    ...(dialog === "correctPatient" ? [{ key: "Ctrl+Enter", label: t("pc.submit") }] : []),
    { key: "Esc", label: t((dialog === "departments" && deptsFrom) || dialog === "regTypes" ? "fkey.back" : "fkey.close"), run: close },
  ];
  // The bar shows this screen's (or dialog's) keys and the counter keys, in one or two rows at
  // 1366 px in either language; the rest (F11, Ctrl+P/O/J/K/Q) are on the home tiles with their
  // keys, and all of them in F1 help.
  const barActions = actions.filter((a) => a.counter);
  // After a printing: the count of documents not printed, the next paper invoice number.
  const refreshStatus = useCallback(() => {
    api.appStatus().then(onStatus, () => {
      // A refresh only: the next action reads the status again.
    });
  }, [onStatus]);
  const bar: FKey[] = [help, ...(dialog ? dialogKeys : screenKeys), ...barActions, ...(ownKeys && !dialog ? [] : [lang])];

  return (
    <DoorProvider doors={status.doors}>
    <StatusRefresh.Provider value={refreshStatus}>
    <div className="shell" hidden={hidden}>
      {/* While a dialog is open, Tab and clicks stay inside it. */}
      <div
        className="shell-frame"
        inert={dialog !== null}
        onFocus={(e) => {
          lastFocus.current = e.target;
        }}
      >
        <StatusBar status={status} />
        <OutageLine outage={status.outage} />
        {notice && (
          <p className="notice shell-notice" data-testid="notice" role="status">
            {t(notice.key, { ...notice.vars, ...(notice.nameKey ? { name: t(notice.nameKey) } : {}) })}
          </p>
        )}
        {logout.problem && <ErrorText problem={logout.problem} testId="logout-error" />}
        {refused && <DoorRefusal refusal={refused} />}
        {screen === "catalog" ? (
          <CatalogScreen status={status} onStatus={onStatus} />
        ) : screen === "register" ? (
          <RegistrationScreen
            intent={regIntent}
            keysOn={!hidden && dialog === null}
            onOpenIndex={() => open("patientIndex")}
            onOpenDepts={() => openDepts(null)}
            deptSeq={deptSeq}
            onPatientTask={openPatientTask}
          />
        ) : screen === "admit" ? (
          <AdmissionScreen
            intent={admIntent}
            keysOn={!hidden && dialog === null}
            onOpenDepts={() => openDepts(null)}
            deptSeq={deptSeq}
            onPatientTask={openPatientTask}
          />
        ) : screen === "handover" ? (
          <HandoverScreen onStatus={onStatus} keysOn={!hidden && dialog === null} onHome={() => goto("home")} />
        ) : screen === "export" ? (
          <ExportScreen final={finalExport} keysOn={!hidden && dialog === null} />
        ) : screen === "reconcile" ? (
          <ReconcileScreen keysOn={!hidden && dialog === null} />
        ) : screen === "charge" ? (
          <ChargeScreen
            status={status}
            charge={charge}
            intent={chargeIntent}
            keysOn={!hidden && dialog === null}
            onNewPatient={() => counter("new")}
            onFreeItem={() => open("freeItem")}
            onPatientTask={openPatientTask}
          />
        ) : (
          <main className="home">
            <h1 className="home-title">{t("home.title")}</h1>
            <nav className="tiles">
              {actions.map((a) => (
                <button
                  key={a.id}
                  type="button"
                  className={a.refused ? "tile refused" : "tile"}
                  data-testid={`nav-${a.id}`}
                  aria-disabled={a.refused || undefined}
                  ref={(el) => {
                    if (el) tiles.current.set(a.id, el);
                  }}
                  onClick={a.run}
                >
                  <kbd>{a.key}</kbd>
                  <span>{a.label}</span>
                </button>
              ))}
            </nav>
          </main>
        )}
      </div>
      <FKeyBar keys={bar} />
      {dialog === "shift" && <ShiftDialog onDone={done} onClose={close} />}
      {dialog === "outage" && (
        <OutageDialog
          status={status}
          onDone={done}
          onEnded={(next, id) => {
            if (!readsReports) return done(next, { key: "notice.outageEnded" });
            // Ending the outage offers its report, then the Export screen for the final batch.
            onStatus(next);
            setNotice({ key: "notice.outageEnded" });
            setExportAfterReport(true);
            setReportOutage(id);
            setDialog("outageReport");
          }}
          onClose={close}
        />
      )}
      {dialog === "outageReport" && (
        <OutageReportDialog outageId={reportOutage} onClose={close} />
      )}
      {dialog === "operators" && (
        <OperatorsDialog status={status} onStatus={done} onClose={close} onOpenDepts={() => openDepts("operators")} focusDepts={backFromDepts} onOpenRegTypes={() => open("regTypes")} focusRegTypes={backFromRegTypes} />
      )}
      {dialog === "departments" && <DepartmentsDialog canEdit={status.may.includes("edit_lists")} onChanged={() => setDeptSeq((n) => n + 1)} onClose={close} />}
      {dialog === "regTypes" && <RegTypesDialog canEdit={status.may.includes("edit_lists")} onChanged={() => setDeptSeq((n) => n + 1)} onClose={close} />}
      {dialog === "verify" && <VerifyDialog onClose={close} />}
      {dialog === "receiptCheck" && <ReceiptCheckDialog onClose={close} />}
      {dialog === "unprinted" && <UnprintedDialog onClose={close} onStatus={onStatus} />}
      {dialog === "patientIndex" && <PatientIndexDialog onClose={close} />}
      {dialog === "correctPatient" && patientTask?.patient && (
        <CorrectPatientDialog
          patient={patientTask.patient}
          onCorrected={(p) => patientDone(p, patientTask.patient!, { key: "notice.patientCorrected", vars: { name: p.name, no: p.downtime_no ?? "" } })}
          onClose={close}
        />
      )}
      {dialog === "mergePatients" && patientTask && (
        <MergePatientsDialog
          patient={patientTask.patient}
          onMerged={(kept, away) =>
            patientDone(kept, away, { key: "notice.patientsMerged", vars: { merged: away.downtime_no ?? "", name: kept.name, no: kept.downtime_no ?? "" } })
          }
          onClose={close}
        />
      )}
      {dialog === "freeItem" && <FreeItemDialog charge={charge} onClose={close} />}
      {dialog === "help" && <HelpDialog keys={[help, ...screenKeys, ...actions, lang]} soon={soon} onClose={close} />}
    </div>
    </StatusRefresh.Provider>
    </DoorProvider>
  );
}
