//! 退费: the lines of a charge receipt with what is left to refund of each, read the right way
//! round — nothing is refunded until it is marked. Space marks a line with all that is left of
//! it (and unmarks it), a number typed changes the quantity, ↑ ↓ move between lines, Enter goes
//! on to the reason. Every amount is the core's (`refund_preview`), shown as lines are marked:
//! each line's refund, the total, and how it goes back — before the refund is confirmed. Then
//! the reason, the pharmacy's confirmation when a drug is marked (退药确认人), the way the money
//! goes back (原路退回 unless another is chosen — then the whole refund one way, and a reason
//! when the core says it is not the way the money came, `PayBackFields`), and the supervisor's
//! name and PIN on the form. Ctrl+Enter confirms from any field. The request id is made when
//! the form opens and kept through retries.

import { useEffect, useRef, useState, type KeyboardEvent } from "react";
import { api, toIpcError, type IpcError, type CodeMap } from "../../api";
import type { ReceiptView } from "../../bindings/ReceiptView";
import type { RefundInput } from "../../bindings/RefundInput";
import type { RefundLineInput } from "../../bindings/RefundLineInput";
import type { RefundPreviewView } from "../../bindings/RefundPreviewView";
import type { ReturnSlipView } from "../../bindings/ReturnSlipView";
import { ErrorText, errorIn } from "../../components/ErrorText";
import { Field } from "../../components/Field";
import { FormButtons } from "../../components/FormButtons";
import { KeyForm } from "../../components/KeyForm";
import { SUPERVISED_FIELDS, SupervisorFields, useSupervisor } from "../../components/SupervisorFields";
import { formatFen, toHalfWidth } from "../../format";
import { useDraft } from "../../hooks/useDraft";
import { useSubmit, type FieldFor } from "../../hooks/useSubmit";
import { useT, type MsgKey } from "../../i18n";
import { newId } from "../../newId";
import { ORIGINAL_WAY, PAY_BACK_FIELDS, PayBackFields, payBackTenders, previewMethod, type PayBackWay } from "../../components/PayBackFields";

const FIELD_OF: CodeMap<string> = {
  ...SUPERVISED_FIELDS,
  ...PAY_BACK_FIELDS,
  refund_needs_drug_return: "drugBy",
  tender_sum_mismatch: "line-qty",
  tender_card_reference: "ref-0",
  tender_reference_missing: "ref-0",
  tender_cheque_reference: "ref-0",
  tender_other_name: "ref-0",
};
const fieldFor: FieldFor = (code) => FIELD_OF[code] ?? (code.startsWith("return_slip_") ? "drugBy" : undefined) ?? (code.startsWith("quantity_") || code.startsWith("refund_") ? "line-qty" : undefined);

/** A whole scanned return slip: `DDRT.` … `.` and its 86-character signature. */
const SLIP = /^DDRT\.\S+\.[A-Za-z0-9_-]{86}$/;

const OWN_WORDS: CodeMap<MsgKey> = {
  shift_required: "charge.shiftRequired",
  ipc_failed: "pay.retry",
};

/** A typed quantity as the core reads it; "" when the line is not marked. */
const qtyOf = (text: string) => toHalfWidth(text.trim());
const isZero = (q: string) => /^0*(\.0*)?$/.test(q);

interface Props {
  receipt: ReceiptView;
  onRefunded: (refund: ReceiptView) => void;
  /** Esc on the first line: back to the receipt list. */
  onBackOut: () => void;
}

export function RefundForm({ receipt, onRefunded, onBackOut }: Props) {
  const t = useT();
  const [id] = useState(newId);
  /** What is marked: line number → quantity as typed. Nothing marked, nothing refunded. */
  const [marks, setMarks] = useState<Record<number, string>>({});
  const [reason, setReason] = useDraft(`refund.reason.${receipt.receipt_no}`);
  const [drugBy, setDrugBy] = useDraft(`refund.drugBy.${receipt.receipt_no}`);
  const sup = useSupervisor(useDraft("corr.supName"));
  const [way, setWay] = useState<PayBackWay>(ORIGINAL_WAY);
  const [wayReason, setWayReason] = useDraft(`refund.wayReason.${receipt.receipt_no}`);
  const { pending, problem, setProblem, run } = useSubmit(fieldFor);
  const [preview, setPreview] = useState<RefundPreviewView | null>(null);
  /** The core refused what is marked: shown under the line last changed. */
  const [lineProblem, setLineProblem] = useState<{ line: number; ipc: IpcError } | null>(null);
  const lastLine = useRef<number>(receipt.lines[0]?.line_no ?? 1);
  const rows = useRef(new Map<number, HTMLInputElement>());
  const reasonBox = useRef<HTMLInputElement>(null);

  const marked: RefundLineInput[] = receipt.lines
    .map((l) => ({ line_no: l.line_no, qty: qtyOf(marks[l.line_no] ?? "") }))
    .filter((l) => l.qty !== "" && !isZero(l.qty));
  const markedKey = JSON.stringify(marked);

  // The core prices what is marked at each change: amounts, total, how it goes back.
  useEffect(() => {
    let current = true;
    api.refundPreview(receipt.receipt_no, marked, previewMethod(way)).then(
      (p) => {
        if (!current) return;
        setPreview(p);
        setLineProblem(null);
      },
      (e: unknown) => current && setLineProblem({ line: lastLine.current, ipc: toIpcError(e) }),
    );
    return () => {
      current = false;
    };
  }, [markedKey, previewMethod(way)]);

  const lineOf = (n: number) => preview?.lines.find((l) => l.line_no === n) ?? null;
  const done = (n: number) => lineOf(n)?.left_qty === "0";
  const drugMarked = marked.some((m) => receipt.lines.find((l) => l.line_no === m.line_no)?.is_drug);
  /** A scanned 退药单 (the pharmacy's signed return slip), typed into the 退药确认 field that
   *  marking a drug line shows: it marks the drug lines the slip returns, and only those. */
  const [slip, setSlip] = useState<ReturnSlipView | null>(null);

  function onDrugBy(text: string) {
    setDrugBy(text);
    setSlip(null);
    if (!SLIP.test(text.trim())) return;
    void run(async () => {
      const s = await api.readReturnSlip(text.trim());
      setSlip(s);
      const drug = new Set(receipt.lines.filter((l) => l.is_drug).map((l) => l.line_no));
      setMarks((m) => {
        const kept = Object.fromEntries(Object.entries(m).filter(([n]) => !drug.has(Number(n))));
        return { ...kept, ...Object.fromEntries(s.lines.map((l) => [l.n, l.quantity])) };
      });
    });
  }
  const fresh = preview !== null && lineProblem === null;

  function setMark(n: number, text: string) {
    lastLine.current = n;
    setMarks((m) => ({ ...m, [n]: text }));
  }

  function onRowKey(e: KeyboardEvent<HTMLInputElement>, i: number, n: number) {
    if (e.nativeEvent.isComposing || e.ctrlKey || e.altKey || e.metaKey) return;
    const open = receipt.lines.filter((l) => !done(l.line_no));
    const at = open.findIndex((l) => l.line_no === n);
    if (e.key === " ") {
      e.preventDefault();
      const left = lineOf(n)?.left_qty;
      if (!left) return;
      setMark(n, (marks[n] ?? "") === "" ? left : "");
    } else if (e.key === "ArrowDown" || e.key === "ArrowUp") {
      e.preventDefault();
      const next = open[at + (e.key === "ArrowDown" ? 1 : -1)];
      if (next) rows.current.get(next.line_no)?.focus();
    } else if (e.key === "Enter") {
      e.preventDefault();
      e.stopPropagation();
      reasonBox.current?.focus();
    } else if (e.key === "Escape" && i > 0) {
      // Back up the lines, then out of the form (KeyForm's Esc on the first line).
      const prev = open[at - 1];
      if (prev) {
        e.preventDefault();
        e.stopPropagation();
        rows.current.get(prev.line_no)?.focus();
      }
    }
  }

  function submit() {
    if (marked.length === 0) return setProblem({ key: "corr.refundNoneMarked", field: "line-qty" });
    if (!fresh || !preview) return setProblem({ key: "corr.refundFixLines", field: "line-qty" });
    if (reason.trim() === "") return setProblem({ key: "corr.reasonRequired", field: "reason" });
    const missing = sup.missing();
    if (missing) return setProblem(missing);
    // The way it came: the core splits it. Another way carries the whole refund, the amount the
    // core worked out for what is marked.
    const tenders = payBackTenders(way, preview.total_fen);
    const input: RefundInput = {
      id,
      receipt_no: receipt.receipt_no,
      lines: marked,
      reason: reason.trim(),
      tenders,
      pay_back_reason: wayReason.trim() === "" ? null : wayReason.trim(),
      drug_return_by: drugBy.trim() === "" ? null : drugBy.trim(),
      supervisor: sup.credentials(),
    };
    void run(async () => onRefunded(await api.refundReceipt(input))).then((e) => {
      if (e && OWN_WORDS[e.code]) setProblem({ ipc: e, key: OWN_WORDS[e.code], field: fieldFor(e.code) });
    });
  }

  const err = (slot: string) => errorIn(problem, slot, "refund-error");
  const firstOpen = receipt.lines.find((l) => !done(l.line_no))?.line_no;
  return (
    <KeyForm onSubmit={submit} problem={problem} onBackOut={onBackOut} className="corr-form refund-form" testId="refund-form">
      <div className="refund-head">
        <div>
          <h3>
            {t("corr.refundTitle", { no: receipt.receipt_no })} <span className="muted">{receipt.patient_name}</span>
          </h3>
          <p className="field-hint refund-keys">{t("corr.refundKeysHint")}</p>
        </div>
        <p className="refund-total" aria-live="polite">
          <span className="muted">{t("corr.refundTotal")}</span>{" "}
          <b data-testid="refund-preview-total">{preview ? formatFen(preview.total_fen) : "—"}</b>
        </p>
      </div>
      <table className="table refund-lines">
        <thead>
          <tr>
            <th className="num">#</th>
            <th>{t("picker.name")}</th>
            <th className="num">{t("corr.paidQty")}</th>
            <th className="num">{t("corr.leftQty")}</th>
            <th className="num">{t("corr.refundQty")}</th>
            <th className="num">{t("corr.refundLineAmount")}</th>
          </tr>
        </thead>
        <tbody>
          {receipt.lines.map((l, i) => {
            const p = lineOf(l.line_no);
            const isDone = done(l.line_no);
            const value = marks[l.line_no] ?? "";
            return [
              <tr key={l.line_no} className={`${value !== "" ? "marked" : ""} ${isDone ? "done" : ""}`} data-testid="refund-line">
                <td className="num">{l.line_no}</td>
                <td>
                  {l.name} {l.is_drug && <span className="tag">{t("picker.drug")}</span>}
                </td>
                <td className="num">
                  {l.qty} {l.unit}
                </td>
                <td className="num" data-testid="refund-line-left">
                  {p ? (isDone ? t("corr.lineDone") : `${p.left_qty} ${l.unit}`) : ""}
                </td>
                <td className="num">
                  <input
                    ref={(el) => {
                      if (el) rows.current.set(l.line_no, el);
                      else rows.current.delete(l.line_no);
                    }}
                    name={l.line_no === firstOpen ? "line-qty" : `line-qty-${l.line_no}`}
                    className="line-qty"
                    data-testid="refund-line-qty"
                    data-line-no={l.line_no}
                    aria-label={t("corr.refundQtyOf", { line: l.line_no })}
                    inputMode="decimal"
                    disabled={isDone}
                    placeholder={isDone ? "" : t("corr.refundSpace")}
                    value={value}
                    onChange={(e) => setMark(l.line_no, e.target.value)}
                    onKeyDown={(e) => onRowKey(e, i, l.line_no)}
                    onFocus={(e) => e.target.select()}
                    autoFocus={l.line_no === firstOpen}
                  />
                </td>
                <td className="num amount" data-testid="refund-line-amount">
                  {p?.qty ? formatFen(p.amount_fen) : ""}
                </td>
              </tr>,
              lineProblem?.line === l.line_no && (
                <tr key={`${l.line_no}-error`} className="refund-line-error">
                  <td colSpan={6}>
                    <ErrorText problem={{ ipc: lineProblem.ipc }} testId="refund-line-error" />
                  </td>
                </tr>
              ),
            ];
          })}
        </tbody>
      </table>
      {err("line-qty")}
      <div className="refund-fields">
        <Field ref={reasonBox} name="reason" label={t("corr.reason")} testId="refund-reason" value={reason} onChange={setReason} error={err("reason")} />
        {(drugMarked || slip || problem?.field === "drugBy") && (
          <Field
            name="drugBy"
            label={t("corr.drugBy")}
            hint={slip ? t("corr.slipRead", { slip: slip.slip_no, by: slip.pharmacist }) : undefined}
            testId="refund-drug-by"
            value={drugBy}
            onChange={onDrugBy}
            error={err("drugBy")}
          />
        )}
        <PayBackFields
          way={way}
          onWay={setWay}
          payBack={preview && preview.total_fen > 0 ? preview.pay_back : null}
          channels={preview?.channels ?? null}
          reason={wayReason}
          onReason={setWayReason}
          prefix="refund"
          errorFor={err}
          reasonAsked={problem?.ipc?.code === "refund_other_way_needs_reason"}
        />
        <SupervisorFields sup={sup} prefix="refund" errorFor={err} />
      </div>
      {err("form")}
      <FormButtons submit="corr.refundSubmit" testId="refund-submit" pending={pending} back="corr.back" onBack={onBackOut} />
    </KeyForm>
  );
}
