import { screen, waitFor } from "@testing-library/react";
import { describe, expect, test } from "vitest";
import type { RegTypeInput } from "../../bindings/RegTypeInput";
import type { RegTypeView } from "../../bindings/RegTypeView";
import type { Role } from "../../bindings/Role";
import { callsOf, departments, fakeBackend, ipcError, operator, regType, regTypes, renderApp, status } from "../../test/fixtures";

type Handlers = Parameters<typeof fakeBackend>[0];

/** Ctrl+O → 编辑号别与挂号费 with `role` logged in, the list loaded. */
async function openRegTypes(role: Role = "supervisor", handlers: Handlers = {}) {
  const who = operator("某人", role);
  const calls = fakeBackend({
    app_status: () => status({ operator: who }),
    list_operators: () => [who],
    printer: () => "",
    cash_threshold: () => 1000,
    departments: () => departments,
    reg_types: () => regTypes,
    ...handlers,
  });
  const view = renderApp();
  await screen.findByTestId("status-bar");
  await view.user.keyboard("{Control>}o{/Control}");
  await view.user.click(await screen.findByTestId("regtype-open"));
  await screen.findByTestId("regtype-editor");
  await waitFor(() => expect(screen.getAllByTestId("regtype-row").length).toBeGreaterThan(0));
  return { calls, ...view };
}

const inputsOf = (calls: ReturnType<typeof fakeBackend>) => callsOf(calls, "set_reg_type").map((c) => c.args?.input as RegTypeInput);

describe("号别与挂号费", () => {
  test("each type with its fee items and total; Enter edits the chosen one, its codes sent split; Esc goes back to the settings", async () => {
    const after: RegTypeView[] = [
      regType("ordinary", "普通号", [["110200001", "挂号费", "1.00"], ["110200002", "门诊诊查费(普通)", "10.00"]], 1100),
      regType("chief", "主任医师号", [["110200001", "挂号费", "1.00"], ["110200004", "门诊诊查费(主任医师)", "20.00"], ["110200006", "门诊诊查费(知名专家)", "50.00"]], 7100),
      regTypes[2],
    ];
    const { calls, user } = await openRegTypes("supervisor", { set_reg_type: () => after });
    expect(screen.getByTestId("regtype-list")).toHaveFocus();
    const bar = screen.getByTestId("fkey-bar");
    for (const text of ["↑ ↓ 上下选择", "Ctrl+N 新增号别", "Esc 返回"]) expect(bar).toHaveTextContent(text);
    expect(screen.getAllByTestId("regtype-row").map((r) => r.textContent)).toEqual([
      "ordinary普通号 挂号费 + 门诊诊查费(普通)¥11.00",
      "chief主任医师号 挂号费 + 门诊诊查费(主任医师)¥21.00",
      "convenience便民门诊 免费",
    ]);
    await user.keyboard("{ArrowDown}{ArrowDown}{Enter}");
    expect(screen.getByTestId("regtype-key")).toHaveValue("chief");
    expect(screen.getByTestId("regtype-key")).toHaveAttribute("readonly");
    expect(screen.getByTestId("regtype-name")).toHaveFocus();
    expect(screen.getByTestId("regtype-codes")).toHaveValue("110200001 110200004");
    expect(screen.getByTestId("regtype-fees")).toHaveTextContent("110200004门诊诊查费(主任医师)¥20.00");
    expect(screen.getByTestId("regtype-fees")).toHaveTextContent("挂号费合计¥21.00");
    await user.keyboard("{Enter}");
    expect(screen.getByTestId("regtype-codes")).toHaveFocus();
    await user.keyboard("{End}，110200006{Enter}");
    expect(screen.getByTestId("regtype-active")).toHaveFocus();
    await user.keyboard("{Enter}");

    expect(await screen.findByTestId("regtype-notice")).toHaveTextContent("已保存号别 主任医师号：挂号费 ¥71.00");
    expect(inputsOf(calls)).toEqual([{ key: "chief", name: "主任医师号", fee_codes: ["110200001", "110200004", "110200006"], active: true }]);
    expect(screen.getAllByTestId("regtype-row")[1]).toHaveTextContent("门诊诊查费(知名专家)¥71.00");
    expect(screen.getByTestId("regtype-list")).toHaveFocus();

    await user.keyboard("{Escape}");
    expect(screen.queryByTestId("regtype-editor")).not.toBeInTheDocument();
    expect(await screen.findByTestId("regtype-open")).toHaveFocus();
  });

  test("Ctrl+N 新增号别; a type whose codes the price list lacks says which; unticking 启用 stops one", async () => {
    let list = regTypes;
    const { calls, user } = await openRegTypes("admin", {
      reg_types: () => [...regTypes, regType("night", "夜间门诊", [["A1101", "", ""]], null, { missing_codes: ["A1101"], fee_items: [{ code: "A1101", name: "", unit_price: null, category: null, missing: true }] })],
      set_reg_type: (a) => {
        const input = a?.input as RegTypeInput;
        const rest = list.filter((x) => x.key !== input.key.toLowerCase());
        list = [...rest, regType(input.key.toLowerCase(), input.name, [["110200001", "挂号费", "1.00"], ["110200005", "急诊诊查费", "12.00"]], 1300, { active: input.active })];
        return list;
      },
    });
    expect(screen.getAllByTestId("regtype-row")[3]).toHaveTextContent("价目表缺 A1101");
    await user.keyboard("{Control>}n{/Control}");
    expect(screen.getByTestId("regtype-key")).toHaveFocus();
    expect(screen.getByTestId("regtype-key")).not.toHaveAttribute("readonly");
    await user.keyboard("Night{Enter}夜诊{Enter}110200001, 110200005{Enter}{Enter}");
    expect(await screen.findByTestId("regtype-notice")).toHaveTextContent("已保存号别 夜诊：挂号费 ¥13.00");
    await user.click(screen.getAllByTestId("regtype-row")[0]);
    await user.click(screen.getByTestId("regtype-active"));
    await user.click(screen.getByTestId("regtype-save"));
    expect(await screen.findByTestId("regtype-notice")).toHaveTextContent("已停用号别 普通号");
    expect(screen.getAllByTestId("regtype-row").at(-1)).toHaveTextContent("已停用");
    expect(inputsOf(calls)).toEqual([
      { key: "Night", name: "夜诊", fee_codes: ["110200001", "110200005"], active: true },
      { key: "ordinary", name: "普通号", fee_codes: ["110200001", "110200002"], active: false },
    ]);
  });

  test("a code the price list lacks is shown at the codes field; a taken name at the name; a refused role under the form", async () => {
    let refusals = [
      ipcError("reg_fee_code_unknown", "价目表中没有编码为“XYZ999”的项目"),
      ipcError("reg_type_name_taken", "号别名称“普通号”已用于 ordinary"),
      ipcError("role_forbidden", "某人（收费员）无权执行：修改号别"),
    ];
    const { user } = await openRegTypes("cashier", {
      set_reg_type: () => {
        const [next, ...rest] = refusals;
        refusals = rest;
        throw next;
      },
    });
    expect(screen.getByTestId("regtype-editor")).toHaveTextContent("只有管理员和主管可以修改号别。");
    await user.keyboard("{Control>}n{/Control}night{Enter}普通号{Enter}XYZ999{Enter}{Enter}");
    expect(await screen.findByTestId("regtype-error")).toHaveTextContent("XYZ999");
    expect(screen.getByTestId("regtype-codes")).toHaveFocus();
    await user.click(screen.getByTestId("regtype-save"));
    await waitFor(() => expect(screen.getByTestId("regtype-error")).toHaveTextContent("已用于 ordinary"));
    expect(screen.getByTestId("regtype-name")).toHaveFocus();
    await user.click(screen.getByTestId("regtype-save"));
    await waitFor(() => expect(screen.getByTestId("regtype-error")).toHaveTextContent("无权执行"));
    expect(screen.getByTestId("regtype-key")).toHaveValue("night"); // nothing typed is lost
  });

  test("who may change the list is the core's `edit_lists`, not the role's name", async () => {
    const first = await openRegTypes("admin");
    expect(screen.getByTestId("regtype-editor")).not.toHaveTextContent("只有管理员和主管可以修改号别。");
    first.unmount();
    await openRegTypes("supervisor", { app_status: () => status({ operator: operator("某人", "supervisor"), may: ["supervise"] }) });
    expect(screen.getByTestId("regtype-editor")).toHaveTextContent("只有管理员和主管可以修改号别。");
  });
});
