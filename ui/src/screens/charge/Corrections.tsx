//! F8 退费 / 作废: this shift's receipts (newest first; each with its kind and its amount signed
//! — money paid back is negative; voided ones marked 作废, refunds paid back shown; the core's
//! totals per kind under them), a box to type a receipt number (one of an earlier shift is fetched), and for the
//! chosen receipt 作废 (Delete) or 退费 (Enter), or 重印 (Ctrl+R: the core prints every
//! printing after the first as a journalled 副本, with what has been refunded since). A refund
//! prints at once, like a charge. Nothing is changed in place: each correction is a record of
//! its own, and the list is the core's.

import { useEffect, useId, useRef, useState, type KeyboardEvent } from "react";
import { api } from "../../api";
import type { ReceiptTotals } from "../../bindings/ReceiptTotals";
import type { ReceiptView } from "../../bindings/ReceiptView";
import { ErrorText } from "../../components/ErrorText";
import { formatFen, formatLocalTime } from "../../format";
import { useSubmit } from "../../hooks/useSubmit";
import { useT, type MsgKey } from "../../i18n";
import { METHOD_KEY } from "../../components/TenderFields";
import { NOT_PRINTED, PrintStatus, type PrintState, usePrinter } from "../../components/printing";
import { RefundForm } from "./RefundForm";
import { VoidForm } from "../../components/VoidForm";

type Mode = "list" | "void" | "refund";

interface Props {
  /** Esc from the list: back to charging. */
  onBack: () => void;
}

export function Corrections({ onBack }: Props) {
  const t = useT();
  const listId = useId();
  const lookupInput = useRef<HTMLInputElement>(null);
  const [receipts, setReceipts] = useState<ReceiptView[] | null>(null);
  const [totals, setTotals] = useState<ReceiptTotals | null>(null);
  /** A receipt found by number that is not in this shift's list. */
  const [other, setOther] = useState<ReceiptView | null>(null);
  const [selectedNo, setSelectedNo] = useState<string | null>(null);
  const [lookup, setLookup] = useState("");
  const [mode, setMode] = useState<Mode>("list");
  const [voided, setVoided] = useState<ReceiptView | null>(null);
  const [refund, setRefund] = useState<ReceiptView | null>(null);
  const [printState, setPrintState] = useState<PrintState>(NOT_PRINTED);
  /** The reprint of the chosen receipt, by its number. */
  const [reprint, setReprint] = useState<{ no: string; state: PrintState } | null>(null);
  const printer = usePrinter();
  const load = useSubmit();
  const find = useSubmit();

  const reload = () =>
    load.run(async () => {
      setReceipts(await api.shiftReceipts());
      setTotals(await api.shiftReceiptTotals());
    });
  useEffect(() => {
    void reload();
    lookupInput.current?.focus();
  }, []); // once, on arrival

  const rows = receipts ?? [];
  const selected = (other?.receipt_no === selectedNo ? other : rows.find((r) => r.receipt_no === selectedNo)) ?? rows[0] ?? null;
  const index = selected ? rows.findIndex((r) => r.receipt_no === selected.receipt_no) : -1;

  function choose(r: ReceiptView | null) {
    // Another receipt chosen: what was done to the last one makes room for it.
    if (r?.receipt_no !== selectedNo) {
      setRefund(null);
      setVoided(null);
    }
    setSelectedNo(r?.receipt_no ?? null);
    setMode("list");
  }

  function open(next: Mode) {
    if (!selected) return;
    // Not offered on a receipt that cannot take it (voided, wholly refunded, a refund itself).
    if ((next === "refund" && !selected.refundable) || (next === "void" && !selected.voidable)) return;
    setVoided(null);
    setRefund(null);
    setMode(next);
  }

  function backToList() {
    setMode("list");
    lookupInput.current?.focus();
  }

  function findTyped() {
    const no = lookup.trim().toUpperCase();
    const hit = rows.find((r) => r.receipt_no.toUpperCase() === no);
    if (hit) {
      setOther(null);
      choose(hit);
      return;
    }
    void find.run(async () => {
      const r = await api.receipt(lookup.trim());
      setOther(r);
      choose(r);
    });
  }

  function onLookupKey(e: KeyboardEvent<HTMLInputElement>) {
    if (e.nativeEvent.isComposing) return;
    switch (e.key) {
      case "ArrowDown":
      case "ArrowUp": {
        if (rows.length === 0) return;
        e.preventDefault();
        const i = e.key === "ArrowDown" ? Math.min(index + 1, rows.length - 1) : Math.max(index - 1, 0);
        setOther(null);
        choose(rows[i]);
        return;
      }
      case "Enter":
        e.preventDefault();
        if (lookup.trim() !== "") findTyped();
        else open("refund");
        return;
      case "Delete":
        if (lookup !== "") return;
        e.preventDefault();
        open("void");
        return;
    }
  }

  function onVoided(r: ReceiptView) {
    setReceipts(rows.map((x) => (x.receipt_no === r.receipt_no ? r : x)));
    if (other?.receipt_no === r.receipt_no) setOther(r);
    setVoided(r);
    backToList();
    void api.shiftReceiptTotals().then(setTotals, () => setTotals(null));
  }

  function onRefunded(r: ReceiptView) {
    setRefund(r);
    setMode("list");
    lookupInput.current?.focus();
    void printer.print(r.receipt_no, false, setPrintState);
    void reload();
  }

  function reprintSelected() {
    if (!selected || mode !== "list") return;
    const no = selected.receipt_no;
    void printer.print(no, true, (state) => setReprint({ no, state }));
  }

  // Esc that no field took: one step back — from a form to the list, from the list to charging.
  // Ctrl+R reprints the chosen receipt (never the window's reload).
  function onKeyDown(e: KeyboardEvent<HTMLElement>) {
    if (e.ctrlKey && e.key.toLowerCase() === "r") {
      e.preventDefault();
      reprintSelected();
      return;
    }
    if (e.key !== "Escape" || e.defaultPrevented) return;
    e.preventDefault();
    if (mode !== "list") backToList();
    else onBack();
  }

  return (
    <div className={`corr-cols ${mode === "refund" ? "refunding" : ""}`} onKeyDown={onKeyDown}>
      <section className="panel corr-list">
        <h2>
          {t("corr.title")} <kbd>F8</kbd>
        </h2>
        <label className="field">
          <span className="field-label">{t("corr.lookup")}</span>
          <input
            ref={lookupInput}
            type="text"
            role="combobox"
            aria-expanded={rows.length > 0}
            aria-controls={listId}
            spellCheck={false}
            autoComplete="off"
            data-testid="receipt-lookup"
            value={lookup}
            onChange={(e) => setLookup(e.target.value)}
            onKeyDown={onLookupKey}
          />
        </label>
        <span className="field-hint">{t("corr.lookupHint")}</span>
        {find.problem && <ErrorText problem={find.problem} testId="receipt-lookup-error" />}
        {load.problem && <ErrorText problem={load.problem} testId="shift-receipts-error" />}
        {receipts !== null && rows.length === 0 ? (
          <p className="muted" data-testid="shift-receipts">
            {t("corr.empty")}
          </p>
        ) : (
          <ul className="receipt-list" role="listbox" id={listId} aria-label={t("corr.title")} data-testid="shift-receipts">
            {rows.map((r) => (
              <li
                key={r.receipt_no}
                role="option"
                aria-selected={r.receipt_no === selected?.receipt_no}
                className={`receipt-row ${r.receipt_no === selected?.receipt_no ? "active" : ""} ${r.voided ? "voided" : ""}`}
                data-testid="shift-receipt-row"
                onMouseDown={(e) => e.preventDefault()}
                onClick={() => {
                  setOther(null);
                  choose(r);
                  lookupInput.current?.focus();
                }}
              >
                <span className="code receipt-row-no">{r.receipt_no}</span>
                <span className="receipt-row-who">{r.patient_name}</span>
                <span className={`num receipt-row-total ${r.signed_total_fen < 0 ? "money-out" : ""}`}>{formatFen(r.signed_total_fen)}</span>
                <span className="row-facts">{formatLocalTime(r.occurred_at)}</span>
                <span className="receipt-row-tags">
                  {r.kind !== "charge" && <span className="tag">{t(`kind.${r.kind}` as MsgKey)}</span>}
                  {r.voided && <span className="tag tag-red">{t("corr.voided")}</span>}
                  {r.refunded_fen > 0 && <span className="tag tag-warn">{t("corr.refunded", { amount: formatFen(r.refunded_fen) })}</span>}
                </span>
              </li>
            ))}
          </ul>
        )}
        {totals && rows.length > 0 && (
          <p className="row-facts receipt-totals" data-testid="shift-receipt-totals">
            {t("corr.totals", {
              kinds: totals.by_kind
                .filter((k) => k.count > 0)
                .map((k) => t("corr.kindTotal", { kind: t(`kind.${k.kind}` as MsgKey), count: k.count, amount: formatFen(k.amount_fen) }))
                .join("；"),
              voided: totals.voided.count,
              net: formatFen(totals.net_fen),
            })}
          </p>
        )}
      </section>
      <section className="panel corr-detail">
        {refund && (
          <div className="refund-result" data-testid="refund-result" role="status">
            <span className="result-label">{t("corr.refundReceipt")}</span>
            <span className="receipt-big code" data-testid="refund-receipt-no">
              {refund.receipt_no}
            </span>
            <p className="refund-amount">
              {t("corr.refundAmount")} <b data-testid="refund-total">{formatFen(refund.total_fen)}</b>
              {refund.tenders.map((x, i) => (
                <span key={i} className="row-facts">
                  {" "}
                  · {t(METHOD_KEY[x.method])} {formatFen(x.amount_fen)}
                </span>
              ))}
            </p>
            <PrintStatus state={printState} />
          </div>
        )}
        {voided && (
          <p className="notice" role="status" data-testid="void-done">
            {t("corr.voidDone", { no: voided.receipt_no })}
          </p>
        )}
        {selected ? (
          <>
            {/* The refund form lists the lines itself, with what is left of each. */}
            {mode !== "refund" && <ReceiptFacts receipt={selected} />}
            {mode === "list" && (
              <div className="button-row">
                <button type="button" data-testid="corr-reprint" disabled={reprint?.state.pending} onClick={reprintSelected}>
                  {t("corr.reprint")} <kbd>Ctrl+R</kbd>
                </button>
                {reprint?.no === selected.receipt_no && <PrintStatus state={reprint.state} testId="reprint-status" pathTestId="reprint-path" />}
              </div>
            )}
            {mode === "list" &&
              (selected.refundable || selected.voidable ? (
                <div className="button-row">
                  {selected.refundable && (
                    <button type="button" data-testid="refund-open" onClick={() => open("refund")}>
                      {t("corr.refund")} <kbd>Enter</kbd>
                    </button>
                  )}
                  {selected.voidable && (
                    <button type="button" data-testid="void-open" onClick={() => open("void")}>
                      {t("corr.void")} <kbd>Delete</kbd>
                    </button>
                  )}
                </div>
              ) : (
                <p className="muted" data-testid="corr-nothing">
                  {t(selected.voided ? "corr.nothingVoided" : selected.kind === "charge" ? "corr.nothingRefunded" : "corr.nothingRefund")}
                </p>
              ))}
            {mode === "void" && <VoidForm key={selected.receipt_no} receipt={selected} onVoided={onVoided} onBackOut={backToList} />}
            {mode === "refund" && <RefundForm key={selected.receipt_no} receipt={selected} onRefunded={onRefunded} onBackOut={backToList} />}
          </>
        ) : (
          <p className="muted">{t("corr.choose")}</p>
        )}
      </section>
    </div>
  );
}

/** The chosen receipt: number, patient, time, total, and what has happened to it since. */
function ReceiptFacts({ receipt: r }: { receipt: ReceiptView }) {
  const t = useT();
  return (
    <div className="receipt-facts" data-testid="receipt-facts">
      <p className="receipt-facts-head">
        <span className="code">{r.receipt_no}</span> {r.patient_name} <b>{formatFen(r.total_fen)}</b>
        {r.voided && <span className="tag tag-red">{t("corr.voided")}</span>}
      </p>
      <p className="row-facts">
        {t("corr.issued", { time: formatLocalTime(r.occurred_at), cashier: r.cashier })}
        {r.refund_of && ` · ${t("corr.refundOf", { no: r.refund_of })}`}
        {r.refunded_fen > 0 && ` · ${t("corr.refunded", { amount: formatFen(r.refunded_fen) })}`}
        {r.voided && r.void_reason && ` · ${t("corr.voidReason", { reason: r.void_reason })}`}
      </p>
      <ul className="fee-items">
        {r.lines.map((l) => (
          <li key={l.line_no}>
            <span>
              {l.line_no}. {l.name} × {l.qty}
            </span>
            <span className="num">{formatFen(l.amount_fen)}</span>
          </li>
        ))}
      </ul>
    </div>
  );
}
