import { screen, waitFor, within } from "@testing-library/react";
import { describe, expect, test } from "vitest";
import type { CountInput } from "../../bindings/CountInput";
import {
  activeOutage,
  callsOf,
  fakeBackend,
  ipcError,
  openShiftView,
  operator,
  periodReport,
  renderApp,
  shiftReport,
  status,
} from "../../test/fixtures";

const printed = { pdf_path: "/tmp/reports/交班单-Z.pdf", sent_to_printer: false, problem: "未配置打印机：已保存为 PDF，可另行打印", problem_en: "No printer", copy: false };

/** The core's check of a count against ¥567.16 expected, threshold ¥10. */
function check(count: CountInput) {
  const counted = count.counted_fen ?? (count.denominations ?? []).reduce((n, d) => n + d.value_fen * d.count, 0);
  const difference = counted - 56716;
  return {
    counted_fen: counted,
    expected_cash_fen: 56716,
    difference_fen: difference,
    threshold_fen: 1000,
    needs_reason: difference !== 0,
    needs_supervisor: Math.abs(difference) > 1000,
  };
}

function backend(extra: Record<string, (a?: Record<string, unknown>) => unknown> = {}) {
  return fakeBackend({
    app_status: () => status({ shift: openShiftView(50000) }),
    shift_report: () => shiftReport(),
    check_count: (a) => check(a?.count as CountInput),
    close_shift: () => ({
      status: status(),
      report: shiftReport({ kind: "z", closed_at: "2026-11-26T09:00:00Z", counted_cash_fen: 58716, difference_fen: 2000 }),
      print: printed,
    }),
    print_shift_report: () => ({ ...printed, copy: true, pdf_path: "/tmp/reports/交班单-Z-副本.pdf" }),
    open_pdf: () => null,
    ...extra,
  });
}

describe("F10 handover", () => {
  test("shows the sheet: groups, tenders, expected cash and the journal anchor", async () => {
    backend();
    const { user } = renderApp();
    await screen.findByTestId("status-bar");
    await user.keyboard("{F10}");
    expect(await screen.findByTestId("handover-title")).toHaveTextContent("交班单（X 报表·班中）");
    expect(screen.getByTestId("sheet-groups")).toHaveTextContent("门诊收费2¥77.16");
    expect(screen.getByTestId("sheet-groups")).toHaveTextContent("作废1¥10.00");
    expect(screen.getByTestId("sheet-net")).toHaveTextContent("¥67.16");
    expect(screen.getByTestId("sheet-expected")).toHaveTextContent("¥567.16");
    expect(screen.getByTestId("sheet-receipts")).toHaveTextContent("收据 2 张：MZ01-000001—000002");
    expect(screen.getByTestId("sheet-categories")).toHaveTextContent("检查费 ¥67.16");
    expect(screen.getByTestId("sheet-anchor")).toHaveTextContent("流水第 42 条 · 哈希 0123456789abcdef");
    expect(screen.getByTestId("shift-counted")).toHaveFocus();
    expect(screen.getByTestId("fkey-bar")).toHaveTextContent("Ctrl+D");
  });

  test("a difference above the threshold is approved in place by a supervisor", async () => {
    const calls = backend();
    const { user } = renderApp();
    await screen.findByTestId("status-bar");
    await user.keyboard("{F10}");
    await user.type(await screen.findByTestId("shift-counted"), "587.16");
    await waitFor(() => expect(screen.getByTestId("count-difference")).toHaveTextContent("¥20.00"));
    expect(screen.getByTestId("count-counted")).toHaveTextContent("¥587.16");
    expect(await screen.findByTestId("shift-sup-name")).toBeInTheDocument();
    expect(screen.getByText("主管确认（差额超过 ¥10.00，不能是交班本人）")).toBeInTheDocument();
    await user.keyboard("{Enter}多收患者二十元{Enter}陈主管{Enter}1357{Enter}");
    expect(await screen.findByTestId("handover-closed")).toHaveTextContent("已交班");
    expect(screen.getByTestId("handover-closed-diff")).toHaveTextContent("差额 ¥20.00");
    expect(screen.getByTestId("handover-title")).toHaveTextContent("Z 报表");
    expect(screen.getByTestId("handover-printed")).toHaveTextContent("交班单已保存为 PDF：/tmp/reports/交班单-Z.pdf");
    expect(screen.getByTestId("status-shift")).toHaveTextContent("未开班");
    expect(callsOf(calls, "close_shift").map((c) => c.args)).toEqual([
      {
        input: { count: { counted_fen: 58716, denominations: null }, reason: "多收患者二十元", supervisor: { name: "陈主管", pin: "1357" } },
      },
    ]);
    // Printed again, the Z report is a copy.
    await user.keyboard("{Control>}r{/Control}");
    expect(await screen.findByTestId("handover-printed")).toHaveTextContent("副本已保存为 PDF");
    expect(callsOf(calls, "print_shift_report")[0].args).toEqual({ shift_id: "shift-1", layout: "a4" });
  });

  test("counted by denomination, the core's total and difference show", async () => {
    const calls = backend();
    const { user } = renderApp();
    await screen.findByTestId("status-bar");
    await user.keyboard("{F10}");
    await screen.findByTestId("shift-counted");
    await user.keyboard("{Control>}d{/Control}");
    expect(screen.getByTestId("count-10000")).toHaveFocus();
    await user.keyboard("5{Enter}1{Enter}{Enter}1{Enter}{Enter}{Enter}{Enter}1");
    await waitFor(() => expect(screen.getByTestId("count-counted")).toHaveTextContent("¥560.10"));
    expect(screen.getByTestId("count-difference")).toHaveTextContent("-¥7.06");
    const last = callsOf(calls, "check_count").at(-1);
    expect(last?.args).toEqual({
      count: {
        counted_fen: null,
        denominations: [
          { value_fen: 10000, count: 5 },
          { value_fen: 5000, count: 1 },
          { value_fen: 1000, count: 1 },
          { value_fen: 10, count: 1 },
        ],
      },
    });
    expect(screen.queryByTestId("shift-sup-name")).not.toBeInTheDocument();
  });

  test("the core's refusal lands next to its field and nothing closes", async () => {
    const calls = backend({
      close_shift: () => {
        throw ipcError("shift_difference_needs_reason", "清点现金 ¥560.00 与应有现金 ¥567.16 相差 -¥7.16：请填写差额原因");
      },
    });
    const { user } = renderApp();
    await screen.findByTestId("status-bar");
    await user.keyboard("{F10}");
    await user.type(await screen.findByTestId("shift-counted"), "560");
    await screen.findByText("差额原因（必填）");
    await user.keyboard("{Enter}{Enter}");
    expect(await screen.findByTestId("handover-error")).toHaveTextContent("相差 -¥7.16");
    expect(screen.getByTestId("shift-reason")).toHaveFocus();
    expect(screen.queryByTestId("handover-closed")).not.toBeInTheDocument();
    expect(callsOf(calls, "close_shift")).toHaveLength(1);
  });

  test("an amount that is not one is refused before any call", async () => {
    const calls = backend();
    const { user } = renderApp();
    await screen.findByTestId("status-bar");
    await user.keyboard("{F10}");
    await user.type(await screen.findByTestId("shift-counted"), "12.345{Enter}");
    expect(await screen.findByTestId("count-check-error")).toHaveTextContent("金额格式不对");
    expect(callsOf(calls, "check_count")).toHaveLength(0);
  });
});

describe("ending the outage", () => {
  test("refused with shifts open, ended when the supervisor confirms, then its report is offered", async () => {
    const outage = activeOutage("2026-11-26T00:30:00.000000Z");
    const calls = fakeBackend({
      app_status: () => status({ outage, operator: operator("陈主管", "supervisor") }),
      end_outage: (a) => {
        const input = a?.input as { with_open_shifts: boolean };
        if (!input.with_open_shifts) throw ipcError("outage_shifts_open", "还有 1 个班次未交班：李收费（2026-11-26 09:02 开班）。请先交班，或由主管确认仍然结束应急");
        return status({ operator: operator("陈主管", "supervisor"), outage: { ...outage, active: false } });
      },
      outage_report: () => periodReport(),
      print_outage_report: () => ({ ...printed, pdf_path: "/tmp/reports/应急报表-A4.pdf" }),
      export_overview: () => ({ pending_entries: 3, batches: [] }),
    });
    const { user } = renderApp();
    await screen.findByTestId("outage-banner");
    await user.keyboard("{F11}{Enter}");
    expect(await screen.findByTestId("outage-error")).toHaveTextContent("还有 1 个班次未交班：李收费");
    await user.click(screen.getByTestId("outage-with-open-shifts"));
    await user.click(screen.getByTestId("outage-submit"));
    const report = await screen.findByTestId("outage-report");
    expect(callsOf(calls, "end_outage").map((c) => (c.args?.input as { with_open_shifts: boolean }).with_open_shifts)).toEqual([false, true]);
    expect(within(report).getByTestId("report-operators")).toHaveTextContent("张三¥67.16¥567.16");
    expect(screen.getByTestId("report-net")).toHaveTextContent("¥67.16");
    expect(screen.getByTestId("chart-hourly")).toBeInTheDocument();
    expect(screen.getByTestId("chart-tenders")).toHaveTextContent("现金¥67.16");
    expect(screen.getByTestId("report-print")).toHaveFocus();
    await user.keyboard("{Enter}");
    expect(await screen.findByTestId("report-printed")).toHaveTextContent("/tmp/reports/应急报表-A4.pdf");
    // Then on to the final batch.
    await user.keyboard("{Escape}");
    expect(await screen.findByTestId("export-final")).toBeInTheDocument();
    expect(screen.queryByTestId("outage-report")).not.toBeInTheDocument();
  });

  test("a cashier ending it with a supervisor's PIN is not offered what they may not read", async () => {
    const outage = activeOutage("2026-11-26T00:30:00.000000Z");
    const calls = fakeBackend({
      app_status: () => status({ outage }),
      end_outage: () => status({ outage: { ...outage, active: false } }),
    });
    const { user } = renderApp();
    await screen.findByTestId("outage-banner");
    expect(screen.queryByTestId("nav-outageReport")).not.toBeInTheDocument();
    await user.keyboard("{F11}");
    await user.type(screen.getByTestId("sup-name"), "陈主管");
    await user.type(screen.getByTestId("sup-pin"), "1357{Enter}");
    expect(await screen.findByTestId("notice")).toHaveTextContent("应急");
    expect(screen.queryByTestId("outage-report")).not.toBeInTheDocument();
    expect(callsOf(calls, "outage_report")).toHaveLength(0);
  });
});

describe("paper invoice books on the handover", () => {
  const book = { operator: "张三", first: "0001", last: "0050", count: 50, used: 3, voided: 1, skipped: 2, unused: { first: "0006", last: "0050", count: 45 } };
  const paper = {
    books: [book],
    used: [
      { paper_no: "0001", receipt_no: "MZ01-000001", voided: false },
      { paper_no: "0004", receipt_no: "MZ01-000002", voided: true },
      { paper_no: "0005", receipt_no: "MZ01-000003", voided: false },
    ],
    skipped: [{ first: "0002", last: "0003", count: 2 }],
    repeated: [],
  };

  test("each book is accounted for: used, voided, skipped, unused", async () => {
    const base = shiftReport();
    backend({ shift_report: () => ({ ...base, paper_numbers: paper }) });
    const { user } = renderApp();
    await screen.findByTestId("status-bar");
    await user.keyboard("{F10}");
    expect(await screen.findByTestId("sheet-paper-book")).toHaveTextContent(
      "票据本 0001–0050（50 张）：已用 3 张（作废 1 张），跳号 2 张，未用 0006–0050（45 张）",
    );
    expect(screen.getByTestId("sheet-receipts")).toHaveTextContent("0004（作废）");
    expect(screen.getByTestId("sheet-paper-skipped")).toHaveTextContent("0002 — 0003");
  });

  test("Ctrl+N registers the next book; the sheet is read again", async () => {
    const calls = backend({ register_paper_book: () => status({ shift: openShiftView(50000) }) });
    const { user } = renderApp();
    await screen.findByTestId("status-bar");
    await user.keyboard("{F10}");
    await screen.findByTestId("handover-title");
    await user.keyboard("{Control>}n{/Control}");
    expect(await screen.findByTestId("book-from")).toHaveFocus();
    await user.keyboard("0051{Enter}0100{Enter}");
    expect(await screen.findByTestId("book-done")).toHaveTextContent("已登记票据本 0051–0100");
    expect(callsOf(calls, "register_paper_book").map((c) => c.args)).toEqual([{ paper_from: "0051", paper_to: "0100" }]);
    await waitFor(() => expect(callsOf(calls, "shift_report")).toHaveLength(2));
  });
});
