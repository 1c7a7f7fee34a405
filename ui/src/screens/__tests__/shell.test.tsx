import { screen, within } from "@testing-library/react";
import { describe, expect, test } from "vitest";
import { activeOutage, callsOf, fakeBackend, ipcError, openShiftView, operator, renderApp, status,
  catalogStatus,
} from "../../test/fixtures";

describe("status bar and outage banner", () => {
  test("shows station, operator with role, no shift, price list and a plain normal line", async () => {
    fakeBackend({ app_status: () => status() });
    renderApp();
    const bar = await screen.findByTestId("status-bar");
    expect(bar).toHaveTextContent("市第一人民医院 · MZ01 门诊收费一号窗");
    expect(screen.getByTestId("status-operator")).toHaveTextContent("张三 · 收费员");
    expect(screen.getByTestId("status-shift")).toHaveTextContent("未开班");
    expect(bar).toHaveTextContent("价目表：未导入");
    expect(screen.getByTestId("no-outage")).toHaveTextContent("系统正常（非应急状态）");
    expect(screen.queryByTestId("outage-banner")).not.toBeInTheDocument();
    expect(screen.getByTestId("fkey-bar")).toHaveTextContent("F10");
  });

  test("an open shift shows its local opening time and float", async () => {
    fakeBackend({ app_status: () => status({ shift: openShiftView(20050) }) });
    renderApp();
    expect(await screen.findByTestId("status-shift")).toHaveTextContent("开班于 09:02 备用金 ¥200.50");
  });

  test("an imported price list shows its month, and says when it is old", async () => {
    const active = {
      id: "cat-1",
      file_name: "价目表2026-11.csv",
      sha256: "00",
      month: "2026-11",
      rows_read: 10,
      items: 10,
      rejected: 0,
      imported_by: "王管理",
      imported_at: "2026-11-01T00:00:00Z",
      part: "",
    };
    fakeBackend({ app_status: () => status({ catalog: catalogStatus(active, true) }) });
    renderApp();
    expect(await screen.findByTestId("status-catalog")).toHaveTextContent("价目表：2026-11（10 项，较旧，请更新）");
    expect(screen.getByTestId("status-catalog")).toHaveClass("status-warn");
  });

  test("an active outage shows the red banner with the elapsed time", async () => {
    const downAt = new Date(Date.now() - 65 * 60_000 - 5_000).toISOString();
    fakeBackend({ app_status: () => status({ outage: activeOutage(downAt) }) });
    renderApp();
    const banner = await screen.findByTestId("outage-banner");
    expect(banner).toHaveTextContent("HIS 停机 · 应急模式");
    expect(screen.getByTestId("outage-elapsed")).toHaveTextContent("1小时05分");
    expect(screen.queryByTestId("no-outage")).not.toBeInTheDocument();
  });

  test("an ended outage is not shown as active", async () => {
    const ended = { ...activeOutage("2026-11-26T00:30:00Z"), active: false, his_up_at: "2026-11-26T02:00:00Z" };
    fakeBackend({ app_status: () => status({ outage: ended }) });
    renderApp();
    expect(await screen.findByTestId("no-outage")).toBeInTheDocument();
    expect(screen.queryByTestId("outage-banner")).not.toBeInTheDocument();
  });
});

describe("shift dialog", () => {
  test("F10 opens it, Esc closes it and keeps what was typed", async () => {
    fakeBackend({ app_status: () => status() });
    const { user } = renderApp();
    await screen.findByTestId("status-bar");
    await user.keyboard("{F10}");
    const float = screen.getByTestId("shift-float");
    expect(float).toHaveFocus();
    await user.type(float, "150");
    await user.keyboard("{Escape}");
    expect(screen.queryByTestId("shift-float")).not.toBeInTheDocument();
    expect(screen.getByTestId("nav-shift")).toHaveFocus();
    await user.keyboard("{F10}");
    expect(screen.getByTestId("shift-float")).toHaveValue("150");
  });

  test("opening sends the float as integer fen parsed from 200.50", async () => {
    const calls = fakeBackend({ app_status: () => status(), open_shift: () => status({ shift: openShiftView(20050) }) });
    const { user } = renderApp();
    await user.click(await screen.findByTestId("nav-shift"));
    await user.type(screen.getByTestId("shift-float"), "200.50{Enter}");
    expect(await screen.findByTestId("notice")).toHaveTextContent("已开班，备用金 ¥200.50");
    expect(callsOf(calls, "open_shift").map((c) => c.args)).toEqual([{ float_fen: 20050, paper_from: null, paper_to: null }]);
    expect(screen.getByTestId("status-shift")).toHaveTextContent("备用金 ¥200.50");
    expect(screen.queryByTestId("shift-float")).not.toBeInTheDocument();
  });

  test("the paper invoice book in hand goes with the float; half a range is refused before any call", async () => {
    const calls = fakeBackend({ app_status: () => status(), open_shift: () => status({ shift: openShiftView(10000) }) });
    const { user } = renderApp();
    await user.click(await screen.findByTestId("nav-shift"));
    await user.type(screen.getByTestId("shift-float"), "100");
    await user.keyboard("{Shift>}{Tab}{/Shift}");
    expect(screen.getByTestId("shift-paper-to")).toHaveFocus();
    await user.keyboard("{Shift>}{Tab}{/Shift}SG0001{Enter}");
    expect(screen.getByTestId("shift-paper-to")).toHaveFocus();
    await user.keyboard("{Enter}{Enter}");
    expect(await screen.findByTestId("shift-error")).toHaveTextContent("同时填写票据本的起号和止号");
    expect(screen.getByTestId("shift-paper-to")).toHaveFocus();
    expect(callsOf(calls, "open_shift")).toEqual([]);
    await user.type(screen.getByTestId("shift-paper-to"), "SG0050{Enter}");
    // Enter walks on to the float, and from there opens the shift.
    expect(screen.getByTestId("shift-float")).toHaveFocus();
    await user.keyboard("{Enter}");
    expect(await screen.findByTestId("notice")).toHaveTextContent("已开班");
    expect(callsOf(calls, "open_shift").map((c) => c.args)).toEqual([{ float_fen: 10000, paper_from: "SG0001", paper_to: "SG0050" }]);
  });

  test("a book the core refuses is told beside its first number", async () => {
    fakeBackend({
      app_status: () => status(),
      open_shift: () => {
        throw ipcError("paper_book_overlap", "票据本 0001–0050 与 赵收费 本班已登记的 0040–0090 重叠：请核对票据本上的号码");
      },
    });
    const { user } = renderApp();
    await user.click(await screen.findByTestId("nav-shift"));
    await user.type(screen.getByTestId("shift-paper-from"), "0001");
    await user.type(screen.getByTestId("shift-paper-to"), "0050");
    await user.type(screen.getByTestId("shift-float"), "100{Enter}");
    expect(await screen.findByTestId("shift-error")).toHaveTextContent("重叠");
    expect(screen.getByTestId("shift-paper-from")).toHaveFocus();
  });

  test("an amount that is not one is refused before any call", async () => {
    const calls = fakeBackend({ app_status: () => status() });
    const { user } = renderApp();
    await screen.findByTestId("status-bar");
    await user.keyboard("{F10}");
    await user.type(screen.getByTestId("shift-float"), "12.345{Enter}");
    expect(screen.getByTestId("shift-error")).toHaveTextContent("金额格式不对");
    expect(screen.getByTestId("shift-float")).toHaveFocus();
    expect(callsOf(calls, "open_shift")).toHaveLength(0);
  });

  test("the core's refusal is shown in the dialog", async () => {
    fakeBackend({
      app_status: () => status(),
      open_shift: () => {
        throw ipcError("amount_out_of_range", "备用金超出允许范围");
      },
    });
    const { user } = renderApp();
    await screen.findByTestId("status-bar");
    await user.keyboard("{F10}");
    await user.type(screen.getByTestId("shift-float"), "99999999{Enter}");
    expect(await screen.findByTestId("shift-error")).toHaveTextContent("备用金超出允许范围");
  });
});

describe("outage dialog", () => {
  test("a cashier starting an outage is asked for a supervisor, and it is sent", async () => {
    const downAt = new Date(Date.now() - 10 * 60_000).toISOString();
    const calls = fakeBackend({
      app_status: () => status(),
      start_outage: () => status({ outage: activeOutage(downAt) }),
    });
    const { user } = renderApp();
    await screen.findByTestId("status-bar");
    await user.keyboard("{F11}");
    expect(screen.getByTestId("outage-reason")).toHaveFocus();
    await user.keyboard("HIS 服务器宕机{Enter}08:30{Enter}信息科王工{Enter}李主管{Enter}8888{Enter}");
    expect(await screen.findByTestId("outage-banner")).toBeInTheDocument();
    expect(callsOf(calls, "start_outage")[0].args).toEqual({
      input: {
        reason: "HIS 服务器宕机",
        his_down_at: "08:30",
        announced_by: "信息科王工",
        supervisor: { name: "李主管", pin: "8888" },
      },
    });
  });

  test("a supervisor gets no supervisor fields; empty time goes as null", async () => {
    const calls = fakeBackend({
      app_status: () => status({ operator: operator("李主管", "supervisor") }),
      start_outage: () => status({ operator: operator("李主管", "supervisor"), outage: activeOutage(new Date().toISOString()) }),
    });
    const { user } = renderApp();
    await screen.findByTestId("status-bar");
    await user.keyboard("{F11}");
    expect(screen.queryByTestId("sup-name")).not.toBeInTheDocument();
    await user.keyboard("网络中断{Enter}{Enter}{Enter}");
    await screen.findByTestId("outage-banner");
    expect(callsOf(calls, "start_outage")[0].args).toEqual({
      input: { reason: "网络中断", his_down_at: null, announced_by: "", supervisor: null },
    });
  });

  test("a refused supervisor PIN is shown and the PIN cleared", async () => {
    fakeBackend({
      app_status: () => status(),
      start_outage: () => {
        throw ipcError("pin_wrong", "主管 PIN 不正确");
      },
    });
    const { user } = renderApp();
    await screen.findByTestId("status-bar");
    await user.keyboard("{F11}");
    await user.keyboard("宕机{Enter}{Enter}{Enter}李主管{Enter}0000{Enter}");
    expect(await screen.findByTestId("outage-error")).toHaveTextContent("主管 PIN 不正确");
    expect(screen.getByTestId("sup-pin")).toHaveValue("");
    expect(screen.getByTestId("sup-pin")).toHaveFocus();
  });

  test("ending asks for the recovery time and a supervisor", async () => {
    const outage = activeOutage("2026-11-26T00:30:00.000000Z");
    const calls = fakeBackend({
      app_status: () => status({ outage }),
      end_outage: () => status({ outage: { ...outage, active: false, his_up_at: "2026-11-26T02:00:00Z" } }),
    });
    const { user } = renderApp();
    await screen.findByTestId("outage-banner");
    expect(screen.getByTestId("nav-outage")).toHaveTextContent("结束应急");
    await user.keyboard("{F11}");
    expect(screen.getByTestId("outage-up-at")).toHaveFocus();
    await user.keyboard("10:00{Enter}李主管{Enter}8888{Enter}");
    expect(await screen.findByTestId("no-outage")).toBeInTheDocument();
    expect(callsOf(calls, "end_outage")[0].args).toEqual({
      input: { his_up_at: "10:00", supervisor: { name: "李主管", pin: "8888" }, with_open_shifts: false },
    });
  });
});

describe("verify, lock and logout", () => {
  test("Ctrl+J shows a sound journal", async () => {
    fakeBackend({
      app_status: () => status(),
      verify_journal: () => ({ sound: true, entries: 42, head_hash: "ab12cd", broken_seq: null, problem: null }),
    });
    const { user } = renderApp();
    await screen.findByTestId("status-bar");
    await user.keyboard("{Control>}j{/Control}");
    const result = await screen.findByTestId("verify-result");
    expect(result).toHaveTextContent("共 42 条记录");
    expect(result).toHaveTextContent("ab12cd");
  });

  test("the verify tile shows where a broken journal breaks", async () => {
    fakeBackend({
      app_status: () => status(),
      verify_journal: () => ({ sound: false, entries: 42, head_hash: "ab12cd", broken_seq: 17, problem: "哈希不符" }),
    });
    const { user } = renderApp();
    await screen.findByTestId("status-bar");
    await user.click(screen.getByTestId("nav-verify"));
    const result = await screen.findByTestId("verify-result");
    expect(result).toHaveTextContent("流水在第 17 条处断开");
    expect(result).toHaveTextContent("哈希不符");
  });

  test("F12 locks; the PIN unlocks with the same operator name", async () => {
    const calls = fakeBackend({ app_status: () => status(), login: () => status() });
    const { user } = renderApp();
    await screen.findByTestId("status-bar");
    await user.keyboard("{F12}");
    expect(screen.getByTestId("lock-pin")).toHaveFocus();
    expect(screen.getByTestId("lock-screen")).toHaveTextContent("张三");
    expect(screen.getByTestId("status-bar")).not.toBeVisible();
    await user.keyboard("{F10}"); // the shell does not listen while locked
    expect(screen.queryByTestId("shift-float")).not.toBeInTheDocument();
    await user.keyboard("1234{Enter}");
    expect(await screen.findByTestId("status-bar")).toBeVisible();
    expect(screen.queryByTestId("lock-screen")).not.toBeInTheDocument();
    expect(callsOf(calls, "login")[0].args).toEqual({ input: { name: "张三", pin: "1234" } });
  });

  test("a wrong PIN keeps the lock and says so", async () => {
    fakeBackend({
      app_status: () => status(),
      login: () => {
        throw ipcError("pin_wrong", "PIN 不正确");
      },
    });
    const { user } = renderApp();
    await user.click(await screen.findByTestId("nav-lock"));
    await user.type(screen.getByTestId("lock-pin"), "0000");
    await user.click(screen.getByTestId("lock-submit"));
    expect(await screen.findByTestId("lock-error")).toHaveTextContent("PIN 不正确");
    expect(screen.getByTestId("lock-screen")).toBeInTheDocument();
  });

  test("换人登录 logs out to the login screen", async () => {
    const calls = fakeBackend({ app_status: () => status(), logout: () => status({ operator: null }) });
    const { user } = renderApp();
    await screen.findByTestId("status-bar");
    await user.keyboard("{F12}");
    await user.click(screen.getByTestId("lock-switch"));
    expect(await screen.findByTestId("login-name")).toBeInTheDocument();
    expect(callsOf(calls, "logout")).toHaveLength(1);
  });

  test("Ctrl+Q logs out", async () => {
    fakeBackend({ app_status: () => status(), logout: () => status({ operator: null }) });
    const { user } = renderApp();
    await screen.findByTestId("status-bar");
    await user.keyboard("{Control>}q{/Control}");
    expect(await screen.findByTestId("login-name")).toBeInTheDocument();
  });

  test("the home screen lists every action with its key", async () => {
    fakeBackend({ app_status: () => status() });
    renderApp();
    await screen.findByTestId("status-bar");
    const expected: [string, string][] = [
      ["nav-shift", "F10"],
      ["nav-outage", "F11"],
      ["nav-catalog", "Ctrl+P"],
      ["nav-operators", "Ctrl+O"],
      ["nav-verify", "Ctrl+J"],
      ["nav-receiptCheck", "Ctrl+K"],
      ["nav-lock", "F12"],
      ["nav-logout", "Ctrl+Q"],
    ];
    for (const [id, key] of expected) expect(within(screen.getByTestId(id)).getByText(key)).toBeInTheDocument();
  });

  test("the key bar shows the counter keys; the rest are on the tiles with their keys", async () => {
    fakeBackend({ app_status: () => status() });
    renderApp();
    const bar = await screen.findByTestId("fkey-bar");
    for (const text of ["F1 帮助", "F5 收费", "F6 入院", "F7 预交金", "F8 退费 / 作废", "F9 结算", "F10 开班", "F12 锁屏", "Ctrl+L 中 / EN"]) {
      expect(bar).toHaveTextContent(text);
    }
    for (const text of ["F11", "Ctrl+P", "Ctrl+O", "Ctrl+J", "Ctrl+K", "Ctrl+Q"]) expect(bar).not.toHaveTextContent(text);
    for (const [id, key] of [["nav-outage", "F11"], ["nav-catalog", "Ctrl+P"], ["nav-operators", "Ctrl+O"], ["nav-verify", "Ctrl+J"], ["nav-receiptCheck", "Ctrl+K"], ["nav-logout", "Ctrl+Q"]]) {
      expect(screen.getByTestId(id)).toHaveTextContent(key);
    }
  });

  test("a cashier's F6 is refused at once, naming who may; the tile is shown as not offered", async () => {
    const refusal = ipcError("role_forbidden", "张三（收费员）无权执行：只有住院处和主管可以办理入院和预交金");
    fakeBackend({ app_status: () => status({ doors: [{ task: "admit", refusal }] }) });
    const { user } = renderApp();
    await screen.findByTestId("status-bar");
    expect(screen.getByTestId("nav-admit")).toHaveClass("refused");
    await user.keyboard("{F6}");
    const shown = screen.getByTestId("door-refusal");
    expect(shown).toHaveTextContent("只有住院处和主管可以办理入院");
    expect(shown).toHaveAttribute("role", "alert");
    expect(screen.queryByTestId("adm-screen")).not.toBeInTheDocument();
    // A key that is open clears the refusal.
    await user.keyboard("{F5}");
    expect(screen.queryByTestId("door-refusal")).not.toBeInTheDocument();
  });

  test("the lock and login screens show the outage banner", async () => {
    fakeBackend({ app_status: () => status({ operator: null, outage: activeOutage("2026-11-26T00:30:00Z") }) });
    renderApp();
    await screen.findByTestId("login-name");
    expect(screen.getByTestId("outage-banner")).toHaveTextContent("HIS 停机");
  });

  test("on a screen with keys of its own the bar keeps to those and the counter keys; F1 still lists every key", async () => {
    fakeBackend({ app_status: () => status(), catalog_versions: () => [] });
    const { user } = renderApp();
    await screen.findByTestId("status-bar");
    await user.keyboard("{Control>}p{/Control}");
    const bar = screen.getByTestId("fkey-bar");
    for (const text of ["F1 帮助", "Esc 返回主页", "F2 新建患者", "F5 收费", "F7 预交金", "F10 开班", "F12 锁屏"]) expect(bar).toHaveTextContent(text);
    for (const text of ["F11", "Ctrl+P", "Ctrl+O", "Ctrl+J", "Ctrl+K", "Ctrl+Q", "Ctrl+L"]) expect(bar).not.toHaveTextContent(text);
    await user.keyboard("{F1}");
    const keys = within(await screen.findByTestId("help-overlay")).getAllByTestId("help-key").map((row) => row.textContent);
    expect(keys).toEqual(expect.arrayContaining(["F11启动应急", "Ctrl+O操作员与设置", "Ctrl+K收据核验", "Ctrl+Q退出登录", "Ctrl+L中 / EN"]));
  });

  test("F1 lists every key of the screen, and the ones still to come; Esc closes it", async () => {
    fakeBackend({ app_status: () => status() });
    const { user } = renderApp();
    await screen.findByTestId("status-bar");
    await user.keyboard("{F1}");
    const help = await screen.findByTestId("help-overlay");
    const keys = within(help).getAllByTestId("help-key").map((row) => row.textContent);
    expect(keys).toEqual(
      expect.arrayContaining(["F1帮助", "F10开班", "F11启动应急", "F12锁屏", "Ctrl+P价目表", "Ctrl+O操作员与设置", "Ctrl+J校验流水", "Ctrl+K收据核验", "Ctrl+Y未打印", "Ctrl+L中 / EN", "Ctrl+Q退出登录", "F5收费", "F9结算"]),
    );
    expect(keys).toHaveLength(21); // F1, Tab, Enter, 17 actions (F2–F12, Ctrl+P/O/J/K/Y/Q), Ctrl+L
    expect(help).not.toHaveTextContent("即将提供"); // every key does what it says
    await user.keyboard("{Escape}");
    expect(screen.queryByTestId("help-overlay")).not.toBeInTheDocument();
    expect(screen.getByTestId("nav-shift")).toHaveFocus();
  });

  test("F1 on the price list screen lists its own keys", async () => {
    fakeBackend({ app_status: () => status(), catalog_versions: () => [] });
    const { user } = renderApp();
    await screen.findByTestId("status-bar");
    await user.keyboard("{Control>}p{/Control}{F1}");
    const help = await screen.findByTestId("help-overlay");
    expect(help).toHaveTextContent("上下选择");
    expect(help).toHaveTextContent("返回主页");
  });

  test("Ctrl+O opens operators and settings from the price list screen; Esc returns to the search box", async () => {
    fakeBackend({
      app_status: () => status({ catalog: catalogStatus(null, false) }),
      catalog_versions: () => [],
      list_operators: () => [operator()],
    });
    const { user } = renderApp();
    await screen.findByTestId("status-bar");
    await user.keyboard("{Control>}p{/Control}");
    expect(await screen.findByTestId("catalog-file")).toHaveFocus();
    await user.keyboard("{Control>}o{/Control}");
    expect(await screen.findByRole("dialog", { name: "操作员与设置" })).toBeInTheDocument();
    await user.keyboard("{Escape}");
    expect(screen.getByTestId("catalog-screen")).toBeInTheDocument();
    expect(screen.getByTestId("catalog-file")).toHaveFocus();
  });
});
