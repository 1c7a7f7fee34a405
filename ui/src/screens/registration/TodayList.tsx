//! 今日挂号 (Ctrl+T): today's registrations, newest first. ↑/↓ choose a row, Delete (or the
//! 退号 button) asks for the reason — and, when the fee was paid, a supervisor's name and PIN,
//! the amount going back and the tenders it goes back to (the fee receipt's own, as the core
//! refunds them) shown first — Enter cancels it. A cancelled registration stays in the
//! list marked 已退号 — nothing is deleted, its queue number stays used — with its refund.

import { useEffect, useId, useImperativeHandle, useRef, useState, type KeyboardEvent, type Ref } from "react";
import { api, type CodeMap } from "../../api";
import type { RegistrationView } from "../../bindings/RegistrationView";
import type { TenderView } from "../../bindings/TenderView";
import { ErrorText, errorIn } from "../../components/ErrorText";
import { Field } from "../../components/Field";
import { FormButtons } from "../../components/FormButtons";
import { KeyForm } from "../../components/KeyForm";
import { SUPERVISED_FIELDS, SupervisorFields, useSupervisor } from "../../components/SupervisorFields";
import { METHOD_KEY } from "../../components/TenderFields";
import { formatFen, formatLocalTime } from "../../format";
import { useDraft } from "../../hooks/useDraft";
import { useSubmit, type FieldFor, type Problem } from "../../hooks/useSubmit";
import { useT } from "../../i18n";

const FIELD_OF: CodeMap<string> = { ...SUPERVISED_FIELDS, reg_cancel_needs_supervisor: "supName", approver_is_actor: "supName" };
const fieldFor: FieldFor = (code) => FIELD_OF[code];

interface Props {
  regs: RegistrationView[] | null;
  /** Why the list could not be read. */
  loadProblem: Problem | null;
  onCancelled: (r: RegistrationView) => void;
  /** Esc in the list: back to the search box. */
  onBackOut: () => void;
  listRef?: Ref<HTMLUListElement>;
}

export function TodayList({ regs, loadProblem, onCancelled, onBackOut, listRef }: Props) {
  const t = useT();
  const listId = useId();
  const list = useRef<HTMLUListElement>(null);
  // The list element appears with the first registration (before it, a line saying none).
  const empty = regs !== null && (regs ?? []).length === 0;
  useImperativeHandle(listRef, () => list.current!, [empty]);
  const reasonInput = useRef<HTMLInputElement>(null);
  const [selectedId, setSelectedId] = useState<string | null>(null);
  const [asking, setAsking] = useState(false);
  const [reason, setReason, clearReason] = useDraft("reg.cancelReason");
  const sup = useSupervisor(useDraft("reg.cancelSup"));
  const [done, setDone] = useState<RegistrationView | null>(null);
  // The paid fee's tenders: a paid 退号 goes back to exactly these (原路退回).
  const [feeTenders, setFeeTenders] = useState<TenderView[] | null>(null);
  const cancel = useSubmit(fieldFor);
  const rows = regs ?? [];
  const index = Math.max(0, rows.findIndex((r) => r.id === selectedId));
  const selected = rows[index] ?? null;

  useEffect(() => {
    if (asking) reasonInput.current?.focus();
  }, [asking]);

  function select(i: number) {
    setSelectedId(rows[i]?.id ?? null);
    setAsking(false);
  }

  function ask() {
    if (!selected || selected.cancelled) return;
    setDone(null);
    cancel.setProblem(null);
    setFeeTenders(null);
    if (selected.receipt_no) {
      api.receipt(selected.receipt_no).then(
        (r) => setFeeTenders(r.tenders),
        () => setFeeTenders(null),
      );
    }
    setAsking(true);
  }

  function stopAsking() {
    setAsking(false); // the reason typed so far is kept
    list.current?.focus();
  }

  function onKeyDown(e: KeyboardEvent<HTMLUListElement>) {
    if (rows.length === 0 && e.key !== "Escape") return;
    switch (e.key) {
      case "ArrowDown":
        e.preventDefault();
        select(Math.min(index + 1, rows.length - 1));
        return;
      case "ArrowUp":
        e.preventDefault();
        select(Math.max(index - 1, 0));
        return;
      case "Delete":
        e.preventDefault();
        ask();
        return;
      case "Escape":
        e.preventDefault();
        onBackOut();
        return;
    }
  }

  function submit() {
    if (!selected) return;
    const paid = selected.receipt_no !== null;
    const missing = paid ? sup.missing() : null;
    if (missing) return cancel.setProblem(missing);
    void cancel.run(async () => {
      const r = await api.cancelRegistration({ id: selected.id, reason: reason.trim(), supervisor: paid ? sup.credentials() : null });
      clearReason();
      sup.setPin("");
      setAsking(false);
      setDone(r);
      onCancelled(r);
      list.current?.focus();
    }).then((e) => {
      if (e?.code === "shift_required") cancel.setProblem({ ipc: e, key: "reg.shiftRequired" });
    });
  }

  return (
    <section className={`panel reg-today ${asking || done ? "has-form" : ""} ${asking ? "asking" : ""}`}>
      <h2>
        {t("reg.todayTitle")} <kbd>Ctrl+T</kbd>
      </h2>
      {loadProblem && <ErrorText problem={loadProblem} testId="reg-list-error" />}
      {regs !== null && rows.length === 0 ? (
        <p className="muted" data-testid="reg-list">
          {t("reg.todayEmpty")}
        </p>
      ) : (
        <ul
          ref={list}
          className="today-list"
          role="listbox"
          tabIndex={0}
          id={listId}
          aria-label={t("reg.todayTitle")}
          aria-activedescendant={selected ? `${listId}-${index}` : undefined}
          data-testid="reg-list"
          onKeyDown={onKeyDown}
        >
          {rows.map((r, i) => (
            <li
              key={r.id}
              id={`${listId}-${i}`}
              role="option"
              aria-selected={i === index}
              className={`today-row ${i === index ? "active" : ""} ${r.cancelled ? "cancelled" : ""}`}
              data-testid="reg-row"
              onClick={() => {
                select(i);
                list.current?.focus();
              }}
            >
              <span className="today-queue num">{r.queue_no}</span>
              <span className="today-main">
                <span className="today-who">{r.patient_name}</span> <span className="row-facts code">{r.downtime_no}</span>
                <br />
                <span className="row-facts">
                  {r.dept_name} · {r.reg_type_name}{r.receipt_no && ` · ${formatFen(r.total_fen)}`}
                </span>
              </span>
              <span className="today-side">
                <span className="row-facts">{formatLocalTime(r.occurred_at)}</span>
                {r.cancelled && <span className="tag tag-red">{t("reg.cancelled")}</span>}
              </span>
            </li>
          ))}
        </ul>
      )}
      {selected && !selected.cancelled && !asking && (
        <button type="button" className="today-cancel" data-testid="reg-cancel" onClick={ask}>
          {t("reg.cancel", { queue: selected.queue_no, name: selected.patient_name })} <kbd>Delete</kbd>
        </button>
      )}
      {asking && selected && (
        <KeyForm onSubmit={submit} problem={cancel.problem} onBackOut={stopAsking} className="cancel-form">
          <Field
            ref={reasonInput}
            name="reason"
            label={t("reg.cancelReason", { queue: selected.queue_no, name: selected.patient_name })}
            testId="reg-cancel-reason"
            value={reason}
            onChange={setReason}
            error={errorIn(cancel.problem, "reason", "reg-cancel-error")}
          />
          {selected.receipt_no && (
            <>
              <p className="refund-preview" data-testid="reg-cancel-refund">
                {t("reg.cancelRefund", { amount: formatFen(selected.total_fen), receipt: selected.receipt_no })}
                {feeTenders && feeTenders.length > 0 && (
                  <span data-testid="reg-cancel-split">
                    {t("reg.cancelSplit", {
                      tenders: feeTenders
                        .map((x) => `${t(METHOD_KEY[x.method])} ${formatFen(x.amount_fen)}${x.reference ? `（${x.reference}）` : ""}`)
                        .join("、"),
                    })}
                  </span>
                )}
              </p>
              <SupervisorFields sup={sup} prefix="reg-cancel" errorFor={(f) => errorIn(cancel.problem, f, "reg-cancel-error")} />
            </>
          )}
          {errorIn(cancel.problem, "form", "reg-cancel-error")}
          <FormButtons submit="reg.cancelSubmit" testId="reg-cancel-submit" pending={cancel.pending} back="reg.cancelBack" onBack={stopAsking} />
        </KeyForm>
      )}
      {done && (
        <p className="notice" role="status" data-testid="reg-cancel-done">
          {t("reg.cancelDone", { queue: done.queue_no, name: done.patient_name })}
          {done.refund_receipt_no && t("reg.cancelDoneRefund", { amount: formatFen(done.refund_fen), receipt: done.refund_receipt_no })}
        </p>
      )}
    </section>
  );
}
