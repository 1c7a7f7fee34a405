//! One submission at a time, with its problem: an `IpcError` from the core or a catalog key
//! for what the UI itself refused (a PIN typed twice differently, an amount it cannot read).
//! `field` names the input the problem concerns, so the form can show it there and focus it.

import { useCallback, useRef, useState } from "react";
import { toIpcError, type ErrorCode, type IpcError } from "../api";
import type { MsgKey } from "../i18n";

export type Problem = { ipc?: IpcError; key?: MsgKey; field?: string };

export type FieldFor = (code: ErrorCode) => string | undefined;

const noField: FieldFor = () => undefined;

/** `fieldFor` maps an error code to the input it concerns; pass a module-level function. */
export function useSubmit(fieldFor: FieldFor = noField) {
  const [pending, setPending] = useState(false);
  const [problem, setProblem] = useState<Problem | null>(null);
  const busy = useRef(false);

  /** Runs `work`; returns the error it ended with, or null on success. */
  const run = useCallback(async (work: () => Promise<void>): Promise<IpcError | null> => {
    if (busy.current) return null;
    busy.current = true;
    setPending(true);
    setProblem(null);
    try {
      await work();
      return null;
    } catch (e) {
      const ipc = toIpcError(e);
      setProblem({ ipc, field: fieldFor(ipc.code) });
      return ipc;
    } finally {
      busy.current = false;
      setPending(false);
    }
  }, [fieldFor]);

  return { pending, problem, setProblem, run };
}
