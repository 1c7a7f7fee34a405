//! Ctrl+Y 未打印 (印 yìn): the receipts whose last printing did not reach the printer (missing, paused,
//! rejecting jobs), as the core lists them, with why. ↑ ↓ move between them, Enter prints the
//! one chosen: the core decides whether it is the original (never printed yet) or a 副本. A
//! receipt that reaches the printer leaves the list; one that fails again stays, with the new
//! reason. The layout is this counter's (as after a charge).

import { useCallback, useEffect, useRef, useState, type KeyboardEvent } from "react";
import { api, toIpcError, type IpcError } from "../api";
import type { AppStatus } from "../bindings/AppStatus";
import type { UnprintedView } from "../bindings/UnprintedView";
import { Dialog } from "../components/Dialog";
import { ErrorText } from "../components/ErrorText";
import { formatFen, formatLocal } from "../format";
import { useT, type MsgKey } from "../i18n";
import { LayoutSelect, NOT_PRINTED, PrintStatus, usePrinter, type PrintState } from "../components/printing";

interface Props {
  onClose: () => void;
  /** The count in the status bar changes with the list. */
  onStatus: (s: AppStatus) => void;
}

export function UnprintedDialog({ onClose, onStatus }: Props) {
  const t = useT();
  const { layout, setLayout, print } = usePrinter();
  const [list, setList] = useState<UnprintedView[] | null>(null);
  const [problem, setProblem] = useState<IpcError | null>(null);
  const [printed, setPrinted] = useState<{ no: string; state: PrintState }>({ no: "", state: NOT_PRINTED });
  const buttons = useRef<(HTMLButtonElement | null)[]>([]);

  const load = useCallback(async () => {
    try {
      setList(await api.unprintedReceipts());
      onStatus(await api.appStatus());
    } catch (e) {
      setProblem(toIpcError(e));
    }
  }, [onStatus]);
  useEffect(() => {
    void load();
  }, [load]);
  useEffect(() => {
    if (list && list.length > 0 && !buttons.current.some((b) => b === document.activeElement)) buttons.current[0]?.focus();
  }, [list]);

  function printOne(no: string) {
    void print(no, false, (state) => {
      setPrinted({ no, state });
      if (!state.pending) void load();
    });
  }

  function move(e: KeyboardEvent) {
    if (e.key !== "ArrowDown" && e.key !== "ArrowUp") return;
    const at = buttons.current.findIndex((b) => b === document.activeElement);
    const next = Math.max(0, Math.min((list?.length ?? 1) - 1, at + (e.key === "ArrowDown" ? 1 : -1)));
    buttons.current[next]?.focus();
    e.preventDefault();
  }

  return (
    <Dialog title={t("unprinted.title")} onClose={onClose} size="wide">
      <p className="muted">{t("unprinted.hint")}</p>
      <LayoutSelect layout={layout} onChange={setLayout} />
      {problem && <ErrorText problem={{ ipc: problem }} testId="unprinted-error" />}
      {list && list.length === 0 && (
        <p className="ok-line" data-testid="unprinted-none">
          {t("unprinted.none")}
        </p>
      )}
      {list && list.length > 0 && (
        <table className="list unprinted-list" data-testid="unprinted-list" onKeyDown={move}>
          <thead>
            <tr>
              <th>{t("unprinted.receipt")}</th>
              <th>{t("unprinted.patient")}</th>
              <th className="num">{t("unprinted.amount")}</th>
              <th>{t("unprinted.issued")}</th>
              <th>{t("unprinted.why")}</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {list.map((u, i) => (
              <tr key={u.receipt_no} data-testid="unprinted-row">
                <td className="code">
                  {u.receipt_no}
                  {u.kind !== "charge" && <span className="tag">{t(`kind.${u.kind}` as MsgKey)}</span>}
                </td>
                <td>{u.patient_name}</td>
                <td className="num">{formatFen(u.total_fen)}</td>
                <td>{formatLocal(u.issued_at)}</td>
                <td className="unprinted-why">
                  {u.problem}
                  {u.attempts > 1 && <span className="muted">{t("unprinted.attempts", { n: u.attempts })}</span>}
                </td>
                <td>
                  <button
                    type="button"
                    ref={(b) => {
                      buttons.current[i] = b;
                    }}
                    data-testid="unprinted-print"
                    disabled={printed.state.pending}
                    onClick={() => printOne(u.receipt_no)}
                  >
                    {t(u.copy ? "unprinted.printCopy" : "unprinted.printOriginal")} <kbd>Enter</kbd>
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {printed.no && (
        <div data-testid="unprinted-result">
          <p className="code">{printed.no}</p>
          <PrintStatus state={printed.state} />
        </div>
      )}
    </Dialog>
  );
}
