//! 打印: the receipt is committed before it prints, so printing only reports. The core always
//! saves the PDF; it says whether it reached the printer and, if not, why. The layout (A5 or
//! the 80 mm roll) is a property of this counter's printer, remembered on this computer.
//! Wherever the saved PDF's path shows, 打开 PDF opens it in the system's viewer, whose own
//! print dialog can then print it (a printer the desk is not set up for, or a second copy).

import { createContext, useCallback, useContext, useState } from "react";
import { api, toIpcError, type IpcError, type PrintLayout } from "../api";
import type { PrintResultView } from "../bindings/PrintResultView";
import { ErrorText } from "./ErrorText";
import { useSubmit } from "../hooks/useSubmit";
import { KeySelect, type KeyOption } from "./KeySelect";
import { useLang, useT } from "../i18n";

const LAYOUT_KEY = "downtime-desk.print-layout";

function storedLayout(): PrintLayout {
  try {
    return localStorage.getItem(LAYOUT_KEY) === "roll80" ? "roll80" : "a5";
  } catch {
    return "a5";
  }
}

/** What printing a receipt came to: out, done (with the core's report), or refused. */
export type PrintState = { pending: boolean; result: PrintResultView | null; problem: IpcError | null };

export const NOT_PRINTED: PrintState = { pending: false, result: null, problem: null };

/** Reads the window's status again (the shell provides it): after a printing, the count of
 *  documents not printed and the next paper invoice number change. */
export const StatusRefresh = createContext<() => void>(() => {});

/** The layout and a `print` that reports through `onState`. */
export function usePrinter() {
  const refresh = useContext(StatusRefresh);
  const [layout, setLayoutState] = useState<PrintLayout>(storedLayout);
  const setLayout = useCallback((next: PrintLayout) => {
    setLayoutState(next);
    try {
      localStorage.setItem(LAYOUT_KEY, next);
    } catch {
      // Without storage the choice lasts for this session.
    }
  }, []);
  const print = useCallback(
    async (receiptNo: string, copy: boolean, onState: (s: PrintState) => void) => {
      onState({ pending: true, result: null, problem: null });
      try {
        onState({ pending: false, result: await api.printReceipt(receiptNo, layout, copy), problem: null });
      } catch (e) {
        onState({ pending: false, result: null, problem: toIpcError(e) });
      }
      refresh();
    },
    [layout, refresh],
  );
  return { layout, setLayout, print };
}

export function LayoutSelect({ layout, onChange }: { layout: PrintLayout; onChange: (l: PrintLayout) => void }) {
  const t = useT();
  const options: KeyOption<PrintLayout>[] = [
    { value: "a5", label: t("print.a5") },
    { value: "roll80", label: t("print.roll80") },
  ];
  return <KeySelect name="layout" label={t("print.layout")} testId="print-layout" value={layout} options={options} onChange={onChange} className="print-layout" />;
}

/** 已发送到打印机, or why not and where the PDF is. Test ids `print-status` / `print-path`
 *  unless a screen showing two of these names them apart. */
export function PrintStatus({ state, testId = "print-status", pathTestId = "print-path" }: { state: PrintState; testId?: string; pathTestId?: string }) {
  const t = useT();
  const { lang } = useLang();
  const { pending, result, problem } = state;
  if (pending) {
    return (
      <p className="print-status muted" data-testid={testId} role="status">
        {t("print.printing")}
      </p>
    );
  }
  if (problem) return <ErrorText problem={{ ipc: problem }} testId={testId} />;
  if (!result) return null;
  const why = (lang === "en" ? result.problem_en : result.problem) ?? result.problem ?? "";
  return (
    <div className={`print-status ${result.sent_to_printer ? "ok" : "warn"}`} role="status">
      <p data-testid={testId}>
        {result.copy && <span className="tag">{t("print.copy")}</span>}{" "}
        {result.sent_to_printer ? t("print.sent") : t("print.notSent", { why })}
      </p>
      {result.pdf_path && <SavedPdf path={result.pdf_path} pathTestId={pathTestId} />}
    </div>
  );
}

/** PDF 已保存: the path, and 打开 PDF with its error (`pdf_unknown`, `pdf_open_failed`) beside it. */
export function SavedPdf({ path, pathTestId, openTestId = "open-pdf" }: { path: string; pathTestId: string; openTestId?: string }) {
  const t = useT();
  const opening = useSubmit();
  return (
    <div className="saved-pdf">
      <p className="print-pdf">
        {t("print.pdfSaved")} <span className="code" data-testid={pathTestId}>{path}</span>
      </p>
      <button type="button" className="open-pdf" data-testid={openTestId} disabled={opening.pending} onClick={() => void opening.run(async () => void (await api.openPdf(path)))}>
        {t("print.openPdf")}
      </button>
      {opening.problem && <ErrorText problem={opening.problem} testId={`${openTestId}-error`} />}
    </div>
  );
}
