//! The item entry row under the lines: the picker (code, pinyin initials or name; ↑/↓ and
//! Enter choose), then the quantity (1 unless retyped) — for 中药饮片 the quantity per dose and
//! then the number of doses (付数), as the prescription writes them; Enter asks the core to
//! price the draft with the new line, and only when it has does the line join and the focus
//! return to the picker. A quantity the core refuses keeps the row as typed, with the reason under it.
//! ↑ from the picker goes up into the lines, Esc back to the patient.

import { useEffect, useImperativeHandle, useRef, useState, type KeyboardEvent, type Ref } from "react";
import type { IpcError } from "../../api";
import type { CatalogItemView } from "../../bindings/CatalogItemView";
import type { CatalogStatusView } from "../../bindings/CatalogStatusView";
import { ItemPicker, priceText } from "../../components/ItemPicker";
import { toHalfWidth } from "../../format";
import { useT } from "../../i18n";
import { itemLine, type ChargeState } from "./chargeDraft";

interface Props {
  catalog: CatalogStatusView;
  charge: ChargeState;
  /** The line joined the draft at `index`. */
  onAdded: (index: number) => void;
  /** Picking an item starts a new try: an earlier problem no longer applies. */
  onPicked: () => void;
  onRefused: (error: IpcError) => void;
  /** ↑ in the picker with its list closed. */
  onUp: () => void;
  /** Esc in the picker with its list closed. */
  onBack: () => void;
  itemRef?: Ref<HTMLInputElement>;
}

export function EntryRow({ catalog, charge, onAdded, onPicked, onRefused, onUp, onBack, itemRef }: Props) {
  const t = useT();
  const item = useRef<HTMLInputElement>(null);
  const qtyInput = useRef<HTMLInputElement>(null);
  const dosesInput = useRef<HTMLInputElement>(null);
  useImperativeHandle(itemRef, () => item.current!, []);
  const [picked, setPicked] = useState<CatalogItemView | null>(null);
  const [qty, setQty] = useState("1");
  const [doses, setDoses] = useState("");
  const adding = useRef(false);
  /** Bumped on each pick: the quantity box (enabled by that render) then takes the focus. */
  const [picks, setPicks] = useState(0);
  useEffect(() => {
    if (picks > 0) qtyInput.current?.focus();
  }, [picks]);

  function pick(found: CatalogItemView) {
    setPicked(found);
    setQty(found.by_dose ? "" : "1");
    setDoses("");
    onPicked();
    setPicks((n) => n + 1);
  }

  async function add() {
    if (!picked || adding.current) return;
    adding.current = true;
    const next = [...charge.lines(), itemLine(picked.code, toHalfWidth(qty.trim()), picked.by_dose ? toHalfWidth(doses.trim()) : null)];
    const r = await charge.propose(next);
    adding.current = false;
    if (r.ok) {
      setPicked(null);
      setQty("1");
      setDoses("");
      onAdded(next.length - 1);
    } else if ("error" in r) {
      onRefused(r.error);
      qtyInput.current?.focus();
      qtyInput.current?.select();
    }
  }

  // The picker's own use of ↑ and Esc (its list open) comes first.
  function onPickerKey(e: KeyboardEvent<HTMLDivElement>) {
    if (e.defaultPrevented || e.target !== item.current) return;
    if (e.key === "ArrowUp") {
      e.preventDefault();
      onUp();
    } else if (e.key === "Escape") {
      e.preventDefault();
      onBack();
    }
  }

  function onQtyKey(e: KeyboardEvent<HTMLInputElement>) {
    if (e.nativeEvent.isComposing) return;
    if (e.key === "Enter") {
      e.preventDefault();
      // A herbal line asks the number of doses next.
      if (picked?.by_dose && e.currentTarget === qtyInput.current) dosesInput.current?.focus();
      else void add();
    } else if (e.key === "Escape" && e.currentTarget === dosesInput.current) {
      e.preventDefault();
      qtyInput.current?.focus();
    } else if (e.key === "Escape") {
      e.preventDefault();
      item.current?.focus();
      item.current?.select();
    }
  }

  return (
    <>
      <div className="entry-row" onKeyDown={onPickerKey}>
        <div className="entry-item">
          <ItemPicker ref={item} catalog={catalog} onPick={pick} />
        </div>
        <label className="field entry-qty">
          <span className="field-label">{t(picked?.by_dose ? "charge.perDose" : "charge.qty")}</span>
          <input
            ref={qtyInput}
            type="text"
            inputMode="decimal"
            autoComplete="off"
            data-testid="charge-qty"
            disabled={!picked}
            value={qty}
            onChange={(e) => setQty(e.target.value)}
            onFocus={(e) => e.target.select()}
            onKeyDown={onQtyKey}
          />
        </label>
        {picked?.by_dose && (
          <label className="field entry-qty">
            <span className="field-label">{t("charge.doses")}</span>
            <input
              ref={dosesInput}
              type="text"
              inputMode="numeric"
              autoComplete="off"
              data-testid="charge-doses"
              value={doses}
              onChange={(e) => setDoses(e.target.value)}
              onFocus={(e) => e.target.select()}
              onKeyDown={onQtyKey}
            />
          </label>
        )}
      </div>
      {picked && (
        <p className="entry-picked" data-testid="charge-picked">
          <b>{picked.name}</b> {picked.spec} · {priceText(picked)}/{picked.unit} · {picked.category}
          <span className="muted"> — {t("charge.entryHint")}</span>
        </p>
      )}
    </>
  );
}
