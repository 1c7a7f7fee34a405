import { screen, waitFor, within } from "@testing-library/react";
import { emit } from "@tauri-apps/api/event";
import { describe, expect, test } from "vitest";
import type { AppStatus } from "../../bindings/AppStatus";
import type { ImportReportView } from "../../bindings/ImportReportView";
import {
  callsOf,
  catalogItem,
  catalogVersion,
  deferred,
  fakeBackend,
  willPick,
  importReport,
  ipcError,
  operator,
  renderApp,
  status,
  catalogStatus,
} from "../../test/fixtures";

const admin = operator("王管理", "admin");
const before = status({ operator: admin });
/** The price list the file dialog chooses. */
const csv = () => willPick("价目表2026-11.csv", "编码,名称,单价\nX0001,注射用头孢呋辛钠,12.50\n");

const withProblems = importReport({
  rows_read: 5,
  good: 3,
  duplicates: 1,
  problems: [
    { row: 4, code: "X0004", reason: "单价不是金额：“十二元”", reason_en: "The unit price is not an amount" },
    { row: 6, code: "", reason: "缺少项目编码", reason_en: "The item code is missing" },
  ],
});

async function openCatalog(handlers: Parameters<typeof fakeBackend>[0], start: AppStatus = before) {
  const calls = fakeBackend({ app_status: () => start, catalog_versions: () => [], ...handlers });
  const view = renderApp();
  await screen.findByTestId("status-bar");
  await view.user.keyboard("{Control>}p{/Control}");
  await screen.findByTestId("catalog-screen");
  return { calls, ...view };
}

describe("price list screen", () => {
  test("Ctrl+P shows the version in use, the stale warning and the versions; Esc goes back home", async () => {
    const active = catalogVersion();
    const older = catalogVersion({ id: "cat-0", month: "2026-10", items: 2990, file_name: "价目表2026-10.csv" });
    const { user } = await openCatalog(
      { catalog_versions: () => [active, older] },
      status({ catalog: catalogStatus(active, true) }),
    );
    expect(screen.getByTestId("catalog-active")).toHaveTextContent("当前价目表：2026-11（3000 项）");
    expect(screen.getByTestId("catalog-stale")).toHaveTextContent("这份价目表较旧");
    const versions = await screen.findByTestId("catalog-versions");
    expect(within(versions).getAllByRole("row")[1]).toHaveTextContent("2026-11 使用中整表价目表2026-11.csv3000王管理");
    expect(within(versions).getAllByRole("row")[2]).not.toHaveTextContent("使用中");
    expect(screen.getByTestId("item-search")).toHaveFocus();
    await user.keyboard("{Escape}");
    expect(screen.queryByTestId("catalog-screen")).not.toBeInTheDocument();
    expect(screen.getByTestId("nav-catalog")).toHaveFocus();
  });

  test("the home tile opens it too; with no price list the focus is on the file input", async () => {
    fakeBackend({ app_status: () => before, catalog_versions: () => [] });
    const { user } = renderApp();
    await user.click(await screen.findByTestId("nav-catalog"));
    expect(await screen.findByTestId("catalog-missing")).toBeInTheDocument();
    expect(screen.getByTestId("catalog-file")).toHaveFocus();
    expect(await screen.findByTestId("catalog-versions")).toHaveTextContent("尚未导入任何版本");
  });

  test("a preview with bad rows lists them and offers the two choices; the good rows go with the accept header", async () => {
    const reply = deferred<ImportReportView>();
    const version = catalogVersion({ items: 3, rows_read: 5, rejected: 2 });
    const { calls, user } = await openCatalog({
      catalog_preview: () => withProblems,
      catalog_import: async () => {
        await emit("catalog-progress", { done: 2, total: 3 });
        return reply.promise;
      },
    });
    await user.type(screen.getByTestId("catalog-month"), "2026-11");
    csv();
    await user.click(screen.getByTestId("catalog-file"));

    const report = await screen.findByTestId("import-report");
    expect(report).toHaveTextContent("读取 5 行：正确 3 行，重复已忽略 1 行，有问题 2 行");
    expect(report).toHaveTextContent("西药费 2");
    const problems = screen.getAllByTestId("import-problem");
    expect(problems[0]).toHaveTextContent("4X0004单价不是金额：“十二元”");
    expect(problems[1]).toHaveTextContent("6缺少项目编码");
    expect(screen.queryByTestId("catalog-import")).not.toBeInTheDocument();
    expect(screen.getByTestId("catalog-import-none")).toHaveTextContent("取消，全部不导入");
    const good = screen.getByTestId("catalog-import-good");
    expect(good).toHaveTextContent("只导入 3 行正确的项目");
    expect(good).toHaveFocus();

    // The file stays on disk: the core reads the chosen path; no bytes cross to the window.
    const [preview] = callsOf(calls, "catalog_preview");
    expect(preview.args).toBeInstanceOf(Uint8Array);
    expect((preview.args as unknown as Uint8Array).length).toBe(0);
    expect(callsOf(calls, "picked_file_bytes")).toHaveLength(0);
    expect(preview.headers).toEqual({
      "x-file-name": encodeURIComponent("价目表2026-11.csv"),
      "x-month": "2026-11",
      "x-encoding": "",
      "x-sheet": "",
      "x-part": "",
      "x-picked": "1",
    });

    await user.keyboard("{Enter}");
    expect(await screen.findByTestId("import-progress")).toHaveTextContent("已写入 2 / 3 项");
    expect(callsOf(calls, "catalog_import")[0].headers).toMatchObject({ "x-accept-good-rows": "1", "x-month": "2026-11", "x-picked": "1" });

    reply.resolve({ ...withProblems, version });
    expect(await screen.findByTestId("import-summary")).toHaveTextContent("已导入价目表：2026-11，共 3 项。");
    expect(screen.queryByTestId("import-progress")).not.toBeInTheDocument();
    expect(screen.queryByTestId("import-report")).not.toBeInTheDocument();
    expect(callsOf(calls, "catalog_versions")).toHaveLength(2); // reloaded
    expect(callsOf(calls, "app_status")).toHaveLength(2); // the status bar asks again
  });

  test("a clean preview offers 导入, which sends no accept header", async () => {
    const { calls, user } = await openCatalog({
      catalog_preview: () => importReport(),
      catalog_import: () => importReport({ version: catalogVersion({ items: 3 }) }),
    });
    await user.selectOptions(screen.getByTestId("catalog-encoding"), "gbk");
    csv();
    await user.click(screen.getByTestId("catalog-file"));
    await user.click(await screen.findByTestId("catalog-import"));
    await screen.findByTestId("import-summary");
    const [sent] = callsOf(calls, "catalog_import");
    expect(sent.headers["x-encoding"]).toBe("gbk");
    expect(sent.headers).not.toHaveProperty("x-accept-good-rows");
  });

  test("changing the encoding after choosing the file asks for a new preview", async () => {
    const { calls, user } = await openCatalog({ catalog_preview: () => importReport() });
    csv();
    await user.click(screen.getByTestId("catalog-file"));
    await screen.findByTestId("import-report");
    await user.selectOptions(screen.getByTestId("catalog-encoding"), "utf8");
    await screen.findByTestId("import-report");
    expect(callsOf(calls, "catalog_preview").map((c) => c.headers["x-encoding"])).toEqual(["", "utf8"]);
  });

  test("取消，全部不导入 imports nothing and says so", async () => {
    const { calls, user } = await openCatalog({ catalog_preview: () => withProblems });
    csv();
    await user.click(screen.getByTestId("catalog-file"));
    await user.click(await screen.findByTestId("catalog-import-none"));
    expect(screen.getByTestId("catalog-cancelled")).toHaveTextContent("没有导入任何内容");
    expect(screen.queryByTestId("import-report")).not.toBeInTheDocument();
    expect(callsOf(calls, "catalog_import")).toHaveLength(0);
    expect(screen.getByTestId("catalog-file")).toHaveFocus();
  });

  test("a file imported before is said so plainly", async () => {
    const earlier = catalogVersion();
    const { user } = await openCatalog({
      catalog_preview: () => importReport({ already_imported: true, in_force: true, version: earlier }),
      catalog_import: () => importReport({ already_imported: true, in_force: true, version: earlier }),
    });
    csv();
    await user.click(screen.getByTestId("catalog-file"));
    expect(await screen.findByTestId("catalog-seen")).toHaveTextContent("这个文件以前已经导入过（2026-11）");
    await user.click(screen.getByTestId("catalog-import"));
    expect(await screen.findByTestId("import-summary")).toHaveTextContent(
      "这个文件以前已经导入过（2026-11，3000 项），这次没有新建任何内容。",
    );
  });

  test("the core's refusal of a file is shown", async () => {
    const { user } = await openCatalog({
      catalog_preview: () => {
        throw { code: "catalog_not_a_catalog", message: "这不是价目表：找不到“编码”列", message_en: "Not a price list" };
      },
    });
    csv();
    await user.click(screen.getByTestId("catalog-file"));
    expect(await screen.findByTestId("catalog-error")).toHaveTextContent("这不是价目表");
  });

  test("the sample price list imports with one button and the status bar follows", async () => {
    const version = catalogVersion({ file_name: "示例价目表-2026-11.csv", items: 120 });
    let current = before;
    const { user } = await openCatalog({
      app_status: () => current,
      catalog_import_sample: () => {
        current = status({ operator: admin, catalog: catalogStatus(version, false) });
        return [importReport({ file_name: version.file_name, good: 120, version })];
      },
    });
    await user.click(screen.getByTestId("catalog-import-sample"));
    expect(await screen.findByTestId("import-summary")).toHaveTextContent("共 120 项");
    expect(await screen.findByTestId("status-catalog")).toHaveTextContent("价目表：2026-11（120 项）");
    expect(screen.getByTestId("item-search")).toHaveFocus();
  });

  test("looking a price up shows the picked item and returns to the search box", async () => {
    const item = catalogItem("X0002", "注射用长春西汀", "0.0125", { spec: "10mg" });
    const { calls, user } = await openCatalog(
      { catalog_search: () => [catalogItem("X0001", "注射用头孢呋辛钠", "12.50"), item] },
      status({ catalog: catalogStatus(catalogVersion(), false) }),
    );
    await user.keyboard("zcf");
    await screen.findByTestId("item-results");
    await user.keyboard("{ArrowDown}{Enter}");
    const picked = screen.getByTestId("item-picked");
    expect(picked).toHaveTextContent("注射用长春西汀");
    expect(picked).toHaveTextContent("¥0.0125 / 支");
    expect(screen.getByTestId("item-search")).toHaveFocus();
    expect(callsOf(calls, "catalog_search")[0].args).toEqual({ query: "z", limit: 20 });
    // Esc with the list closed leaves the screen.
    await user.keyboard("{Escape}");
    expect(screen.queryByTestId("catalog-screen")).not.toBeInTheDocument();
  });
});

describe("the price list in parts", () => {
  test("a part is named; a shrink shows both counts on its own button and goes with the confirmation", async () => {
    const whole = catalogVersion({ items: 3000 });
    const shrinking = importReport({ good: 12, part: "医疗服务项目", replaces: [whole], replaced_items: 3000, shrinks: true });
    const { calls, user } = await openCatalog({ catalog_preview: () => shrinking, catalog_import: () => ({ ...shrinking, version: catalogVersion({ items: 12 }) }) });
    await user.type(screen.getByTestId("catalog-part"), "医疗服务项目");
    csv();
    await user.click(screen.getByTestId("catalog-file"));
    const change = await screen.findByTestId("catalog-part-change");
    expect(change).toHaveTextContent("这个文件是价目表的“医疗服务项目”部分，导入后替换：整表 2026-11（3000 项）");
    expect(screen.getByTestId("catalog-shrink")).toHaveTextContent("新文件只有 12 项，不到所替换的 3000 项的一半");
    const button = screen.getByTestId("catalog-import");
    expect(button).toHaveTextContent("确认缩减并导入（12 项替换 3000 项）");
    await user.click(button);
    await screen.findByTestId("import-summary");
    const [sent] = callsOf(calls, "catalog_import");
    expect(sent.headers).toMatchObject({ "x-part": encodeURIComponent("医疗服务项目"), "x-confirm-shrink": "1" });
  });

  test("codes already in another part are listed and nothing can be imported", async () => {
    const { calls, user } = await openCatalog({ catalog_preview: () => importReport({ part: "材料", conflicts: [{ code: "110200001", part: "医疗服务项目" }] }) });
    csv();
    await user.click(screen.getByTestId("catalog-file"));
    expect(await screen.findByTestId("catalog-conflicts")).toHaveTextContent("110200001（在“医疗服务项目”中）");
    expect(screen.queryByTestId("catalog-import")).not.toBeInTheDocument();
    expect(screen.getByTestId("catalog-import-none")).toHaveFocus();
    expect(callsOf(calls, "catalog_import")).toHaveLength(0);
  });

  test("a file imported before and no longer in force is put back with 重新启用", async () => {
    const earlier = catalogVersion({ id: "cat-real" });
    const { calls, user } = await openCatalog({
      catalog_preview: () => importReport({ already_imported: true, in_force: false, version: earlier }),
      catalog_activate: () => ({ version: earlier, part: "", replaces: [], replaced_items: 13, reg_types_missing: [] }),
    });
    csv();
    await user.click(screen.getByTestId("catalog-file"));
    expect(await screen.findByTestId("catalog-seen")).toHaveTextContent("现在未在使用");
    await user.click(screen.getByTestId("catalog-activate-seen"));
    await waitFor(() => expect(callsOf(calls, "catalog_activate").map((c) => c.args)).toEqual([{ version: "cat-real", confirm_shrink: false }]));
  });

  test("an earlier version is put back from the list; a shrink asks once more", async () => {
    const active = catalogVersion({ id: "cat-13", items: 13 });
    const older = catalogVersion({ id: "cat-0", items: 5 });
    let tries = 0;
    const { calls, user } = await openCatalog(
      {
        catalog_versions: () => [active, older],
        catalog_activate: () => {
          if (tries++ === 0) throw ipcError("catalog_shrink_unconfirmed", "新的整表只有 5 项，不到现在的 13 项的一半");
          return { version: older, part: "", replaces: [active], replaced_items: 13, reg_types_missing: [] };
        },
      },
      status({ catalog: catalogStatus(active) }),
    );
    const rows = await screen.findAllByTestId("catalog-version");
    expect(within(rows[0]).queryByTestId("catalog-activate")).not.toBeInTheDocument();
    await user.click(within(rows[1]).getByTestId("catalog-activate"));
    expect(await screen.findByTestId("catalog-activate-error")).toHaveTextContent("不到现在的 13 项的一半");
    expect(within(rows[1]).getByTestId("catalog-activate")).toHaveTextContent("确认缩减并启用");
    await user.click(within(rows[1]).getByTestId("catalog-activate"));
    await waitFor(() => expect(callsOf(calls, "catalog_activate").map((c) => c.args)).toEqual([
      { version: "cat-0", confirm_shrink: false },
      { version: "cat-0", confirm_shrink: true },
    ]));
  });
});
