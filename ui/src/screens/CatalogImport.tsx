//! 导入价目表: choose a file (part, month, encoding and sheet are optional), see what the core
//! would import — which part it replaces, codes another part already has, registration types
//! it would leave without fees — then import it, import only the good rows, or import
//! nothing. A file with less than half the items of what it replaces needs its own button
//! showing both counts; a file imported before and no longer in force is put back with
//! 重新启用. Also one button for the shipped sample list. The UI only shows the core's counts
//! and reasons; it never parses the file itself.

import { useEffect, useImperativeHandle, useRef, useState, type Ref } from "react";
import { api, toIpcError, type Progress } from "../api";
import type { ImportReportView } from "../bindings/ImportReportView";
import { ErrorText } from "../components/ErrorText";
import { Field } from "../components/Field";
import { ImportReport, ImportSummary } from "../components/ImportReport";
import { useDraft } from "../hooks/useDraft";
import { useSubmit, type Problem } from "../hooks/useSubmit";
import { useT } from "../i18n";
import { FilePicker, type PickedFile } from "../components/FilePicker";

const MONTH = /^\d{4}-\d{2}$/;

interface Props {
  /** After a finished import (new or "imported before"). */
  onImported: (report: ImportReportView) => void;
  /** The file input, for the screen's first focus. */
  fileRef?: Ref<HTMLButtonElement>;
}

export function CatalogImport({ onImported, fileRef }: Props) {
  const t = useT();
  const fileInput = useRef<HTMLButtonElement>(null);
  useImperativeHandle(fileRef, () => fileInput.current!, []);
  const decision = useRef<HTMLButtonElement>(null);
  const [file, setFile] = useState<PickedFile | null>(null);
  const [month, setMonth] = useDraft("catalog.month");
  const [part, setPart] = useDraft("catalog.part");
  const [encoding, setEncoding] = useState("");
  const [sheet, setSheet] = useState("");
  const [preview, setPreview] = useState<ImportReportView | null>(null);
  const [reading, setReading] = useState(false);
  const [readProblem, setReadProblem] = useState<Problem | null>(null);
  const [results, setResults] = useState<ImportReportView[]>([]);
  const [cancelled, setCancelled] = useState(false);
  const [progress, setProgress] = useState<Progress | null>(null);
  const importing = useSubmit();

  // Empty: the core takes the month from the file name. Half-typed: wait (null).
  const monthArg = month.trim() === "" ? "" : MONTH.test(month.trim()) ? month.trim() : null;
  const isWorkbook = /\.xlsx?$/i.test(file?.name ?? "");
  const sheetArg = isWorkbook ? sheet.trim() : "";
  const partArg = part.trim();
  const options = { month: monthArg ?? "", encoding, sheet: sheetArg, part: partArg };

  // Every change of file or option asks again; a reply to older choices is dropped.
  useEffect(() => {
    if (!file || monthArg === null) return;
    let live = true;
    setReading(true);
    setReadProblem(null);
    setPreview(null);
    api
      .catalogPreview({ ...file, month: monthArg, encoding, sheet: sheetArg, part: partArg })
      .then(
        (report) => live && setPreview(report),
        (e: unknown) => live && setReadProblem({ ipc: toIpcError(e) }),
      )
      .finally(() => live && setReading(false));
    return () => {
      live = false;
    };
  }, [file, monthArg, encoding, sheetArg, partArg]);

  // A file was just chosen: the next keystroke is the decision.
  useEffect(() => {
    if (preview && document.activeElement === fileInput.current) decision.current?.focus();
  }, [preview]);

  function choose(chosen: PickedFile) {
    setResults([]);
    setCancelled(false);
    importing.setProblem(null);
    setFile(chosen);
  }

  function forgetFile() {
    setFile(null);
    setPreview(null);
    setReadProblem(null);
  }

  /** Runs an import (the sample imports each of its parts); the summaries show when done. */
  function runImport(work: () => Promise<ImportReportView | ImportReportView[]>) {
    setCancelled(false);
    setResults([]);
    void importing.run(async () => {
      setProgress(null);
      // Progress is only a comfort: an import without it still runs.
      const unlisten = await api.onCatalogProgress(setProgress).catch(() => () => {});
      try {
        const done = await work();
        const reports = Array.isArray(done) ? done : [done];
        setResults(reports);
        forgetFile();
        reports.forEach(onImported);
      } finally {
        unlisten();
      }
    });
  }

  const importFile = (acceptGoodRows: boolean) => {
    const confirmShrink = preview?.shrinks ?? false;
    if (file && monthArg !== null) runImport(() => api.catalogImport({ ...file, ...options, confirmShrink }, acceptGoodRows));
  };

  /** The file was imported before and is no longer in force: its version goes back. */
  function activateSeen() {
    const version = preview?.version;
    if (!version) return;
    runImport(async () => {
      await api.catalogActivate(version.id, preview.shrinks);
      return { ...preview, in_force: true };
    });
  }

  function cancel() {
    forgetFile();
    setCancelled(true);
    fileInput.current?.focus();
  }

  const busy = importing.pending;
  return (
    <section className="panel">
      <h2>{t("catalog.importTitle")}</h2>
      <div className="import-form">
        <FilePicker
          ref={fileInput}
          label={t("catalog.file")}
          title={t("file.dialogCatalog")}
          filterName={t("file.filterTable")}
          extensions={["csv", "xlsx", "xls"]}
          testId="catalog-file"
          disabled={busy}
          onPick={choose}
          hint={t("catalog.fileHint")}
          fromDisk
        />
        <Field
          name="part"
          label={t("catalog.part")}
          hint={t("catalog.partHint")}
          testId="catalog-part"
          value={part}
          onChange={setPart}
        />
        <Field
          name="month"
          label={t("catalog.month")}
          hint={t("catalog.monthHint")}
          testId="catalog-month"
          value={month}
          onChange={setMonth}
          inputMode="numeric"
          error={monthArg === null ? <p className="error">{t("catalog.monthInvalid")}</p> : undefined}
        />
        <label className="field">
          <span className="field-label">{t("catalog.encoding")}</span>
          <select data-testid="catalog-encoding" value={encoding} onChange={(e) => setEncoding(e.target.value)}>
            <option value="">{t("catalog.encAuto")}</option>
            <option value="utf8">{t("catalog.encUtf8")}</option>
            <option value="gbk">{t("catalog.encGbk")}</option>
          </select>
        </label>
        {isWorkbook && (
          <Field name="sheet" label={t("catalog.sheet")} hint={t("catalog.sheetHint")} testId="catalog-sheet" value={sheet} onChange={setSheet} />
        )}
      </div>

      {reading && <p className="muted">{t("catalog.reading")}</p>}
      {readProblem && <ErrorText problem={readProblem} testId="catalog-error" />}
      {preview && (
        <>
          <ImportReport report={preview} />
          {preview.already_imported && (
            <p className="notice" data-testid="catalog-seen">
              {t(preview.in_force ? "catalog.alreadyImportedPreview" : "catalog.alreadyImportedIdle", { month: preview.month })}
            </p>
          )}
          {!preview.already_imported && <PartChange report={preview} />}
          <div className="button-row">
            {preview.already_imported && !preview.in_force ? (
              <button ref={decision} type="button" className="primary" data-testid="catalog-activate-seen" disabled={busy} onClick={activateSeen}>
                {t("catalog.activateSeen")}
              </button>
            ) : preview.conflicts.length > 0 ? (
              <button ref={decision} type="button" data-testid="catalog-import-none" disabled={busy} onClick={cancel}>
                {t("catalog.importNone")}
              </button>
            ) : preview.problems.length === 0 ? (
              <button
                ref={decision}
                type="button"
                className={preview.shrinks ? "primary danger" : "primary"}
                data-testid="catalog-import"
                disabled={busy || monthArg === null}
                onClick={() => importFile(false)}
              >
                {preview.shrinks ? t("catalog.importShrink", { good: preview.good, replaced: preview.replaced_items }) : t("catalog.import")}
              </button>
            ) : (
              <>
                {preview.good > 0 ? (
                  <button ref={decision} type="button" className="primary" data-testid="catalog-import-good" disabled={busy || monthArg === null} onClick={() => importFile(true)}>
                    {t("catalog.importGood", { good: preview.good })}
                  </button>
                ) : (
                  <p className="error">{t("catalog.noGoodRows")}</p>
                )}
                <button type="button" data-testid="catalog-import-none" disabled={busy} onClick={cancel}>
                  {t("catalog.importNone")}
                </button>
              </>
            )}
          </div>
        </>
      )}

      {busy && <ProgressLine progress={progress} />}
      {importing.problem && <ErrorText problem={importing.problem} testId="catalog-error" />}
      {cancelled && (
        <p className="notice" role="status" data-testid="catalog-cancelled">
          {t("catalog.cancelled")}
        </p>
      )}
      {results.map((r) => (
        <ImportSummary key={r.sha256 + r.part} report={r} />
      ))}

      <div className="sample-row">
        <button type="button" data-testid="catalog-import-sample" disabled={busy} onClick={() => runImport(api.catalogImportSample)}>
          {t("catalog.importSample")}
        </button>
        <span className="field-hint">{t("catalog.sampleHint")}</span>
      </div>
    </section>
  );
}

/** Which part the file is, what importing it puts out of force, a shrink, codes in two parts. */
function PartChange({ report }: { report: ImportReportView }) {
  const t = useT();
  const replaced = report.replaces.map((v) => t("catalog.partVersion", { part: v.part || t("catalog.wholeList"), month: v.month, items: v.items })).join("、");
  return (
    <div className="part-change" data-testid="catalog-part-change">
      <p>
        {t("catalog.partIs", { part: report.part || t("catalog.wholeList") })}
        {replaced && t("catalog.partReplaces", { replaced })}
      </p>
      {report.shrinks && (
        <p className="warn" role="alert" data-testid="catalog-shrink">
          {t("catalog.shrinkWarn", { good: report.good, replaced: report.replaced_items })}
        </p>
      )}
      {report.conflicts.length > 0 && (
        <div className="error" role="alert" data-testid="catalog-conflicts">
          <p>{t("catalog.conflicts")}</p>
          <ul>
            {report.conflicts.map((c) => (
              <li key={c.code}>{t("catalog.conflict", { code: c.code, part: c.part || t("catalog.wholeList") })}</li>
            ))}
          </ul>
        </div>
      )}
    </div>
  );
}

function ProgressLine({ progress }: { progress: Progress | null }) {
  const t = useT();
  const known = progress !== null && progress.total > 0;
  return (
    <div className="progress-line" data-testid="import-progress" role="status">
      <progress max={known ? progress.total : undefined} value={known ? progress.done : undefined} />
      <span>{known ? t("catalog.progress", { done: progress.done, total: progress.total }) : t("catalog.importing")}</span>
    </div>
  );
}
