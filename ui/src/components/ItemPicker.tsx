//! 项目选择: the entry box every charging screen uses to find a price-list item. Typing a code
//! prefix, pinyin initials (`zcf`) or part of the name asks the core (`catalog_search`) on
//! every keystroke; only the reply to the latest text is shown. ↑/↓ move the highlight, Enter
//! picks, Esc closes the list (a second Esc is left to the screen): `useCombobox`, closable. Prices are shown as the
//! core's exact text, never re-computed. Without an imported price list it says so instead.

import { useImperativeHandle, useRef, useState, type Ref } from "react";
import { api } from "../api";
import type { CatalogItemView } from "../bindings/CatalogItemView";
import type { CatalogStatusView } from "../bindings/CatalogStatusView";
import { useCombobox } from "../hooks/useCombobox";
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
  const [query, setQuery] = useState("");
  const box = useCombobox<CatalogItemView>({
    query,
    find: (q) => api.catalogSearch(q, limit),
    onPick: (item) => {
      onPick(item);
      input.current?.select(); // typing the next item replaces this one
    },
    closable: true,
  });
  const { found, items, active, shown: open, problem } = box;
  const missing = catalog.active === null;

  return (
    <div className="picker">
      <input
        ref={input}
        type="text"
        role="combobox"
        aria-autocomplete="list"
        aria-expanded={open}
        aria-controls={box.listId}
        aria-activedescendant={open && items.length > 0 ? box.optionId(active) : undefined}
        aria-label={placeholder ?? t("picker.placeholder")}
        placeholder={placeholder ?? t("picker.placeholder")}
        spellCheck={false}
        autoComplete="off"
        autoFocus={autoFocus}
        disabled={missing}
        data-testid="item-search"
        value={query}
        onChange={(e) => {
          setQuery(e.target.value);
          box.search(e.target.value);
        }}
        onKeyDown={box.onKeyDown}
        onBlur={() => box.setOpen(false)}
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
              <ul role="listbox" id={box.listId}>
                {items.map((item, i) => (
                  <li
                    key={`${item.version_id}/${item.code}`}
                    id={box.optionId(i)}
                    role="option"
                    aria-selected={i === active}
                    className={`picker-row ${i === active ? "active" : ""}`}
                    data-testid="item-row"
                    onMouseDown={(e) => e.preventDefault()} // keep the focus in the input
                    onMouseEnter={() => box.setActive(i)}
                    onClick={() => box.pick(item)}
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
