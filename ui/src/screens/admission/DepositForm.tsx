//! 交预交金 / 补交 (F7): how the deposit is paid, as on the payment panel — cash first (the
//! amount, then what was handed over, 实收), other tenders with Insert, each with the reference
//! its method needs (card last four and terminal reference, WeChat / Alipay transaction number,
//! cheque bank and number). Enter goes cash → 实收 → 确认收预交金; Esc closes the form and keeps
//! everything typed. Amounts go as integer fen; the id is made when the form opens and sent
//! again on a retry, so a deposit whose answer was lost is not taken twice. A zero deposit is
//! the core's to refuse.

import { useEffect, useRef, type KeyboardEvent, type Ref } from "react";
import { api } from "../../api";
import type { ReceiptView } from "../../bindings/ReceiptView";
import type { TenderInputView } from "../../bindings/TenderInputView";
import { errorIn } from "../../components/ErrorText";
import { Field } from "../../components/Field";
import { formatFen, parseYuan } from "../../format";
import { useSubmit, type FieldFor } from "../../hooks/useSubmit";
import { useT, type MsgKey } from "../../i18n";
import { newId, type TenderRow } from "../charge/chargeDraft";
import { blankTender, tenderOf, TenderFields } from "../charge/TenderFields";
import { ADMIT_WORDS } from "./AdmitForm";
import { BACK_ENTRY_FIELDS, BackEntry } from "./BackEntry";

/** The deposit being typed, kept while the clerk goes elsewhere. */
export interface DepositDraft {
  /** `DepositInputView.id`: one per deposit, kept through retries until it is taken. */
  id: string;
  inpatientNo: string;
  cash: string;
  tendered: string;
  tenders: TenderRow[];
  backEntry: boolean;
  backAt: string;
}

export const freshDeposit = (inpatientNo: string): DepositDraft => ({
  id: newId(),
  inpatientNo,
  cash: "",
  tendered: "",
  tenders: [],
  backEntry: false,
  backAt: "",
});

const FIELD_OF: Record<string, string> = {
  ...BACK_ENTRY_FIELDS,
  deposit_zero: "cash",
  amount_out_of_range: "cash",
  tender_missing: "cash",
  tender_cash_twice: "cash",
  tender_cash_short: "tendered",
  tender_tendered_without_cash: "tendered",
};
const fieldFor: FieldFor = (code) => FIELD_OF[code];

/** Which method a reference error is about: the first row of that method gets the focus. */
const REFERENCE_OF: Record<string, TenderRow["method"][]> = {
  tender_card_reference: ["card"],
  tender_reference_missing: ["wechat", "alipay"],
  tender_cheque_reference: ["cheque"],
  tender_other_name: ["other"],
  tender_reference_invalid: ["card", "wechat", "alipay", "cheque", "other"],
};

const OWN_WORDS: Record<string, MsgKey> = {
  ...ADMIT_WORDS,
  outage_not_active: "dep.outageNotActive",
  ipc_failed: "pay.retry",
};

const STOPS = "input:not([disabled]), select:not([disabled]), button[type=submit]";
const EXTRA_METHODS: TenderRow["method"][] = ["card", "wechat", "alipay", "cheque", "other"];

interface Props {
  draft: DepositDraft;
  onChange: (patch: Partial<DepositDraft>) => void;
  onTaken: (receipt: ReceiptView) => void;
  /** Esc: the form closes, everything typed kept. */
  onBackOut: () => void;
  cashRef?: Ref<HTMLInputElement>;
}

export function DepositForm({ draft, onChange, onTaken, onBackOut, cashRef }: Props) {
  const t = useT();
  const form = useRef<HTMLFormElement>(null);
  const submitButton = useRef<HTMLButtonElement>(null);
  const { pending, problem, setProblem, run } = useSubmit(fieldFor);
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
    const selects = form.current?.querySelectorAll<HTMLSelectElement>("[data-testid=dep-method]");
    selects?.[selects.length - 1]?.focus();
  }, [draft.tenders.length]);

  function addTender() {
    addedRow.current = true;
    onChange({ tenders: [...draft.tenders, blankTender("card")] });
  }
  const setRow = (i: number, row: TenderRow) => onChange({ tenders: draft.tenders.map((r, j) => (j === i ? row : r)) });
  const removeRow = (i: number) => onChange({ tenders: draft.tenders.filter((_, j) => j !== i) });

  function submit() {
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
    if (draft.backEntry && draft.backAt.trim() === "") return setProblem({ key: "reg.backAtRequired", field: "backAt" });
    void run(async () =>
      onTaken(
        await api.takeDeposit({
          id: draft.id,
          inpatient_no: draft.inpatientNo,
          tenders,
          cash_tendered_fen: tenderedText === "" ? null : tenderedFen,
          back_entered_at: draft.backEntry ? draft.backAt.trim() : null,
        }),
      ),
    ).then((e) => {
      if (!e) return;
      const methods = REFERENCE_OF[e.code];
      const row = methods ? draft.tenders.findIndex((r) => methods.includes(r.method)) : -1;
      const zeroRow = e.code === "tender_zero" ? draft.tenders.findIndex((r) => parseYuan(r.amount) === 0) : -1;
      const field = row >= 0 ? `ref-${row}` : zeroRow >= 0 ? `amount-${zeroRow}` : e.code === "tender_zero" ? "cash" : fieldFor(e.code);
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
    // 实收 is the last thing the patient waits for: from there Enter goes to the confirm button.
    if (target.name === "tendered") return submitButton.current?.focus();
    const stops = Array.from(form.current?.querySelectorAll<HTMLElement>(STOPS) ?? []);
    (stops[stops.indexOf(target) + 1] ?? submitButton.current)?.focus();
  }

  const err = (slot: string) => errorIn(problem, slot, "dep-error");
  return (
    <form
      ref={form}
      className="dep-form"
      data-testid="dep-form"
      noValidate
      autoComplete="off"
      onKeyDown={onKeyDown}
      onSubmit={(e) => {
        e.preventDefault();
        submit();
      }}
    >
      <h3>
        {t("dep.formTitle")} <kbd>F7</kbd>
      </h3>
      <div className="pay-amounts">
        <Field ref={cashRef} name="cash" label={t("dep.cash")} testId="dep-cash" inputMode="decimal" big value={draft.cash} onChange={(cash) => onChange({ cash })} error={err("cash")} />
        <Field
          name="tendered"
          label={t("pay.tendered")}
          testId="dep-tendered"
          inputMode="decimal"
          big
          value={draft.tendered}
          onChange={(tendered) => onChange({ tendered })}
          hint={t("dep.tenderedHint")}
          error={err("tendered")}
        />
      </div>
      {tenderedFen !== null && (
        <p className="amount-echo" aria-live="polite">
          {t("pay.tenderedEcho", { amount: formatFen(tenderedFen) })}
        </p>
      )}
      {draft.tenders.map((row, i) => (
        <TenderFields key={i} row={row} index={i} prefix="dep" methods={EXTRA_METHODS} onChange={(r) => setRow(i, r)} errorFor={err}>
          <button type="button" className="quiet" onClick={() => removeRow(i)}>
            {t("pay.removeTender")}
          </button>
        </TenderFields>
      ))}
      <button type="button" className="quiet add-tender" data-testid="dep-add-tender" onClick={addTender}>
        {t("pay.addTender")} <kbd>Insert</kbd>
      </button>
      {showBackEntry && (
        <BackEntry
          on={draft.backEntry}
          onToggle={(backEntry) => onChange({ backEntry })}
          at={draft.backAt}
          onAt={(backAt) => onChange({ backAt })}
          hint="dep.backEntryHint"
          prefix="dep"
          errorFor={err}
        />
      )}
      {err("form")}
      <div className="button-row">
        <button ref={submitButton} type="submit" className="primary pay-submit" data-testid="dep-submit" disabled={pending}>
          {t("dep.submit")} <kbd>Enter</kbd>
        </button>
        <button type="button" className="quiet" onClick={onBackOut}>
          {t("dep.close")} <kbd>Esc</kbd>
        </button>
      </div>
    </form>
  );
}
