//! F9 结算: how the patient pays. Cash first — its amount preset to the core's total, then what
//! was handed over (实收); the change is the core's and shows once the receipt is issued. Other
//! tenders (Insert adds one) each with the reference its method needs; 医保患者 for an insured
//! patient, with the re-settlement due date; an optional paper receipt number. Enter goes cash
//! → 实收 → 确认收费; Esc closes the panel and keeps everything typed. Amounts typed in yuan go
//! as integer fen; a retry sends the same `id`, so a payment whose answer was lost is not
//! charged twice. Outside an outage the core refuses (`outage_not_active`) unless a paper
//! receipt written during the outage is being back-entered: 补录 then asks for the real time of
//! the payment, sent as typed (`back_entered_at`) and kept in the draft like the rest.

import { useEffect, useRef, type KeyboardEvent, type Ref } from "react";
import { api } from "../../api";
import type { PayInput } from "../../bindings/PayInput";
import type { ReceiptView } from "../../bindings/ReceiptView";
import type { TenderInputView } from "../../bindings/TenderInputView";
import { errorIn } from "../../components/ErrorText";
import { Field } from "../../components/Field";
import { formatFen, parseYuan } from "../../format";
import { useSubmit, type FieldFor } from "../../hooks/useSubmit";
import { useT, type MsgKey } from "../../i18n";
import { BACK_ENTRY_FIELDS, BackEntry } from "../admission/BackEntry";
import { hasFree, type ChargeState, type TenderRow } from "./chargeDraft";
import { blankTender, tenderOf, TenderFields } from "./TenderFields";

const FIELD_OF: Record<string, string> = {
  ...BACK_ENTRY_FIELDS,
  tender_cash_short: "tendered",
  tender_tendered_without_cash: "tendered",
  tender_sum_mismatch: "cash",
  tender_cash_twice: "cash",
  patient_not_insured: "insured",
  paper_no_used: "paperNo",
  text_empty: "paperNo",
  text_control_chars: "paperNo",
  text_too_long: "paperNo",
};
const fieldFor: FieldFor = (code) => FIELD_OF[code];

/** Which method a reference error is about: the first row of that method gets the focus. */
const REFERENCE_OF: Record<string, TenderRow["method"][]> = {
  tender_card_reference: ["card"],
  tender_reference_missing: ["wechat", "alipay"],
  tender_cheque_reference: ["cheque"],
  tender_other_name: ["other"],
};

/** Refusals told in the counter's own words, with the key that helps. */
const OWN_WORDS: Record<string, MsgKey> = {
  shift_required: "charge.shiftRequired",
  outage_not_active: "charge.outageNotActive",
  ipc_failed: "pay.retry",
};

const STOPS = "input:not([disabled]), select:not([disabled]), button[type=submit]";
const EXTRA_METHODS: TenderRow["method"][] = ["card", "wechat", "alipay", "cheque", "other"];

interface Props {
  charge: ChargeState;
  onPaid: (receipt: ReceiptView) => void;
  /** Esc: back to the lines, everything typed kept. */
  onBackOut: () => void;
  cashRef?: Ref<HTMLInputElement>;
}

export function PayPanel({ charge, onPaid, onBackOut, cashRef }: Props) {
  const t = useT();
  const { draft, update } = charge;
  const form = useRef<HTMLFormElement>(null);
  const submitButton = useRef<HTMLButtonElement>(null);
  const { pending, problem, setProblem, run } = useSubmit(fieldFor);
  const patient = draft.patient;
  const insurable = patient !== null && patient.insurance !== "self_pay";
  const priced = draft.priced;
  const tenderedFen = parseYuan(draft.tendered);
  const showBackEntry = draft.backEntry || problem?.ipc?.code === "outage_not_active";

  // A problem that names a field puts the focus there, its text selected.
  useEffect(() => {
    if (!problem?.field || !form.current) return;
    const el = form.current.elements.namedItem(problem.field);
    if (el instanceof HTMLInputElement || el instanceof HTMLSelectElement) {
      el.focus();
      if (el instanceof HTMLInputElement && el.type === "text") el.select();
    }
  }, [problem]);

  const addedRow = useRef(false);
  useEffect(() => {
    if (!addedRow.current) return;
    addedRow.current = false;
    const selects = form.current?.querySelectorAll<HTMLSelectElement>("[data-testid=pay-method]");
    selects?.[selects.length - 1]?.focus();
  }, [draft.tenders.length]);

  function addTender() {
    addedRow.current = true;
    update((d) => ({ tenders: [...d.tenders, blankTender("card")] }));
  }
  const setRow = (i: number, row: TenderRow) => update((d) => ({ tenders: d.tenders.map((r, j) => (j === i ? row : r)) }));
  const removeRow = (i: number) => update((d) => ({ tenders: d.tenders.filter((_, j) => j !== i) }));

  function submit() {
    if (!patient) return;
    const cashText = draft.cash.trim();
    const cash = cashText === "" ? null : parseYuan(cashText);
    if (cashText !== "" && cash === null) return setProblem({ key: "pay.amountInvalid", field: "cash" });
    const tenders: TenderInputView[] = [];
    // A cash amount of 0 beside other tenders means "no cash"; alone, the core says what is wrong.
    if (cash !== null && (cash !== 0 || draft.tenders.length === 0)) tenders.push({ method: "cash", amount_fen: cash, reference: "" });
    for (const [i, row] of draft.tenders.entries()) {
      const tender = tenderOf(row);
      if (!tender) return setProblem({ key: "pay.amountInvalid", field: `amount-${i}` });
      tenders.push(tender);
    }
    const tenderedText = draft.tendered.trim();
    if (tenderedText !== "" && tenderedFen === null) return setProblem({ key: "pay.amountInvalid", field: "tendered" });
    if (draft.backEntry && draft.backAt.trim() === "") return setProblem({ key: "pay.backAtRequired", field: "backAt" });
    const input: PayInput = {
      id: draft.id,
      patient: patient.downtime_no ?? patient.his_id ?? "",
      visit: draft.visit?.id ?? null,
      lines: draft.lines,
      tenders,
      cash_tendered_fen: tenderedText === "" ? null : tenderedFen,
      insured: insurable && draft.insured,
      paper_no: draft.paperNo.trim() === "" ? null : draft.paperNo.trim(),
      back_entered_at: draft.backEntry ? draft.backAt.trim() : null,
      supervisor: hasFree(draft.lines) ? charge.approval : null,
    };
    void run(async () => onPaid(await api.payCharge(input))).then((e) => {
      if (!e) return;
      const methods = REFERENCE_OF[e.code];
      const row = methods ? draft.tenders.findIndex((r) => methods.includes(r.method)) : -1;
      const field = row >= 0 ? `ref-${row}` : fieldFor(e.code);
      setProblem({ ipc: e, key: OWN_WORDS[e.code], field });
    });
  }

  function onKeyDown(e: KeyboardEvent<HTMLFormElement>) {
    if (e.nativeEvent.isComposing) return;
    if (e.key === "Escape") {
      e.preventDefault();
      onBackOut();
      return;
    }
    if (e.key === "Insert") {
      e.preventDefault();
      addTender();
      return;
    }
    const target = e.target;
    if (e.key !== "Enter" || !(target instanceof HTMLInputElement || target instanceof HTMLSelectElement)) return;
    e.preventDefault();
    // 实收 is the last thing the patient waits for: from there Enter goes to 确认收费.
    if (target.name === "tendered") return submitButton.current?.focus();
    const stops = Array.from(form.current?.querySelectorAll<HTMLElement>(STOPS) ?? []);
    (stops[stops.indexOf(target) + 1] ?? submitButton.current)?.focus();
  }

  const err = (slot: string) => errorIn(problem, slot, "pay-error");
  return (
    <section className="panel pay-panel" data-testid="pay-panel" aria-label={t("pay.title")}>
      <h2>
        {t("pay.title")} <kbd>F9</kbd>
      </h2>
      <p className="pay-due-total">
        <span className="muted">{t("pay.total")}</span> <b>{priced ? formatFen(priced.total_fen) : "—"}</b>
      </p>
      <form
        ref={form}
        noValidate
        autoComplete="off"
        onKeyDown={onKeyDown}
        onSubmit={(e) => {
          e.preventDefault();
          submit();
        }}
      >
        <div className="pay-amounts">
          <Field ref={cashRef} name="cash" label={t("pay.cash")} testId="pay-cash" inputMode="decimal" big value={draft.cash} onChange={(cash) => update({ cash })} error={err("cash")} />
          <Field
            name="tendered"
            label={t("pay.tendered")}
            testId="pay-tendered"
            inputMode="decimal"
            big
            value={draft.tendered}
            onChange={(tendered) => update({ tendered })}
            hint={t("pay.changeLater")}
            error={err("tendered")}
          />
        </div>
        {tenderedFen !== null && (
          <p className="amount-echo" aria-live="polite">
            {t("pay.tenderedEcho", { amount: formatFen(tenderedFen) })}
          </p>
        )}
        {draft.tenders.map((row, i) => (
          <TenderFields key={i} row={row} index={i} prefix="pay" methods={EXTRA_METHODS} onChange={(r) => setRow(i, r)} errorFor={err}>
            <button type="button" className="quiet" onClick={() => removeRow(i)}>
              {t("pay.removeTender")}
            </button>
          </TenderFields>
        ))}
        <button type="button" className="quiet add-tender" data-testid="pay-add-tender" onClick={addTender}>
          {t("pay.addTender")} <kbd>Insert</kbd>
        </button>
        {insurable && (
          <div className="pay-insured">
            <label className="check">
              <input type="checkbox" name="insured" data-testid="pay-insured" checked={draft.insured} onChange={(e) => update({ insured: e.target.checked })} />
              {t("pay.insured")} <span className="field-hint">{t("pay.insuredHint")}</span>
            </label>
            {draft.insured && priced?.due_if_paid_today && (
              <p className="pay-due" data-testid="pay-due">
                {t("pay.due", { date: priced.due_if_paid_today })}
                {priced.due_provisional && t("due.provisional")}
              </p>
            )}
            {err("insured")}
          </div>
        )}
        <Field
          name="paperNo"
          label={`${t("pay.paperNo")}（${t("common.optional")}）`}
          testId="pay-paper-no"
          value={draft.paperNo}
          onChange={(paperNo) => update({ paperNo })}
          error={err("paperNo")}
        />
        {showBackEntry && (
          <BackEntry
            on={draft.backEntry}
            onToggle={(backEntry) => update({ backEntry })}
            at={draft.backAt}
            onAt={(backAt) => update({ backAt })}
            hint="pay.backEntryHint"
            label="pay.backAt"
            prefix="pay"
            errorFor={err}
          />
        )}
        {err("form")}
        <button ref={submitButton} type="submit" className="primary pay-submit" data-testid="pay-submit" disabled={pending}>
          {t("pay.submit")} <kbd>Enter</kbd>
        </button>
      </form>
    </section>
  );
}
