//! Window-wide shortcuts (F-keys, Ctrl+L, Esc). A key is named like `F10`, `Ctrl+Q`,
//! `Escape`; the browser's own meaning of a handled key (F5 reload, F12 tools) is suppressed.

import { useEffect, useRef } from "react";

export type KeyMap = Record<string, () => void>;

export function keyName(e: KeyboardEvent): string {
  const mods = `${e.ctrlKey || e.metaKey ? "Ctrl+" : ""}${e.altKey ? "Alt+" : ""}${e.shiftKey ? "Shift+" : ""}`;
  const key = e.key.length === 1 ? e.key.toUpperCase() : e.key;
  return mods + key;
}

export function useHotkeys(map: KeyMap, enabled = true): void {
  const current = useRef(map);
  useEffect(() => {
    current.current = map;
  });
  useEffect(() => {
    if (!enabled) return;
    const onKey = (e: KeyboardEvent) => {
      if (e.isComposing || e.defaultPrevented) return;
      const action = current.current[keyName(e)];
      if (!action) return;
      e.preventDefault();
      action();
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [enabled]);
}
