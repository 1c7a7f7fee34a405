import { screen, waitFor, within } from "@testing-library/react";
import { describe, expect, test } from "vitest";
import type { DepartmentInput } from "../../bindings/DepartmentInput";
import type { DepartmentView } from "../../bindings/DepartmentView";
import type { Role } from "../../bindings/Role";
import { callsOf, departments, fakeBackend, ipcError, operator, patient, renderApp, status, willPick } from "../../test/fixtures";

type Handlers = Parameters<typeof fakeBackend>[0];

const admin = operator("王管理", "admin");
const supervisor = operator("李主管", "supervisor");

/** Ctrl+O with `who` logged in. */
async function openSettings(who = admin, handlers: Handlers = {}) {
  const calls = fakeBackend({
    app_status: () => status({ operator: who }),
    list_operators: () => [who],
    printer: () => "HP_LaserJet_M404",
    backup_setting: () => ({ folder: null, every: 50, written: null }),
    cash_threshold: () => 1000,
    departments: () => departments,
    ...handlers,
  });
  const view = renderApp();
  await screen.findByTestId("status-bar");
  await view.user.keyboard("{Control>}o{/Control}");
  await screen.findByTestId("op-list");
  return { calls, ...view };
}

/** 操作员与设置 → 编辑科室表, with the list loaded. */
async function openDepts(role: Role = "supervisor", handlers: Handlers = {}) {
  const view = await openSettings(operator("某人", role), handlers);
  await view.user.click(screen.getByTestId("dept-open"));
  await screen.findByTestId("dept-editor");
  await waitFor(() => expect(screen.getAllByTestId("dept-row").length + screen.queryAllByText(/还没有科室/).length).toBeGreaterThan(0));
  return view;
}

const inputsOf = (calls: ReturnType<typeof fakeBackend>) => callsOf(calls, "set_department").map((c) => c.args?.input as DepartmentInput);

describe("handover difference threshold", () => {
  test("an administrator sees it and changes it; the new one is shown", async () => {
    const { calls, user } = await openSettings(admin, { set_cash_threshold: (a) => a?.threshold_fen as number });
    const field = await screen.findByTestId("threshold-value");
    await waitFor(() => expect(field).toHaveValue("10.00"));
    expect(screen.getByTestId("threshold-settings")).toHaveTextContent("交班差额超过 ¥10.00 需要主管确认");
    await user.clear(field);
    await user.type(field, "20{Enter}");
    expect(await screen.findByTestId("threshold-notice")).toHaveTextContent("已设置：交班差额超过 ¥20.00 需要主管确认");
    expect(callsOf(calls, "set_cash_threshold").map((c) => c.args)).toEqual([{ threshold_fen: 2000 }]);
  });

  test("a supervisor sees it but is not offered to change it", async () => {
    await openSettings(supervisor);
    expect(await screen.findByTestId("threshold-current")).toHaveTextContent("¥10.00");
    expect(screen.queryByTestId("threshold-value")).not.toBeInTheDocument();
  });
});

describe("automatic backup", () => {
  test("an administrator opens the form, types the USB folder, and sees it set with the first backup written", async () => {
    const { calls, user } = await openSettings(admin, {
      set_backup: (a) => ({ folder: a?.folder as string, every: 50, written: `${a?.folder as string}/MZ01-20261207T040000Z-000000042.db` }),
    });
    expect(await screen.findByTestId("backup-current")).toHaveTextContent("未设置");
    expect(screen.queryByTestId("backup-folder")).not.toBeInTheDocument(); // on demand: the dialog keeps its room
    await user.click(screen.getByTestId("backup-open"));
    expect(screen.getByTestId("backup-folder")).toHaveFocus();
    await user.keyboard("/media/usb/备份{Enter}");
    expect(await screen.findByTestId("backup-notice")).toHaveTextContent("已备份并校验：/media/usb/备份/MZ01-");
    expect(screen.getByTestId("backup-current")).toHaveTextContent("备份到 /media/usb/备份（每 50 张收据及每次交班）");
    expect(callsOf(calls, "set_backup").map((c) => c.args)).toEqual([{ folder: "/media/usb/备份" }]);
    expect(screen.queryByTestId("backup-folder")).not.toBeInTheDocument();
  });

  test("the core's refusal stands next to the folder; others only see where backups go", async () => {
    const { user } = await openSettings(admin, {
      set_backup: () => {
        throw ipcError("backup_same_folder", "备份文件夹不能在工作站数据所在的文件夹里：请选 U 盘或另一块硬盘");
      },
    });
    await user.click(await screen.findByTestId("backup-open"));
    await user.keyboard("/root/.local/share/x{Enter}");
    expect(await screen.findByTestId("backup-error")).toHaveTextContent("不能在工作站数据所在的文件夹里");
    expect(screen.getByTestId("backup-folder")).toHaveFocus();
    expect(screen.getByTestId("backup-current")).toHaveTextContent("未设置");
  });

  test("a cashier sees the folder in use and no form", async () => {
    await openSettings(operator(), { backup_setting: () => ({ folder: "/media/usb", every: 20, written: null }) });
    expect(await screen.findByTestId("backup-current")).toHaveTextContent("备份到 /media/usb（每 20 张收据及每次交班）");
    expect(screen.queryByTestId("backup-open")).not.toBeInTheDocument();
  });
});

describe("receipt printer", () => {
  test("an administrator sees the printer in use, and the field starts with it; a new name is sent and shown", async () => {
    const { calls, user } = await openSettings(admin, { set_printer: (a) => a?.name as string });
    expect(await screen.findByTestId("printer-current")).toHaveTextContent("当前打印机：HP_LaserJet_M404");
    const field = screen.getByTestId("printer-name");
    expect(field).toHaveValue("HP_LaserJet_M404");
    await user.click(field); // focusing selects the text: what is typed replaces it
    await user.keyboard("Kyocera_P2040{Enter}");
    expect(await screen.findByTestId("printer-notice")).toHaveTextContent("收据将发送到打印机 Kyocera_P2040");
    expect(screen.getByTestId("printer-current")).toHaveTextContent("当前打印机：Kyocera_P2040");
    expect(callsOf(calls, "set_printer").map((c) => c.args)).toEqual([{ name: "Kyocera_P2040" }]);
  });

  test("an empty name means the PDF is only saved", async () => {
    const { calls, user } = await openSettings(admin, { set_printer: () => null });
    await screen.findByText("当前打印机：HP_LaserJet_M404");
    await user.clear(screen.getByTestId("printer-name"));
    await user.click(screen.getByTestId("printer-submit"));
    expect(await screen.findByTestId("printer-current")).toHaveTextContent("未设置打印机：只保存 PDF，不直接打印");
    expect(screen.getByTestId("printer-notice")).toHaveTextContent("已设为只保存 PDF，不直接打印");
    expect(callsOf(calls, "set_printer").map((c) => c.args)).toEqual([{ name: "" }]);
  });

  test("a name the core refuses is shown at the field, which keeps the focus; a refused role under the form", async () => {
    let refusals = [
      ipcError("printer_invalid", "打印机名称无效（不能含空格或控制字符）"),
      ipcError("role_forbidden", "王管理（管理员）无权执行：修改设置"),
    ];
    const { user } = await openSettings(admin, {
      set_printer: () => {
        const [next, ...rest] = refusals;
        refusals = rest;
        throw next;
      },
    });
    await screen.findByText("当前打印机：HP_LaserJet_M404");
    await user.click(screen.getByTestId("printer-name"));
    await user.keyboard("HP LaserJet{Enter}");
    expect(await screen.findByTestId("printer-error")).toHaveTextContent("打印机名称无效");
    expect(screen.getByTestId("printer-name")).toHaveFocus();
    expect(screen.getByTestId("printer-name")).toHaveValue("HP LaserJet");
    await user.keyboard("HP_LaserJet{Enter}");
    await waitFor(() => expect(screen.getByTestId("printer-error")).toHaveTextContent("无权执行"));
    expect(screen.getByTestId("printer-current")).toHaveTextContent("HP_LaserJet_M404"); // unchanged
  });

  test("others see where receipts go, without the form", async () => {
    await openSettings(operator(), { printer: () => null });
    expect(await screen.findByTestId("printer-current")).toHaveTextContent("未设置打印机：只保存 PDF，不直接打印");
    expect(screen.queryByTestId("printer-name")).not.toBeInTheDocument();
  });
});

describe("科室表", () => {
  test("opens from 操作员与设置 on the list; Enter edits the chosen one, doctors split on 、 and commas; Esc goes back to the settings", async () => {
    const after: DepartmentView[] = [departments[0], { code: "JZ", name: "急诊医学科", kind: "emergency", doctors: ["李雷", "韩梅梅", "王五"] }, departments[2]];
    const { calls, user } = await openDepts("supervisor", { set_department: () => after });
    const list = screen.getByTestId("dept-list");
    expect(list).toHaveFocus();
    const bar = screen.getByTestId("fkey-bar");
    for (const text of ["↑ ↓ 上下选择", "Ctrl+N 新增科室", "Esc 返回"]) expect(bar).toHaveTextContent(text);
    const rows = screen.getAllByTestId("dept-row");
    expect(rows.map((r) => r.textContent)).toEqual(["NK内科 张明、王芳门诊", "JZ急诊科 急诊", "ZYNK内科病区 住院"]);
    await user.keyboard("{ArrowDown}{ArrowDown}{Enter}");
    expect(screen.getByTestId("dept-code")).toHaveValue("JZ");
    expect(screen.getByTestId("dept-code")).toHaveAttribute("readonly");
    expect(screen.getByTestId("dept-kind")).toHaveValue("emergency");
    expect(screen.getByTestId("dept-name")).toHaveFocus();
    await user.keyboard("急诊医学科{Enter}{Enter}");
    expect(screen.getByTestId("dept-doctors")).toHaveFocus();
    await user.keyboard("李雷, 韩梅梅，王五、{Enter}");
    expect(screen.getByTestId("dept-active")).toHaveFocus();
    expect(screen.getByTestId("dept-active")).toBeChecked();
    await user.keyboard("{Enter}");

    expect(await screen.findByTestId("dept-notice")).toHaveTextContent("已保存科室 JZ 急诊医学科");
    expect(inputsOf(calls)).toEqual([{ code: "JZ", name: "急诊医学科", kind: "emergency", doctors: ["李雷", "韩梅梅", "王五"], active: true }]);
    expect(screen.getAllByTestId("dept-row")[1]).toHaveTextContent("急诊医学科 李雷、韩梅梅、王五");
    expect(screen.getByTestId("dept-code")).toHaveValue(""); // ready for the next one
    expect(screen.getByTestId("dept-code")).toHaveFocus();

    await user.keyboard("{Escape}");
    expect(screen.queryByTestId("dept-editor")).not.toBeInTheDocument();
    expect(await screen.findByTestId("dept-open")).toHaveFocus();
    await user.keyboard("{Escape}");
    expect(screen.queryByTestId("op-list")).not.toBeInTheDocument();
    expect(screen.getByTestId("nav-operators")).toHaveFocus();
  });

  test("Ctrl+N 新增科室: the kind by its number key; unticking 启用 stops a department, which leaves the list", async () => {
    let list = departments;
    const { calls, user } = await openDepts("admin", {
      set_department: (a) => {
        const input = a?.input as DepartmentInput;
        const rest = list.filter((d) => d.code !== input.code.toUpperCase());
        list = input.active ? [...rest, { code: input.code.toUpperCase(), name: input.name, kind: input.kind, doctors: input.doctors }] : rest;
        return list;
      },
    });
    await user.keyboard("{Control>}n{/Control}");
    expect(screen.getByTestId("dept-code")).toHaveFocus();
    expect(screen.getByTestId("dept-code")).not.toHaveAttribute("readonly");
    await user.keyboard("zyek{Enter}儿科病区{Enter}3{Enter}{Enter}{Enter}");
    expect(await screen.findByTestId("dept-notice")).toHaveTextContent("已保存科室 ZYEK 儿科病区");
    expect(screen.getAllByTestId("dept-row")).toHaveLength(4);

    await user.click(screen.getAllByTestId("dept-row")[0]); // 内科
    expect(screen.getByTestId("dept-name")).toHaveFocus();
    await user.click(screen.getByTestId("dept-active"));
    expect(screen.getByTestId("dept-active")).not.toBeChecked();
    await user.click(screen.getByTestId("dept-save"));
    expect(await screen.findByTestId("dept-notice")).toHaveTextContent("已停用科室 NK 内科");
    expect(screen.getAllByTestId("dept-row").map((r) => r.textContent)).not.toContain("NK内科 张明、王芳门诊");
    expect(inputsOf(calls)).toEqual([
      { code: "zyek", name: "儿科病区", kind: "inpatient", doctors: [], active: true },
      { code: "NK", name: "内科", kind: "outpatient", doctors: ["张明", "王芳"], active: false },
    ]);
  });

  test("a bad code is shown at the code field; an empty name at the name; a refused role under the form", async () => {
    let refusals = [
      ipcError("dept_code_invalid", "科室编码应为 1 到 10 位字母或数字"),
      ipcError("text_empty", "科室名称不能为空"),
      ipcError("role_forbidden", "某人（收费员）无权执行：修改科室表"),
    ];
    const { user } = await openDepts("cashier", {
      set_department: () => {
        const [next, ...rest] = refusals;
        refusals = rest;
        throw next;
      },
    });
    expect(screen.getByTestId("dept-editor")).toHaveTextContent("只有管理员和主管可以修改科室表。");
    await user.keyboard("{Control>}n{/Control}内 科{Enter}{Enter}{Enter}{Enter}{Enter}");
    expect(await screen.findByTestId("dept-error")).toHaveTextContent("科室编码应为 1 到 10 位字母或数字");
    expect(screen.getByTestId("dept-code")).toHaveFocus();
    await user.click(screen.getByTestId("dept-save"));
    await waitFor(() => expect(screen.getByTestId("dept-error")).toHaveTextContent("科室名称不能为空"));
    expect(screen.getByTestId("dept-name")).toHaveFocus();
    await user.click(screen.getByTestId("dept-save"));
    await waitFor(() => expect(screen.getByTestId("dept-error")).toHaveTextContent("无权执行"));
    expect(screen.getAllByTestId("dept-error")).toHaveLength(1);
  });

  test("导入科室表 CSV sends the file as it is, named in a header; a refused file says why; the sample list too", async () => {
    let importReply: () => DepartmentView[] = () => [...departments, { code: "EK", name: "儿科", kind: "outpatient", doctors: [] }];
    const { calls, user } = await openDepts("admin", {
      import_departments: () => importReply(),
      import_sample_departments: () => departments,
    });
    const file = () => willPick("科室表.csv", "科室编码,科室名称,类别,医生\nEK,儿科,门诊,\n");
    file();
    await user.click(screen.getByTestId("dept-file"));
    expect(await screen.findByTestId("dept-notice")).toHaveTextContent("已导入科室表：现有 4 个科室");
    expect(screen.getAllByTestId("dept-row")).toHaveLength(4);
    const [sent] = callsOf(calls, "import_departments");
    expect(sent.args).toBeInstanceOf(Uint8Array);
    expect(new TextDecoder().decode(sent.args as unknown as Uint8Array)).toContain("EK,儿科,门诊");
    expect(sent.headers).toEqual({ "x-file-name": encodeURIComponent("科室表.csv") });

    importReply = () => {
      throw ipcError("dept_row_invalid", "科室表第 2 行：类别应为 门诊、急诊 或 住院，未导入任何内容");
    };
    file();
    await user.click(screen.getByTestId("dept-file"));
    expect(await screen.findByTestId("dept-error")).toHaveTextContent("科室表第 2 行");
    expect(screen.getAllByTestId("dept-row")).toHaveLength(4); // the list as it was

    await user.click(screen.getByTestId("dept-sample"));
    expect(await screen.findByTestId("dept-notice")).toHaveTextContent("现有 3 个科室");
    expect(screen.queryByTestId("dept-error")).not.toBeInTheDocument();
    expect(callsOf(calls, "import_sample_departments")).toHaveLength(1);
  });

  test("typed text survives Esc", async () => {
    const { user } = await openDepts("admin");
    await user.keyboard("{Control>}n{/Control}EK{Enter}儿科");
    await user.keyboard("{Escape}");
    await user.click(await screen.findByTestId("dept-open"));
    await screen.findByTestId("dept-editor");
    await waitFor(() => expect(screen.getByTestId("dept-code")).toHaveFocus());
    expect(screen.getByTestId("dept-code")).toHaveValue("EK");
    expect(screen.getByTestId("dept-name")).toHaveValue("儿科");
  });

  test("from the registration screen without departments: the editor, then the form takes the focus with the new list", async () => {
    let list: DepartmentView[] = [];
    const calls = fakeBackend({
      app_status: () => status({ operator: supervisor }),
      departments: () => list,
      registrations_today: () => [],
      find_patients: () => [patient()],
      set_department: (a) => {
        const input = a?.input as DepartmentInput;
        list = [{ code: input.code, name: input.name, kind: input.kind, doctors: input.doctors }];
        return list;
      },
    });
    const { user } = renderApp();
    await screen.findByTestId("status-bar");
    await user.keyboard("{F3}zs{Enter}");
    await user.click(await screen.findByTestId("dept-open-editor"));
    const editor = await screen.findByTestId("dept-editor");
    expect(within(editor).getByText("还没有科室：可新增，或导入科室表 CSV。")).toBeInTheDocument();
    await waitFor(() => expect(screen.getByTestId("dept-code")).toHaveFocus());
    await user.keyboard("NK{Enter}内科{Enter}{Enter}张明{Enter}{Enter}");
    await screen.findByTestId("dept-notice");
    await user.keyboard("{Escape}");
    expect(screen.queryByTestId("dept-editor")).not.toBeInTheDocument();
    expect(await screen.findByTestId("reg-dept")).toHaveFocus();
    expect(callsOf(calls, "departments")).toHaveLength(3); // the screen, the editor, the screen again
  });
});
