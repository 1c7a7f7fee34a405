import { screen, waitFor, within } from "@testing-library/react";
import { describe, expect, test } from "vitest";
import type { PatientView } from "../../bindings/PatientView";
import { callsOf, departments, fakeBackend, hisPatient, ipcError, patient, regTypes, renderApp, status } from "../../test/fixtures";

type Handlers = Parameters<typeof fakeBackend>[0];

const zhang = patient({ address: "城关镇东街 1 号" });
const dup = patient({ id: "pat-2", downtime_no: "DT-MZ01-000002", name: "张三", phone: "13900139000" });

/** The registration screen (F3) with `pinnedOne` found by "张三" and pinned with Enter. */
async function pinned(pinnedOne: PatientView = zhang, handlers: Handlers = {}, over: Parameters<typeof status>[0] = {}) {
  const calls = fakeBackend({
    app_status: () => status(over),
    departments: () => departments,
    registrations_today: () => [],
    reg_types: () => regTypes,
    find_patients: (a) => (String(a?.query).startsWith("DT-MZ01-000002") ? [dup] : [pinnedOne]),
    ...handlers,
  });
  const view = renderApp();
  await screen.findByTestId("status-bar");
  await view.user.keyboard("{F3}");
  await screen.findByTestId("reg-screen");
  await view.user.keyboard("张三");
  await screen.findByTestId("patient-row");
  await view.user.keyboard("{Enter}");
  await screen.findByTestId("patient-pinned");
  return { calls, ...view };
}

const value = (testId: string) => (screen.getByTestId(testId) as HTMLInputElement | HTMLSelectElement).value;

describe("更正患者信息 (Ctrl+U)", () => {
  test("opens pre-filled, needs a reason, sends the whole details, and the card shows the correction", async () => {
    const corrected = { ...zhang, name: "张叁" };
    const { calls, user } = await pinned(zhang, { correct_patient: () => corrected });
    await user.keyboard("{Control>}u{/Control}");
    const dialog = await screen.findByRole("dialog", { name: "更正患者信息" });
    expect(within(dialog).getByTestId("pc-who")).toHaveTextContent("张三（停机号 DT-MZ01-000001）");
    expect([value("pc-name"), value("pc-sex"), value("pc-birth"), value("pc-age"), value("pc-phone"), value("pc-address")]).toEqual([
      "张三",
      "M",
      "1990-03-07",
      "",
      "13800138000",
      "城关镇东街 1 号",
    ]);
    await waitFor(() => expect(screen.getByTestId("pc-name")).toHaveFocus());
    // The name's text is selected on focus: typing replaces it.
    await user.keyboard("张叁{Control>}{Enter}{/Control}");
    expect(screen.getByTestId("pc-error")).toHaveTextContent("请填写更正原因");
    expect(screen.getByTestId("pc-reason")).toHaveFocus();
    expect(callsOf(calls, "correct_patient")).toHaveLength(0);
    const searches = callsOf(calls, "find_patients").length;
    await user.keyboard("姓名录错字{Enter}");
    await waitFor(() => expect(callsOf(calls, "correct_patient")).toHaveLength(1));
    expect(callsOf(calls, "correct_patient")[0].args).toEqual({
      patient: "DT-MZ01-000001",
      reason: "姓名录错字",
      input: {
        name: "张叁",
        sex: "M",
        birth: "1990-03-07",
        age: null,
        id_number: null,
        phone: "13800138000",
        address: "城关镇东街 1 号",
        insurance: "self_pay",
        insurance_no: null,
        confirm_duplicate: false,
        confirm_id_mismatch: false,
      },
    });
    await waitFor(() => expect(screen.queryByRole("dialog")).not.toBeInTheDocument());
    expect(screen.getByTestId("patient-pinned")).toHaveTextContent("张叁");
    expect(screen.getByTestId("notice")).toHaveTextContent("已更正患者 张叁（DT-MZ01-000001）");
    // The search list asks again, so it shows the name as corrected.
    await waitFor(() => expect(callsOf(calls, "find_patients").length).toBe(searches + 1));
    expect(callsOf(calls, "find_patients").at(-1)?.args).toEqual({ query: "张三", limit: 20 });
  });

  test("the core's refusal shows at its field and changes nothing; Esc cancels", async () => {
    const refusal = ipcError("id_number_checksum", "身份证号校验位不对：请核对最后一位");
    const { calls, user } = await pinned(zhang, {
      correct_patient: () => {
        throw refusal;
      },
    });
    await user.click(screen.getByTestId("patient-correct"));
    await screen.findByRole("dialog", { name: "更正患者信息" });
    await user.clear(screen.getByTestId("pc-id-number"));
    await user.type(screen.getByTestId("pc-id-number"), "110101199003071235");
    await user.type(screen.getByTestId("pc-reason"), "补录身份证号");
    await user.click(screen.getByTestId("pc-submit"));
    await waitFor(() => expect(screen.getByTestId("pc-error")).toHaveTextContent("身份证号校验位不对"));
    // At the ID number, which has the focus.
    expect(screen.getByTestId("pc-id-number").closest(".field")).toContainElement(screen.getByTestId("pc-error"));
    expect(screen.getByTestId("pc-id-number")).toHaveFocus();
    expect(callsOf(calls, "correct_patient")[0].args?.input).toMatchObject({ id_number: "110101199003071235" });
    await user.keyboard("{Escape}");
    await waitFor(() => expect(screen.queryByRole("dialog")).not.toBeInTheDocument());
    expect(screen.getByTestId("patient-pinned")).toHaveTextContent("张三");
    expect(callsOf(calls, "correct_patient")).toHaveLength(1);
  });

  test("an ID number that disagrees with the birth date is confirmed with 确认不一致 and sent again", async () => {
    let n = 0;
    const { calls, user } = await pinned(zhang, {
      correct_patient: () => {
        if (n++ === 0) throw ipcError("id_mismatch", "身份证号显示出生日期 1985-01-01、性别男，与填写的不一致");
        return zhang;
      },
    });
    await user.keyboard("{Control>}u{/Control}");
    await screen.findByRole("dialog");
    await user.type(screen.getByTestId("pc-id-number"), "11010119850101001X");
    await user.type(screen.getByTestId("pc-reason"), "补录");
    await user.keyboard("{Control>}{Enter}{/Control}");
    const box = await screen.findByTestId("pc-confirm-mismatch");
    await user.click(box);
    await waitFor(() => expect(callsOf(calls, "correct_patient")).toHaveLength(2));
    expect(callsOf(calls, "correct_patient")[1].args?.input).toMatchObject({ confirm_id_mismatch: true });
  });

  test("an HIS patient without a downtime number is not offered a correction; the key says why", async () => {
    const { calls, user } = await pinned(hisPatient());
    expect(screen.queryByTestId("patient-correct")).not.toBeInTheDocument();
    await user.keyboard("{Control>}u{/Control}");
    expect(screen.getByTestId("notice")).toHaveTextContent("李四 是 HIS 患者，还没有停机号");
    expect(screen.queryByRole("dialog")).not.toBeInTheDocument();
    expect(callsOf(calls, "correct_patient")).toHaveLength(0);
  });

  test("a role the core refuses is not offered the buttons, and the keys show the core's reason", async () => {
    const refusal = ipcError("role_forbidden", "钱财务（财务）无权执行：只有收费员、住院处和主管可以办理");
    const { user } = await pinned(zhang, {}, {
      doors: [
        { task: "correct_patient", refusal },
        { task: "merge_patients", refusal },
      ],
    });
    expect(screen.queryByTestId("patient-correct")).not.toBeInTheDocument();
    expect(screen.queryByTestId("patient-merge")).not.toBeInTheDocument();
    await user.keyboard("{Control>}m{/Control}");
    expect(screen.getByTestId("door-refusal")).toHaveTextContent("无权执行");
    expect(screen.queryByRole("dialog")).not.toBeInTheDocument();
  });

  test("F1 help lists both keys on the registration screen", async () => {
    const { user } = await pinned();
    await user.keyboard("{F1}");
    const help = await screen.findByTestId("help-overlay");
    expect(help).toHaveTextContent("Ctrl+U更正患者");
    expect(help).toHaveTextContent("Ctrl+M合并患者");
  });
});

describe("合并患者 (Ctrl+M)", () => {
  test("the pinned patient is kept; the other is found and picked; reason and supervisor are sent", async () => {
    const { calls, user } = await pinned(zhang, { merge_patients: () => zhang });
    await user.keyboard("{Control>}m{/Control}");
    const dialog = await screen.findByRole("dialog", { name: "合并患者（主管授权）" });
    expect(within(dialog).getByTestId("pm-into-picked")).toHaveTextContent("DT-MZ01-000001");
    await waitFor(() => expect(screen.getByTestId("pm-merged-search")).toHaveFocus());
    // Ctrl+Enter with nothing picked says what is missing, and sends nothing.
    await user.keyboard("{Control>}{Enter}{/Control}");
    expect(screen.getByTestId("pm-error")).toHaveTextContent("请选择要合并掉的记录");
    await user.keyboard("DT-MZ01-000002");
    await within(dialog).findByTestId("pm-merged-row");
    await user.keyboard("{Enter}");
    expect(within(dialog).getByTestId("pm-merged-picked")).toHaveTextContent("DT-MZ01-000002");
    expect(screen.getByTestId("pm-reason")).toHaveFocus();
    await user.keyboard("同一人重复建档{Enter}");
    expect(screen.getByTestId("pm-sup-name")).toHaveFocus();
    await user.keyboard("{Enter}{Enter}");
    expect(screen.getByTestId("pm-error")).toHaveTextContent("请主管输入姓名和 PIN");
    expect(callsOf(calls, "merge_patients")).toHaveLength(0);
    await user.click(screen.getByTestId("pm-sup-name"));
    await user.keyboard("李主管{Enter}1234{Enter}");
    await waitFor(() => expect(callsOf(calls, "merge_patients")).toHaveLength(1));
    expect(callsOf(calls, "merge_patients")[0].args).toEqual({
      merged: "DT-MZ01-000002",
      into: "DT-MZ01-000001",
      reason: "同一人重复建档",
      supervisor: { name: "李主管", pin: "1234" },
    });
    await waitFor(() => expect(screen.queryByRole("dialog")).not.toBeInTheDocument());
    expect(screen.getByTestId("notice")).toHaveTextContent("已合并：DT-MZ01-000002 并入 张三（DT-MZ01-000001）");
    expect(screen.getByTestId("patient-pinned")).toHaveTextContent("DT-MZ01-000001");
  });

  test("the core's refusal of the approver shows at the supervisor; an HIS record cannot be picked", async () => {
    const { calls, user } = await pinned(zhang, {
      merge_patients: () => {
        throw ipcError("approver_is_actor", "审批人不能是操作员本人");
      },
      find_patients: (a) => (String(a?.query) === "李四" ? [hisPatient()] : String(a?.query).startsWith("DT") ? [dup] : [zhang]),
    });
    await user.click(screen.getByTestId("patient-merge"));
    const dialog = await screen.findByRole("dialog");
    await waitFor(() => expect(screen.getByTestId("pm-merged-search")).toHaveFocus());
    await user.keyboard("李四");
    await within(dialog).findByTestId("pm-merged-row");
    await user.keyboard("{Enter}");
    expect(screen.getByTestId("pm-error")).toHaveTextContent("这是 HIS 患者，还没有停机号");
    expect(within(dialog).queryByTestId("pm-merged-picked")).not.toBeInTheDocument();
    await user.clear(screen.getByTestId("pm-merged-search"));
    await user.keyboard("DT-MZ01-000002");
    await within(dialog).findByTestId("pm-merged-row");
    await user.keyboard("{Enter}同一人{Enter}张三{Enter}1234{Enter}");
    await waitFor(() => expect(screen.getByTestId("pm-error")).toHaveTextContent("审批人不能是操作员本人"));
    expect(screen.getByTestId("pm-sup-name").closest(".field")).toContainElement(screen.getByTestId("pm-error"));
    expect(callsOf(calls, "merge_patients")).toHaveLength(1);
    expect(screen.getByRole("dialog")).toBeInTheDocument();
  });
});
