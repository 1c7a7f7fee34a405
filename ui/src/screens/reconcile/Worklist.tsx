//! The recovery worklists of the finance screen: each item pending re-settlement, exchange or
//! conversion, marked done with the HIS invoice number (a journalled record in the workspace),
//! and the marks made, each of which can be withdrawn with a reason. The core decides what is
//! due or overdue; this only shows it and sends the marks.

import { useEffect, useRef, useState } from "react";
import { api } from "../../api";
import type { ReconView } from "../../bindings/ReconView";
import type { ReconWorkView } from "../../bindings/ReconWorkView";
import { ErrorText } from "../../components/ErrorText";
import { formatFen, formatLocal } from "../../format";
import { useSubmit } from "../../hooks/useSubmit";
import { useT, type MsgKey } from "../../i18n";

/** The message key naming a list (an exception list or a worklist). */
export const listKey = (list: string) => `recon.list.${list}` as MsgKey;

export function Worklist({ items, all, asOf, onView }: { items: ReconWorkView[]; all: number; asOf: string; onView: (v: ReconView) => void }) {
  const t = useT();
  const [open, setOpen] = useState<string | null>(null);
  const [hisNo, setHisNo] = useState("");
  const [note, setNote] = useState("");
  const mark = useSubmit();
  const hisInput = useRef<HTMLInputElement>(null);
  useEffect(() => hisInput.current?.focus(), [open]);

  async function confirm(number: string) {
    const failed = await mark.run(async () => {
      onView(await api.reconcileMark(number, hisNo, note, asOf.trim() || null));
      setOpen(null);
      setHisNo("");
      setNote("");
    });
    if (failed) hisInput.current?.focus();
  }

  if (items.length === 0) {
    return (
      <p className="muted" data-testid="recon-no-work">
        {all === 0 ? t("recon.noWork") : t("recon.noneFiltered")}
      </p>
    );
  }
  return (
    <div className="table-scroll recon-table">
      <table className="batches" data-testid="recon-worklist">
        <thead>
          <tr>
            <th>{t("recon.col.list")}</th>
            <th>{t("recon.station")}</th>
            <th>{t("recon.col.number")}</th>
            <th>{t("recon.col.patient")}</th>
            <th>{t("recon.col.phone")}</th>
            <th className="num">{t("recon.col.amount")}</th>
            <th>{t("recon.day")}</th>
            <th>{t("recon.col.due")}</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {items.map((w) => (
            <WorkRow
              key={w.record_uuid}
              w={w}
              open={open === w.record_uuid}
              onOpen={() => {
                mark.setProblem(null);
                setOpen(open === w.record_uuid ? null : w.record_uuid);
              }}
            >
              <div className="recon-mark-form">
                <label>
                  {t("recon.hisNo")}
                  <input
                    ref={hisInput}
                    data-testid="recon-mark-his"
                    value={hisNo}
                    onChange={(e) => setHisNo(e.target.value)}
                    onKeyDown={(e) => {
                      if (e.key === "Enter") {
                        e.preventDefault();
                        void confirm(w.number);
                      }
                    }}
                  />
                </label>
                <label>
                  {t("recon.note")}
                  <input data-testid="recon-mark-note" value={note} onChange={(e) => setNote(e.target.value)} />
                </label>
                <button type="button" className="primary" data-testid="recon-mark-confirm" disabled={mark.pending} onClick={() => void confirm(w.number)}>
                  {t("recon.markConfirm")} <kbd>Enter</kbd>
                </button>
                {mark.problem && <ErrorText problem={mark.problem} testId="recon-mark-error" />}
              </div>
            </WorkRow>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function WorkRow({ w, open, onOpen, children }: { w: ReconWorkView; open: boolean; onOpen: () => void; children: React.ReactNode }) {
  const t = useT();
  return (
    <>
      <tr data-testid={`recon-work-${w.number}`} className={w.overdue ? "recon-overdue" : undefined}>
        <td>{t(listKey(w.list))}</td>
        <td>{w.station}</td>
        <td>{w.number}</td>
        <td>{w.patient}</td>
        <td>{w.phone}</td>
        <td className="num">{w.list === "convert_pending" ? "" : formatFen(w.amount_fen)}</td>
        <td>{w.day}</td>
        <td>
          {w.due ?? ""}
          {w.provisional ? t("recon.provisional") : ""}
        </td>
        <td>
          <button type="button" data-testid={`recon-mark-${w.number}`} onClick={onOpen}>
            {t("recon.mark")}
          </button>
        </td>
      </tr>
      {open && (
        <tr className="recon-mark-row">
          <td colSpan={9}>{children}</td>
        </tr>
      )}
    </>
  );
}

export function Marks({ view, asOf, onView }: { view: ReconView; asOf: string; onView: (v: ReconView) => void }) {
  const t = useT();
  const [open, setOpen] = useState<string | null>(null);
  const [reason, setReason] = useState("");
  const unmark = useSubmit();

  async function confirm(number: string) {
    await unmark.run(async () => {
      onView(await api.reconcileUnmark(number, reason, asOf.trim() || null));
      setOpen(null);
      setReason("");
    });
  }

  if (view.marks.length === 0) {
    return (
      <p className="muted" data-testid="recon-no-marks">
        {t("recon.noMarks", { his: view.summary.done_by_his })}
      </p>
    );
  }
  return (
    <div className="table-scroll recon-table">
      <p className="muted">{t("recon.doneCounts", { his: view.summary.done_by_his, mark: view.summary.done_by_mark })}</p>
      <table className="batches" data-testid="recon-marks">
        <thead>
          <tr>
            <th>{t("recon.col.number")}</th>
            <th>{t("recon.col.list")}</th>
            <th>{t("recon.hisNo")}</th>
            <th>{t("recon.note")}</th>
            <th>{t("recon.col.by")}</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {view.marks.map((m) => (
            <tr key={m.number} data-testid={`recon-marked-${m.number}`}>
              <td>{m.number}</td>
              <td>{t(`recon.mlist.${m.list}` as MsgKey)}</td>
              <td>{m.his_no}</td>
              <td>{m.note}</td>
              <td>
                {m.marked_by} {formatLocal(m.marked_at)}
              </td>
              <td>
                {open === m.number ? (
                  <span className="recon-unmark">
                    <input
                      autoFocus
                      data-testid="recon-unmark-reason"
                      placeholder={t("recon.unmarkReason")}
                      value={reason}
                      onChange={(e) => setReason(e.target.value)}
                      onKeyDown={(e) => {
                        if (e.key === "Enter") {
                          e.preventDefault();
                          void confirm(m.number);
                        }
                      }}
                    />
                    <button type="button" data-testid="recon-unmark-confirm" onClick={() => void confirm(m.number)} disabled={unmark.pending}>
                      {t("recon.unmarkConfirm")}
                    </button>
                  </span>
                ) : (
                  <button type="button" data-testid={`recon-unmark-${m.number}`} onClick={() => setOpen(m.number)}>
                    {t("recon.unmark")}
                  </button>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {unmark.problem && <ErrorText problem={unmark.problem} testId="recon-unmark-error" />}
    </div>
  );
}
