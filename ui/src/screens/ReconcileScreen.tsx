//! 财务对账 (Ctrl+G; finance and administrators): load the batch folders of every counter (a
//! USB stick, a folder tree; typed or chosen with the system folder picker) and the HIS
//! postings file (the system file dialog), with a progress bar while loading; then the
//! verdict — balanced, nothing missing, or every exception with its station, record, amounts
//! and what to do — the recovery worklists as of a date (mark an item done with the HIS
//! invoice number; withdraw a mark), the totals per station, day and tender on both sides,
//! and the report written out as PDF, CSV and JSON. Filters by station, day and status. The
//! core derives everything; this screen only shows it.

import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import { api, type Progress } from "../api";
import type { ReconView } from "../bindings/ReconView";
import type { ReconTotalView } from "../bindings/ReconTotalView";
import { ErrorText } from "../components/ErrorText";
import { FilePicker, type PickedFile } from "../components/FilePicker";
import { formatFen } from "../format";
import { useSubmit } from "../hooks/useSubmit";
import { useLang, useT, type MsgKey } from "../i18n";
import { Totals } from "./reconcile/Totals";
import { listKey, Marks, Worklist } from "./reconcile/Worklist";

/** Keys this screen adds to the shell's, for the key bar and the F1 help. */
export const RECON_KEYS: { key: string; label: MsgKey }[] = [
  { key: "Ctrl+Enter", label: "recon.run" },
  { key: "Tab", label: "fkey.tab" },
  { key: "Esc", label: "fkey.home" },
];

type Tab = "exceptions" | "worklist" | "marks" | "totals" | "stations";

const EXCEPTION_LISTS = [
  "missing_batch",
  "receipt_gap",
  "rejected",
  "duplicate",
  "conflict",
  "amount_mismatch",
  "missing_in_his",
  "posted_twice",
  "unknown_to_downtime",
] as const;
const WORK_LISTS = ["resettle_overdue", "exchange_overdue", "resettle_due", "exchange_due", "convert_pending"] as const;


interface Props {
  keysOn: boolean;
}

export function ReconcileScreen({ keysOn }: Props) {
  const t = useT();
  const { lang } = useLang();
  const [view, setView] = useState<ReconView | null>(null);
  const [folders, setFolders] = useState<string[]>([]);
  const [folder, setFolder] = useState("");
  const [his, setHis] = useState<PickedFile | null>(null);
  const [asOf, setAsOf] = useState("");
  const [progress, setProgress] = useState<Progress | null>(null);
  const [tab, setTab] = useState<Tab>("exceptions");
  const [station, setStation] = useState("");
  const [day, setDay] = useState("");
  const [status, setStatus] = useState("");
  const [out, setOut] = useState("");
  const [written, setWritten] = useState<string[] | null>(null);
  const load = useSubmit();
  const run = useSubmit();
  const pick = useSubmit();
  const write = useSubmit();
  const folderInput = useRef<HTMLInputElement>(null);

  const refresh = useCallback(
    () => load.run(async () => setView(await api.reconcileView(asOf.trim() || null))),
    [load.run],
  );
  useEffect(() => {
    void refresh();
    folderInput.current?.focus();
  }, [refresh]);

  function addFolder(path: string) {
    const p = path.trim();
    if (p && !folders.includes(p)) setFolders((old) => [...old, p]);
    setFolder("");
  }

  async function chooseFolder(into: "batches" | "out") {
    await pick.run(async () => {
      const chosen = await api.reconcilePickFolder(t(into === "batches" ? "recon.pickBatches" : "recon.pickOut"));
      if (!chosen) return;
      if (into === "batches") addFolder(chosen);
      else setOut(chosen);
    });
  }

  async function reconcile() {
    // A folder typed but not yet added counts too.
    const all = folder.trim() && !folders.includes(folder.trim()) ? [...folders, folder.trim()] : folders;
    setProgress(null);
    setWritten(null);
    const unlisten = await api.onReconcileProgress(setProgress).catch(() => () => {});
    const failed = await run.run(async () => {
      const next = await api.reconcileLoad(all, his !== null, asOf.trim() || null);
      setView(next);
      setFolders(all);
      setFolder("");
    });
    unlisten();
    setProgress(null);
    if (failed) folderInput.current?.focus();
  }

  async function writeReport() {
    setWritten(null);
    await write.run(async () => setWritten(await api.reconcileWrite(out, asOf.trim() || null)));
  }

  useEffect(() => {
    if (!keysOn) return;
    const onKey = (e: KeyboardEvent) => {
      if (e.ctrlKey && e.key === "Enter" && !run.pending) {
        e.preventDefault();
        void reconcile();
      }
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  });

  const days = useMemo(() => (view ? view.by_day.map((d) => d.key) : []), [view]);
  const text = (zh: string, en: string) => (lang === "zh" ? zh : en);

  const exceptions = (view?.exceptions ?? []).filter(
    (e) => (!station || e.station === station) && (!day || e.day === day) && (!status || e.list === status),
  );
  const worklist = (view?.worklist ?? []).filter(
    (w) => (!station || w.station === station) && (!day || w.day === day) && (!status || w.list === status),
  );
  const marks = view?.marks ?? [];
  const statusOptions: readonly string[] = tab === "exceptions" ? EXCEPTION_LISTS : tab === "worklist" ? WORK_LISTS : [];

  return (
    <main className="screen recon-screen" data-testid="recon-screen">
      <h1>{t("recon.title")}</h1>
      <div className="recon-load">
        <div className="export-target recon-folder-row">
          <label htmlFor="recon-folder">{t("recon.folders")}</label>
          <input
            id="recon-folder"
            ref={folderInput}
            data-testid="recon-folder"
            value={folder}
            placeholder={t("recon.folderHint")}
            onChange={(e) => setFolder(e.target.value)}
            onKeyDown={(e) => {
              if (e.key === "Enter" && !e.ctrlKey) {
                e.preventDefault();
                addFolder(folder);
              }
            }}
          />
          <button type="button" data-testid="recon-add" onClick={() => addFolder(folder)}>
            {t("recon.add")}
          </button>
          <button type="button" data-testid="recon-pick" onClick={() => void chooseFolder("batches")} disabled={pick.pending}>
            {t("export.pick")}
          </button>
        </div>
        {folders.length > 0 && (
          <ul className="recon-folder-list" data-testid="recon-folders">
            {folders.map((f) => (
              <li key={f}>
                <code className="path">{f}</code>
                <button type="button" className="quiet" onClick={() => setFolders((old) => old.filter((x) => x !== f))}>
                  {t("recon.remove")}
                </button>
              </li>
            ))}
          </ul>
        )}
        <div className="recon-side">
          <FilePicker
            label={t("recon.his")}
            title={t("recon.hisTitle")}
            filterName={t("recon.hisFilter")}
            extensions={["csv", "txt", "xlsx", "xls"]}
            testId="recon-his"
            fromDisk
            onPick={setHis}
          />
          <div className="field">
            <label className="field-label" htmlFor="recon-asof">
              {t("recon.asOf")}
            </label>
            <input id="recon-asof" data-testid="recon-asof" value={asOf} placeholder={t("recon.asOfHint")} title="YYYY-MM-DD" onChange={(e) => setAsOf(e.target.value)} />
          </div>
          <button type="button" className="primary" data-testid="recon-run" onClick={() => void reconcile()} disabled={run.pending}>
            {t("recon.run")} <kbd>Ctrl+Enter</kbd>
          </button>
        </div>
        <p className="field-hint recon-his-hint">{t("recon.hisHint")}</p>
      </div>
      {pick.problem && <ErrorText problem={pick.problem} testId="recon-pick-error" />}
      {run.pending && (
        <div className="progress-line" data-testid="recon-progress" role="status">
          <progress max={progress?.total || undefined} value={progress ? progress.done : undefined} />
          <span>{progress ? t("recon.loading", { done: progress.done, total: progress.total }) : t("recon.loadingStart")}</span>
        </div>
      )}
      {run.problem && <ErrorText problem={run.problem} testId="recon-error" />}
      {load.problem && <ErrorText problem={load.problem} testId="recon-load-error" />}
      {view && view.summary.stations === 0 && (
        <p className="muted" data-testid="recon-empty">
          {t("recon.empty")}
        </p>
      )}
      {view && view.summary.stations > 0 && (
        <>
          <div className={view.balanced ? "recon-verdict balanced" : "recon-verdict"} role="status" data-testid="recon-verdict">
            <span className="big-text">
              {view.balanced
                ? t("recon.balanced")
                : view.his_imported
                  ? t("recon.unbalanced", { n: view.summary.exceptions })
                  : t("recon.noHis", { n: view.summary.exceptions })}
            </span>
            <span>
              {t("recon.totals", {
                downtime: formatFen(view.total.downtime_fen),
                his: formatFen(view.total.his_fen),
                difference: formatFen(view.total.difference_fen),
              })}
            </span>
          </div>
          <p className="recon-summary" data-testid="recon-summary">
            {t("recon.summary", {
              stations: view.summary.stations,
              batches: view.summary.batches,
              receipts: view.summary.receipts,
              postings: view.summary.postings,
              pending: view.summary.pending,
              overdue: view.summary.overdue,
              asOf: view.as_of,
            })}
          </p>
          <div className="recon-filters">
            <div className="recon-tabs" role="tablist">
              {(["exceptions", "worklist", "marks", "totals", "stations"] as Tab[]).map((id) => (
                <button
                  key={id}
                  type="button"
                  role="tab"
                  aria-selected={tab === id}
                  className={tab === id ? "tab selected" : "tab"}
                  data-testid={`recon-tab-${id}`}
                  onClick={() => {
                    setTab(id);
                    setStatus("");
                  }}
                >
                  {t(`recon.tab.${id}` as MsgKey, {
                    n: id === "exceptions" ? view.exceptions.length : id === "worklist" ? view.worklist.length : marks.length,
                  })}
                </button>
              ))}
            </div>
            <label>
              {t("recon.station")}
              <select data-testid="recon-filter-station" value={station} onChange={(e) => setStation(e.target.value)}>
                <option value="">{t("recon.all")}</option>
                {view.stations.map((s) => (
                  <option key={s.code} value={s.code}>
                    {s.code} {s.name}
                  </option>
                ))}
              </select>
            </label>
            <label>
              {t("recon.day")}
              <select data-testid="recon-filter-day" value={day} onChange={(e) => setDay(e.target.value)}>
                <option value="">{t("recon.all")}</option>
                {days.map((d) => (
                  <option key={d} value={d}>
                    {d}
                  </option>
                ))}
              </select>
            </label>
            {statusOptions.length > 0 && (
              <label>
                {t("recon.status")}
                <select data-testid="recon-filter-status" value={status} onChange={(e) => setStatus(e.target.value)}>
                  <option value="">{t("recon.all")}</option>
                  {statusOptions.map((s) => (
                    <option key={s} value={s}>
                      {t(listKey(s))}
                    </option>
                  ))}
                </select>
              </label>
            )}
          </div>
          {tab === "exceptions" && (
            <div className="table-scroll recon-table">
              {exceptions.length === 0 ? (
                <p className="muted" data-testid="recon-no-exceptions">
                  {view.exceptions.length === 0 ? t("recon.noExceptions") : t("recon.noneFiltered")}
                </p>
              ) : (
                <table className="batches" data-testid="recon-exceptions">
                  <thead>
                    <tr>
                      <th>{t("recon.col.list")}</th>
                      <th>{t("recon.station")}</th>
                      <th>{t("recon.col.number")}</th>
                      <th className="num">{t("recon.col.downtime")}</th>
                      <th className="num">{t("recon.col.his")}</th>
                      <th>{t("recon.col.what")}</th>
                      <th>{t("recon.col.todo")}</th>
                    </tr>
                  </thead>
                  <tbody>
                    {exceptions.map((e, i) => (
                      <tr key={i} data-testid={`recon-exception-${e.list}`}>
                        <td>{t(listKey(e.list))}</td>
                        <td>{e.station}</td>
                        <td>{e.number ?? (e.batch_seq !== null ? t("recon.batchN", { n: e.batch_seq }) : "")}</td>
                        <td className="num">{e.downtime_fen !== null ? formatFen(e.downtime_fen) : ""}</td>
                        <td className="num">{e.his_fen !== null ? formatFen(e.his_fen) : ""}</td>
                        <td className="recon-what">{text(e.what, e.what_en)}</td>
                        <td className="recon-todo">{text(e.todo, e.todo_en)}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              )}
            </div>
          )}
          {tab === "worklist" && <Worklist items={worklist} all={view.worklist.length} asOf={asOf} onView={setView} />}
          {tab === "marks" && <Marks view={view} asOf={asOf} onView={setView} />}
          {tab === "totals" && (
            <div className="recon-totals">
              <Totals title={t("recon.byStation")} rows={view.by_station.filter((r) => !station || r.key === station)} testId="recon-by-station" />
              <Totals title={t("recon.byDay")} rows={view.by_day.filter((r) => !day || r.key === day)} testId="recon-by-day" />
              <Totals
                title={t("recon.byTender")}
                rows={view.by_tender.map((r) => ({ ...r, label: methodLabel(t, r) }))}
                testId="recon-by-tender"
              />
            </div>
          )}
          {tab === "stations" && (
            <div className="table-scroll recon-table">
              <table className="batches" data-testid="recon-stations">
                <thead>
                  <tr>
                    <th>{t("recon.station")}</th>
                    <th>{t("recon.col.fingerprint")}</th>
                    <th>{t("recon.col.batches")}</th>
                    <th>{t("recon.col.missing")}</th>
                    <th className="num">{t("recon.col.receipts")}</th>
                  </tr>
                </thead>
                <tbody>
                  {view.stations
                    .filter((s) => !station || s.code === station)
                    .map((s) => (
                      <tr key={s.code} data-testid={`recon-station-${s.code}`}>
                        <td>
                          {s.code} {s.name}
                        </td>
                        <td>
                          <code className="recon-fp">{s.fingerprint}</code>
                        </td>
                        <td>{s.batches.join("、")}</td>
                        <td className={s.missing_batches.length > 0 ? "recon-missing" : undefined}>
                          {s.missing_batches.length > 0 ? s.missing_batches.join("、") : "—"}
                        </td>
                        <td className="num">{s.receipts}</td>
                      </tr>
                    ))}
                </tbody>
              </table>
            </div>
          )}
          <div className="export-target recon-write">
            <label htmlFor="recon-out">{t("recon.out")}</label>
            <input id="recon-out" data-testid="recon-out" value={out} placeholder={t("recon.outHint")} onChange={(e) => setOut(e.target.value)} />
            <button type="button" data-testid="recon-pick-out" onClick={() => void chooseFolder("out")} disabled={pick.pending}>
              {t("export.pick")}
            </button>
            <button type="button" data-testid="recon-write" onClick={() => void writeReport()} disabled={write.pending}>
              {t("recon.write")}
            </button>
          </div>
          {write.problem && <ErrorText problem={write.problem} testId="recon-write-error" />}
          {written && (
            <p className="notice" role="status" data-testid="recon-written">
              {t("recon.written")} {written.map((w) => w.split(/[\\/]/).pop()).join("、")}（{written[0]?.replace(/[\\/][^\\/]*$/, "")}）
            </p>
          )}
          <p className="muted recon-workspace">{t("recon.workspace", { path: view.workspace })}</p>
        </>
      )}
    </main>
  );
}

/** A tender's name in the user's language, when the catalog knows the method. */
function methodLabel(t: ReturnType<typeof useT>, r: ReconTotalView): string {
  const known = ["cash", "card", "wechat", "alipay", "cheque", "other"];
  return known.includes(r.key) ? t(`method.${r.key}` as MsgKey) : r.label;
}
