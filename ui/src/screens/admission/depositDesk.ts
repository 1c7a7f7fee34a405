//! The deposit account of the chosen admission (预交金账户), shared by the centre panel (forms
//! and movements) and the right column (balance, the receipt just issued, its print status).
//! The balance and every movement are the core's (`deposit_account`), read again after each
//! deposit, refund, void, cancel or transfer; nothing is added up here. The receipt just
//! issued and how it printed survive a trip home, like the charge screen's.

import { useCallback, useEffect, useRef, useState } from "react";
import { api, toIpcError } from "../../api";
import type { DepositAccountView } from "../../bindings/DepositAccountView";
import type { PrintResultView } from "../../bindings/PrintResultView";
import type { ReceiptView } from "../../bindings/ReceiptView";
import { useKept } from "../../hooks/useDraft";
import { useSubmit, type Problem } from "../../hooks/useSubmit";
import { NOT_PRINTED, usePrinter, type PrintState } from "../../components/printing";

/** The last receipt issued at this screen (deposit or deposit refund) and its print report. */
type Last = { inpatientNo: string; receipt: ReceiptView; print: PrintResultView | null };

export type DepositDesk = ReturnType<typeof useDepositDesk>;

export function useDepositDesk(inpatientNo: string | null) {
  const [account, setAccount] = useState<DepositAccountView | null>(null);
  const [loadProblem, setLoadProblem] = useState<Problem | null>(null);
  /** Only the reply to the latest read counts (another admission chosen, or read again). */
  const latest = useRef(0);
  const [kept, setLast] = useKept<Last | null>("dep.last", null);
  const last = kept && kept.inpatientNo === inpatientNo ? kept : null;
  const [printState, setPrintState] = useState<PrintState>(() => (last?.print ? { ...NOT_PRINTED, result: last.print } : NOT_PRINTED));
  const { layout, setLayout, print: printReceipt } = usePrinter();
  const [summary, setSummary] = useState<{ inpatientNo: string; path: string } | null>(null);
  const summaryRun = useSubmit();
  const current = useRef(inpatientNo);
  current.current = inpatientNo;

  const reload = useCallback(async () => {
    const no = current.current;
    const seq = ++latest.current;
    if (!no) return;
    try {
      const next = await api.depositAccount(no);
      if (seq !== latest.current) return;
      setAccount(next);
      setLoadProblem(null);
    } catch (e) {
      if (seq === latest.current) setLoadProblem({ ipc: toIpcError(e) });
    }
  }, []);

  useEffect(() => {
    setAccount(null);
    setLoadProblem(null);
    setSummary(null);
    void reload();
  }, [inpatientNo, reload]);

  const print = useCallback(
    (receipt: ReceiptView, copy: boolean) => {
      const no = current.current ?? "";
      return printReceipt(receipt.receipt_no, copy, (s) => {
        setPrintState(s);
        if (s.result) setLast({ inpatientNo: no, receipt, print: s.result });
      });
    },
    [printReceipt, setLast],
  );

  /** A receipt the core just issued: shown large, printed at once, the account read again. */
  const issued = useCallback(
    (receipt: ReceiptView) => {
      setLast({ inpatientNo: current.current ?? "", receipt, print: null });
      void print(receipt, false);
      void reload();
    },
    [print, reload, setLast],
  );

  /** Ctrl+R: the last receipt again, marked 副本. */
  const reprint = useCallback(() => {
    if (last && !printState.pending) void print(last.receipt, true);
  }, [last, print, printState.pending]);

  const printSummary = useCallback(() => {
    const no = current.current;
    if (!no) return;
    void summaryRun.run(async () => setSummary({ inpatientNo: no, path: await api.printDepositSummary(no) }));
  }, [summaryRun.run]);

  return {
    inpatientNo,
    account,
    loadProblem,
    reload,
    last: last?.receipt ?? null,
    printState: last ? printState : NOT_PRINTED,
    layout,
    setLayout,
    issued,
    reprint,
    summaryPath: summary && summary.inpatientNo === inpatientNo ? summary.path : null,
    summaryPending: summaryRun.pending,
    summaryProblem: summaryRun.problem,
    printSummary,
  };
}
