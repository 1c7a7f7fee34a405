import { screen, within } from "@testing-library/react";
import { describe, expect, test } from "vitest";
import type { OperatorView } from "../../bindings/OperatorView";
import { callsOf, fakeBackend, ipcError, operator, renderApp, status } from "../../test/fixtures";

const admin = operator("王管理", "admin");

describe("operators dialog", () => {
  test("lists operators with role and lock status", async () => {
    const locked: OperatorView = { ...operator("赵六", "cashier"), locked_until: "2026-11-26T01:10:00Z" };
    fakeBackend({
      app_status: () => status({ operator: admin }),
      list_operators: () => [admin, operator("李主管", "supervisor"), locked],
    });
    const { user } = renderApp();
    await screen.findByTestId("status-bar");
    await user.keyboard("{Control>}o{/Control}");
    const list = await screen.findByTestId("op-list");
    const rows = within(list).getAllByRole("row");
    expect(rows).toHaveLength(4); // header + 3
    expect(rows[2]).toHaveTextContent("李主管主管正常");
    expect(rows[3]).toHaveTextContent("赵六收费员锁定至 2026-11-26 09:10");
  });

  test("adding sends name, chosen role and PIN, then reloads the list", async () => {
    let operators = [admin];
    const calls = fakeBackend({
      app_status: () => status({ operator: admin }),
      list_operators: () => operators,
      add_operator: (args) => {
        const input = (args as { input: { name: string; role: OperatorView["role"] } }).input;
        const added = operator(input.name, input.role);
        operators = [...operators, added];
        return added;
      },
    });
    const { user } = renderApp();
    await user.click(await screen.findByTestId("nav-operators"));
    await screen.findByTestId("op-list");
    expect(screen.getByTestId("op-name")).toHaveFocus();
    await user.keyboard("钱七{Enter}");
    await user.selectOptions(screen.getByTestId("op-role"), "admissions");
    await user.type(screen.getByTestId("op-pin"), "135790{Enter}");
    expect(await screen.findByTestId("op-notice")).toHaveTextContent("已添加操作员 钱七");
    expect(callsOf(calls, "add_operator")[0].args).toEqual({ input: { name: "钱七", role: "admissions", pin: "135790" } });
    expect(screen.getByTestId("op-list")).toHaveTextContent("钱七");
    expect(screen.getByTestId("op-name")).toHaveValue("");
    expect(screen.getByTestId("op-name")).toHaveFocus();
    expect(screen.getByTestId("op-pin")).toHaveValue("");
  });

  test("a refusal from the core is shown next to the form", async () => {
    fakeBackend({
      app_status: () => status(),
      list_operators: () => [operator()],
      add_operator: () => {
        throw ipcError("role_forbidden", "张三（收费员）无权执行：管理操作员需要管理员");
      },
    });
    const { user } = renderApp();
    await screen.findByTestId("status-bar");
    await user.keyboard("{Control>}o{/Control}");
    await screen.findByTestId("op-list");
    await user.keyboard("钱七{Enter}{Enter}1234{Enter}");
    expect(await screen.findByTestId("op-error")).toHaveTextContent("无权执行");
  });

  test("an administrator sets the idle lock minutes", async () => {
    const calls = fakeBackend({
      app_status: () => status({ operator: admin }),
      list_operators: () => [admin],
      set_idle_lock: () => status({ operator: admin, idle_lock_minutes: 10 }),
    });
    const { user } = renderApp();
    await screen.findByTestId("status-bar");
    await user.keyboard("{Control>}o{/Control}");
    await user.clear(screen.getByTestId("idle-minutes"));
    await user.type(screen.getByTestId("idle-minutes"), "10{Enter}");
    expect(await screen.findByTestId("notice")).toHaveTextContent("10 分钟");
    expect(callsOf(calls, "set_idle_lock").map((c) => c.args)).toEqual([{ minutes: 10 }]);
  });
});
