//! 交预交金 / 补交 (F7): how the deposit is paid, as on the payment panel — cash first (the
//! amount, then what was handed over, 实收), other tenders with Insert, each with the reference
//! its method needs (card last four and terminal reference, WeChat / Alipay transaction number,
//! cheque bank and number). 亲属代交 (a relative pays) asks the payer's name, relationship and
//! phone, which the receipt prints. Enter goes cash → 实收 → 确认收预交金; Esc closes the form and keeps
//! everything typed. Amounts go as integer fen; the id is made when the form opens and sent
//! again on a retry, so a deposit whose answer was lost is not taken twice. A zero deposit is
//! the core's to refuse.

import type { Ref } from "react";
import { api, type CodeMap } from "../../api";
import type { Method } from "../../bindings/Method";
import type { ReceiptView } from "../../bindings/ReceiptView";
import { errorIn } from "../../components/ErrorText";
import { Field } from "../../components/Field";
import { FormButtons } from "../../components/FormButtons";
import { parseYuan } from "../../format";
import { useSubmit, type FieldFor } from "../../hooks/useSubmit";
import { useT, type MsgKey } from "../../i18n";
import type { TenderRow } from "../../components/TenderFields";
import { newId } from "../../newId";
import { readTenders, REFERENCE_OF, referenceField, TenderSection, useTenderSection, type TenderChange } from "../../components/TenderSection";
import { ADMIT_WORDS } from "./AdmitForm";
import { BACK_ENTRY_FIELDS, BackEntry } from "../../components/BackEntry";

/** The deposit being typed, kept while the clerk goes elsewhere. */
export interface DepositDraft {
  /** `DepositInput.id`: one per deposit, kept through retries until it is taken. */
  id: string;
  inpatientNo: string;
  cash: string;
  tendered: string;
  tenders: TenderRow[];
  backEntry: boolean;
  backAt: string;
  /** 亲属代交: who pays for the patient. */
  byRelative: boolean;
  payerName: string;
  payerRelation: string;
  payerPhone: string;
}

export const freshDeposit = (inpatientNo: string): DepositDraft => ({
  id: newId(),
  inpatientNo,
  cash: "",
  tendered: "",
  tenders: [],
  backEntry: false,
  backAt: "",
  byRelative: false,
  payerName: "",
  payerRelation: "",
  payerPhone: "",
});

const FIELD_OF: CodeMap<string> = {
  ...BACK_ENTRY_FIELDS,
  deposit_zero: "cash",
  amount_out_of_range: "cash",
  tender_missing: "cash",
  tender_cash_twice: "cash",
  tender_cash_short: "tendered",
  tender_tendered_without_cash: "tendered",
};
// The only typed texts of the form are the payer's: the core's text refusals are theirs.
const fieldFor: FieldFor = (code) => FIELD_OF[code] ?? (code.startsWith("text_") ? "payerName" : undefined);

/** The payment panel's, and a reference the core cannot take at all: the first row with one. */
const DEP_REFERENCE_OF: CodeMap<Method[]> = {
  ...REFERENCE_OF,
  tender_reference_invalid: ["card", "wechat", "alipay", "cheque", "other"],
};

const OWN_WORDS: CodeMap<MsgKey> = {
  ...ADMIT_WORDS,
  outage_not_active: "dep.outageNotActive",
  ipc_failed: "pay.retry",
};

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
  const { pending, problem, setProblem, run } = useSubmit(fieldFor);
  // The draft is the panel's, changed by patches from what this render shows.
  const change: TenderChange = (patch) => onChange(typeof patch === "function" ? patch(draft) : patch);
  const section = useTenderSection({ draft, change, prefix: "dep", problem, onSubmit: submit, onBackOut });
  const showBackEntry = draft.backEntry || problem?.ipc?.code === "outage_not_active";

  function submit() {
    const typed = readTenders(draft);
    if ("problem" in typed) return setProblem(typed.problem);
    if (draft.backEntry && draft.backAt.trim() === "") return setProblem({ key: "reg.backAtRequired", field: "backAt" });
    void run(async () =>
      onTaken(
        await api.takeDeposit({
          id: draft.id,
          inpatient_no: draft.inpatientNo,
          tenders: typed.tenders,
          cash_tendered_fen: typed.cashTenderedFen,
          back_entered_at: draft.backEntry ? draft.backAt.trim() : null,
          payer: draft.byRelative ? { name: draft.payerName.trim(), relation: draft.payerRelation.trim(), phone: draft.payerPhone.trim() } : null,
        }),
      ),
    ).then((e) => {
      if (!e) return;
      const zeroRow = e.code === "tender_zero" ? draft.tenders.findIndex((r) => parseYuan(r.amount) === 0) : -1;
      const field =
        referenceField(draft.tenders, e.code, DEP_REFERENCE_OF) ??
        (zeroRow >= 0 ? `amount-${zeroRow}` : e.code === "tender_zero" ? "cash" : fieldFor(e.code));
      setProblem({ ipc: e, key: OWN_WORDS[e.code], field });
    });
  }

  const err = (slot: string) => errorIn(problem, slot, "dep-error");
  return (
    <form {...section.formProps} className="dep-form" data-testid="dep-form">
      <h3>
        {t("dep.formTitle")} <kbd>F7</kbd>
      </h3>
      {/* 亲属代交 goes beside 添加支付方式, its fields under both: the form fits the screen. */}
      <TenderSection section={section} cashLabel="dep.cash" tenderedHint="dep.tenderedHint" cashRef={cashRef} errorFor={err}>
        <label className="check dep-relative">
          <input
            type="checkbox"
            name="byRelative"
            data-testid="dep-by-relative"
            checked={draft.byRelative}
            onChange={(e) => onChange({ byRelative: e.target.checked })}
          />
          {t("dep.byRelative")} <span className="field-hint">{t("dep.byRelativeHint")}</span>
        </label>
        {draft.byRelative && (
          <div className="cols3 dep-payer-fields">
            <Field name="payerName" label={t("dep.payerName")} testId="dep-payer-name" value={draft.payerName} onChange={(payerName) => onChange({ payerName })} error={err("payerName")} />
            <Field name="payerRelation" label={t("dep.payerRelation")} testId="dep-payer-relation" value={draft.payerRelation} onChange={(payerRelation) => onChange({ payerRelation })} />
            <Field name="payerPhone" label={t("dep.payerPhone")} testId="dep-payer-phone" value={draft.payerPhone} onChange={(payerPhone) => onChange({ payerPhone })} inputMode="tel" />
          </div>
        )}
      </TenderSection>
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
      <FormButtons submit="dep.submit" testId="dep-submit" kind="pay-submit" submitRef={section.submitButton} pending={pending} back="dep.close" onBack={onBackOut} />
    </form>
  );
}
