//! The charge lines table: code, name, spec, unit, quantity, unit price, amount, category — the
//! amount and the price as the core gave them. Until the charge is paid a line can be chosen
//! (↑/↓), its quantity changed (Enter, then Enter to keep it, Esc to leave it) or removed
//! (Delete). Esc, or ↓ past the last line, goes back to the item entry. Lines outside the price
//! list are flagged.

import { useEffect, useId, useImperativeHandle, useRef, useState, type KeyboardEvent, type Ref } from "react";
import type { DraftLineInput } from "../../bindings/DraftLineInput";
import type { ReceiptLineView } from "../../bindings/ReceiptLineView";
import { formatFen, toHalfWidth } from "../../format";
import { useT } from "../../i18n";

/** One row: what was typed, and the core's priced line when there is one. */
export interface Row {
  line: DraftLineInput | null;
  priced: ReceiptLineView | null;
}

interface Props {
  rows: Row[];
  /** Paid: nothing can change any more. */
  readOnly: boolean;
  selected: number;
  onSelect: (i: number) => void;
  /** Resolves true when the core accepted the new quantity. */
  onQty: (i: number, qty: string) => Promise<boolean>;
  onDelete: (i: number) => void;
  /** Esc or ↓ past the end: back to the item entry. */
  onLeave: () => void;
  tableRef?: Ref<HTMLTableElement>;
}

export function ChargeLines({ rows, readOnly, selected, onSelect, onQty, onDelete, onLeave, tableRef }: Props) {
  const t = useT();
  const id = useId();
  const table = useRef<HTMLTableElement>(null);
  useImperativeHandle(tableRef, () => table.current!); // the table comes and goes with the lines
  const qtyInput = useRef<HTMLInputElement>(null);
  const [editing, setEditing] = useState<{ i: number; qty: string } | null>(null);

  useEffect(() => {
    if (editing) qtyInput.current?.focus();
  }, [editing?.i]); // once per line edited
  useEffect(() => {
    document.getElementById(`${id}-${selected}`)?.scrollIntoView?.({ block: "nearest" });
  }, [selected, id]);

  function onKeyDown(e: KeyboardEvent<HTMLTableElement>) {
    if (e.target !== table.current) return; // the quantity box has its own keys
    switch (e.key) {
      case "ArrowDown":
        e.preventDefault();
        if (selected >= rows.length - 1) onLeave();
        else onSelect(selected + 1);
        return;
      case "ArrowUp":
        e.preventDefault();
        onSelect(Math.max(selected - 1, 0));
        return;
      case "Enter": {
        const row = rows[selected];
        if (readOnly || !row?.line) return;
        e.preventDefault();
        setEditing({ i: selected, qty: row.line.qty });
        return;
      }
      case "Delete":
        if (readOnly || !rows[selected]) return;
        e.preventDefault();
        onDelete(selected);
        return;
      case "Escape":
        e.preventDefault();
        onLeave();
        return;
    }
  }

  async function keepQty() {
    if (!editing) return;
    if (await onQty(editing.i, toHalfWidth(editing.qty.trim()))) {
      setEditing(null);
      table.current?.focus();
    } else qtyInput.current?.select();
  }

  function onQtyKey(e: KeyboardEvent<HTMLInputElement>) {
    if (e.nativeEvent.isComposing) return;
    if (e.key === "Enter") {
      e.preventDefault();
      void keepQty();
    } else if (e.key === "Escape") {
      e.preventDefault();
      setEditing(null);
      table.current?.focus();
    }
  }

  if (rows.length === 0) {
    return (
      <p className="muted lines-empty" data-testid="charge-lines">
        {t("charge.linesEmpty")}
      </p>
    );
  }

  return (
    <div className="lines-box">
      <table
        ref={table}
        className="table charge-table"
        tabIndex={0}
        aria-label={t("charge.linesTitle")}
        aria-activedescendant={rows[selected] ? `${id}-${selected}` : undefined}
        data-testid="charge-lines"
        onKeyDown={onKeyDown}
      >
        <thead>
          <tr>
            <th className="num">#</th>
            <th>{t("picker.code")}</th>
            <th>{t("picker.name")}</th>
            <th>{t("picker.spec")}</th>
            <th>{t("picker.unit")}</th>
            <th className="num">{t("charge.colQty")}</th>
            <th className="num">{t("picker.price")}</th>
            <th className="num">{t("charge.colAmount")}</th>
            <th>{t("picker.category")}</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((row, i) => {
            const p = row.priced;
            const free = row.line ? row.line.code === null : p?.free_text === true;
            const doses = row.line?.doses ?? (p?.doses != null ? String(p.doses) : null);
            const perDose = row.line?.qty ?? p?.per_dose ?? p?.qty ?? "";
            // A herbal line reads as the prescription writes it: per dose × doses.
            const qty = doses ? t("charge.byDose", { qty: perDose, doses }) : perDose;
            return (
              <tr
                key={i}
                id={`${id}-${i}`}
                aria-selected={i === selected}
                className={`charge-line ${i === selected ? "active" : ""} ${free ? "free" : ""} ${p ? "" : "unpriced"}`}
                data-testid="charge-line"
                onClick={() => {
                  onSelect(i);
                  table.current?.focus();
                }}
              >
                <td className="num">{i + 1}</td>
                <td className="code">{free ? <span className="tag tag-warn">{t("charge.free")}</span> : (row.line?.code ?? p?.code)}</td>
                <td>
                  {p?.name ?? row.line?.free_name ?? ""}
                  {free && (p?.free_reason || row.line?.free_reason) && <span className="row-facts"> · {p?.free_reason ?? row.line?.free_reason}</span>}
                </td>
                <td>{p?.spec ?? ""}</td>
                <td>{p?.unit ?? row.line?.free_unit ?? ""}</td>
                <td className="num">
                  {editing?.i === i ? (
                    <input
                      ref={qtyInput}
                      className="line-qty"
                      data-testid="charge-line-qty"
                      aria-label={t("charge.colQty")}
                      inputMode="decimal"
                      value={editing.qty}
                      onChange={(e) => setEditing({ i, qty: e.target.value })}
                      onKeyDown={onQtyKey}
                      onFocus={(e) => e.target.select()}
                      onClick={(e) => e.stopPropagation()}
                    />
                  ) : (
                    qty
                  )}
                </td>
                <td className="num">{p ? `¥${p.unit_price}` : "—"}</td>
                <td className="num amount">{p ? formatFen(p.amount_fen) : "—"}</td>
                <td className="cat">{p?.category ?? ""}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
