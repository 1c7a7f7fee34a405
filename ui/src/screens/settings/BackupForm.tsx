//! 自动备份 in 操作员与设置: everyone sees where automatic backups go (after every N receipts
//! and at every shift close) or that none is set; an administrator opens the form on demand
//! (the dialog keeps its room) and types the folder of a USB stick or a second disk. The core
//! checks the role, refuses the station's own folder and writes a first backup there at once,
//! checked, which the notice names.

import { useEffect, useState } from "react";
import { api } from "../../api";
import type { BackupSettingView } from "../../bindings/BackupSettingView";
import { ErrorText, errorIn } from "../../components/ErrorText";
import { Field } from "../../components/Field";
import { KeyForm } from "../../components/KeyForm";
import { useKept } from "../../hooks/useDraft";
import { useSubmit, type FieldFor } from "../../hooks/useSubmit";
import { useT } from "../../i18n";

const fieldFor: FieldFor = (code) => (code === "backup_same_folder" || code === "backup_failed" ? "folder" : undefined);

export function BackupForm({ canChange }: { canChange: boolean }) {
  const t = useT();
  /** `undefined` while it loads. */
  const [current, setCurrent] = useState<BackupSettingView | undefined>(undefined);
  const [open, setOpen] = useState(false);
  const [folder, setFolder, clearFolder] = useKept<string>("backup.folder", "");
  const [written, setWritten] = useState<string | null>(null);
  const load = useSubmit();
  const save = useSubmit(fieldFor);

  useEffect(() => {
    void load.run(async () => setCurrent(await api.backupSetting()));
  }, [load.run]);

  // "未设置" stands beside the heading, so the dialog keeps its room; a folder, which can be
  // long, gets the line under it and wraps anywhere.
  const folderSet = current !== undefined && current.folder !== null;
  const shown =
    current === undefined
      ? t("ops.loading")
      : current.folder === null
        ? t("backup.none")
        : t("backup.current", { folder: current.folder, every: current.every });

  function submit() {
    setWritten(null);
    void save.run(async () => {
      const now = await api.setBackup(folder.trim());
      setCurrent(now);
      setWritten(now.written);
      clearFolder();
      setOpen(false);
    });
  }

  return (
    <section className="inline-form" data-testid="backup-settings">
      <div className="button-row backup-row">
        <h3>{t("backup.title")}</h3>
        {load.problem ? (
          <ErrorText problem={load.problem} testId="backup-current" />
        ) : (
          !folderSet && <span data-testid="backup-current">{shown}</span>
        )}
        {canChange && !open && (
          <button type="button" data-testid="backup-open" onClick={() => setOpen(true)}>
            {t("backup.open")}
          </button>
        )}
      </div>
      {folderSet && !load.problem && (
        <p className="backup-current" data-testid="backup-current">
          {shown}
        </p>
      )}
      {written && (
        <p className="notice" role="status" data-testid="backup-notice">
          {t("backup.written", { path: written })}
        </p>
      )}
      {canChange && open && (
        <KeyForm onSubmit={submit} problem={save.problem} escBack={false} className="grid-form">
          <Field
            name="folder"
            label={t("backup.folder")}
            hint={t("backup.hint")}
            testId="backup-folder"
            value={folder}
            onChange={setFolder}
            autoFocus
            error={errorIn(save.problem, "folder", "backup-error")}
          />
          {errorIn(save.problem, "form", "backup-error")}
          <button type="submit" data-testid="backup-submit" disabled={save.pending}>
            {t("backup.submit")}
          </button>
        </KeyForm>
      )}
    </section>
  );
}
