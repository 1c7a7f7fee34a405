import { screen } from "@testing-library/react";
import { describe, expect, test } from "vitest";
import { callsOf, fakeBackend, ipcError, renderApp, status, willPick } from "../../test/fixtures";

const loggedOut = status({ operator: null });

describe("login", () => {
  test("Enter moves from name to PIN and submits; success opens the shell", async () => {
    const calls = fakeBackend({ app_status: () => loggedOut, login: () => status() });
    const { user } = renderApp();
    await user.type(await screen.findByTestId("login-name"), "张三{Enter}");
    expect(screen.getByTestId("login-pin")).toHaveFocus();
    await user.keyboard("1234{Enter}");
    expect(await screen.findByTestId("status-operator")).toHaveTextContent("张三 · 收费员");
    expect(callsOf(calls, "login")[0].args).toEqual({ input: { name: "张三", pin: "1234" } });
  });

  test("a wrong PIN shows the core's message under the form and refocuses the PIN", async () => {
    fakeBackend({
      app_status: () => loggedOut,
      login: () => {
        throw ipcError("pin_wrong", "PIN 不正确，还可以再试 4 次", "Wrong PIN; 4 tries left");
      },
    });
    const { user } = renderApp();
    await user.type(await screen.findByTestId("login-name"), "张三{Enter}9999{Enter}");
    expect(await screen.findByTestId("login-error")).toHaveTextContent("PIN 不正确，还可以再试 4 次");
    expect(screen.getByTestId("login-pin")).toHaveFocus();
    expect(screen.queryByTestId("status-bar")).not.toBeInTheDocument();
  });

  test("in English the English message is shown", async () => {
    localStorage.setItem("downtime-desk.lang", "en");
    fakeBackend({
      app_status: () => loggedOut,
      login: () => {
        throw ipcError("operator_locked", "操作员已被锁定", "Operator is locked");
      },
    });
    const { user } = renderApp();
    await user.type(await screen.findByTestId("login-name"), "张三{Enter}1{Enter}");
    expect(await screen.findByTestId("login-error")).toHaveTextContent("Operator is locked");
  });

  test("Ctrl+L switches the language and remembers it", async () => {
    fakeBackend({ app_status: () => loggedOut });
    const { user } = renderApp();
    expect(await screen.findByText("操作员登录")).toBeInTheDocument();
    await user.keyboard("{Control>}l{/Control}");
    expect(screen.getByText("Operator login")).toBeInTheDocument();
    expect(localStorage.getItem("downtime-desk.lang")).toBe("en");
    await user.click(screen.getByTestId("lang-switch"));
    expect(screen.getByText("操作员登录")).toBeInTheDocument();
  });
});

describe("database errors", () => {
  test("an unusable database gets a full-screen error and nothing else", async () => {
    fakeBackend({
      app_status: () => {
        throw ipcError("db_newer_schema", "这个数据库文件由更新版本的 Downtime Desk 创建。");
      },
    });
    renderApp();
    expect(await screen.findByTestId("fatal-error")).toHaveTextContent("更新版本");
    expect(screen.getByText("db_newer_schema")).toBeInTheDocument();
    expect(screen.queryByRole("button")).not.toBeInTheDocument();
    expect(screen.queryByRole("textbox")).not.toBeInTheDocument();
  });

  test("a damaged database offers restore from a backup chosen in the system dialog", async () => {
    const calls = fakeBackend({
      app_status: () => {
        throw ipcError("db_damaged", "数据库文件已损坏，本程序不会再写入它：请从备份恢复。");
      },
      restore_backup: (a) => {
        if (!a?.confirm_older) throw ipcError("backup_older", "这份备份比现在的数据库旧：恢复会丢掉之后的 3 条流水。");
        return status({ operator: null });
      },
    });
    const { user } = renderApp();
    expect(await screen.findByTestId("fatal-error")).toHaveTextContent("数据库文件已损坏");
    await user.type(screen.getByTestId("restore-name"), "王管理{Enter}");
    await user.keyboard("123456");
    willPick("MZ01-20261206T190000Z-000000120.downtime-backup", "");
    await user.click(screen.getByTestId("restore-submit"));
    expect(await screen.findByTestId("restore-error")).toHaveTextContent("比现在的数据库旧");
    await user.click(screen.getByTestId("restore-older"));
    await user.click(screen.getByTestId("restore-submit"));
    expect(await screen.findByTestId("login-name")).toBeInTheDocument();
    expect(callsOf(calls, "pick_file")[0].args?.extensions).toEqual(["downtime-backup"]);
    expect(callsOf(calls, "restore_backup").map((c) => c.args)).toEqual([
      { admin_name: "王管理", admin_pin: "123456", confirm_older: false },
      { admin_name: "王管理", admin_pin: "123456", confirm_older: true },
    ]);
  });

  test("an encrypted station asks an administrator for its key; a wrong key says so", async () => {
    const calls = fakeBackend({
      app_status: () => {
        throw ipcError("db_key_needed", "这是加密的工作站数据库：请提供密钥。");
      },
      unlock_station: (a) => {
        if (a?.key !== "正确的密钥") throw ipcError("db_key_wrong", "工作站数据库的密钥不对，无法打开。");
        return status({ operator: null });
      },
    });
    const { user } = renderApp();
    expect(await screen.findByTestId("unlock-key")).toHaveFocus();
    await user.keyboard("错的{Enter}");
    expect(await screen.findByTestId("unlock-error")).toHaveTextContent("密钥不对");
    await user.clear(screen.getByTestId("unlock-key"));
    await user.type(screen.getByTestId("unlock-key"), "正确的密钥{Enter}");
    expect(await screen.findByTestId("login-name")).toBeInTheDocument();
    expect(callsOf(calls, "unlock_station")).toHaveLength(2);
  });
});
