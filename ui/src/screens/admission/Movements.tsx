//! 收支明细: every movement of the deposit account as the core lists it, oldest first — the
//! first deposit (预交), top-ups (补交), refunds (退款) — with receipt number, time, how it was
//! paid and the amount; a voided receipt keeps its place, marked 作废. ↑/↓ choose a row,
//! Delete asks to void the chosen deposit receipt (refund receipts are not voided).

import { useId, useImperativeHandle, useRef, type KeyboardEvent, type Ref } from "react";
import type { DepositMovementView } from "../../bindings/DepositMovementView";
import type { MovementKind } from "../../bindings/MovementKind";
import { formatFen, formatLocal } from "../../format";
import { useT, type MsgKey } from "../../i18n";
import { METHOD_KEY } from "../../components/TenderFields";

/** Whether a movement may be offered for 作废 (the core decides the rest). */
export const voidable = (m: DepositMovementView | null): m is DepositMovementView => m !== null && m.kind === "deposit" && !m.voided;

interface Props {
  movements: DepositMovementView[];
  selectedNo: string | null;
  onSelect: (m: DepositMovementView) => void;
  onVoid: (m: DepositMovementView) => void;
  listRef?: Ref<HTMLUListElement>;
}

/** What the core says each movement is. */
const KIND_KEY: Record<MovementKind, MsgKey> = { first: "dep.kindFirst", top_up: "dep.kindTopUp", refund: "dep.kindRefund" };

export function Movements({ movements, selectedNo, onSelect, onVoid, listRef }: Props) {
  const t = useT();
  const listId = useId();
  const list = useRef<HTMLUListElement>(null);
  useImperativeHandle(listRef, () => list.current!, []);
  const index = movements.findIndex((m) => m.receipt_no === selectedNo);

  function onKeyDown(e: KeyboardEvent<HTMLUListElement>) {
    if (movements.length === 0) return;
    switch (e.key) {
      case "ArrowDown":
      case "ArrowUp": {
        e.preventDefault();
        const from = index < 0 ? movements.length - 1 : index;
        onSelect(movements[e.key === "ArrowDown" ? Math.min(from + 1, movements.length - 1) : Math.max(from - 1, 0)]);
        return;
      }
      case "Delete": {
        e.preventDefault();
        const m = movements[index] ?? null;
        if (voidable(m)) onVoid(m);
        return;
      }
    }
  }

  return (
    <div className="dep-moves">
      <h3>{t("dep.movesTitle")}</h3>
      {movements.length === 0 ? (
        <p className="muted" data-testid="dep-movements">
          {t("dep.movesEmpty")}
        </p>
      ) : (
        <ul
          ref={list}
          className="receipt-list dep-move-list"
          role="listbox"
          id={listId}
          tabIndex={0}
          aria-label={t("dep.movesTitle")}
          aria-activedescendant={index >= 0 ? `${listId}-${index}` : undefined}
          data-testid="dep-movements"
          onKeyDown={onKeyDown}
        >
          {movements.map((m, i) => (
            <li
              key={m.receipt_no}
              id={`${listId}-${i}`}
              role="option"
              aria-selected={i === index}
              className={`receipt-row dep-move ${i === index ? "active" : ""} ${m.voided ? "voided" : ""}`}
              data-testid="dep-movement"
              onClick={() => onSelect(m)}
            >
              <span className="code receipt-row-no">{m.receipt_no}</span>
              <span className="receipt-row-who">
                <span className={`tag ${m.movement === "refund" ? "tag-warn" : ""}`}>{t(KIND_KEY[m.movement])}</span>{" "}
                <span className="row-facts">
                  {formatLocal(m.occurred_at)} · {m.tenders.map((x) => `${t(METHOD_KEY[x.method])}${x.reference ? ` ${x.reference}` : ""}`).join("、")}
                </span>
              </span>
              <span className="num receipt-row-total">{formatFen(m.signed_total_fen)}</span>
              {m.voided && (
                <span className="receipt-row-tags">
                  <span className="tag tag-red">{t("corr.voided")}</span>
                  {m.void_reason && <span className="row-facts">{t("corr.voidReason", { reason: m.void_reason })}</span>}
                </span>
              )}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
