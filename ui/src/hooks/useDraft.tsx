//! Typed-but-not-submitted text that survives closing a dialog with Esc ("Esc backs out one
//! step without losing what was typed"), and the same for a screen's work in progress (the
//! pinned patient) when Esc goes back home. Drafts live as long as the logged-in shell; PINs
//! are never kept here.

import { createContext, useCallback, useContext, useState, type ReactNode } from "react";

const DraftContext = createContext<Map<string, unknown> | null>(null);

export function DraftProvider({ children }: { children: ReactNode }) {
  const [store] = useState(() => new Map<string, unknown>());
  return <DraftContext.Provider value={store}>{children}</DraftContext.Provider>;
}

export function useDraft(key: string, initial = ""): [string, (value: string) => void, () => void] {
  return useKept<string>(key, initial);
}

/** A kept value of any type under `key`: `[value, set, clear]`. */
export function useKept<T>(key: string, initial: T): [T, (value: T) => void, () => void] {
  const store = useContext(DraftContext);
  const [value, setValue] = useState<T>(() => (store?.has(key) ? (store.get(key) as T) : initial));
  const set = useCallback(
    (next: T) => {
      store?.set(key, next);
      setValue(next);
    },
    [store, key],
  );
  const clear = useCallback(() => {
    store?.delete(key);
    setValue(initial);
  }, [store, key, initial]);
  return [value, set, clear];
}

/** Reads a value another screen keeps, as it is at the moment of asking (收费 takes over the
 *  patient pinned on 挂号 this way). */
export function usePeek(): <T>(key: string) => T | undefined {
  const store = useContext(DraftContext);
  return useCallback(<T,>(key: string) => store?.get(key) as T | undefined, [store]);
}
