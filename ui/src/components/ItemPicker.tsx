//! 项目选择: the entry box every charging screen uses to find a price-list item. Typing a code
//! prefix, pinyin initials (`zcf`) or part of the name asks the core (`catalog_search`) on
//! every keystroke; only the reply to the latest text is shown. ↑/↓ move the highlight, Enter
//! picks, Esc closes the list (a second Esc is left to the screen). Prices are shown as the
//! core's exact text, never re-computed. Without an imported price list it says so instead.

import { useEffect, useId, useImperativeHandle, useRef, useState, type KeyboardEvent, type Ref } from "react";
import { api, toIpcError, type IpcError } from "../api";
import type { CatalogItemView } from "../bindings/CatalogItemView";
import type { CatalogStatusView } from "../bindings/CatalogStatusView";
import { useT } from "../i18n";
import { ErrorText } from "./ErrorText";

interface Props {
  /** From `AppStatus.catalog`: with no active version there is nothing to pick from. */
  catalog: CatalogStatusView;
  onPick: (item: CatalogItemView) => void;
  autoFocus?: boolean;
  placeholder?: string;
  /** The search input, so a screen can put the focus back after a pick. */
  ref?: Ref<HTMLInputElement>;
  limit?: number;
}

/** The price as the core wrote it: `¥0.0125`. */
export const priceText = (item: CatalogItemView) => `¥${item.unit_price}`;

export function ItemPicker({ catalog, onPick, autoFocus, placeholder, ref, limit = 20 }: Props) {
  const t = useT();
  const input = useRef<HTMLInputElement>(null);
  useImperativeHandle(ref, () => input.current!, []);
  const listId = useId();
  const [query, setQuery] = useState("");
  /** The latest reply and the text it answers (`for` lags `query` while a search is out). */
  const [found, setFound] = useState<{ for: string; items: CatalogItemView[] } | null>(null);
  const [open, setOpen] = useState(false);
  const [active, setActive] = useState(0);
  const [problem, setProblem] = useState<IpcError | null>(null);
  const latest = useRef(0);
  /** Enter came before the reply to the current text: pick its best match when it arrives. */
  const pickOnReply = useRef(false);

  useEffect(() => {
    if (open) document.getElementById(`${listId}-${active}`)?.scrollIntoView?.({ block: "nearest" });
  }, [open, active, listId]);

  const missing = catalog.active === null;

  function pick(item: CatalogItemView) {
    setOpen(false);
    onPick(item);
    input.current?.select(); // typing the next item replaces this one
  }

  function search(text: string) {
    setQuery(text);
    const seq = ++latest.current;
    pickOnReply.current = false;
    const q = text.trim();
    if (q === "") {
      setFound(null);
      setOpen(false);
      return;
    }
    api.catalogSearch(q, limit).then(
      (items) => {
        if (seq !== latest.current) return; // an older query answered late
        setProblem(null);
        setFound({ for: text, items });
        setActive(0);
        if (pickOnReply.current && items.length > 0) {
          pickOnReply.current = false;
          pick(items[0]);
        } else setOpen(true);
      },
      (e: unknown) => {
        if (seq !== latest.current) return;
        setProblem(toIpcError(e));
        setOpen(false);
      },
    );
  }

  const items = found?.items ?? [];
  function onKeyDown(e: KeyboardEvent<HTMLInputElement>) {
    if (e.nativeEvent.isComposing) return; // keys that belong to a Chinese input method
    switch (e.key) {
      case "ArrowDown":
        if (items.length === 0) return;
        e.preventDefault();
        if (!open) setOpen(true);
        else setActive((i) => Math.min(i + 1, items.length - 1));
        return;
      case "ArrowUp":
        if (!open || items.length === 0) return;
        e.preventDefault();
        setActive((i) => Math.max(i - 1, 0));
        return;
      case "Enter":
        if (query.trim() === "") return;
        e.preventDefault();
        if (found?.for !== query) pickOnReply.current = true; // typed faster than the reply
        else if (!open) setOpen(true); // show what Enter would pick before picking it
        else if (items.length > 0) pick(items[active]);
        return;
      case "Escape":
        if (!open) return; // nothing to close: the screen's Esc applies
        e.preventDefault();
        e.stopPropagation();
        setOpen(false);
        return;
    }
  }

  return (
    <div className="picker">
      <input
        ref={input}
        type="text"
        role="combobox"
        aria-autocomplete="list"
        aria-expanded={open}
        aria-controls={listId}
        aria-activedescendant={open && items.length > 0 ? `${listId}-${active}` : undefined}
        aria-label={placeholder ?? t("picker.placeholder")}
        placeholder={placeholder ?? t("picker.placeholder")}
        spellCheck={false}
        autoComplete="off"
        autoFocus={autoFocus}
        disabled={missing}
        data-testid="item-search"
        value={query}
        onChange={(e) => search(e.target.value)}
        onKeyDown={onKeyDown}
        onBlur={() => setOpen(false)}
      />
      {missing && (
        <p className="error" role="alert" data-testid="catalog-missing">
          {t("catalog.missing")}
        </p>
      )}
      {problem && <ErrorText problem={{ ipc: problem }} testId="item-search-error" />}
      {open && found && (
        // `data-answers`: the text these results answer (tests wait for it, not for time).
        <div className="picker-results" data-testid="item-results" data-answers={found.for}>
          {items.length === 0 ? (
            <p className="muted" data-testid="item-none">
              {t("picker.none", { query: found.for.trim() })}
            </p>
          ) : (
            <>
              <div className="picker-row picker-head" aria-hidden="true">
                <span>{t("picker.code")}</span>
                <span>{t("picker.name")}</span>
                <span>{t("picker.spec")}</span>
                <span>{t("picker.unit")}</span>
                <span className="num">{t("picker.price")}</span>
                <span>{t("picker.category")}</span>
              </div>
              <ul role="listbox" id={listId}>
                {items.map((item, i) => (
                  <li
                    key={`${item.version_id}/${item.code}`}
                    id={`${listId}-${i}`}
                    role="option"
                    aria-selected={i === active}
                    className={`picker-row ${i === active ? "active" : ""}`}
                    data-testid="item-row"
                    onMouseDown={(e) => e.preventDefault()} // keep the focus in the input
                    onMouseEnter={() => setActive(i)}
                    onClick={() => pick(item)}
                  >
                    <span className="code">{item.code}</span>
                    <span>{item.name}</span>
                    <span>{item.spec}</span>
                    <span>{item.unit}</span>
                    <span className="num">{priceText(item)}</span>
                    <span>{item.category}</span>
                  </li>
                ))}
              </ul>
            </>
          )}
        </div>
      )}
    </div>
  );
}
