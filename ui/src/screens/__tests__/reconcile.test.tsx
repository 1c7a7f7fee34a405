import { screen, waitFor, within } from "@testing-library/react";
import { describe, expect, test } from "vitest";
import type { ReconView } from "../../bindings/ReconView";
import { callsOf, fakeBackend, ipcError, operator, renderApp, status, willPick } from "../../test/fixtures";

const empty: ReconView = {
  workspace: "/home/li/.local/share/downtime-desk/reconcile.sqlite3",
  balanced: false,
  his_imported: false,
  his_files: [],
  as_of: "2026-12-20",
  summary: { stations: 0, batches: 0, receipts: 0, postings: 0, exceptions: 0, pending: 0, overdue: 0, done_by_his: 0, done_by_mark: 0 },
  total: { key: "total", label: "合计", downtime_fen: 0, his_fen: 0, difference_fen: 0 },
  stations: [],
  by_station: [],
  by_day: [],
  by_tender: [],
  exceptions: [],
  worklist: [],
  marks: [],
};

const loaded: ReconView = {
  ...empty,
  his_imported: true,
  his_files: ["his.csv"],
  summary: { stations: 2, batches: 3, receipts: 40, postings: 38, exceptions: 2, pending: 2, overdue: 1, done_by_his: 30, done_by_mark: 0 },
  total: { key: "total", label: "合计", downtime_fen: 1234500, his_fen: 1222100, difference_fen: 12400 },
  stations: [
    { code: "MZ01", name: "门诊一号窗", fingerprint: "ab12", batches: [1, 2], missing_batches: [], receipts: 25 },
    { code: "MZ02", name: "门诊二号窗", fingerprint: "cd34", batches: [1], missing_batches: [], receipts: 15 },
  ],
  by_station: [
    { key: "MZ01", label: "MZ01", downtime_fen: 800000, his_fen: 787600, difference_fen: 12400 },
    { key: "MZ02", label: "MZ02", downtime_fen: 434500, his_fen: 434500, difference_fen: 0 },
  ],
  by_day: [{ key: "2026-12-08", label: "2026-12-08", downtime_fen: 1234500, his_fen: 1222100, difference_fen: 12400 }],
  by_tender: [{ key: "cash", label: "现金", downtime_fen: 1234500, his_fen: 1222100, difference_fen: 12400 }],
  exceptions: [
    {
      list: "amount_mismatch",
      station: "MZ02",
      batch_seq: null,
      number: "MZ02-000003",
      record_uuid: "u3",
      path: null,
      downtime_fen: 5000,
      his_fen: 4000,
      his_nos: ["H9"],
      day: "2026-12-08",
      what: "应急 ¥50.00，HIS 入账 ¥40.00",
      what_en: "Downtime ¥50.00, HIS ¥40.00",
      todo: "在 HIS 中冲正这一笔",
      todo_en: "Reverse it in the HIS",
    },
    {
      list: "missing_in_his",
      station: "MZ01",
      batch_seq: null,
      number: "MZ01-000010",
      record_uuid: "u10",
      path: null,
      downtime_fen: 12400,
      his_fen: null,
      his_nos: [],
      day: "2026-12-08",
      what: "¥124.00 尚未在 HIS 入账",
      what_en: "¥124.00 not yet posted",
      todo: "按补录清单在 HIS 中补录",
      todo_en: "Enter it in the HIS",
    },
  ],
  worklist: [
    {
      list: "resettle_overdue",
      overdue: true,
      station: "MZ01",
      record_uuid: "u10",
      number: "MZ01-000010",
      kind: "charge",
      patient: "王芳",
      downtime_no: "DT-MZ01-000004",
      phone: "13900000004",
      insurance_no: "YB1",
      amount_fen: 12400,
      day: "2026-12-08",
      due: "2026-12-29",
      provisional: false,
    },
  ],
};

const finance = () => status({ operator: operator("李财务", "finance") });

describe("财务对账 (Ctrl+G)", () => {
  test("finance adds a folder, chooses the HIS file, loads, and reads every exception with what to do", async () => {
    const calls = fakeBackend({
      app_status: finance,
      reconcile_view: () => empty,
      reconcile_load: () => loaded,
    });
    willPick("his.csv", "record_uuid,receipt_no,his_no,amount,posted_at\n");
    const { user } = renderApp();
    await screen.findByTestId("status-bar");
    await user.keyboard("{Control>}g{/Control}");
    expect(await screen.findByTestId("recon-empty")).toHaveTextContent("还没有任何批次");
    expect(screen.getByTestId("recon-folder")).toHaveFocus();
    await user.keyboard("/media/usb{Enter}");
    expect(screen.getByTestId("recon-folders")).toHaveTextContent("/media/usb");
    await user.click(screen.getByTestId("recon-his"));
    expect(await screen.findByTestId("recon-his-name")).toHaveTextContent("his.csv");
    await user.keyboard("{Control>}{Enter}{/Control}");
    expect(await screen.findByTestId("recon-verdict")).toHaveTextContent("不平衡：2 项异常");
    expect(screen.getByTestId("recon-verdict")).toHaveTextContent("差额 ¥124.00");
    expect(callsOf(calls, "reconcile_load").map((c) => c.args)).toEqual([{ folders: ["/media/usb"], his: true, as_of: null }]);
    const mismatch = screen.getByTestId("recon-exception-amount_mismatch");
    expect(mismatch).toHaveTextContent("金额不符");
    expect(mismatch).toHaveTextContent("MZ02-000003");
    expect(mismatch).toHaveTextContent("在 HIS 中冲正这一笔");
    // Filtered by station: MZ01's only.
    await user.selectOptions(screen.getByTestId("recon-filter-station"), "MZ01");
    expect(screen.queryByTestId("recon-exception-amount_mismatch")).not.toBeInTheDocument();
    expect(screen.getByTestId("recon-exception-missing_in_his")).toBeInTheDocument();
  });

  test("a worklist item is marked done with the HIS invoice number; a refusal stays on the form", async () => {
    let mark: () => ReconView = () => {
      throw ipcError("text_empty", "HIS 发票号不能为空");
    };
    const calls = fakeBackend({
      app_status: finance,
      reconcile_view: () => loaded,
      reconcile_mark: () => mark(),
    });
    const { user } = renderApp();
    await screen.findByTestId("status-bar");
    await user.keyboard("{Control>}g{/Control}");
    await user.click(await screen.findByTestId("recon-tab-worklist"));
    const row = screen.getByTestId("recon-work-MZ01-000010");
    expect(row).toHaveTextContent("医保重新结算已逾期");
    expect(row).toHaveTextContent("13900000004");
    await user.click(within(row).getByTestId("recon-mark-MZ01-000010"));
    await waitFor(() => expect(screen.getByTestId("recon-mark-his")).toHaveFocus());
    await user.keyboard("{Enter}");
    expect(await screen.findByTestId("recon-mark-error")).toHaveTextContent("HIS 发票号不能为空");
    mark = () => ({
      ...loaded,
      worklist: [],
      marks: [{ number: "MZ01-000010", list: "resettle", his_no: "FP1", note: "", marked_by: "李财务", marked_at: "2026-12-20T02:00:00Z" }],
    });
    await user.keyboard("FP1{Enter}");
    expect(await screen.findByTestId("recon-no-work")).toBeInTheDocument();
    expect(callsOf(calls, "reconcile_mark").at(-1)?.args).toEqual({ item: "MZ01-000010", his_no: "FP1", note: "", as_of: null });
    await user.click(screen.getByTestId("recon-tab-marks"));
    expect(screen.getByTestId("recon-marked-MZ01-000010")).toHaveTextContent("FP1");
  });

  test("a cashier is not offered reconciliation, and Ctrl+G says why", async () => {
    fakeBackend({ app_status: () => status({ operator: operator("李收费", "cashier") }) });
    const { user } = renderApp();
    await screen.findByTestId("status-bar");
    expect(screen.queryByTestId("nav-reconcile")).not.toBeInTheDocument();
    await user.keyboard("{Control>}g{/Control}");
    expect(await screen.findByTestId("notice")).toHaveTextContent("财务对账需要财务或管理员");
  });
});
