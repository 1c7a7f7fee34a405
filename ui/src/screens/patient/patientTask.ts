//! 更正 (Ctrl+U) and 合并 (Ctrl+M) from a counter screen's pinned patient. The shell owns the
//! dialogs (Esc, the door, the notice); a screen hands it its pinned patient and learns the
//! outcome: the patient as corrected, or the patient kept by a merge, replaces the pinned one
//! when the change concerns it.

import { useState } from "react";
import type { PatientView } from "../../bindings/PatientView";
import { useHotkeys } from "../../hooks/useHotkeys";
import type { MsgKey } from "../../i18n";

export type PatientTaskKind = "correct" | "merge";

/** `done(changed, replaced)`: `changed` is the patient as they stand now (corrected, or the one
 *  kept by a merge), `replaced` the record as it was (before correction, or merged away). */
export type PatientTaskDone = (changed: PatientView, replaced: PatientView) => void;

/** The shell's door to the two dialogs. */
export type OpenPatientTask = (kind: PatientTaskKind, patient: PatientView | null, done: PatientTaskDone) => void;

/** The keys, for the key bar and the F1 help of the screens that pin a patient. */
export const PATIENT_KEYS: { key: string; label: MsgKey }[] = [
  { key: "Ctrl+U", label: "pc.key" },
  { key: "Ctrl+M", label: "pm.key" },
];

/** Ctrl+U / Ctrl+M on a screen; returns the same two actions for the card's buttons, and
 *  `seq`, which counts the changes made: the screen's search list, keyed by it, asks again and
 *  shows the names as they now are. */
export function usePatientTasks(
  open: OpenPatientTask,
  pinned: PatientView | null,
  setPinned: (p: PatientView) => void,
  keysOn: boolean,
): Record<PatientTaskKind, () => void> & { seq: number } {
  const [seq, setSeq] = useState(0);
  const done: PatientTaskDone = (changed, replaced) => {
    if (pinned && (pinned.id === replaced.id || pinned.id === changed.id)) setPinned(changed);
    setSeq((n) => n + 1);
  };
  const tasks = {
    correct: () => open("correct", pinned, done),
    merge: () => open("merge", pinned, done),
  };
  useHotkeys({ "Ctrl+U": tasks.correct, "Ctrl+M": tasks.merge }, keysOn);
  return { ...tasks, seq };
}
