//! Typed-but-not-submitted text that survives closing a dialog with Esc ("Esc backs out one
//! step without losing what was typed"). Drafts live as long as the logged-in shell; PINs
//! are never kept here.

import { createContext, useCallback, useContext, useState, type ReactNode } from "react";

const DraftContext = createContext<Map<string, string> | null>(null);

export function DraftProvider({ children }: { children: ReactNode }) {
  const [store] = useState(() => new Map<string, string>());
  return <DraftContext.Provider value={store}>{children}</DraftContext.Provider>;
}

export function useDraft(key: string, initial = ""): [string, (value: string) => void, () => void] {
  const store = useContext(DraftContext);
  const [value, setValue] = useState(() => store?.get(key) ?? initial);
  const set = useCallback(
    (next: string) => {
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
