//! Builders for `AppStatus` and a recording fake of the Rust side, on top of `mockIPC`.

import { render } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { mockIPC } from "@tauri-apps/api/mocks";
import { App } from "../App";
import type { AppStatus } from "../bindings/AppStatus";
import type { IpcError } from "../bindings/IpcError";
import type { OperatorView } from "../bindings/OperatorView";
import type { OutageView } from "../bindings/OutageView";
import type { Role } from "../bindings/Role";
import type { ShiftView } from "../bindings/ShiftView";
import type { StationView } from "../bindings/StationView";
import { I18nProvider } from "../i18n";

export const station: StationView = {
  id: "st-1",
  code: "MZ01",
  name: "门诊收费一号窗",
  hospital: "市第一人民医院",
  fingerprint: "SHA256:3f2a9c0d5be14f7a8e6b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f708192a3b4c5",
  public_key: "ab".repeat(32),
  created_at: "2026-11-26T00:00:00.000000Z",
};

export function operator(name = "张三", role: Role = "cashier"): OperatorView {
  return { id: `op-${name}`, name, role, locked_until: null };
}

export function status(over: Partial<AppStatus> = {}): AppStatus {
  return {
    station,
    operator: operator(),
    outage: null,
    shift: null,
    catalog: { active: null, stale: false },
    idle_lock_minutes: 5,
    db_path: "/tmp/desk.sqlite",
    ...over,
  };
}

export function activeOutage(hisDownAt: string): OutageView {
  return {
    id: "out-1",
    active: true,
    reason: "HIS 服务器宕机",
    his_down_at: hisDownAt,
    announced_by: "信息科王工",
    started_by: "李主管",
    recorded_at: hisDownAt,
    his_up_at: null,
    ended_by: null,
  };
}

export function openShiftView(floatFen: number, openedAt = "2026-11-26T01:02:03.456789Z"): ShiftView {
  return { id: "sh-1", operator: "张三", float_fen: floatFen, outage_id: null, opened_at: openedAt, counted_fen: null, closed_at: null };
}

export function ipcError(code: string, message: string, message_en = `EN: ${message}`): IpcError {
  return { code, message, message_en };
}

export type Call = { cmd: string; args: Record<string, unknown> | undefined };
type Handler = (args: Record<string, unknown> | undefined) => unknown;

/**
 * Installs a fake backend: each command's handler returns the reply or throws an `IpcError`.
 * Every call is recorded; a command without a handler fails the call loudly.
 */
export function fakeBackend(handlers: Record<string, Handler>): Call[] {
  const calls: Call[] = [];
  mockIPC((cmd, args) => {
    const a = args as Record<string, unknown> | undefined;
    calls.push({ cmd, args: a });
    const handler = handlers[cmd];
    if (!handler) throw ipcError("unmocked", `no fake for ${cmd}`);
    return handler(a);
  });
  return calls;
}

/** The calls of one command, in order. */
export const callsOf = (calls: Call[], cmd: string) => calls.filter((c) => c.cmd === cmd);

export function renderApp() {
  const user = userEvent.setup();
  const view = render(
    <I18nProvider>
      <App />
    </I18nProvider>,
  );
  return { user, ...view };
}
