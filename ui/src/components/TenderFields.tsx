//! 支付方式 rows (payment panel, refund pay-back): method, amount in yuan, and the reference
//! the method needs — a card's last four digits and terminal reference (`1234/REF`), the
//! transaction number of WeChat Pay or Alipay, a cheque's bank and number, what "other" is.
//! The core checks them; the UI only joins the two halves of a reference.

import type { ReactNode } from "react";
import type { Method } from "../bindings/Method";
import type { TenderInput } from "../bindings/TenderInput";
import { AmountField } from "./AmountField";
import { Field } from "./Field";
import { KeySelect, type KeyOption } from "./KeySelect";
import { parseYuan } from "../format";

/** A tender row of the payment panel as typed (the cash row is `cash` / `tendered`). */
export interface TenderRow {
  method: Method;
  amount: string;
  /** card: last four digits; cheque: bank; wechat / alipay: transaction number; other: name. */
  reference: string;
  /** card: terminal reference; cheque: cheque number. */
  reference2: string;
}
import { useT, type MsgKey } from "../i18n";

export const METHOD_KEY: Record<Method, MsgKey> = {
  cash: "method.cash",
  card: "method.card",
  wechat: "method.wechat",
  alipay: "method.alipay",
  cheque: "method.cheque",
  other: "method.other",
};
export const ALL_METHODS: Method[] = ["cash", "card", "wechat", "alipay", "cheque", "other"];

/** The keys that choose a method, the same on every screen whichever methods a list offers:
 *  a letter (现金 Xianjin, Card, Wechat, Alipay, cheQue, Other). No digits: an amount typed
 *  while the method has the focus must not change the method. */
export const METHOD_KEYS: Record<Method, string[]> = {
  cash: ["X"],
  card: ["C"],
  wechat: ["W"],
  alipay: ["A"],
  cheque: ["Q"],
  other: ["O"],
};

/** The reference fields' labels by method: one field, or two joined by `/`. */
export const REFERENCE: Record<Method, MsgKey[]> = {
  cash: [],
  card: ["pay.refCardLast4", "pay.refCardTerminal"],
  wechat: ["pay.refTxn"],
  alipay: ["pay.refTxn"],
  cheque: ["pay.refChequeBank", "pay.refChequeNo"],
  other: ["pay.refOther"],
};

export const blankTender = (method: Method): TenderRow => ({ method, amount: "", reference: "", reference2: "" });

/** `1234` + `REF` → `1234/REF`; a reference typed whole (`1234/REF`) in the first box stays. */
export function referenceOf(row: TenderRow): string {
  const first = row.reference.trim();
  const second = row.reference2.trim();
  return REFERENCE[row.method].length === 2 && second !== "" ? `${first}/${second}` : first;
}

/** The row as the core takes it, or null when its amount is not one. */
export function tenderOf(row: TenderRow): TenderInput | null {
  const fen = parseYuan(row.amount);
  return fen === null ? null : { method: row.method, amount_fen: fen, reference: referenceOf(row) };
}

interface Props {
  row: TenderRow;
  index: number;
  /** Test ids are `${prefix}-method`, `${prefix}-amount`, `${prefix}-reference`. */
  prefix: string;
  methods: Method[];
  onChange: (row: TenderRow) => void;
  /** The error that concerns a field of this row, by field name. */
  errorFor: (field: string) => ReactNode;
  amountHint?: string;
  /** The amount is the form's own (a deposit refund paid back one way): no amount box. */
  noAmount?: boolean;
  children?: ReactNode;
}

export function TenderFields({ row, index, prefix, methods, onChange, errorFor, amountHint, noAmount, children }: Props) {
  const t = useT();
  const options: KeyOption<Method>[] = methods.map((m) => ({ value: m, label: t(METHOD_KEY[m]), keys: METHOD_KEYS[m] }));
  const [ref1, ref2] = REFERENCE[row.method];
  const set = (patch: Partial<TenderRow>) => onChange({ ...row, ...patch });
  return (
    <div className={`tender-row ${noAmount ? "no-amount" : ""}`} data-testid={`${prefix}-tender`}>
      <KeySelect
        name={`method-${index}`}
        label={t("pay.method")}
        testId={`${prefix}-method`}
        value={row.method}
        options={options}
        onChange={(method) => set({ method })}
      />
      {!noAmount && (
        <AmountField
          name={`amount-${index}`}
          label={t("pay.amount")}
          testId={`${prefix}-amount`}
          big={false}
          className="tender-amount"
          value={row.amount}
          onChange={(amount) => set({ amount })}
          hint={amountHint}
          error={errorFor(`amount-${index}`)}
        />
      )}
      {ref1 && (
        <Field
          name={`ref-${index}`}
          className={`tender-ref ${ref2 ? "" : "tender-ref-wide"}`}
          label={t(ref1)}
          testId={`${prefix}-reference`}
          value={row.reference}
          onChange={(reference) => set({ reference })}
          error={errorFor(`ref-${index}`)}
        />
      )}
      {ref2 && (
        <Field name={`ref2-${index}`} className="tender-ref" label={t(ref2)} testId={`${prefix}-reference-2`} value={row.reference2} onChange={(reference2) => set({ reference2 })} />
      )}
      {children}
    </div>
  );
}
