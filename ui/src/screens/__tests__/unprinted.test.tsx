import { screen, waitFor } from "@testing-library/react";
import { describe, expect, test } from "vitest";
import type { UnprintedView } from "../../bindings/UnprintedView";
import { callsOf, fakeBackend, printResult, renderApp, status } from "../../test/fixtures";

function unprinted(receipt_no: string, copy: boolean, over: Partial<UnprintedView> = {}): UnprintedView {
  return {
    receipt_no,
    kind: "charge",
    patient_name: "张三",
    total_fen: 2000,
    issued_at: "2026-11-26T02:00:00.000000Z",
    copy,
    printer: "counter-a5",
    problem: "打印机 counter-a5 已暂停：已保存为 PDF，列为未打印；恢复打印机后重印",
    tried_at: "2026-11-26T02:00:01.000000Z",
    attempts: 1,
    ...over,
  };
}

describe("未打印 (Ctrl+Y)", () => {
  test("the status bar counts them; Enter prints the one chosen and it leaves the list", async () => {
    let list = [unprinted("MZ01-000004", true), unprinted("MZ01-000007", false, { kind: "refund", attempts: 2 })];
    const calls = fakeBackend({
      app_status: () => status({ unprinted: list.length }),
      unprinted_receipts: () => list,
      print_receipt: (a) => {
        list = list.filter((u) => u.receipt_no !== a?.receipt_no);
        return printResult({ receipt_no: a?.receipt_no as string, copy: false });
      },
    });
    const { user } = renderApp();
    expect(await screen.findByTestId("status-unprinted")).toHaveTextContent("未打印 2 张");
    await user.keyboard("{Control>}y{/Control}");
    const rows = await screen.findAllByTestId("unprinted-row");
    expect(rows).toHaveLength(2);
    expect(rows[0]).toHaveTextContent("MZ01-000004");
    expect(rows[0]).toHaveTextContent("已暂停");
    expect(rows[1]).toHaveTextContent("退费");
    expect(rows[1]).toHaveTextContent("已试 2 次");
    // The core says which: a copy for one printed before, the original for one never printed.
    const buttons = screen.getAllByTestId("unprinted-print");
    expect(buttons.map((b) => b.textContent)).toEqual(["打印副本 Enter", "打印正本 Enter"]);
    expect(buttons[0]).toHaveFocus();
    await user.keyboard("{ArrowDown}");
    expect(buttons[1]).toHaveFocus();
    await user.keyboard("{Enter}");
    expect(await screen.findByTestId("print-status")).toHaveTextContent("已发送到打印机");
    // The window asks nothing about copies: the core decides.
    expect(callsOf(calls, "print_receipt").map((c) => c.args)).toEqual([{ receipt_no: "MZ01-000007", layout: "a5", copy: false }]);
    await waitFor(() => expect(screen.getAllByTestId("unprinted-row")).toHaveLength(1));
    await waitFor(() => expect(screen.getByTestId("status-unprinted")).toHaveTextContent("未打印 1 张"));
  });

  test("none left: said plainly, and no count in the status bar", async () => {
    fakeBackend({ app_status: () => status(), unprinted_receipts: () => [] });
    const { user } = renderApp();
    await screen.findByTestId("status-bar");
    expect(screen.queryByTestId("status-unprinted")).not.toBeInTheDocument();
    await user.keyboard("{Control>}y{/Control}");
    expect(await screen.findByTestId("unprinted-none")).toHaveTextContent("没有未打印的单据");
  });
});
