//! How the money is handed over, as F9 结算 and F7 交预交金 both ask it: cash first (the amount,
//! then what was handed over, 实收, with the change — the core's — shown large while it is
//! typed), other tenders below (Insert adds one and its method takes the focus). Amount boxes
//! select their content on focus, so typing replaces a preset amount. `useTenderSection` gives
//! the form its keyboard — Enter goes cash → 实收 → the confirm button, Ctrl+Enter confirms from
//! any field, Esc backs out with everything typed kept — and puts the focus on the field a
//! problem names; `readTenders` turns what was typed into the core's tenders.

import { useEffect, useRef, useState, type FormEvent, type KeyboardEvent, type ReactNode, type Ref } from "react";
import { api, type CodeMap, type ErrorCode } from "../api";
import type { CashChangeView } from "../bindings/CashChangeView";
import type { Method } from "../bindings/Method";
import type { TenderInput } from "../bindings/TenderInput";
import { AmountField } from "./AmountField";
import { isSaveKey } from "./KeyForm";
import { formatFen, parseYuan } from "../format";
import type { Problem } from "../hooks/useSubmit";
import { useT, type MsgKey } from "../i18n";
import { blankTender, tenderOf, TenderFields, type TenderRow } from "./TenderFields";

/** The tender fields of a payment draft, as typed. */
export interface TenderDraft {
  cash: string;
  tendered: string;
  tenders: TenderRow[];
}

/** Changes the draft's tender fields; a function sees the draft as it is by then. */
export type TenderChange = (patch: Partial<TenderDraft> | ((d: TenderDraft) => Partial<TenderDraft>)) => void;

/** Which method a reference error is about: the first row of that method gets the focus. */
export const REFERENCE_OF: CodeMap<Method[]> = {
  tender_card_reference: ["card"],
  tender_reference_missing: ["wechat", "alipay"],
  tender_cheque_reference: ["cheque"],
  tender_other_name: ["other"],
};

/** The reference box (`ref-N`) a refusal is about, in the first row of its method; else none. */
export function referenceField(rows: TenderRow[], code: ErrorCode, referenceOf = REFERENCE_OF): string | undefined {
  const methods = referenceOf[code];
  const row = methods ? rows.findIndex((r) => methods.includes(r.method)) : -1;
  return row >= 0 ? `ref-${row}` : undefined;
}

/** What was typed as the core takes it — the tenders, cash first, and what was handed over —
 *  or the problem with the first box the UI cannot read. */
export function readTenders(draft: TenderDraft): { tenders: TenderInput[]; cashTenderedFen: number | null } | { problem: Problem } {
  const cashText = draft.cash.trim();
  const cash = cashText === "" ? null : parseYuan(cashText);
  if (cashText !== "" && cash === null) return { problem: { key: "pay.amountInvalid", field: "cash" } };
  const tenders: TenderInput[] = [];
  // A cash amount of 0 beside other tenders means "no cash"; alone, the core says what is wrong.
  if (cash !== null && (cash !== 0 || draft.tenders.length === 0)) tenders.push({ method: "cash", amount_fen: cash, reference: "" });
  for (const [i, row] of draft.tenders.entries()) {
    const tender = tenderOf(row);
    if (!tender) return { problem: { key: "pay.amountInvalid", field: `amount-${i}` } };
    tenders.push(tender);
  }
  const tenderedText = draft.tendered.trim();
  const tenderedFen = parseYuan(draft.tendered);
  if (tenderedText !== "" && tenderedFen === null) return { problem: { key: "pay.amountInvalid", field: "tendered" } };
  return { tenders, cashTenderedFen: tenderedText === "" ? null : tenderedFen };
}

const STOPS = "input:not([disabled]), select:not([disabled]), button[type=submit]";
const EXTRA_METHODS: Method[] = ["card", "wechat", "alipay", "cheque", "other"];

interface Options {
  draft: TenderDraft;
  change: TenderChange;
  /** Test ids are `${prefix}-cash`, `${prefix}-tendered`, `${prefix}-add-tender` and the rows'. */
  prefix: string;
  problem: Problem | null;
  onSubmit: () => void;
  /** Esc: the form closes, everything typed kept. */
  onBackOut: () => void;
}

export type TenderSectionState = ReturnType<typeof useTenderSection>;

/** The form (`formProps`) and its confirm button (`submitButton`) are the caller's to render. */
export function useTenderSection({ draft, change, prefix, problem, onSubmit, onBackOut }: Options) {
  const form = useRef<HTMLFormElement>(null);
  const submitButton = useRef<HTMLButtonElement>(null);

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
    const selects = form.current?.querySelectorAll<HTMLSelectElement>(`[data-testid=${prefix}-method]`);
    selects?.[selects.length - 1]?.focus();
  }, [draft.tenders.length]);

  function addTender() {
    addedRow.current = true;
    change((d) => ({ tenders: [...d.tenders, blankTender("card")] }));
  }

  function onKeyDown(e: KeyboardEvent<HTMLFormElement>) {
    if (e.nativeEvent.isComposing) return;
    if (isSaveKey(e)) {
      e.preventDefault();
      form.current?.requestSubmit();
      return;
    }
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

  const formProps = {
    ref: form,
    noValidate: true,
    autoComplete: "off",
    onKeyDown,
    onSubmit: (e: FormEvent<HTMLFormElement>) => {
      e.preventDefault();
      onSubmit();
    },
  };
  return { draft, change, prefix, formProps, submitButton, addTender };
}

interface Props {
  section: TenderSectionState;
  /** Beside the other tenders (the payment panel's insured switch, paper number, confirm). */
  children?: ReactNode;
  cashLabel: MsgKey;
  tenderedHint: MsgKey;
  cashRef?: Ref<HTMLInputElement>;
  errorFor: (field: string) => ReactNode;
}

/** The change for what is typed — the core's answer, asked at each keystroke — or null while
 *  either box is empty or unreadable. */
export function useCashChange(cash: string, tendered: string): CashChangeView | null {
  const [view, setView] = useState<CashChangeView | null>(null);
  useEffect(() => {
    const due = parseYuan(cash);
    const given = tendered.trim() === "" ? null : parseYuan(tendered);
    if (due === null || given === null) {
      setView(null);
      return;
    }
    let current = true;
    api.cashChange(due, given).then(
      (v) => current && setView(v),
      () => current && setView(null),
    );
    return () => {
      current = false;
    };
  }, [cash, tendered]);
  return view;
}

/** Cash, 实收 and the change, the other tenders and the button that adds one. */
export function TenderSection({ section, cashLabel, tenderedHint, cashRef, errorFor, children }: Props) {
  const t = useT();
  const { draft, change, prefix, addTender } = section;
  const tenderedFen = parseYuan(draft.tendered);
  const cashChange = useCashChange(draft.cash, draft.tendered);
  const setRow = (i: number, row: TenderRow) => change((d) => ({ tenders: d.tenders.map((r, j) => (j === i ? row : r)) }));
  const removeRow = (i: number) => change((d) => ({ tenders: d.tenders.filter((_, j) => j !== i) }));
  return (
    <>
      <div className="tender-main">
      <div className="pay-amounts">
        <AmountField ref={cashRef} name="cash" label={t(cashLabel)} testId={`${prefix}-cash`} value={draft.cash} onChange={(cash) => change({ cash })} error={errorFor("cash")} />
        <AmountField
          name="tendered"
          label={t("pay.tendered")}
          testId={`${prefix}-tendered`}
          value={draft.tendered}
          onChange={(tendered) => change({ tendered })}
          error={errorFor("tendered")}
        />
      </div>
      <div className="pay-change" aria-live="polite" data-testid={`${prefix}-change-live`}>
        {cashChange?.change_fen != null ? (
          <>
            <span className="pay-change-label">{t("pay.changeLive")}</span>
            <b className="pay-change-big" data-testid={`${prefix}-change`}>
              {formatFen(cashChange.change_fen)}
            </b>
          </>
        ) : cashChange?.short_fen != null ? (
          <span className="pay-short" data-testid={`${prefix}-short`}>
            {t("pay.shortLive", { amount: formatFen(cashChange.short_fen) })}
          </span>
        ) : (
          <span className="muted">{t(tenderedHint)}</span>
        )}
        {tenderedFen !== null && <span className="muted pay-tendered-echo">{t("pay.tenderedEcho", { amount: formatFen(tenderedFen) })}</span>}
      </div>
      </div>
      <div className="tender-more">
      {draft.tenders.map((row, i) => (
        <TenderFields key={i} row={row} index={i} prefix={prefix} methods={EXTRA_METHODS} onChange={(r) => setRow(i, r)} errorFor={errorFor}>
          <button type="button" className="quiet" onClick={() => removeRow(i)}>
            {t("pay.removeTender")}
          </button>
        </TenderFields>
      ))}
      <button type="button" className="quiet add-tender" data-testid={`${prefix}-add-tender`} onClick={addTender}>
        {t("pay.addTender")} <kbd>Insert</kbd>
      </button>
      {children}
      </div>
    </>
  );
}
