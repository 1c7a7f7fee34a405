//! 预交金 (F7) for the chosen admission, centre: who and where, the actions (交预交金 F7,
//! 退预交金 F8, 转床, 取消入院), the form of the one chosen, and the account's movements, where
//! Delete voids a deposit receipt with a supervisor. Each deposit, refund or void is a record
//! of its own; afterwards the account is read again from the core. The shell says which key
//! brought the clerk here; Esc closes a form (keeping what was typed), then goes home.

import { useEffect, useRef, useState } from "react";
import type { AdmissionView } from "../../bindings/AdmissionView";
import type { ReceiptView } from "../../bindings/ReceiptView";
import { ErrorText } from "../../components/ErrorText";
import { formatLocal } from "../../format";
import { useKept } from "../../hooks/useDraft";
import { useHotkeys } from "../../hooks/useHotkeys";
import { useT, type MsgKey } from "../../i18n";
import { VoidForm } from "../../components/VoidForm";
import { CancelAdmissionForm, TransferForm } from "./AdmissionChange";
import { whereOf } from "./AdmResult";
import type { DepositDesk } from "./depositDesk";
import { DepositForm, freshDeposit, type DepositDraft } from "./DepositForm";
import { DepositRefundForm } from "./DepositRefundForm";
import { Movements, voidable } from "./Movements";
import type { CodeMap } from "../../api";

/** Which key asked for the panel; `seq` makes a repeated key a new request. */
export type DepositIntent = { kind: "deposit" | "refund"; seq: number };

type Sub = "none" | "deposit" | "refund" | "void" | "cancel" | "transfer";

const VOID_WORDS: CodeMap<MsgKey> = {
  deposit_void_below_zero: "dep.voidBelowZero",
  receipt_void_other_shift: "dep.voidOtherShift",
};

interface Props {
  desk: DepositDesk;
  intent: DepositIntent;
  /** False while a dialog or the lock screen covers the screen. */
  keysOn: boolean;
  /** The admission was cancelled or moved: the screen's list follows. */
  onChanged: (a: AdmissionView) => void;
}

export function DepositPanel({ desk, intent, keysOn, onChanged }: Props) {
  const t = useT();
  const no = desk.inpatientNo ?? "";
  const account = desk.account;
  const [sub, setSub] = useState<Sub>("none");
  const [draft, setDraft] = useKept<DepositDraft | null>("dep.form", null);
  const [selectedNo, setSelectedNo] = useState<string | null>(null);
  const [voided, setVoided] = useState<string | null>(null);
  const cash = useRef<HTMLInputElement>(null);
  const moves = useRef<HTMLUListElement>(null);
  const depositButton = useRef<HTMLButtonElement>(null);
  const [focus, setFocus] = useState<{ target: "cash" | "moves"; seq: number } | null>(null);
  const focusOn = (target: "cash" | "moves") => setFocus((f) => ({ target, seq: (f?.seq ?? 0) + 1 }));
  useEffect(() => {
    if (focus) (focus.target === "cash" ? cash.current : (moves.current ?? depositButton.current))?.focus();
  }, [focus]);

  const movements = account?.movements ?? [];
  const selected = movements.find((m) => m.receipt_no === selectedNo) ?? movements.at(-1) ?? null;

  /** F7: the deposit being typed for this admission, or a new one (a new id). */
  function openDeposit() {
    if (!draft || draft.inpatientNo !== no) setDraft(freshDeposit(no));
    setVoided(null);
    setSub("deposit");
    focusOn("cash");
  }

  function open(next: Sub) {
    setVoided(null);
    setSub(next);
  }

  function close() {
    setSub("none");
    focusOn("moves");
  }

  useEffect(() => {
    if (intent.kind === "refund") open("refund");
    else openDeposit();
  }, [intent.seq]); // each key press once; the state it reads is this render's

  useHotkeys({ "Ctrl+R": desk.reprint }, keysOn);

  function taken(receipt: ReceiptView) {
    setDraft(null); // the next F7 is a new deposit with a new id
    desk.issued(receipt);
    setSelectedNo(receipt.receipt_no);
    close();
  }

  function refunded(receipt: ReceiptView) {
    desk.issued(receipt);
    setSelectedNo(receipt.receipt_no);
    close();
  }

  function voidDone(r: ReceiptView) {
    setVoided(r.receipt_no);
    void desk.reload();
    close();
  }

  function changed(a: AdmissionView) {
    onChanged(a);
    void desk.reload();
    close();
  }

  const a = account?.admission ?? null;
  return (
    <section className={`panel dep-panel ${sub !== "none" && sub !== "void" ? "form-open" : ""}`} data-testid="dep-panel">
      <h2>
        {t("nav.deposit")} <kbd>F7</kbd>
        {a && (
          <span className="reg-for">
            {a.patient_name} · <span className="code">{a.inpatient_no}</span>
          </span>
        )}
        {a?.back_entered && <span className="tag">{t("reg.backEntered")}</span>}
        {a?.convert_to_insured && <span className="tag tag-warn">{t("adm.convertTag")}</span>}
        {a?.cancelled && <span className="tag tag-red">{t("adm.cancelled")}</span>}
      </h2>
      {desk.loadProblem && <ErrorText problem={desk.loadProblem} testId="dep-load-error" />}
      {!account && !desk.loadProblem && <p className="muted">{t("common.working")}</p>}
      {a && (
        <>
          {/* The deposit form needs the room (the balance and the number stay on the right). */}
          {sub !== "deposit" && (
            <p className="dep-facts">
              {whereOf(a, t)} · {t("adm.admittedAt", { time: formatLocal(a.admitted_at), clerk: a.clerk })}
            </p>
          )}
          <div className="button-row dep-actions">
            <button ref={depositButton} type="button" className={sub === "deposit" ? "primary" : ""} data-testid="dep-open" disabled={a.cancelled} onClick={openDeposit}>
              {t("dep.take")} <kbd>F7</kbd>
            </button>
            <button type="button" data-testid="dep-refund-open" onClick={() => open("refund")}>
              {t("dep.refund")} <kbd>F8</kbd>
            </button>
            <button type="button" className="quiet" data-testid="adm-transfer" disabled={a.cancelled} onClick={() => open("transfer")}>
              {t("adm.transfer")}
            </button>
            <button type="button" className="quiet" data-testid="adm-cancel" disabled={a.cancelled} onClick={() => open("cancel")}>
              {t("adm.cancel")}
            </button>
          </div>
        </>
      )}
      {sub === "deposit" && draft && draft.inpatientNo === no && (
        <DepositForm draft={draft} onChange={(patch) => setDraft({ ...draft, ...patch })} onTaken={taken} onBackOut={close} cashRef={cash} />
      )}
      {sub === "refund" && <DepositRefundForm key={no} inpatientNo={no} balanceFen={account?.balance_fen ?? null} onRefunded={refunded} onBackOut={close} />}
      {sub === "void" && voidable(selected) && (
        <VoidForm key={selected.receipt_no} receipt={selected} onVoided={voidDone} onBackOut={close} ownWords={VOID_WORDS} />
      )}
      {sub === "cancel" && a && <CancelAdmissionForm admission={a} onDone={changed} onBackOut={close} />}
      {sub === "transfer" && a && <TransferForm admission={a} onDone={changed} onBackOut={close} />}
      {voided && (
        <p className="notice" role="status" data-testid="dep-void-done">
          {t("corr.voidDone", { no: voided })}
        </p>
      )}
      {/* While a form is open the movements make room for it (the balance stays on the right). */}
      {account && (sub === "none" || sub === "void") && (
        <>
          <Movements
            movements={movements}
            selectedNo={selected?.receipt_no ?? null}
            onSelect={(m) => setSelectedNo(m.receipt_no)}
            onVoid={(m) => {
              setSelectedNo(m.receipt_no);
              open("void");
            }}
            listRef={moves}
          />
          {voidable(selected) && sub !== "void" && (
            <button type="button" className="quiet" data-testid="dep-void-open" onClick={() => open("void")}>
              {t("dep.void", { no: selected.receipt_no })} <kbd>Delete</kbd>
            </button>
          )}
        </>
      )}
    </section>
  );
}
