//! The charge being drafted at the counter (收费草稿): patient, lines, what was typed in the
//! payment panel, and, once paid, the receipt. It lives in the shell, so leaving the screen
//! loses nothing, and in localStorage under the operator, so a reload loses nothing either;
//! a supervisor's PIN is only ever held in memory.
//!
//! Lines change only through `propose`: the core prices the new lines (`price_draft`) and
//! only then do they become the draft, with the core's amounts. The window never adds money
//! up. A reply older than one already applied is ignored.

import { useCallback, useEffect, useRef, useState } from "react";
import { api, toIpcError, type IpcError } from "../../api";
import type { CredentialsInput } from "../../bindings/CredentialsInput";
import type { DraftLineInput } from "../../bindings/DraftLineInput";
import type { PatientView } from "../../bindings/PatientView";
import type { PricedDraftView } from "../../bindings/PricedDraftView";
import type { PrintResultView } from "../../bindings/PrintResultView";
import type { ReceiptLineView } from "../../bindings/ReceiptLineView";
import type { ReceiptView } from "../../bindings/ReceiptView";
import type { TenderRow } from "../../components/TenderFields";
import { newId } from "../../newId";


export interface ChargeDraft {
  /** `PayInput.id`: made when the draft starts and kept through every retry until the next
   *  patient, so a payment sent twice is one receipt. */
  id: string;
  patient: PatientView | null;
  /** The registration this charge belongs to (its id goes with the payment), and how it reads. */
  visit: { id: string; dept: string; queue: number } | null;
  /** Which registration hand-off was taken over (`patient/visit`), so it is taken once. */
  adopted: string;
  /** The patient search box. */
  query: string;
  lines: DraftLineInput[];
  /** The core's pricing of exactly `lines`; null before it answered or when it refused them. */
  priced: PricedDraftView | null;
  /** The cash amount (yuan as typed) and the total it was preset from. */
  cash: string;
  cashFor: number | null;
  tendered: string;
  tenders: TenderRow[];
  insured: boolean;
  /** Why an insured patient pays as self-pay (when `insured` is unticked). */
  selfPayReason?: string;
  paperNo: string;
  /** 补录: a paper receipt written during the outage, entered afterwards at its real time
   *  (`PayInput.back_entered_at`, as typed). */
  backEntry: boolean;
  backAt: string;
  /** The supervisor who approved the lines outside the price list. */
  approvedBy: string;
  receipt: ReceiptView | null;
  print: PrintResultView | null;
}

const VERSION = 1;
const storageKey = (operatorId: string) => `downtime-desk.charge.${operatorId}`;


export function freshDraft(adopted = ""): ChargeDraft {
  return {
    id: newId(),
    patient: null,
    visit: null,
    adopted,
    query: "",
    lines: [],
    priced: null,
    cash: "",
    cashFor: null,
    tendered: "",
    tenders: [],
    insured: false,
    paperNo: "",
    backEntry: false,
    backAt: "",
    approvedBy: "",
    receipt: null,
    print: null,
  };
}

function load(key: string): ChargeDraft {
  try {
    const raw = localStorage.getItem(key);
    if (!raw) return freshDraft();
    const saved = JSON.parse(raw) as { v?: number; draft?: ChargeDraft };
    if (saved.v !== VERSION || !saved.draft || typeof saved.draft.id !== "string") return freshDraft();
    return { ...freshDraft(), ...saved.draft };
  } catch {
    return freshDraft();
  }
}

function save(key: string, draft: ChargeDraft) {
  try {
    localStorage.setItem(key, JSON.stringify({ v: VERSION, draft }));
  } catch {
    // A profile without storage still keeps the draft for this session.
  }
}

/** What a proposed change of the lines came to. */
export type Proposal = { ok: true } | { ok: false; error: IpcError } | { ok: false; stale: true };

export type ChargeState = ReturnType<typeof useChargeDraft>;

/** The operator's charge draft, kept in memory and in localStorage. */
export function useChargeDraft(operatorId: string) {
  const key = storageKey(operatorId);
  const [state, setState] = useState(() => ({ key, draft: load(key) }));
  // Another operator took over the counter (lock screen): their own draft, not this one.
  const current = state.key === key ? state : { key, draft: load(key) };
  if (current !== state) setState(current);
  const draft = current.draft;
  /** A supervisor's approval of lines outside the price list: memory only, never stored. */
  const [approval, setApproval] = useState<CredentialsInput | null>(null);

  useEffect(() => save(state.key, state.draft), [state]);

  const latest = useRef(draft);
  latest.current = draft;
  const approvalRef = useRef(approval);
  approvalRef.current = approval;

  const update = useCallback((patch: Partial<ChargeDraft> | ((d: ChargeDraft) => Partial<ChargeDraft>)) => {
    setState((s) => {
      const change = typeof patch === "function" ? patch(s.draft) : patch;
      const next = { ...s.draft, ...change };
      latest.current = next;
      return { key: s.key, draft: next };
    });
  }, []);

  /** Lines as the last proposal left them: the base for the next change. */
  const proposed = useRef<DraftLineInput[] | null>(null);
  const sent = useRef(0);
  const applied = useRef(0);
  const [pricing, setPricing] = useState(false);

  const lines = useCallback(() => proposed.current ?? latest.current.lines, []);

  /** Asks the core to price `next`; on success they become the draft's lines. */
  const propose = useCallback(async (next: DraftLineInput[], supervisor: CredentialsInput | null = approvalRef.current): Promise<Proposal> => {
    const seq = ++sent.current;
    proposed.current = next;
    setPricing(true);
    try {
      const priced = await api.priceDraft(next, hasFree(next) ? supervisor : null);
      if (seq < applied.current) return { ok: false, stale: true }; // a later change already answered
      applied.current = seq;
      update({ lines: next, priced });
      return { ok: true };
    } catch (e) {
      if (seq < applied.current) return { ok: false, stale: true };
      applied.current = seq;
      if (seq === sent.current) proposed.current = null; // back to the lines the core accepted
      return { ok: false, error: toIpcError(e) };
    } finally {
      if (seq === sent.current) setPricing(false);
    }
  }, [update]);

  /** Prices the draft's own lines again (after a reload, or a new price list). */
  const reprice = useCallback(async (): Promise<IpcError | null> => {
    const d = latest.current;
    if (d.lines.length === 0 || d.receipt) return null;
    const r = await propose(d.lines);
    if (!r.ok && "error" in r) {
      update({ priced: null }); // the old figures no longer answer for these lines
      return r.error;
    }
    return null;
  }, [propose, update]);

  /** On arrival after a restart: a kept draft the core has already paid (the window died
   *  before it stored the receipt) comes back as its receipt, never as a draft to pay again.
   *  Returns that receipt, or null when the draft is still unpaid. */
  const recover = useCallback(async (): Promise<ReceiptView | null> => {
    const d = latest.current;
    if (d.receipt) return null;
    const paid = await api.chargePaid(d.id);
    if (!paid || latest.current.id !== d.id || latest.current.receipt) return null;
    update({ receipt: paid, print: null });
    return paid;
  }, [update]);

  /** The next patient: a new draft with a new id. */
  const reset = useCallback(() => {
    proposed.current = null;
    applied.current = ++sent.current;
    setApproval(null);
    setState((s) => ({ key: s.key, draft: freshDraft(s.draft.adopted) }));
  }, []);

  return { draft, update, lines, propose, reprice, recover, pricing, reset, approval, setApproval };
}

export const hasFree = (lines: DraftLineInput[]) => lines.some((l) => l.code === null);

/**
 * Each draft line with the core's priced line, or null where the core has not priced it (a
 * line outside the price list without an approval is priced as absent). The core keeps the
 * order, so price-list lines pair with price-list lines and the rest with the rest.
 */
export function pairPriced(lines: DraftLineInput[], priced: PricedDraftView | null): (ReceiptLineView | null)[] {
  if (!priced) return lines.map(() => null);
  const items = priced.lines.filter((l) => !l.free_text);
  const free = priced.lines.filter((l) => l.free_text);
  let i = 0;
  let f = 0;
  return lines.map((l) => (l.code === null ? free[f++] : items[i++]) ?? null);
}

/** A draft line for an item of the price list, with the quantity as typed — for 中药饮片
 *  the quantity per dose and the number of doses (付数). */
export function itemLine(code: string, qty: string, doses: string | null = null): DraftLineInput {
  return { code, qty, doses, free_name: null, free_unit: null, free_unit_price: null, free_category: null, free_reason: null };
}
