//! HIS 患者索引 (Ctrl+I on the registration screen): the patient index IT exported from the
//! HIS (CSV or Excel: HIS号, 姓名, …). Choosing a file asks the core for a dry run; its counts
//! and bad rows are shown, then: import, import only the good rows, or import nothing — the
//! same choice as for the price list. Search then finds HIS patients too. A big hospital's
//! index (millions of patients) takes a while: both steps show a progress bar.

import { useEffect, useRef, useState } from "react";
import { api, toIpcError } from "../api";
import type { ImportProgressView } from "../bindings/ImportProgressView";
import type { SnapshotReportView } from "../bindings/SnapshotReportView";
import { Dialog } from "../components/Dialog";
import { ErrorText } from "../components/ErrorText";
import { ProblemRows } from "../components/ImportReport";
import { useSubmit, type Problem } from "../hooks/useSubmit";
import { useT } from "../i18n";
import { FilePicker, type PickedFile } from "../components/FilePicker";

export function PatientIndexDialog({ onClose }: { onClose: () => void }) {
  const t = useT();
  const fileInput = useRef<HTMLButtonElement>(null);
  const decision = useRef<HTMLButtonElement>(null);
  const [file, setFile] = useState<PickedFile | null>(null);
  const [preview, setPreview] = useState<SnapshotReportView | null>(null);
  const [readProblem, setReadProblem] = useState<Problem | null>(null);
  const [result, setResult] = useState<SnapshotReportView | null>(null);
  const [cancelled, setCancelled] = useState(false);
  const [reading, setReading] = useState(false);
  const [progress, setProgress] = useState<ImportProgressView | null>(null);
  const importing = useSubmit();
  const busy = importing.pending || reading;

  /** Runs a call to the core while its progress events move the bar (only a comfort: the
   *  call runs without them too). */
  async function withProgress<T>(work: () => Promise<T>): Promise<T> {
    setProgress(null);
    const unlisten = await api.onPatientsProgress(setProgress).catch(() => () => {});
    try {
      return await work();
    } finally {
      unlisten();
      setProgress(null);
    }
  }

  useEffect(() => {
    fileInput.current?.focus();
  }, []);
  // The report is in: the next keystroke is the decision.
  useEffect(() => {
    if (preview) decision.current?.focus();
  }, [preview]);

  async function choose(picked: PickedFile) {
    setResult(null);
    setCancelled(false);
    setPreview(null);
    setReadProblem(null);
    importing.setProblem(null);
    setReading(true);
    try {
      setFile(picked);
      setPreview(await withProgress(() => api.patientSnapshot(picked, true)));
    } catch (e) {
      setReadProblem({ ipc: toIpcError(e) });
    } finally {
      setReading(false);
    }
  }

  function forget() {
    setFile(null);
    setPreview(null);
  }

  function importFile(acceptGoodRows: boolean) {
    if (!file) return;
    void importing.run(async () => {
      setResult(await withProgress(() => api.patientSnapshot(file, false, acceptGoodRows)));
      forget();
    });
  }

  function cancel() {
    forget();
    setCancelled(true);
    fileInput.current?.focus();
  }

  return (
    <Dialog title={t("index.title")} onClose={onClose} size="medium">
      <p className="muted">{t("index.intro")}</p>
      <FilePicker
        ref={fileInput}
        label={t("catalog.file")}
        title={t("file.dialogPatients")}
        filterName={t("file.filterTable")}
        extensions={["csv", "xlsx", "xls"]}
        testId="index-file"
        fromDisk
        disabled={busy}
        onPick={(f) => void choose(f)}
        hint={t("index.fileHint")}
      />
      {readProblem && <ErrorText problem={readProblem} testId="index-error" />}
      {preview && (
        <div className="import-report" data-testid="index-report">
          <p className="big-text">
            {t("index.reportCounts", { file: preview.file_name, rows: preview.rows_read, good: preview.good, problems: preview.problems_total })}
          </p>
          {preview.already_imported && <p className="notice">{t("index.alreadyImportedPreview")}</p>}
          <ProblemRows problems={preview.problems} total={preview.problems_total} codeLabel={t("patient.hisId")} />
          <div className="button-row">
            {preview.problems_total === 0 ? (
              <button ref={decision} type="button" className="primary" data-testid="index-import" disabled={busy} onClick={() => importFile(false)}>
                {t("catalog.import")}
              </button>
            ) : (
              <>
                {preview.good > 0 ? (
                  <button ref={decision} type="button" className="primary" data-testid="index-import-good" disabled={busy} onClick={() => importFile(true)}>
                    {t("index.importGood", { good: preview.good })}
                  </button>
                ) : (
                  <p className="error">{t("catalog.noGoodRows")}</p>
                )}
                <button type="button" data-testid="index-import-none" disabled={busy} onClick={cancel}>
                  {t("catalog.importNone")}
                </button>
              </>
            )}
          </div>
        </div>
      )}
      {busy && <ProgressLine progress={progress} />}
      {importing.problem && <ErrorText problem={importing.problem} testId="index-error" />}
      {cancelled && (
        <p className="notice" role="status" data-testid="index-cancelled">
          {t("catalog.cancelled")}
        </p>
      )}
      {result && (
        <p className="notice big-text" role="status" data-testid="index-summary">
          {result.already_imported ? t("index.alreadyImported") : t("index.imported", { patients: result.patients ?? result.good })}
        </p>
      )}
    </Dialog>
  );
}

/** The bar of a reading or an import: percent of the file read, then of the index written. */
function ProgressLine({ progress }: { progress: ImportProgressView | null }) {
  const t = useT();
  const percent = progress && progress.total > 0 ? Math.floor((progress.done * 100) / progress.total) : null;
  return (
    <div className="progress-line" data-testid="index-progress" role="status">
      <progress max={100} value={percent ?? undefined} />
      <span>
        {progress === null || percent === null
          ? t("catalog.importing")
          : t(progress.stage === "reading" ? "index.progressReading" : "index.progressIndexing", { percent })}
      </span>
    </div>
  );
}
