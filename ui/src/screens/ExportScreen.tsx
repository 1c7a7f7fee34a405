//! 导出批次 (Ctrl+E; supervisors, administrators, finance): where to write (the system folder
//! picker, e.g. a USB stick, or a typed path), the next batch with a progress bar while it is
//! written, and the batches made so far, any of which can be written again (re-rendered).
//! Ending the outage brings the supervisor here for the final batch (`final`).

import { useCallback, useEffect, useRef, useState } from "react";
import { api, type Progress } from "../api";
import type { ExportOverview } from "../bindings/ExportOverview";
import type { ExportResultView } from "../bindings/ExportResultView";
import { ErrorText } from "../components/ErrorText";
import { formatFen, formatLocal } from "../format";
import { useSubmit } from "../hooks/useSubmit";
import { useT, type MsgKey } from "../i18n";

/** Keys this screen adds to the shell's, for the key bar and the F1 help. */
export const EXPORT_KEYS: { key: string; label: MsgKey }[] = [
  { key: "Ctrl+Enter", label: "export.run" },
  { key: "Tab", label: "fkey.tab" },
  { key: "Esc", label: "fkey.home" },
];

interface Props {
  /** Opened by ending the outage: the final batch is the point. */
  final: boolean;
  keysOn: boolean;
}

export function ExportScreen({ final, keysOn }: Props) {
  const t = useT();
  const [overview, setOverview] = useState<ExportOverview | null>(null);
  const [folder, setFolder] = useState("");
  const [progress, setProgress] = useState<Progress | null>(null);
  const [result, setResult] = useState<ExportResultView | null>(null);
  const load = useSubmit();
  const write = useSubmit((code) => (code.startsWith("export_folder") ? "folder" : undefined));
  const pick = useSubmit();
  const folderInput = useRef<HTMLInputElement>(null);

  const refresh = useCallback(() => load.run(async () => setOverview(await api.exportOverview())), [load.run]);
  useEffect(() => {
    void refresh();
    folderInput.current?.focus();
  }, [refresh]);

  async function choose() {
    await pick.run(async () => {
      const chosen = await api.pickExportFolder();
      if (chosen) setFolder(chosen);
    });
    folderInput.current?.focus();
  }

  async function run(seq: number | null) {
    setResult(null);
    setProgress(null);
    const unlisten = await api.onExportProgress(setProgress).catch(() => () => {});
    const failed = await write.run(async () => {
      setResult(seq === null ? await api.exportBatch(folder) : await api.rerenderBatch(seq, folder));
    });
    unlisten();
    setProgress(null);
    await refresh();
    if (failed?.code.startsWith("export_folder")) folderInput.current?.focus();
  }

  useEffect(() => {
    if (!keysOn) return;
    const onKey = (e: KeyboardEvent) => {
      if (e.ctrlKey && e.key === "Enter" && !write.pending) {
        e.preventDefault();
        void run(null);
      }
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  });

  const pending = overview?.pending_entries ?? 0;
  return (
    <main className="screen export-screen" data-testid="export-screen">
      <h1>{t("export.title")}</h1>
      {final && (
        <p className="notice" role="status" data-testid="export-final">
          {t("export.final")}
        </p>
      )}
      <p className="muted" data-testid="export-pending">
        {pending > 0 ? t("export.pending", { n: pending }) : t("export.nothingPending")}
      </p>
      <div className="export-target">
        <label htmlFor="export-folder">{t("export.folder")}</label>
        <input
          id="export-folder"
          ref={folderInput}
          data-testid="export-folder"
          value={folder}
          placeholder={t("export.folderHint")}
          onChange={(e) => setFolder(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === "Enter" && !e.ctrlKey) {
              e.preventDefault();
              void run(null);
            }
          }}
        />
        <button type="button" data-testid="export-pick" onClick={() => void choose()} disabled={pick.pending}>
          {t("export.pick")}
        </button>
        <button type="button" className="primary" data-testid="export-run" onClick={() => void run(null)} disabled={write.pending}>
          {t("export.run")} <kbd>Ctrl+Enter</kbd>
        </button>
      </div>
      {pick.problem && <ErrorText problem={pick.problem} testId="export-pick-error" />}
      {write.pending && (
        <div className="progress-line" data-testid="export-progress" role="status">
          <progress max={progress?.total || undefined} value={progress ? progress.done : undefined} />
          <span>{t("export.writing")}</span>
        </div>
      )}
      {write.problem && <ErrorText problem={write.problem} testId="export-error" />}
      {result && <Result result={result} />}
      <h2>{t("export.batches")}</h2>
      {load.problem && <ErrorText problem={load.problem} testId="export-load-error" />}
      {overview && overview.batches.length === 0 && <p className="muted">{t("export.none")}</p>}
      {overview && overview.batches.length > 0 && (
        <div className="table-scroll">
          <table className="batches" data-testid="export-batches">
            <thead>
              <tr>
                <th>{t("export.seq")}</th>
                <th>{t("export.time")}</th>
                <th>{t("export.by")}</th>
                <th className="num">{t("export.entries")}</th>
                <th className="num">{t("export.receipts")}</th>
                <th>{t("export.chainHead")}</th>
                <th>{t("export.writtenTo")}</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {overview.batches.map((b) => (
                <tr key={b.seq} data-testid={`batch-${b.seq}`}>
                  <td>{b.seq}</td>
                  <td>{formatLocal(b.created_at)}</td>
                  <td>{b.created_by}</td>
                  <td className="num">
                    {b.entries}（{b.journal_first_seq}–{b.journal_last_seq}）
                  </td>
                  <td className="num">{b.receipts}</td>
                  <td>
                    <code className="hash" title={b.chain_head}>
                      {b.chain_head.slice(0, 16)}…
                    </code>
                  </td>
                  <td className="path" title={b.written_to}>
                    {b.written_to}
                  </td>
                  <td>
                    <button
                      type="button"
                      data-testid={`rerender-${b.seq}`}
                      disabled={write.pending}
                      onClick={() => void run(b.seq)}
                    >
                      {t("export.rerender")}
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </main>
  );
}

function Result({ result }: { result: ExportResultView }) {
  const t = useT();
  if (!result.written) {
    return (
      <p className="notice" role="status" data-testid="export-result">
        {result.last_batch === null ? t("export.nothingNew") : t("export.nothingSince", { n: result.last_batch })}
      </p>
    );
  }
  const b = result.batch!;
  return (
    <div className="export-result" role="status" data-testid="export-result">
      <p className="big-text">{t("export.written", { n: b.seq })}</p>
      <p>
        <code className="path">{result.path}</code>
      </p>
      <p className="muted">
        {t("export.summary", { receipts: b.receipts, net: formatFen(result.net_fen), exceptions: result.exceptions })}
      </p>
    </div>
  );
}
