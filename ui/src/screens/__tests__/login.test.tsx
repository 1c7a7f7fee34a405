import { screen } from "@testing-library/react";
import { describe, expect, test } from "vitest";
import { callsOf, fakeBackend, ipcError, renderApp, status } from "../../test/fixtures";

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
        throw ipcError("db_damaged", "数据库文件已损坏（校验失败），本程序不会再写入它。");
      },
    });
    renderApp();
    expect(await screen.findByTestId("fatal-error")).toHaveTextContent("数据库文件已损坏");
    expect(screen.getByText("db_damaged")).toBeInTheDocument();
    expect(screen.queryByRole("button")).not.toBeInTheDocument();
    expect(screen.queryByRole("textbox")).not.toBeInTheDocument();
  });
});
