import { screen, waitFor, within } from "@testing-library/react";
import { describe, expect, test } from "vitest";
import type { BatchView } from "../../bindings/BatchView";
import type { ExportOverview } from "../../bindings/ExportOverview";
import type { ExportResultView } from "../../bindings/ExportResultView";
import { callsOf, fakeBackend, ipcError, operator, renderApp, status } from "../../test/fixtures";

function batch(seq: number): BatchView {
  return {
    seq,
    folder: `MZ01-batch-00000${seq}`,
    created_at: "2026-11-26T02:00:00.000000Z",
    created_by: "赵主管",
    journal_first_seq: 1,
    journal_last_seq: 120,
    entries: 120,
    receipts: 40,
    chain_head: "ab".repeat(32),
    written_to: "/media/usb",
  };
}

function written(seq: number): ExportResultView {
  return {
    written: true,
    batch: batch(seq),
    path: `/media/usb/MZ01-batch-00000${seq}`,
    last_batch: seq,
    exceptions: 0,
    net_fen: 123450,
    files: ["records.jsonl"],
  };
}

const supervisor = () => status({ operator: operator("赵主管", "supervisor") });

describe("导出批次 (Ctrl+E)", () => {
  test("a supervisor exports the next batch into a typed folder; the list shows it and offers to write it again", async () => {
    let overview: ExportOverview = { pending_entries: 120, batches: [] };
    const calls = fakeBackend({
      app_status: supervisor,
      export_overview: () => overview,
      export_batch: () => {
        overview = { pending_entries: 0, batches: [batch(1)] };
        return written(1);
      },
      rerender_batch: () => written(1),
    });
    const { user } = renderApp();
    await screen.findByTestId("status-bar");
    await user.keyboard("{Control>}e{/Control}");
    expect(await screen.findByTestId("export-screen")).toBeInTheDocument();
    expect(await screen.findByTestId("export-pending")).toHaveTextContent("上一批之后新增 120 条记录");
    expect(screen.getByTestId("export-folder")).toHaveFocus();
    await user.keyboard("/media/usb{Enter}");
    const result = await screen.findByTestId("export-result");
    expect(result).toHaveTextContent("已写入第 1 批");
    expect(result).toHaveTextContent("/media/usb/MZ01-batch-000001");
    expect(result).toHaveTextContent("净额 ¥1,234.50");
    expect(callsOf(calls, "export_batch").map((c) => c.args)).toEqual([{ folder: "/media/usb" }]);
    const row = await screen.findByTestId("batch-1");
    expect(row).toHaveTextContent("赵主管");
    expect(row).toHaveTextContent("abababababababab");
    await user.click(within(row).getByTestId("rerender-1"));
    await waitFor(() => expect(callsOf(calls, "rerender_batch").map((c) => c.args)).toEqual([{ seq: 1, folder: "/media/usb" }]));
  });

  test("nothing new says so; a folder that does not exist is named and keeps the focus there", async () => {
    let reply: () => ExportResultView = () => {
      throw ipcError("export_folder_missing", "导出位置 /media/nothing 不存在或不是文件夹：请选择已有的文件夹（例如 U 盘）");
    };
    fakeBackend({
      app_status: supervisor,
      export_overview: () => ({ pending_entries: 0, batches: [batch(1)] }),
      export_batch: () => reply(),
    });
    const { user } = renderApp();
    await screen.findByTestId("status-bar");
    await user.keyboard("{Control>}e{/Control}");
    await user.type(await screen.findByTestId("export-folder"), "/media/nothing{Enter}");
    expect(await screen.findByTestId("export-error")).toHaveTextContent("不存在或不是文件夹");
    expect(screen.getByTestId("export-folder")).toHaveFocus();
    reply = () => ({ written: false, batch: null, path: null, last_batch: 1, exceptions: 0, net_fen: 0, files: [] });
    await user.keyboard("{Control>}{Enter}{/Control}");
    expect(await screen.findByTestId("export-result")).toHaveTextContent("第 1 批之后没有新的记录");
  });

  test("a cashier is not offered the export, and Ctrl+E says why", async () => {
    fakeBackend({ app_status: () => status({ operator: operator("李收费", "cashier") }) });
    const { user } = renderApp();
    await screen.findByTestId("status-bar");
    expect(screen.queryByTestId("nav-export")).not.toBeInTheDocument();
    await user.keyboard("{Control>}e{/Control}");
    expect(await screen.findByTestId("notice")).toHaveTextContent("导出批次需要主管、管理员或财务");
    expect(screen.queryByTestId("export-screen")).not.toBeInTheDocument();
  });

  test("what is offered follows the permissions the core sent, not the role's name", async () => {
    // A supervisor whose status does not list `export` is not offered it; a cashier whose
    // status lists `export` and `reconcile` is offered both.
    fakeBackend({ app_status: () => status({ operator: operator("赵主管", "supervisor"), may: ["manage_outage", "supervise"] }) });
    const first = renderApp();
    await screen.findByTestId("status-bar");
    expect(screen.queryByTestId("nav-export")).not.toBeInTheDocument();
    expect(screen.queryByTestId("nav-reconcile")).not.toBeInTheDocument();
    first.unmount();
    fakeBackend({ app_status: () => status({ operator: operator("李收费", "cashier"), may: ["open_shift", "register", "export", "reconcile"] }) });
    renderApp();
    await screen.findByTestId("status-bar");
    expect(screen.getByTestId("nav-export")).toBeInTheDocument();
    expect(screen.getByTestId("nav-reconcile")).toBeInTheDocument();
  });
});
