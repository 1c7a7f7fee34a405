//! Choosing a file with the system's own dialog (Tauri's dialog plugin), in the user's
//! language — never a browser file input ("Choose File / no file selected"). A button that
//! takes Enter or Space; the file chosen is named beside it; its bytes come from the core's
//! shell (`picked_file_bytes`) and go to `onPick` as the file the import sends.

import { useState, type Ref } from "react";
import { api, toIpcError, type IpcError } from "../api";
import { useT } from "../i18n";
import { ErrorText } from "./ErrorText";

export interface PickedFile {
  name: string;
  bytes: Uint8Array;
  /** The bytes were left on disk (`fromDisk`): the import reads the chosen path itself. */
  onDisk?: boolean;
}

interface Props {
  label: string;
  /** The dialog's title. */
  title: string;
  /** What the filter is called in the dialog, and the extensions it shows. */
  filterName: string;
  extensions: string[];
  testId: string;
  onPick: (file: PickedFile) => void;
  hint?: string;
  disabled?: boolean;
  /** The import reads the chosen file from disk itself (a big file never crosses to the window). */
  fromDisk?: boolean;
  ref?: Ref<HTMLButtonElement>;
}

export function FilePicker({ label, title, filterName, extensions, testId, onPick, hint, disabled, fromDisk, ref }: Props) {
  const t = useT();
  const [name, setName] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<IpcError | null>(null);

  async function pick() {
    setBusy(true);
    setProblem(null);
    try {
      const chosen = await api.pickFile(title, filterName, extensions);
      if (chosen === null) return; // cancelled: what was chosen before stays
      const bytes = fromDisk ? new Uint8Array() : await api.pickedFileBytes();
      setName(chosen);
      onPick({ name: chosen, bytes, onDisk: fromDisk });
    } catch (e) {
      setProblem(toIpcError(e));
    } finally {
      setBusy(false);
    }
  }

  return (
    <div className="field file-picker">
      <span className="field-label">{label}</span>
      <div className="file-picker-row">
        <button ref={ref} type="button" data-testid={testId} disabled={disabled || busy} onClick={() => void pick()}>
          {t("file.choose")} <kbd>Enter</kbd>
        </button>
        <span className={name ? "file-name" : "muted"} data-testid={`${testId}-name`}>
          {name ?? t("file.none")}
        </span>
      </div>
      {hint && <span className="field-hint">{hint}</span>}
      {problem && <ErrorText problem={{ ipc: problem }} testId={`${testId}-error`} />}
    </div>
  );
}
