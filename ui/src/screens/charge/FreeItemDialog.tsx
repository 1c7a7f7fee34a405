//! Ctrl+F 价目表外项目: an item the month-end price list lacks — name, unit, unit price (yuan as
//! typed), quantity, category, the reason — approved on the spot by a supervisor's name and
//! PIN. The core prices it with the rest of the draft; only then does it join the lines, so a
//! wrong PIN or price is said here. The same dialog with no item name renews the approval of
//! the lines already there (a PIN is never stored, so after a restart it is asked again).

import { useState } from "react";
import type { DraftLineInput } from "../../bindings/DraftLineInput";
import type { FeeCategory } from "../../bindings/FeeCategory";
import { Dialog } from "../../components/Dialog";
import { errorIn } from "../../components/ErrorText";
import { Field } from "../../components/Field";
import { KeyForm } from "../../components/KeyForm";
import { KeySelect, type KeyOption } from "../../components/KeySelect";
import { SUPERVISOR_FIELDS, SupervisorFields, useSupervisor } from "../../components/SupervisorFields";
import { toHalfWidth } from "../../format";
import { useDraft } from "../../hooks/useDraft";
import { useSubmit, type FieldFor } from "../../hooks/useSubmit";
import { feeCategoryKey, useT } from "../../i18n";
import { hasFree, type ChargeState } from "./chargeDraft";
import type { CodeMap } from "../../api";

/** The outpatient receipt's categories, in its order (bed and nursing are inpatient only). */
const CATEGORIES: FeeCategory[] = [
  "consultation",
  "examination",
  "laboratory",
  "treatment",
  "surgery",
  "materials",
  "western_medicine",
  "herbal_pieces",
  "patent_medicine",
  "general_service",
  "registration",
  "other",
];

const FIELD_OF: CodeMap<string> = {
  price_invalid: "price",
  price_negative: "price",
  price_too_precise: "price",
  price_out_of_range: "price",
  quantity_invalid: "qty",
  quantity_zero: "qty",
  quantity_too_precise: "qty",
  quantity_out_of_range: "qty",
  ...SUPERVISOR_FIELDS,
};
const fieldFor: FieldFor = (code) => FIELD_OF[code];

interface Props {
  charge: ChargeState;
  onClose: () => void;
}

export function FreeItemDialog({ charge, onClose }: Props) {
  const t = useT();
  const [name, setName, clearName] = useDraft("free.name");
  const [unit, setUnit, clearUnit] = useDraft("free.unit");
  const [price, setPrice, clearPrice] = useDraft("free.price");
  const [qty, setQty, clearQty] = useDraft("free.qty", "1");
  const [category, setCategory] = useDraft("free.category", "other");
  const [reason, setReason, clearReason] = useDraft("free.reason");
  const sup = useSupervisor(useState(charge.draft.approvedBy));
  const { pending, problem, setProblem, run } = useSubmit(fieldFor);
  const renewOnly = hasFree(charge.draft.lines) && charge.approval === null;

  function submit() {
    const adding = name.trim() !== "" || !renewOnly;
    if (adding && (name.trim() === "" || price.trim() === "" || reason.trim() === "")) {
      setProblem({ key: "free.required", field: name.trim() === "" ? "name" : price.trim() === "" ? "price" : "reason" });
      return;
    }
    const missing = sup.missing();
    if (missing) {
      setProblem(missing);
      return;
    }
    const supervisor = sup.credentials();
    const line: DraftLineInput = {
      code: null,
      qty: toHalfWidth(qty.trim()),
      doses: null,
      free_name: name.trim(),
      free_unit: unit.trim(),
      free_unit_price: toHalfWidth(price.trim()),
      free_category: category as FeeCategory,
      free_reason: reason.trim(),
    };
    const next = adding ? [...charge.lines(), line] : charge.lines();
    void run(async () => {
      const r = await charge.propose(next, supervisor);
      if (!r.ok) {
        if ("error" in r) throw r.error;
        return;
      }
      charge.setApproval(supervisor);
      charge.update({ approvedBy: supervisor.name });
      [clearName, clearUnit, clearPrice, clearQty, clearReason].forEach((c) => c());
      onClose();
    });
  }

  const err = (slot: string) => errorIn(problem, slot, "free-error");
  const options: KeyOption<string>[] = CATEGORIES.map((c) => ({ value: c, label: t(feeCategoryKey(c)) }));
  return (
    <Dialog title={t("free.title")} onClose={onClose} size="medium">
      <p className="muted">{t(renewOnly ? "free.renewIntro" : "free.intro")}</p>
      <KeyForm onSubmit={submit} problem={problem} escBack={false} className="cols2">
        <Field name="name" label={t("free.name")} testId="free-name" value={name} onChange={setName} autoFocus error={err("name")} className="span2" />
        <Field name="unit" label={t("free.unit")} testId="free-unit" value={unit} onChange={setUnit} />
        <Field name="price" label={t("free.price")} hint={t("free.priceHint")} testId="free-price" inputMode="decimal" value={price} onChange={setPrice} error={err("price")} />
        <Field name="qty" label={t("charge.qty")} testId="free-qty" inputMode="decimal" value={qty} onChange={setQty} error={err("qty")} />
        <KeySelect name="category" label={t("picker.category")} testId="free-category" value={category} options={options} onChange={setCategory} />
        <Field name="reason" label={t("free.reason")} hint={t("free.reasonHint")} testId="free-reason" value={reason} onChange={setReason} error={err("reason")} className="span2" />
        <SupervisorFields sup={sup} prefix="free" errorFor={err} legend="free.supervisor" className="supervisor span2" />
        <div className="span2">{err("form")}</div>
        <button type="submit" className="primary" data-testid="free-submit" disabled={pending}>
          {t(renewOnly && name.trim() === "" ? "free.renew" : "free.submit")} <kbd>Enter</kbd>
        </button>
      </KeyForm>
    </Dialog>
  );
}
