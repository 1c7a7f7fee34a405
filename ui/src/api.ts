//! Every call into the Rust side, typed. Arguments are snake_case as the commands expect;
//! money goes as integer fen. A rejection is always normalised to an `IpcError`, so callers
//! branch on `code` and show `message` / `message_en`.

import { invoke } from "@tauri-apps/api/core";
import type { AddOperatorInput } from "./bindings/AddOperatorInput";
import type { AppStatus } from "./bindings/AppStatus";
import type { Credentials } from "./bindings/Credentials";
import type { EndOutageInput } from "./bindings/EndOutageInput";
import type { IpcError } from "./bindings/IpcError";
import type { OperatorView } from "./bindings/OperatorView";
import type { SetupInput } from "./bindings/SetupInput";
import type { StartOutageInput } from "./bindings/StartOutageInput";
import type { VerifyView } from "./bindings/VerifyView";

export type { IpcError };

/** Codes with which `app_status` says the database itself cannot be used. */
export const DB_FATAL_CODES = ["db_damaged", "db_newer_schema", "db_not_database", "db_read_only"];

export function isIpcError(e: unknown): e is IpcError {
  return typeof e === "object" && e !== null && typeof (e as IpcError).code === "string"
    && typeof (e as IpcError).message === "string";
}

/** Anything a failed call threw, as an `IpcError` (transport failures get code `ipc_failed`). */
export function toIpcError(e: unknown): IpcError {
  if (isIpcError(e)) return { ...e, message_en: e.message_en ?? e.message };
  const text = e instanceof Error ? e.message : String(e);
  return { code: "ipc_failed", message: text, message_en: text };
}

async function call<T>(cmd: string, args?: Record<string, unknown>): Promise<T> {
  try {
    return await invoke<T>(cmd, args);
  } catch (e) {
    throw toIpcError(e);
  }
}

export const api = {
  appStatus: () => call<AppStatus>("app_status"),
  setupStation: (input: SetupInput) => call<AppStatus>("setup_station", { input }),
  login: (input: Credentials) => call<AppStatus>("login", { input }),
  logout: () => call<AppStatus>("logout"),
  listOperators: () => call<OperatorView[]>("list_operators"),
  addOperator: (input: AddOperatorInput) => call<OperatorView>("add_operator", { input }),
  startOutage: (input: StartOutageInput) => call<AppStatus>("start_outage", { input }),
  endOutage: (input: EndOutageInput) => call<AppStatus>("end_outage", { input }),
  openShift: (floatFen: number) => call<AppStatus>("open_shift", { float_fen: floatFen }),
  closeShift: (countedFen: number) => call<AppStatus>("close_shift", { counted_fen: countedFen }),
  verifyJournal: () => call<VerifyView>("verify_journal"),
  setIdleLock: (minutes: number) => call<AppStatus>("set_idle_lock", { minutes }),
};
