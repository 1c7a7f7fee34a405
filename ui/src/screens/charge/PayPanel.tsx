//! F9 结算: how the patient pays, across the width of two columns. Cash first — its amount
//! preset to the core's total and selected, so typing replaces it — then what was handed over
//! (实收), with the change (the core's) shown large as it is typed. Other tenders (Insert adds
//! one) each with the reference its method needs; 医保患者 (ticked for a patient with insurance
//! on file, the re-settlement due date under it; unticked, the reason for self-pay); an
//! optional paper receipt number — when a paper invoice book is registered in the shift, the
//! core's next number of it is filled in (editable; the core refuses a number outside the
//! book or used before). Enter goes cash
//! → 实收 → 确认收费; Esc closes the panel and keeps everything typed. Amounts typed in yuan go
//! as integer fen; a retry sends the same `id`, so a payment whose answer was lost is not
//! charged twice. Outside an outage the core refuses (`outage_not_active`) unless a paper
//! receipt written during the outage is being back-entered: 补录 then asks for the real time of
//! the payment, sent as typed (`back_entered_at`) and kept in the draft like the rest.

import { useEffect, type Ref } from "react";
import { api, type CodeMap } from "../../api";
import type { PayInput } from "../../bindings/PayInput";
import type { ReceiptView } from "../../bindings/ReceiptView";
import { errorIn } from "../../components/ErrorText";
import { Field } from "../../components/Field";
import { formatFen } from "../../format";
import { useSubmit, type FieldFor } from "../../hooks/useSubmit";
import { useT, type MsgKey } from "../../i18n";
import { BACK_ENTRY_FIELDS, BackEntry } from "../../components/BackEntry";
import { hasFree, type ChargeState } from "./chargeDraft";
import { insurable as insurableOf, PAYER_FIELDS, PayerFields } from "../../components/PayerFields";
import { readTenders, referenceField, TenderSection, useTenderSection } from "../../components/TenderSection";

const FIELD_OF: CodeMap<string> = {
  ...BACK_ENTRY_FIELDS,
  ...PAYER_FIELDS,
  tender_cash_short: "tendered",
  tender_tendered_without_cash: "tendered",
  tender_sum_mismatch: "cash",
  tender_cash_twice: "cash",
  paper_no_used: "paperNo",
  paper_no_outside_book: "paperNo",
  text_empty: "paperNo",
  text_control_chars: "paperNo",
  text_too_long: "paperNo",
};
const fieldFor: FieldFor = (code) => FIELD_OF[code];

/** Refusals told in the counter's own words, with the key that helps. */
const OWN_WORDS: CodeMap<MsgKey> = {
  shift_required: "charge.shiftRequired",
  outage_not_active: "charge.outageNotActive",
  ipc_failed: "pay.retry",
};

interface Props {
  charge: ChargeState;
  onPaid: (receipt: ReceiptView) => void;
  /** Esc: back to the lines, everything typed kept. */
  onBackOut: () => void;
  cashRef?: Ref<HTMLInputElement>;
  /** The paper invoice number the core proposes next (`ShiftView.paper_next`). */
  paperNext?: string | null;
}

export function PayPanel({ charge, onPaid, onBackOut, cashRef, paperNext = null }: Props) {
  const t = useT();
  const { draft, update } = charge;
  const { pending, problem, setProblem, run } = useSubmit(fieldFor);
  const section = useTenderSection({ draft, change: update, prefix: "pay", problem, onSubmit: submit, onBackOut });
  const patient = draft.patient;
  const insurable = insurableOf(patient);
  const priced = draft.priced;
  const showBackEntry = draft.backEntry || problem?.ipc?.code === "outage_not_active";
  // The book's next number, filled in when the panel opens with none typed.
  useEffect(() => {
    if (paperNext && draft.paperNo === "") update({ paperNo: paperNext });
    // Only when the panel opens or the proposal changes: a number cleared by hand stays cleared.
  }, [paperNext]);

  function submit() {
    if (!patient) return;
    const typed = readTenders(draft);
    if ("problem" in typed) return setProblem(typed.problem);
    if (draft.backEntry && draft.backAt.trim() === "") return setProblem({ key: "pay.backAtRequired", field: "backAt" });
    const input: PayInput = {
      id: draft.id,
      patient: patient.downtime_no ?? patient.his_id ?? "",
      visit: draft.visit?.id ?? null,
      lines: draft.lines,
      tenders: typed.tenders,
      cash_tendered_fen: typed.cashTenderedFen,
      insured: insurable && draft.insured,
      self_pay_reason: insurable && !draft.insured ? draft.selfPayReason?.trim() || null : null,
      paper_no: draft.paperNo.trim() === "" ? null : draft.paperNo.trim(),
      back_entered_at: draft.backEntry ? draft.backAt.trim() : null,
      supervisor: hasFree(draft.lines) ? charge.approval : null,
    };
    void run(async () => onPaid(await api.payCharge(input))).then((e) => {
      if (!e) return;
      setProblem({ ipc: e, key: OWN_WORDS[e.code], field: referenceField(draft.tenders, e.code) ?? fieldFor(e.code) });
    });
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
      <form {...section.formProps}>
        <TenderSection section={section} cashLabel="pay.cash" tenderedHint="pay.changeLater" cashRef={cashRef} errorFor={err}>
        <PayerFields
          patient={patient}
          insured={draft.insured}
          reason={draft.selfPayReason ?? ""}
          onInsured={(insured) => update({ insured })}
          onReason={(selfPayReason) => update({ selfPayReason })}
          prefix="pay"
          errorFor={err}
        >
          {priced?.due_if_paid_today && (
            <p className="pay-due" data-testid="pay-due">
              {t("pay.due", { date: priced.due_if_paid_today })}
              {priced.due_provisional && t("due.provisional")}
            </p>
          )}
        </PayerFields>
        <Field
          name="paperNo"
          label={`${t("pay.paperNo")}（${t("common.optional")}）`}
          testId="pay-paper-no"
          value={draft.paperNo}
          onChange={(paperNo) => update({ paperNo })}
          hint={paperNext && draft.paperNo === paperNext ? t("pay.paperProposed") : undefined}
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
        <button ref={section.submitButton} type="submit" className="primary pay-submit" data-testid="pay-submit" disabled={pending}>
          {t("pay.submit")} <kbd>Enter</kbd>
        </button>
        </TenderSection>
      </form>
    </section>
  );
}
