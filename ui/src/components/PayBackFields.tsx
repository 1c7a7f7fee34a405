//! 原路退回: how a refund (退费, 退预交金) pays back. The first choice is the way the money came
//! (原路退回, key Y) — the core splits it over the receipts' own channels, traceable ones first
//! and cash never beyond the cash taken; a method chosen instead carries the whole refund (with
//! its card or transaction reference). Under the choice: how the money came in (原支付) and how
//! it goes back, each part the core says is another way marked 非原路 — then, and only then, a
//! reason is asked for, which the voucher prints. The window computes none of it.

import type { ReactNode } from "react";
import type { ChannelView } from "../bindings/ChannelView";
import type { Method } from "../bindings/Method";
import type { PayBackView } from "../bindings/PayBackView";
import type { TenderInput } from "../bindings/TenderInput";
import { Field } from "./Field";
import { KeySelect, type KeyOption } from "./KeySelect";
import { formatFen } from "../format";
import { useT } from "../i18n";
import { ALL_METHODS, METHOD_KEY, METHOD_KEYS, REFERENCE, referenceOf, type TenderRow } from "./TenderFields";
import type { CodeMap } from "../api";

/** The way chosen: back the way it came, or all of it one way. */
export type PayBackWay = { original: true } | { original: false; row: TenderRow };

export const ORIGINAL_WAY: PayBackWay = { original: true };

/** The method the core previews with: none for the way the money came. */
export const previewMethod = (way: PayBackWay): Method | null => (way.original ? null : way.row.method);

/** The tenders sent with the refund: none (the core's default split) or the whole `totalFen` one way. */
export function payBackTenders(way: PayBackWay, totalFen: number): TenderInput[] {
  return way.original ? [] : [{ method: way.row.method, amount_fen: totalFen, reference: referenceOf(way.row) }];
}

/** The fields the core names in its refusals about the way back. */
export const PAY_BACK_FIELDS: CodeMap<string> = {
  refund_other_way_needs_reason: "payBackReason",
  refund_no_way_back: "payBackWay",
};

interface Props {
  way: PayBackWay;
  onWay: (way: PayBackWay) => void;
  /** The core's preview: how it goes back and how the money came; null before it answers. */
  payBack: PayBackView[] | null;
  channels: ChannelView[] | null;
  reason: string;
  onReason: (reason: string) => void;
  /** Test ids are `${prefix}-way`, `${prefix}-channels`, `${prefix}-split`, `${prefix}-way-reason`. */
  prefix: string;
  errorFor: (field: string) => ReactNode;
  /** The core refused for want of a reason: the field shows even before a preview says so. */
  reasonAsked?: boolean;
  /** A form short of room shows how the money came only when another way is chosen (the split
   *  of the way it came names its references already). */
  compact?: boolean;
}

type WayValue = "original" | Method;

export function PayBackFields({ way, onWay, payBack, channels, reason, onReason, prefix, errorFor, reasonAsked, compact }: Props) {
  const t = useT();
  const options: KeyOption<WayValue>[] = [
    { value: "original", label: t("corr.payBackOriginal"), keys: ["Y"] },
    ...ALL_METHODS.map((m) => ({ value: m, label: t(METHOD_KEY[m]), keys: METHOD_KEYS[m] })),
  ];
  const value: WayValue = way.original ? "original" : way.row.method;
  const row = way.original ? null : way.row;
  const [ref1, ref2] = row ? REFERENCE[row.method] : [];
  const setRow = (patch: Partial<TenderRow>) => row && onWay({ original: false, row: { ...row, ...patch } });
  const otherWay = (payBack ?? []).some((p) => p.other_way);
  const describe = (method: Method, fen: number, reference: string) =>
    `${t(METHOD_KEY[method])} ${formatFen(fen)}${reference ? `（${reference}）` : ""}`;
  return (
    <div className="pay-back" data-testid={`${prefix}-pay-back`}>
      <div className="tender-row no-amount">
        <KeySelect
          name="payBackWay"
          label={t("corr.payBackWay")}
          testId={`${prefix}-way`}
          value={value}
          options={options}
          onChange={(v) =>
            onWay(v === "original" ? ORIGINAL_WAY : { original: false, row: { method: v, amount: "", reference: "", reference2: "" } })
          }
          error={errorFor("payBackWay")}
        />
        {row && ref1 && (
          <Field
            name="ref-0"
            className={`tender-ref ${ref2 ? "" : "tender-ref-wide"}`}
            label={t(ref1)}
            testId={`${prefix}-reference`}
            value={row.reference}
            onChange={(reference) => setRow({ reference })}
            error={errorFor("ref-0")}
          />
        )}
        {row && ref2 && (
          <Field name="ref2-0" className="tender-ref" label={t(ref2)} testId={`${prefix}-reference-2`} value={row.reference2} onChange={(reference2) => setRow({ reference2 })} />
        )}
      </div>
      {channels && channels.length > 0 && !(compact && way.original) && (
        <p className="pay-back-came muted" data-testid={`${prefix}-channels`}>
          {t("corr.paidBy", { ways: channels.map((c) => describe(c.method, c.paid_fen, c.reference)).join("、") })}
        </p>
      )}
      {payBack && payBack.length > 0 && (
        <ul className="pay-back-split" data-testid={`${prefix}-split`} aria-live="polite">
          {payBack.map((p, i) => (
            <li key={i} className={p.other_way ? "other-way" : ""}>
              {t("corr.payBackAs", { method: t(METHOD_KEY[p.method]), amount: formatFen(p.amount_fen) })}
              {p.reference && <span className="muted">（{p.reference}）</span>}
              {p.other_way && <span className="tag tag-warn">{t("corr.otherWay")}</span>}
            </li>
          ))}
        </ul>
      )}
      {(otherWay || reasonAsked) && (
        <Field
          name="payBackReason"
          label={t("corr.payBackReason")}
          hint={t("corr.payBackReasonHint")}
          testId={`${prefix}-way-reason`}
          value={reason}
          onChange={onReason}
          error={errorFor("payBackReason")}
        />
      )}
    </div>
  );
}
