//! Refuse at the door: the core's answer (in `AppStatus.doors`) to "may this operator start this
//! task now?" — the role, naming who may, and an open shift for what takes money — available
//! to every screen, so that a key or button refuses at once instead of after the form.
//! `DoorRefusal` shows the core's words, read out as an alert.

import { createContext, useContext, type ReactNode } from "react";
import type { DoorView } from "../bindings/DoorView";
import type { IpcError } from "../bindings/IpcError";
import type { Task } from "../bindings/Task";
import { useLang } from "../i18n";

const Doors = createContext<DoorView[]>([]);

export function DoorProvider({ doors, children }: { doors: DoorView[]; children: ReactNode }) {
  return <Doors.Provider value={doors}>{children}</Doors.Provider>;
}

/** Why `task` cannot be started now, or null when it can. */
export function refusalOf(doors: DoorView[], task: Task): IpcError | null {
  return doors.find((d) => d.task === task)?.refusal ?? null;
}

/** The refusal `task` meets now, or null. */
export function useDoor(task: Task): IpcError | null {
  return refusalOf(useContext(Doors), task);
}

/** The role itself may not do it (rather than "open a shift first"): the action is not offered. */
export const roleRefused = (e: IpcError | null) => e?.code === "role_forbidden";

export function DoorRefusal({ refusal, testId = "door-refusal" }: { refusal: IpcError; testId?: string }) {
  const { lang } = useLang();
  return (
    <p className="error door-refusal" role="alert" data-testid={testId}>
      {lang === "en" ? refusal.message_en : refusal.message}
    </p>
  );
}
