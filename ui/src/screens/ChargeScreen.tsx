//! 收费 (F5): the patient left (search, pinned card — a patient just registered on 挂号 comes
//! along with the visit), the charge lines centre with the item entry row under them, the
//! core's subtotals and total right, and on F9 the payment panel there; after payment the
//! receipt number and change, large, and the print status. F8 turns the screen to this shift's
//! receipts for 作废 and 退费. The draft belongs to the shell (and localStorage), so leaving
//! the screen or reloading loses nothing; every figure shown comes from the core.

import { useEffect, useRef, useState } from "react";
import { toIpcError } from "../api";
import type { AppStatus } from "../bindings/AppStatus";
import type { PatientView } from "../bindings/PatientView";
import type { ReceiptView } from "../bindings/ReceiptView";
import type { RegistrationView } from "../bindings/RegistrationView";
import { ErrorText } from "../components/ErrorText";
import { PatientCard } from "../components/PatientCard";
import { PatientSearch } from "../components/PatientSearch";
import { useDoor } from "../components/Door";
import { formatYuanInput } from "../format";
import { usePeek } from "../hooks/useDraft";
import { useHotkeys } from "../hooks/useHotkeys";
import type { Problem } from "../hooks/useSubmit";
import { useT, type MsgKey } from "../i18n";
import { ChargeLines, type Row } from "./charge/ChargeLines";
import { freshDraft, hasFree, pairPriced, type ChargeDraft, type ChargeState } from "./charge/chargeDraft";
import { ChargeSummary } from "./charge/ChargeSummary";
import { Corrections } from "./charge/Corrections";
import { EntryRow } from "./charge/EntryRow";
import { PayPanel } from "./charge/PayPanel";
import { insurable } from "../components/PayerFields";
import { NOT_PRINTED, usePrinter, type PrintState } from "../components/printing";
import { openShift } from "../components/StatusBar";
import { ReceiptResult } from "./charge/ReceiptResult";
import { PATIENT_KEYS, usePatientTasks, type OpenPatientTask } from "./patient/patientTask";

/** Which key opened the screen; `seq` makes a repeated key a new request. */
export type ChargeIntent = { kind: "charge" | "pay" | "corrections"; seq: number };

/** Keys this screen adds to the shell's, for the key bar and the F1 help. */
export const CHARGE_KEYS: { key: string; label: MsgKey }[] = [
  { key: "↑ ↓", label: "fkey.move" },
  { key: "Enter", label: "fkey.next" },
  { key: "Delete", label: "charge.keyDelete" },
  { key: "Ctrl+F", label: "charge.keyFree" },
  { key: "Ctrl+R", label: "receipt.reprint" },
  ...PATIENT_KEYS,
  { key: "Esc", label: "fkey.back" },
];

type Target = "search" | "item" | "lines" | "cash" | "next";

interface Props {
  status: AppStatus;
  charge: ChargeState;
  intent: ChargeIntent;
  /** False while a dialog or the lock screen covers the screen. */
  keysOn: boolean;
  /** F2 from the patient search: the registration screen's new-patient form. */
  onNewPatient: () => void;
  /** Ctrl+F: the shell's 价目表外项目 dialog. */
  onFreeItem: () => void;
  /** Ctrl+U / Ctrl+M: the shell's 更正 and 合并 dialogs, for the patient of the draft. */
  onPatientTask: OpenPatientTask;
}

export function ChargeScreen({ status, charge, intent, keysOn, onNewPatient, onFreeItem, onPatientTask }: Props) {
  const t = useT();
  const peek = usePeek();
  const { draft, update } = charge;
  const [view, setView] = useState<"charge" | "corrections">(intent.kind === "corrections" ? "corrections" : "charge");
  const [payOpen, setPayOpen] = useState(false);
  const [problem, setProblem] = useState<Problem | null>(null);
  const [selected, setSelected] = useState(0);
  const [printState, setPrintState] = useState<PrintState>(() => (draft.print ? { ...NOT_PRINTED, result: draft.print } : NOT_PRINTED));
  const printer = usePrinter();
  const payDoor = useDoor("pay");

  const search = useRef<HTMLInputElement>(null);
  const item = useRef<HTMLInputElement>(null);
  const lines = useRef<HTMLTableElement>(null);
  const cash = useRef<HTMLInputElement>(null);
  const nextButton = useRef<HTMLButtonElement>(null);
  const [focus, setFocus] = useState<{ target: Target; seq: number } | null>(null);
  const focusOn = (target: Target) => setFocus((f) => ({ target, seq: (f?.seq ?? 0) + 1 }));
  useEffect(() => {
    if (!focus) return;
    const el = { search: search.current, item: item.current, lines: lines.current, cash: cash.current, next: nextButton.current }[focus.target];
    el?.focus();
    if (el instanceof HTMLInputElement) el.select(); // the next thing typed replaces the last
  }, [focus]);

  // On arrival (after a reload, a restart, or with a newer price list): a kept draft already
  // paid comes back as its receipt; otherwise its lines are priced again. `settled` says the
  // screen shows what the core holds.
  const [recovered, setRecovered] = useState<string | null>(null);
  const [settled, setSettled] = useState(false);
  useEffect(() => {
    void (async () => {
      try {
        const paid = await charge.recover();
        if (paid) {
          setRecovered(paid.receipt_no);
          focusOn("next");
        } else {
          const e = await charge.reprice();
          if (e) setProblem({ ipc: e });
        }
      } catch (e) {
        setProblem({ ipc: toIpcError(e) });
      } finally {
        setSettled(true);
      }
    })();
  }, []); // once, on arrival

  const unapproved = hasFree(draft.lines) && charge.approval === null;
  const priced = draft.priced;

  // The cash amount starts as the core's total, and follows it while the total changes.
  useEffect(() => {
    if (payOpen && priced && draft.cashFor !== priced.total_fen) update({ cash: formatYuanInput(priced.total_fen), cashFor: priced.total_fen });
  }, [payOpen, priced?.total_fen]);

  /** The registration this patient just made on 挂号, if it is theirs and still valid. */
  function visitOf(p: PatientView): ChargeDraft["visit"] {
    const reg = peek<RegistrationView | null>("reg.result");
    if (!reg || reg.cancelled) return null;
    if (reg.patient_id !== p.id && (p.downtime_no === null || reg.downtime_no !== p.downtime_no)) return null;
    return { id: reg.id, dept: reg.dept_name, queue: reg.queue_no };
  }

  /** The patient pinned on 挂号 (with the visit), taken over once — never over a draft in
   *  progress for someone else. */
  function takeOver(base: ChargeDraft): Partial<ChargeDraft> | null {
    const p = peek<PatientView | null>("reg.pinned");
    if (!p) return null;
    const visit = visitOf(p);
    const handoff = `${p.id}/${visit?.id ?? ""}`;
    if (handoff === base.adopted) return null;
    if (base.patient?.id === p.id) return { patient: p, visit: visit ?? base.visit, adopted: handoff };
    if (base.lines.length > 0 || base.receipt) return null;
    return { patient: p, visit, adopted: handoff, insured: insurable(p), selfPayReason: "" };
  }

  /** A new draft (new id); the patient just registered on 挂号 comes along if there is one. */
  function nextPatient() {
    charge.reset();
    setProblem(null);
    setPayOpen(false);
    setSelected(0);
    setPrintState(NOT_PRINTED);
    const patch = takeOver(freshDraft(draft.adopted));
    if (patch) update(patch);
    focusOn(patch?.patient ? "item" : "search");
  }

  function openPay() {
    if (draft.receipt) return focusOn("next");
    if (payDoor) return setProblem({ ipc: payDoor }); // no shift: said before the panel opens
    const why: [MsgKey, Target] | null = !draft.patient
      ? ["charge.needPatient", "search"]
      : draft.lines.length === 0
        ? ["charge.noLines", "item"]
        : unapproved
          ? ["charge.needApproval", "item"]
          : !priced
            ? ["charge.fixLines", "item"]
            : null;
    if (why) {
      setProblem({ key: why[0] });
      focusOn(why[1]);
      return;
    }
    setProblem(null);
    setPayOpen(true);
    focusOn("cash");
  }

  useEffect(() => {
    if (intent.kind === "corrections") {
      setPayOpen(false);
      setView("corrections");
      return;
    }
    setView("charge");
    if (intent.kind === "pay") return openPay();
    if (draft.receipt) return nextPatient(); // F5 after a receipt: the next patient
    setPayOpen(false);
    const patch = takeOver(draft);
    if (patch) update(patch);
    focusOn((patch?.patient ?? draft.patient) ? "item" : "search");
  }, [intent.seq]); // each key press once; the state it reads is this render's

  function pick(p: PatientView) {
    if (draft.receipt) nextPatient();
    update({ patient: p, visit: visitOf(p), insured: insurable(p), selfPayReason: "" });
    focusOn("item");
  }

  function added(index: number) {
    setProblem(null);
    setSelected(index);
    focusOn("item");
  }

  async function changeQty(i: number, text: string): Promise<boolean> {
    const r = await charge.propose(charge.lines().map((l, j) => (j === i ? { ...l, qty: text } : l)));
    if ("error" in r) setProblem({ ipc: r.error });
    else if (r.ok) setProblem(null);
    return r.ok;
  }

  async function remove(i: number) {
    const next = charge.lines().filter((_, j) => j !== i);
    const r = await charge.propose(next);
    if ("error" in r) return setProblem({ ipc: r.error });
    if (!r.ok) return;
    setProblem(null);
    setSelected(Math.min(i, next.length - 1));
    if (next.length === 0) focusOn("item");
  }

  function onPaid(receipt: ReceiptView) {
    update({ receipt, print: null });
    setPayOpen(false);
    setProblem(null);
    focusOn("next");
    printIt(receipt.receipt_no, false);
  }

  function printIt(receiptNo: string, copy: boolean) {
    void printer.print(receiptNo, copy, (s) => {
      setPrintState(s);
      if (s.result) update({ print: s.result });
    });
  }

  useHotkeys(
    {
      "Ctrl+F": () => view === "charge" && !draft.receipt && onFreeItem(),
      "Ctrl+R": () => view === "charge" && draft.receipt && printIt(draft.receipt.receipt_no, true),
    },
    keysOn,
  );
  // The corrected patient (or the one kept by a merge) is the draft's from now on.
  const patientTasks = usePatientTasks(
    onPatientTask,
    draft.receipt ? null : draft.patient,
    (p) => update({ patient: p, insured: insurable(p), selfPayReason: "" }),
    keysOn && view === "charge",
  );

  const receipt = draft.receipt;
  const rows: Row[] = receipt
    ? receipt.lines.map((l) => ({ line: null, priced: l }))
    : pairPriced(draft.lines, priced).map((p, i) => ({ line: draft.lines[i], priced: p }));
  const patient = receipt ? null : draft.patient;
  /** The payment panel takes the right-hand columns' width; the total moves left under the
   *  patient, and the search (not needed while paying) makes room for it. */
  const paying = payOpen && !receipt;

  if (view === "corrections") {
    return (
      <main className="screen charge-screen" data-testid="charge-screen" data-settled={settled}>
        <Corrections
          onBack={() => {
            setView("charge");
            focusOn(draft.patient ? "item" : "search");
          }}
        />
      </main>
    );
  }

  return (
    <main className="screen charge-screen" data-testid="charge-screen" data-settled={settled}>
      <div className={`charge-cols ${paying ? "paying" : ""} ${receipt ? "receipted" : ""}`}>
        <div className="charge-col">
          {!paying && (
            <PatientSearch
              key={patientTasks.seq}
              ref={search}
              query={draft.query}
              onQuery={(query) => update({ query })}
              onPick={pick}
              onNew={onNewPatient}
              pinnedId={patient?.id ?? null}
            />
          )}
          {patient ? (
            <>
              <PatientCard patient={patient} testId="charge-patient" tasks={patientTasks} />
              {draft.visit && (
                <p className="charge-visit" data-testid="charge-visit">
                  {t("charge.visit", { dept: draft.visit.dept, queue: draft.visit.queue })}
                </p>
              )}
            </>
          ) : (
            !receipt && <p className="muted">{t("charge.noPatient")}</p>
          )}
          {paying && <ChargeSummary priced={priced} lineCount={draft.lines.length} pricing={charge.pricing} />}
        </div>

        <section className="panel charge-centre">
          <h2>
            {t("charge.linesTitle")} <kbd>F5</kbd>
          </h2>
          {status.catalog.active && status.catalog.stale && (
            <p className="warn" data-testid="charge-stale">
              {t("catalog.stale")}
            </p>
          )}
          {unapproved && !receipt && (
            <p className="warn" data-testid="charge-approval">
              {t("charge.needApproval")}
            </p>
          )}
          <ChargeLines
            rows={rows}
            readOnly={receipt !== null}
            selected={Math.min(selected, Math.max(rows.length - 1, 0))}
            onSelect={setSelected}
            onQty={changeQty}
            onDelete={(i) => void remove(i)}
            onLeave={() => focusOn("item")}
            tableRef={lines}
          />
          {!receipt && !paying && (
            <EntryRow
              catalog={status.catalog}
              charge={charge}
              onAdded={added}
              onPicked={() => setProblem(null)}
              onRefused={(ipc) => setProblem({ ipc })}
              onUp={() => {
                if (draft.lines.length === 0) return;
                setSelected(draft.lines.length - 1);
                focusOn("lines");
              }}
              onBack={() => focusOn("search")}
              itemRef={item}
            />
          )}
          {problem && <ErrorText problem={problem} testId="charge-error" />}
          {!receipt && !paying && (
            <p className="field-hint">
              {t("charge.keysHint")}
            </p>
          )}
        </section>

        <div className="charge-col">
          {receipt && recovered === receipt.receipt_no && (
            <p className="notice" role="status" data-testid="charge-recovered">
              {t("charge.recovered", { no: "\u0000" })
                .split("\u0000")
                .flatMap((part, i) => (i === 0 ? [part] : [<span key={i} className="code nowrap">{receipt.receipt_no}</span>, part]))}
            </p>
          )}
          {receipt ? (
            <ReceiptResult
              receipt={receipt}
              print={printState}
              layout={printer.layout}
              onLayout={printer.setLayout}
              onReprint={() => printIt(receipt.receipt_no, true)}
              onNext={nextPatient}
              nextRef={nextButton}
            />
          ) : (
            <>
              {!paying && <ChargeSummary priced={priced} lineCount={draft.lines.length} pricing={charge.pricing} />}
              {payOpen ? (
                <PayPanel
                  charge={charge}
                  paperNext={openShift(status.shift)?.paper_next ?? null}
                  onPaid={onPaid}
                  onBackOut={() => {
                    setPayOpen(false);
                    focusOn("item");
                  }}
                  cashRef={cash}
                />
              ) : (
                <button type="button" className="primary settle-open" data-testid="pay-open" onClick={openPay}>
                  {t("nav.settle")} <kbd>F9</kbd>
                </button>
              )}
            </>
          )}
        </div>
      </div>
    </main>
  );
}
