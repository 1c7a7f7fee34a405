//! Search as you type, for a box with a list under it (项目选择, 查找患者): every change of the
//! text asks the core, and only the reply to the latest text is shown (an older one answering
//! late is dropped). ↑/↓ move the highlight, Enter picks it; Enter typed before the reply to
//! the text in the box picks that reply's first row when it comes. A `closable` list (the item
//! picker) opens on the reply or ↓, is closed by Esc (a second Esc is left to the screen) and
//! by a pick, and Enter on a closed list first shows what it would pick; a list that is not
//! closable shows whatever the latest reply found.

import { useEffect, useId, useRef, useState, type KeyboardEvent } from "react";
import { toIpcError, type IpcError } from "../api";

export interface ComboboxOptions<T> {
  /** The text in the box now. */
  query: string;
  /** Asks the core for the rows matching `text` (trimmed, never empty). */
  find: (text: string) => Promise<T[]>;
  onPick: (item: T) => void;
  closable: boolean;
}

export function useCombobox<T>({ query, find, onPick, closable }: ComboboxOptions<T>) {
  const listId = useId();
  /** The latest reply and the text it answers (`for` lags the box while a search is out). */
  const [found, setFound] = useState<{ for: string; items: T[] } | null>(null);
  const [open, setOpen] = useState(false);
  const [active, setActive] = useState(0);
  const [problem, setProblem] = useState<IpcError | null>(null);
  const latest = useRef(0);
  /** Enter came before the reply to the current text: pick its best match when it arrives. */
  const pickOnReply = useRef(false);
  /** The list is on screen (a list that is not closable always is, when it has rows). */
  const shown = closable ? open : true;
  const items = found?.items ?? [];

  useEffect(() => {
    if (shown) document.getElementById(`${listId}-${active}`)?.scrollIntoView?.({ block: "nearest" });
  }, [shown, active, listId]);

  function pick(item: T) {
    if (closable) setOpen(false);
    onPick(item);
  }

  /** Asks for the rows matching `text`, the box's new text. */
  function search(text: string) {
    const seq = ++latest.current;
    pickOnReply.current = false;
    const q = text.trim();
    if (q === "") {
      setFound(null);
      setOpen(false);
      setProblem(null);
      return;
    }
    find(q).then(
      (rows) => {
        if (seq !== latest.current) return; // an older query answered late
        setProblem(null);
        setFound({ for: text, items: rows });
        setActive(0);
        const now = pickOnReply.current && rows.length > 0;
        pickOnReply.current = false;
        if (now) pick(rows[0]);
        else setOpen(true);
      },
      (e: unknown) => {
        if (seq !== latest.current) return;
        setProblem(toIpcError(e));
        setOpen(false);
      },
    );
  }

  /** The results are no longer wanted (the box was cleared by the screen): a reply still out is dropped. */
  function forget() {
    latest.current++;
    setFound(null);
  }

  function onKeyDown(e: KeyboardEvent<HTMLInputElement>) {
    if (e.nativeEvent.isComposing) return; // keys that belong to a Chinese input method
    switch (e.key) {
      case "ArrowDown":
        if (items.length === 0) return;
        e.preventDefault();
        if (!shown) setOpen(true);
        else setActive((i) => Math.min(i + 1, items.length - 1));
        return;
      case "ArrowUp":
        if (!shown || items.length === 0) return;
        e.preventDefault();
        setActive((i) => Math.max(i - 1, 0));
        return;
      case "Enter":
        if (query.trim() === "") return;
        e.preventDefault();
        if (found?.for !== query) pickOnReply.current = true; // typed faster than the reply
        else if (!shown) setOpen(true); // show what Enter would pick before picking it
        else if (items.length > 0) pick(items[active]);
        return;
      case "Escape":
        if (!closable || !open) return; // nothing to close: the screen's Esc applies
        e.preventDefault();
        e.stopPropagation();
        setOpen(false);
        return;
    }
  }

  /** The option's element id, for `aria-activedescendant`. */
  const optionId = (i: number) => `${listId}-${i}`;

  return { listId, optionId, found, items, active, setActive, shown, setOpen, problem, search, forget, pick, onKeyDown };
}
