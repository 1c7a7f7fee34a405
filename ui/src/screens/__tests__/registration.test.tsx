import { screen, waitFor, within } from "@testing-library/react";
import { emit } from "@tauri-apps/api/event";
import { describe, expect, test } from "vitest";
import type { NewPatientInput } from "../../bindings/NewPatientInput";
import type { RegisterInput } from "../../bindings/RegisterInput";
import type { PatientView } from "../../bindings/PatientView";
import {
  callsOf,
  deferred,
  departments,
  fakeBackend,
  hisPatient,
  ipcError,
  patient,
  printResult,
  receiptView,
  registration,
  regTypes,
  renderApp,
  status,
  willPick,
} from "../../test/fixtures";

type Handlers = Parameters<typeof fakeBackend>[0];

/** The shell with the registration screen opened by `key` (F2 / F3 / F4). */
async function openReg(key: "F2" | "F3" | "F4", handlers: Handlers = {}) {
  const calls = fakeBackend({
    app_status: () => status(),
    departments: () => departments,
    registrations_today: () => [],
    find_patients: () => [],
    reg_types: () => regTypes,
    ...handlers,
  });
  const view = renderApp();
  await screen.findByTestId("status-bar");
  await view.user.keyboard(`{${key}}`);
  await screen.findByTestId("reg-screen");
  await waitFor(() => expect(callsOf(calls, "departments")).toHaveLength(1));
  return { calls, ...view };
}

const inputOf = (calls: ReturnType<typeof fakeBackend>, cmd: string, i = 0) => callsOf(calls, cmd)[i]?.args?.input as Record<string, unknown> | undefined;

/** 挂号收费 with the mouse: the form, then the payment with the cash preset to the fee. */
async function registerAndPay(user: Awaited<ReturnType<typeof openReg>>["user"]) {
  await user.click(screen.getByTestId("reg-submit"));
  await user.click(await screen.findByTestId("reg-pay-submit"));
}

/** The cash tender of the fee as the payment form sends it. */
const cashOf = (fen: number) => [{ method: "cash", amount_fen: fen, reference: "" }];

const blankPatient: NewPatientInput = {
  name: "",
  sex: "U",
  birth: null,
  age: null,
  id_number: null,
  phone: null,
  address: null,
  insurance: "self_pay",
  insurance_no: null,
  confirm_duplicate: false,
  confirm_id_mismatch: false,
};

describe("new patient (F2)", () => {
  test("the whole flow by keyboard: the form, the pinned patient, registration, the result, the next patient", async () => {
    const created = patient({ insurance: "employee", insurance_no: "YB123" });
    const { calls, user } = await openReg("F2", {
      add_patient: () => created,
      register: () => registration({ queue_no: 12 }),
    });
    expect(screen.getByTestId("np-name")).toHaveFocus();
    await user.keyboard("张三{Enter}");
    expect(screen.getByTestId("np-sex")).toHaveFocus();
    await user.keyboard("M{Enter}");
    expect(screen.getByTestId("np-birth")).toHaveFocus();
    await user.keyboard("1990-03-07{Enter}");
    expect(screen.getByTestId("np-age")).toHaveFocus();
    await user.keyboard("{Enter}");
    expect(screen.getByTestId("np-id-number")).toHaveFocus();
    await user.keyboard("{Enter}13800138000{Enter}");
    expect(screen.getByTestId("np-address")).toHaveFocus();
    await user.keyboard("人民路 1 号{Enter}");
    expect(screen.getByTestId("np-insurance")).toHaveFocus();
    expect(screen.queryByTestId("np-insurance-no")).not.toBeInTheDocument(); // self-pay: no card
    await user.keyboard("1{Enter}");
    expect(screen.getByTestId("np-insurance-no")).toHaveFocus();
    await user.keyboard("YB123{Enter}");

    const pinned = await screen.findByTestId("patient-pinned");
    expect(inputOf(calls, "add_patient")).toEqual({
      ...blankPatient,
      name: "张三",
      sex: "M",
      birth: "1990-03-07",
      phone: "13800138000",
      address: "人民路 1 号",
      insurance: "employee",
      insurance_no: "YB123",
    });
    expect(pinned).toHaveTextContent("张三");
    expect(pinned).toHaveTextContent("DT-MZ01-000001");
    expect(pinned).toHaveTextContent("城镇职工基本医疗保险 YB123");

    // Only outpatient and emergency departments are offered.
    const dept = screen.getByTestId("reg-dept");
    expect(dept).toHaveFocus();
    expect(within(dept).getAllByRole("option").map((o) => o.getAttribute("value"))).toEqual(["", "NK", "JZ"]);
    await user.selectOptions(dept, "NK");
    await user.keyboard("{Enter}");
    const type = screen.getByTestId("reg-type");
    expect(type).toHaveFocus();
    expect(within(type).getAllByRole("option").map((o) => o.textContent)).toEqual(["普通号 ¥11.00（1）", "主任医师号 ¥21.00（2）", "便民门诊（免费）（3）"]);
    await user.keyboard("2{Enter}");
    expect(screen.getByTestId("reg-fee-items")).toHaveTextContent("挂号费 ¥1.00 + 门诊诊查费(主任医师) ¥20.00");
    expect(screen.getByTestId("reg-doctor")).toHaveFocus();
    await user.keyboard("1{Enter}");

    // The fee is taken at once: cash preset to the fee, then what was handed over.
    expect(await screen.findByTestId("reg-pay-total")).toHaveTextContent("¥21.00");
    expect(screen.getByTestId("reg-pay-for")).toHaveTextContent("内科 · 主任医师号 · 张明");
    expect(screen.getByTestId("regpay-cash")).toHaveFocus();
    expect(screen.getByTestId("regpay-cash")).toHaveValue("21.00");
    await user.keyboard("{Enter}50{Enter}");
    expect(screen.getByTestId("reg-pay-submit")).toHaveFocus();
    await user.keyboard("{Enter}");

    const result = await screen.findByTestId("reg-result");
    const sent = inputOf(calls, "register") as RegisterInput;
    expect(sent).toEqual({
      id: sent.id,
      patient: "DT-MZ01-000001",
      dept: "NK",
      reg_type: "chief",
      doctor: "张明",
      back_entered_at: null,
      tenders: cashOf(2100),
      cash_tendered_fen: 5000,
      insured: true,
      self_pay_reason: null,
    });
    expect(sent.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(within(result).getByTestId("reg-downtime-no")).toHaveTextContent("DT-MZ01-000001");
    expect(within(result).getByTestId("reg-queue-no")).toHaveTextContent("12");
    expect(within(result).getByTestId("reg-fee")).toHaveTextContent("¥11.00");
    expect(result).toHaveTextContent("挂号费已收 · 收据 MZ01-000001");
    expect(screen.getAllByTestId("reg-row")[0]).toHaveTextContent("张三");

    // Enter on the result (the focus is on 下一位患者) starts the next patient.
    expect(screen.getByTestId("reg-next")).toHaveFocus();
    await user.keyboard("{Enter}");
    expect(screen.getByTestId("patient-search")).toHaveFocus();
    expect(screen.queryByTestId("reg-result")).not.toBeInTheDocument();
    expect(screen.queryByTestId("patient-pinned")).not.toBeInTheDocument();
  });

  test("name, sex and birth date, then Ctrl+Enter: saved without an Enter through the empty fields; a date typed into 性别 changes nothing", async () => {
    const { calls, user } = await openReg("F2", { add_patient: () => patient() });
    await user.keyboard("张三{Enter}");
    expect(screen.getByTestId("np-sex")).toHaveFocus();
    await user.keyboard("1990");
    expect(screen.getByTestId("np-sex")).toHaveValue("U");
    expect(screen.getByTestId("np-sex-keys")).toHaveTextContent("这里只能按 M / F / U");
    await user.keyboard("f{Enter}1990-03-07{Control>}{Enter}{/Control}");
    await screen.findByTestId("patient-pinned");
    expect(inputOf(calls, "add_patient")).toEqual({ ...blankPatient, name: "张三", sex: "F", birth: "1990-03-07" });
  });

  test("a typed age goes as a number; an age that is not one is refused before any call", async () => {
    const { calls, user } = await openReg("F2", { add_patient: () => patient({ birth: null, age: 40 }) });
    await user.keyboard("王五{Enter}F{Enter}{Enter}四十{Enter}");
    // The last Enter moved on; submit from the last field.
    await user.click(screen.getByTestId("np-submit"));
    expect(screen.getByTestId("np-error")).toHaveTextContent("年龄请填整数岁数");
    expect(screen.getByTestId("np-age")).toHaveFocus();
    expect(callsOf(calls, "add_patient")).toHaveLength(0);
    await user.clear(screen.getByTestId("np-age"));
    await user.type(screen.getByTestId("np-age"), "40");
    await user.click(screen.getByTestId("np-submit"));
    await screen.findByTestId("patient-pinned");
    expect(inputOf(calls, "add_patient")).toMatchObject({ name: "王五", sex: "F", birth: null, age: 40 });
  });

  test("an ID number the core refuses is shown at the ID field, which gets the focus", async () => {
    const { user } = await openReg("F2", {
      add_patient: () => {
        throw ipcError("id_number_checksum", "身份证号“110101199003071235”校验位错误：最后一位应为 4，请核对是否输错");
      },
    });
    await user.keyboard("张三{Enter}{Enter}{Enter}{Enter}110101199003071235");
    await user.click(screen.getByTestId("np-submit"));
    const error = await screen.findByTestId("np-error");
    expect(error).toHaveTextContent("校验位错误");
    expect(screen.getByTestId("np-id-number").closest(".field")).toContainElement(error);
    expect(screen.getByTestId("np-id-number")).toHaveFocus();
  });

  test("id_mismatch shows the message and 确认不一致; ticking it resubmits with confirm_id_mismatch", async () => {
    let tries = 0;
    const { calls, user } = await openReg("F2", {
      add_patient: () => {
        if (tries++ === 0) throw ipcError("id_mismatch", "身份证号显示出生日期 1990-03-07、性别男，与填写的不一致。请核对；确认无误请勾选“确认不一致”");
        return patient();
      },
    });
    await user.keyboard("张三{Enter}F{Enter}1991-01-01{Enter}{Enter}110101199003071234");
    await user.click(screen.getByTestId("np-submit"));
    const box = await screen.findByTestId("np-confirm-mismatch");
    expect(screen.getByTestId("np-error")).toHaveTextContent("与填写的不一致");
    expect(box).toHaveFocus();
    expect(box).not.toBeChecked();
    await user.keyboard(" ");
    await screen.findByTestId("patient-pinned");
    expect(callsOf(calls, "add_patient").map((c) => (c.args?.input as NewPatientInput).confirm_id_mismatch)).toEqual([false, true]);
    expect(inputOf(calls, "add_patient", 1)).toMatchObject({ sex: "F", birth: "1991-01-01", id_number: "110101199003071234" });
  });

  test("a possible duplicate shows the matches and both choices; 继续新建 resubmits with confirm_duplicate", async () => {
    const existing = patient({ id: "pat-old", downtime_no: "DT-MZ01-000003", phone: "13900000000" });
    let tries = 0;
    const { calls, user } = await openReg("F2", {
      add_patient: () => {
        if (tries++ === 0) throw ipcError("patient_possible_duplicate", "可能重复：已有 张三（DT-MZ01-000003），姓名与出生日期或电话相同。");
        return patient({ id: "pat-new", downtime_no: "DT-MZ01-000009" });
      },
      find_patients: () => [existing, patient({ id: "pat-x", name: "张三丰", downtime_no: "DT-MZ01-000004" })],
    });
    await user.keyboard("张三{Enter}M{Enter}1990-03-07");
    await user.click(screen.getByTestId("np-submit"));

    const warning = await screen.findByTestId("dup-warning");
    expect(within(warning).getByTestId("np-error")).toHaveTextContent("可能重复");
    const rows = await within(warning).findAllByTestId("dup-row");
    expect(rows).toHaveLength(1); // the same name only
    expect(rows[0]).toHaveTextContent("DT-MZ01-000003");
    expect(rows[0]).toHaveAttribute("aria-selected", "true");
    expect(callsOf(calls, "find_patients").at(-1)?.args).toEqual({ query: "张三", limit: 10 });
    expect(screen.getByTestId("dup-use-existing")).toHaveFocus();
    expect(screen.getByTestId("dup-create-anyway")).toHaveTextContent("确是另一人，继续新建");

    await user.click(screen.getByTestId("dup-create-anyway"));
    expect(await screen.findByTestId("patient-pinned")).toHaveTextContent("DT-MZ01-000009");
    expect(callsOf(calls, "add_patient").map((c) => (c.args?.input as NewPatientInput).confirm_duplicate)).toEqual([false, true]);
  });

  test("选用已有患者 pins the existing patient and creates nothing", async () => {
    const existing = patient({ id: "pat-old", downtime_no: "DT-MZ01-000003" });
    const { calls, user } = await openReg("F2", {
      add_patient: () => {
        throw ipcError("patient_possible_duplicate", "可能重复：已有 张三（DT-MZ01-000003）");
      },
      find_patients: () => [existing],
    });
    await user.keyboard("张三{Enter}M{Enter}1990-03-07");
    await user.click(screen.getByTestId("np-submit"));
    await screen.findAllByTestId("dup-row");
    await user.keyboard("{Enter}"); // the focus is on 选用已有患者
    expect(await screen.findByTestId("patient-pinned")).toHaveTextContent("DT-MZ01-000003");
    expect(callsOf(calls, "add_patient")).toHaveLength(1);
    expect(screen.getByTestId("reg-dept")).toHaveFocus();
    // The typed form is done with: F2 starts empty.
    await user.keyboard("{F2}");
    expect(screen.getByTestId("np-name")).toHaveValue("");
  });

  test("an ID number already known offers that patient, found by the ID number, and no 继续新建", async () => {
    const his = hisPatient({ id_number: "110101199003071234" });
    const { calls, user } = await openReg("F2", {
      add_patient: () => {
        throw ipcError("patient_in_his", "身份证号 110101********1234 属于 HIS 患者 李四（HIS 号 H0012345），请直接选用该患者，不要新建");
      },
      find_patients: () => [his],
    });
    await user.keyboard("李四{Enter}{Enter}{Enter}{Enter}110101199003071234");
    await user.click(screen.getByTestId("np-submit"));
    const warning = await screen.findByTestId("dup-warning");
    expect(await within(warning).findByTestId("dup-row")).toHaveTextContent("H0012345");
    expect(within(warning).queryByTestId("dup-create-anyway")).not.toBeInTheDocument();
    expect(callsOf(calls, "find_patients").at(-1)?.args).toEqual({ query: "110101199003071234", limit: 10 });
    await user.click(screen.getByTestId("dup-use-existing"));
    expect(await screen.findByTestId("patient-pinned")).toHaveTextContent("H0012345");
  });

  test("Esc steps back from the name to the search, then home; F2 finds the typed text again", async () => {
    const { user } = await openReg("F2");
    await user.keyboard("赵六{Enter}");
    await user.keyboard("{Escape}");
    expect(screen.getByTestId("np-name")).toHaveFocus();
    await user.keyboard("{Escape}");
    expect(screen.getByTestId("patient-search")).toHaveFocus();
    await user.keyboard("{Escape}");
    expect(screen.queryByTestId("reg-screen")).not.toBeInTheDocument();
    expect(screen.getByTestId("nav-newPatient")).toBeInTheDocument();
    await user.keyboard("{F2}");
    expect(screen.getByTestId("np-name")).toHaveValue("赵六");
    expect(screen.getByTestId("np-name")).toHaveFocus();
  });
});

describe("find and register (F3 / F4)", () => {
  test("an HIS patient is found, picked with Enter, registered by HIS ID, and gets the returned downtime number", async () => {
    const his = hisPatient();
    const { calls, user } = await openReg("F3", {
      find_patients: () => [his],
      register: () => registration({ patient_name: "李四", downtime_no: "DT-MZ01-000042", queue_no: 3 }),
    });
    expect(screen.getByTestId("patient-search")).toHaveFocus();
    await user.keyboard("ls");
    const row = await screen.findByTestId("patient-row");
    expect(row).toHaveTextContent("李四");
    expect(row).toHaveTextContent("H0012345");
    expect(row).toHaveAttribute("aria-selected", "true");
    expect(callsOf(calls, "find_patients").at(-1)?.args).toEqual({ query: "ls", limit: 20 });
    await user.keyboard("{Enter}");

    const pinned = screen.getByTestId("patient-pinned");
    expect(pinned).toHaveTextContent("H0012345");
    expect(pinned).toHaveTextContent("挂号后生成停机号");
    expect(screen.getByTestId("reg-dept")).toHaveFocus();
    await user.selectOptions(screen.getByTestId("reg-dept"), "NK");
    await user.keyboard("{Enter}{Enter}{Enter}");
    expect(await screen.findByTestId("regpay-cash")).toHaveFocus();
    await user.keyboard("{Enter}{Enter}{Enter}");

    expect(await screen.findByTestId("reg-downtime-no")).toHaveTextContent("DT-MZ01-000042");
    expect(inputOf(calls, "register")).toMatchObject({ patient: "H0012345", dept: "NK", reg_type: "ordinary", doctor: null, back_entered_at: null, tenders: cashOf(1100) });
    expect(screen.getByTestId("patient-pinned")).toHaveTextContent("DT-MZ01-000042");
  });

  test("arrows move the highlight; Enter picks the highlighted patient", async () => {
    const a = patient({ id: "a", downtime_no: "DT-MZ01-000001" });
    const b = patient({ id: "b", downtime_no: "DT-MZ01-000002", birth: "1970-01-01", age: 56 });
    const { user } = await openReg("F3", { find_patients: () => [a, b] });
    await user.keyboard("张三");
    await screen.findAllByTestId("patient-row");
    await user.keyboard("{ArrowDown}");
    expect(screen.getAllByTestId("patient-row")[1]).toHaveAttribute("aria-selected", "true");
    await user.keyboard("{Enter}");
    expect(screen.getByTestId("patient-pinned")).toHaveTextContent("DT-MZ01-000002");
  });

  test("the queue number and the downtime number are shown in very large type", async () => {
    const { user } = await openReg("F3", { find_patients: () => [patient()], register: () => registration({ queue_no: 58 }) });
    await user.keyboard("DT-MZ01-000001{Enter}");
    await screen.findByTestId("patient-pinned");
    await user.selectOptions(screen.getByTestId("reg-dept"), "NK");
    await registerAndPay(user);
    const queue = await screen.findByTestId("reg-queue-no");
    expect(queue).toHaveTextContent("58");
    expect(queue).toHaveClass("huge");
    expect(screen.getByTestId("reg-downtime-no")).toHaveClass("result-dt");
  });

  test("a type without fees registers without a payment; Esc from the payment goes back to the form", async () => {
    const { calls, user } = await openReg("F3", { find_patients: () => [patient()], register: () => registration({ total_fen: 0, receipt_no: null }) });
    await user.keyboard("zs{Enter}");
    await screen.findByTestId("patient-pinned");
    await user.selectOptions(screen.getByTestId("reg-dept"), "NK");
    await user.keyboard("{Enter}");
    await user.click(screen.getByTestId("reg-submit"));
    await screen.findByTestId("regpay-cash");
    await user.keyboard("{Escape}");
    expect(screen.getByTestId("reg-type")).toHaveFocus();
    await user.keyboard("3{Enter}{Enter}");
    expect(await screen.findByTestId("reg-result")).toHaveTextContent("本号别不收挂号费");
    expect(inputOf(calls, "register")).toMatchObject({ reg_type: "convenience", tenders: [], cash_tendered_fen: null });
  });

  test("a type whose fee items the price list lacks says so and sends nothing", async () => {
    const broken = { ...regTypes[0], total_fen: null, missing_codes: ["110200002"], fee_items: [{ ...regTypes[0].fee_items[1], name: "", unit_price: null, missing: true }] };
    const { calls, user } = await openReg("F3", { find_patients: () => [patient()], reg_types: () => [broken] });
    await user.keyboard("zs{Enter}");
    await screen.findByTestId("patient-pinned");
    await user.selectOptions(screen.getByTestId("reg-dept"), "NK");
    expect(screen.getByTestId("reg-fee-items")).toHaveTextContent("110200002（价目表中没有）");
    await user.click(screen.getByTestId("reg-submit"));
    expect(screen.getByTestId("reg-error")).toHaveTextContent("费用项目不在当前价目表中");
    expect(callsOf(calls, "register")).toHaveLength(0);
  });

  test("each registration is a new request: a second patient after a result gets a new id", async () => {
    const { calls, user } = await openReg("F3", { find_patients: () => [patient()], register: () => registration() });
    await user.keyboard("zs{Enter}");
    await user.selectOptions(await screen.findByTestId("reg-dept"), "NK");
    await registerAndPay(user);
    await screen.findByTestId("reg-result");
    await user.keyboard("{F3}zs");
    await screen.findByTestId("patient-row");
    await user.keyboard("{Enter}");
    await user.selectOptions(await screen.findByTestId("reg-dept"), "NK");
    await registerAndPay(user);
    await waitFor(() => expect(callsOf(calls, "register")).toHaveLength(2));
    expect(inputOf(calls, "register", 0)?.id).not.toEqual(inputOf(calls, "register", 1)?.id);
  });

  test("without a department chosen nothing is sent", async () => {
    const { calls, user } = await openReg("F3", { find_patients: () => [patient()] });
    await user.keyboard("zs{Enter}");
    await screen.findByTestId("patient-pinned");
    await user.keyboard("{Enter}{Enter}{Enter}");
    expect(screen.getByTestId("reg-error")).toHaveTextContent("请选择科室");
    expect(screen.getByTestId("reg-dept")).toHaveFocus();
    expect(callsOf(calls, "register")).toHaveLength(0);
  });

  test("shift_required says to open the shift with F10", async () => {
    const { user } = await openReg("F3", {
      find_patients: () => [patient()],
      register: () => {
        throw ipcError("shift_required", "张三 还没有开班：请先开班（F10）再收款");
      },
    });
    await user.keyboard("zs{Enter}");
    await screen.findByTestId("patient-pinned");
    await user.selectOptions(screen.getByTestId("reg-dept"), "NK");
    await registerAndPay(user);
    expect(await screen.findByTestId("reg-error")).toHaveTextContent("还没有开班：请先按 F10 开班");
    expect(screen.queryByTestId("reg-result")).not.toBeInTheDocument();
  });

  test("outside an outage: the message, then 补录 with the real time is sent as back_entered_at", async () => {
    let tries = 0;
    const { calls, user } = await openReg("F3", {
      find_patients: () => [patient()],
      register: () => {
        if (tries++ === 0) throw ipcError("outage_not_active", "当前不在应急状态：请在 HIS 中办理");
        return registration({ back_entered: true });
      },
    });
    await user.keyboard("zs{Enter}");
    await screen.findByTestId("patient-pinned");
    expect(screen.queryByTestId("reg-back-toggle")).not.toBeInTheDocument();
    await user.selectOptions(screen.getByTestId("reg-dept"), "NK");
    await registerAndPay(user);
    expect(await screen.findByTestId("reg-error")).toHaveTextContent("挂号请在 HIS 中办理");
    expect(screen.getByTestId("reg-back-toggle")).toHaveFocus();
    await user.keyboard(" ");
    expect(screen.getByTestId("reg-back-entry")).toHaveFocus();
    await user.keyboard("08:30{Enter}");
    await user.click(await screen.findByTestId("reg-pay-submit"));
    expect(await screen.findByTestId("reg-result")).toHaveTextContent("补录");
    expect(inputOf(calls, "register", 1)).toMatchObject({ back_entered_at: "08:30" });
  });

  test("F4 with a pinned patient focuses the department; with a result it starts the next patient", async () => {
    const { user } = await openReg("F3", { find_patients: () => [patient()], register: () => registration() });
    await user.keyboard("zs{Enter}");
    await user.keyboard("{F3}");
    expect(screen.getByTestId("patient-search")).toHaveFocus();
    await user.keyboard("{F4}");
    expect(screen.getByTestId("reg-dept")).toHaveFocus();
    await user.selectOptions(screen.getByTestId("reg-dept"), "NK");
    await registerAndPay(user);
    await screen.findByTestId("reg-result");
    await user.keyboard("{F4}");
    expect(screen.getByTestId("patient-search")).toHaveFocus();
    expect(screen.getByTestId("patient-search")).toHaveValue("");
    expect(screen.queryByTestId("reg-result")).not.toBeInTheDocument();
  });

  test("with no department list, one button imports the sample and the form follows", async () => {
    const { calls, user } = await openReg("F3", {
      departments: () => [],
      find_patients: () => [patient()],
      import_sample_departments: () => departments,
    });
    await user.keyboard("zs{Enter}");
    const button = await screen.findByTestId("dept-import-sample");
    expect(button).toHaveFocus();
    await user.keyboard("{Enter}");
    expect(await screen.findByTestId("reg-dept")).toHaveFocus();
    expect(callsOf(calls, "import_sample_departments")).toHaveLength(1);
  });
});

describe("after a registration", () => {
  async function registered(handlers: Handlers = {}) {
    const view = await openReg("F3", { find_patients: () => [patient()], register: () => registration(), ...handlers });
    await view.user.keyboard("zs{Enter}");
    await screen.findByTestId("patient-pinned");
    await view.user.selectOptions(screen.getByTestId("reg-dept"), "NK");
    await registerAndPay(view.user);
    await screen.findByTestId("reg-result");
    return view;
  }

  test("F2 starts clean: the last result and patient go, as with the next patient", async () => {
    const { user } = await registered();
    await user.keyboard("{F2}");
    expect(screen.getByTestId("np-name")).toHaveFocus();
    expect(screen.queryByTestId("reg-result")).not.toBeInTheDocument();
    expect(screen.queryByTestId("patient-pinned")).not.toBeInTheDocument();
    expect(screen.getByTestId("patient-search")).toHaveValue("");
  });

  test("F2 from the search box's button after a result starts clean too", async () => {
    const { user } = await registered();
    await user.click(screen.getByTestId("new-patient"));
    expect(screen.getByTestId("np-name")).toHaveFocus();
    expect(screen.queryByTestId("reg-result")).not.toBeInTheDocument();
    expect(screen.queryByTestId("patient-pinned")).not.toBeInTheDocument();
  });

  test("打印候诊条 (button or Ctrl+R) prints the registration's queue slip and says where the PDF is", async () => {
    const { calls, user } = await registered({
      print_queue_slip: () => printResult({ receipt_no: "", pdf_path: "/home/desk/receipts/候诊条-2026-11-26-NK-7.pdf" }),
    });
    await user.click(screen.getByTestId("reg-print-slip"));
    expect(await screen.findByTestId("slip-status")).toHaveTextContent("已发送到打印机");
    expect(screen.getByTestId("slip-path")).toHaveTextContent("候诊条-2026-11-26-NK-7.pdf");
    await user.keyboard("{Control>}r{/Control}");
    await waitFor(() => expect(callsOf(calls, "print_queue_slip")).toHaveLength(2));
    expect(callsOf(calls, "print_queue_slip").map((c) => c.args)).toEqual([{ id: "reg-1" }, { id: "reg-1" }]);
    expect(screen.getByTestId("fkey-bar")).toHaveTextContent("Ctrl+R 打印候诊条");
  });

  test("a printer problem shows with the saved PDF; 打开 PDF says when the PDF is not one the desk saved", async () => {
    const { calls, user } = await registered({
      print_queue_slip: () => printResult({ sent_to_printer: false, problem: "未设置打印机", problem_en: "No printer set", pdf_path: "/tmp/slip.pdf" }),
      open_pdf: () => {
        throw ipcError("pdf_unknown", "只能打开本机保存的收据 PDF");
      },
    });
    await user.keyboard("{Control>}r{/Control}");
    expect(await screen.findByTestId("slip-status")).toHaveTextContent("未能打印：未设置打印机");
    expect(screen.getByTestId("slip-path")).toHaveTextContent("/tmp/slip.pdf");
    await user.click(screen.getByTestId("open-pdf"));
    expect(await screen.findByTestId("open-pdf-error")).toHaveTextContent("只能打开本机保存的收据 PDF");
    expect(callsOf(calls, "open_pdf").map((c) => c.args)).toEqual([{ path: "/tmp/slip.pdf" }]);
  });
});

describe("Enter before the reply", () => {
  test("picks the first row of the reply to what was typed, even when it has several", async () => {
    const a = patient({ id: "a", downtime_no: "DT-MZ01-000001" });
    const b = patient({ id: "b", downtime_no: "DT-MZ01-000002", birth: "1970-01-01", age: 56 });
    const late = deferred<PatientView[]>();
    const { user } = await openReg("F3", { find_patients: (args) => (args?.query === "张三" ? late.promise : [a, b]) });
    await user.keyboard("张");
    expect(await screen.findAllByTestId("patient-row")).toHaveLength(2); // the earlier reply: several
    await user.keyboard("三{Enter}");
    expect(screen.queryByTestId("patient-pinned")).not.toBeInTheDocument();
    late.resolve([b, a]);
    expect(await screen.findByTestId("patient-pinned")).toHaveTextContent("DT-MZ01-000002");
    await waitFor(() => expect(screen.getByTestId("reg-dept")).toHaveFocus());
  });

  test("an older reply arriving late picks nothing", async () => {
    const late = deferred<PatientView[]>();
    const { user } = await openReg("F3", { find_patients: (args) => (args?.query === "张" ? late.promise : [patient({ id: "c", downtime_no: "DT-MZ01-000003" })]) });
    await user.keyboard("张");
    await user.keyboard("三{Enter}");
    expect(await screen.findByTestId("patient-pinned")).toHaveTextContent("DT-MZ01-000003");
    late.resolve([patient()]);
    await new Promise((r) => setTimeout(r, 20));
    expect(screen.getByTestId("patient-pinned")).toHaveTextContent("DT-MZ01-000003");
  });
});

describe("today's registrations and 退号", () => {
  test("Ctrl+T, Delete, a reason and Enter cancel the chosen row; it stays, marked 已退号", async () => {
    const first = registration({ id: "reg-2", queue_no: 8, patient_name: "王五" });
    const second = registration({ id: "reg-1", queue_no: 7, total_fen: 0, receipt_no: null });
    const { calls, user } = await openReg("F4", {
      registrations_today: () => [first, second],
      cancel_registration: () => ({ ...second, cancelled: true, cancel_reason: "挂错科室" }),
    });
    await screen.findAllByTestId("reg-row");
    expect(screen.getByTestId("patient-search")).toHaveFocus(); // F4 with nobody pinned
    await user.keyboard("{Control>}t{/Control}");
    expect(screen.getByTestId("reg-list")).toHaveFocus();
    await user.keyboard("{ArrowDown}");
    expect(screen.getAllByTestId("reg-row")[1]).toHaveAttribute("aria-selected", "true");
    await user.keyboard("{Delete}");
    expect(screen.getByTestId("reg-cancel-reason")).toHaveFocus();
    await user.keyboard("挂错科室{Enter}");

    await waitFor(() => expect(screen.getAllByTestId("reg-row")[1]).toHaveTextContent("已退号"));
    expect(callsOf(calls, "cancel_registration").map((c) => c.args)).toEqual([{ input: { id: "reg-1", reason: "挂错科室", supervisor: null } }]);
    expect(screen.getAllByTestId("reg-row")).toHaveLength(2);
    expect(screen.getAllByTestId("reg-row")[0]).not.toHaveTextContent("已退号");
    expect(screen.getByTestId("reg-list")).toHaveFocus();
    expect(screen.queryByTestId("reg-cancel")).not.toBeInTheDocument(); // a cancelled row offers nothing
  });

  test("a paid registration shows the refund and asks a supervisor; the refund voucher is named", async () => {
    const paid = registration({ id: "reg-1", queue_no: 7, receipt_no: "MZ01-000001", total_fen: 1100 });
    const { calls, user } = await openReg("F4", {
      registrations_today: () => [paid],
      receipt: (a) => {
        expect(a).toEqual({ receipt_no: "MZ01-000001" });
        return receiptView({
          receipt_no: "MZ01-000001",
          total_fen: 1100,
          tenders: [
            { method: "card", amount_fen: 600, tendered_fen: null, reference: "1234/000123" },
            { method: "cash", amount_fen: 500, tendered_fen: 1000, reference: "" },
          ],
        });
      },
      cancel_registration: (a) => {
        const input = a?.input as { supervisor: { pin: string } | null };
        if (input.supervisor?.pin !== "1357") throw ipcError("pin_wrong", "PIN 不正确");
        return { ...paid, cancelled: true, cancel_reason: "挂错科室", refund_receipt_no: "MZ01-000002", refund_fen: 1100 };
      },
    });
    await screen.findByTestId("reg-row");
    await user.keyboard("{Control>}t{/Control}{Delete}");
    expect(screen.getByTestId("reg-cancel-refund")).toHaveTextContent("原路退还挂号费 ¥11.00（收据 MZ01-000001）");
    // The split it goes back by, before anything is confirmed: the fee receipt's own tenders.
    expect(await screen.findByTestId("reg-cancel-split")).toHaveTextContent("退回：银行卡 ¥6.00（1234/000123）、现金 ¥5.00");
    await user.keyboard("挂错科室{Enter}");
    expect(screen.getByTestId("reg-cancel-sup-name")).toHaveFocus();
    await user.keyboard("{Enter}{Enter}");
    expect(screen.getByTestId("reg-cancel-error")).toBeInTheDocument();
    expect(screen.getByTestId("reg-cancel-sup-name")).toHaveFocus();
    expect(callsOf(calls, "cancel_registration")).toHaveLength(0);
    await user.keyboard("陈主管{Enter}1111{Enter}");
    expect(await screen.findByTestId("reg-cancel-error")).toHaveTextContent("PIN 不正确");
    expect(screen.getByTestId("reg-cancel-sup-pin")).toHaveFocus();
    await user.clear(screen.getByTestId("reg-cancel-sup-pin"));
    await user.keyboard("1357{Enter}");
    expect(await screen.findByTestId("reg-cancel-done")).toHaveTextContent("已退还挂号费 ¥11.00（退费凭证 MZ01-000002）");
    expect(callsOf(calls, "cancel_registration").at(-1)?.args).toEqual({ input: { id: "reg-1", reason: "挂错科室", supervisor: { name: "陈主管", pin: "1357" } } });
  });

  test("Esc leaves the reason without losing it; the core's refusal is shown", async () => {
    const { calls, user } = await openReg("F4", {
      registrations_today: () => [registration({ receipt_no: null, total_fen: 0 })],
      cancel_registration: () => {
        throw ipcError("shift_required", "张三 还没有开班");
      },
    });
    await screen.findByTestId("reg-row");
    await user.click(screen.getByTestId("reg-cancel"));
    await user.keyboard("患者离开");
    await user.keyboard("{Escape}");
    expect(screen.queryByTestId("reg-cancel-reason")).not.toBeInTheDocument();
    expect(screen.getByTestId("reg-list")).toHaveFocus();
    expect(screen.getByTestId("reg-screen")).toBeInTheDocument();
    await user.keyboard("{Delete}");
    expect(screen.getByTestId("reg-cancel-reason")).toHaveValue("患者离开");
    await user.click(screen.getByTestId("reg-cancel-submit"));
    expect(await screen.findByTestId("reg-cancel-error")).toHaveTextContent("请先按 F10 开班");
    expect(callsOf(calls, "cancel_registration")).toHaveLength(1);
  });
});

describe("keys", () => {
  test("F2, F3 and F4 are on the home screen's key bar and tiles, and in the help — no longer 'coming soon'", async () => {
    fakeBackend({ app_status: () => status() });
    const { user } = renderApp();
    const bar = await screen.findByTestId("fkey-bar");
    for (const text of ["F2 新建患者", "F3 查找患者", "F4 挂号"]) expect(bar).toHaveTextContent(text);
    expect(within(screen.getByTestId("nav-register")).getByText("F4")).toBeInTheDocument();
    await user.keyboard("{F1}");
    const help = screen.getByTestId("help-overlay");
    expect(help).not.toHaveTextContent("即将提供");
    const keys = within(help).getAllByTestId("help-key").map((row) => row.textContent);
    expect(keys).toEqual(expect.arrayContaining(["F2新建患者", "F3查找患者", "F4挂号"]));
  });

  test("F1 on the registration screen lists its own keys", async () => {
    const { user } = await openReg("F3");
    await user.keyboard("{F1}");
    const help = await screen.findByTestId("help-overlay");
    expect(help).toHaveTextContent("今日挂号");
    expect(help).toHaveTextContent("HIS 患者索引");
  });
});

describe("HIS patient index (Ctrl+I)", () => {
  test("a dry run first; then only the good rows, with the accept header", async () => {
    const report = { file_name: "his.csv", rows_read: 3, good: 2, problems: [{ row: 3, code: "H9", reason: "缺少姓名", reason_en: "Name missing" }], problems_total: 1, already_imported: false, patients: null };
    const { calls, user } = await openReg("F3", {
      import_patient_snapshot: () => report,
    });
    await user.keyboard("{Control>}i{/Control}");
    const file = await screen.findByTestId("index-file");
    expect(file).toHaveFocus();
    willPick("his.csv", "HIS号,姓名\nH1,李四\n");
    await user.keyboard("{Enter}");
    expect(await screen.findByTestId("index-report")).toHaveTextContent("读取 3 行，正确 2 行，有问题 1 行");
    expect(screen.getByTestId("import-problem")).toHaveTextContent("3H9缺少姓名");
    const good = screen.getByTestId("index-import-good");
    expect(good).toHaveFocus();
    expect(screen.getByTestId("index-import-none")).toBeInTheDocument();
    const [dry] = callsOf(calls, "import_patient_snapshot");
    // The file stays on disk: the core reads the path just chosen (a big index never crosses
    // to the window), so no bytes are fetched and the body is empty.
    expect(dry.headers).toEqual({ "x-file-name": "his.csv", "x-dry-run": "1", "x-accept-good-rows": "", "x-picked": "1" });
    expect(callsOf(calls, "picked_file_bytes")).toHaveLength(0);

    report.patients = 2 as unknown as null;
    await user.keyboard("{Enter}");
    expect(await screen.findByTestId("index-summary")).toHaveTextContent("已导入 HIS 患者索引：2 位患者");
    expect(callsOf(calls, "import_patient_snapshot")[1].headers).toEqual({ "x-file-name": "his.csv", "x-dry-run": "", "x-accept-good-rows": "1", "x-picked": "1" });
    await user.keyboard("{Escape}");
    expect(screen.getByTestId("reg-screen")).toBeInTheDocument();
  });

  test("a file with more bad rows than the core keeps counts them all", async () => {
    const problems = Array.from({ length: 1000 }, (_, n) => ({ row: n + 2, code: `H${n}`, reason: "缺少姓名", reason_en: "Name missing" }));
    const report = { file_name: "his.csv", rows_read: 5000, good: 2500, problems, problems_total: 2500, already_imported: false, patients: null };
    const { user } = await openReg("F3", { import_patient_snapshot: () => report });
    await user.keyboard("{Control>}i{/Control}");
    await screen.findByTestId("index-file");
    willPick("his.csv", "HIS号,姓名\nH1,李四\n");
    await user.keyboard("{Enter}");
    expect(await screen.findByTestId("index-report")).toHaveTextContent("读取 5000 行，正确 2500 行，有问题 2500 行");
    expect(screen.getAllByTestId("import-problem")).toHaveLength(300);
    expect(screen.getByTestId("index-report")).toHaveTextContent("另有 2200 行有问题，未逐一列出");
    expect(screen.getByTestId("index-import-good")).toHaveFocus();
  });

  test("a big index shows how far reading and indexing are", async () => {
    const report = { file_name: "his.csv", rows_read: 2, good: 2, problems: [], problems_total: 0, already_imported: false, patients: 2 };
    const reading = deferred<typeof report>();
    const importing = deferred<typeof report>();
    let call = 0;
    const { user } = await openReg("F3", {
      import_patient_snapshot: async () => {
        call += 1;
        if (call === 1) {
          await emit("patients-progress", { stage: "reading", done: 450, total: 1000 });
          return reading.promise;
        }
        await emit("patients-progress", { stage: "indexing", done: 1, total: 3 });
        return importing.promise;
      },
    });
    await user.keyboard("{Control>}i{/Control}");
    expect(await screen.findByTestId("index-file")).toHaveFocus();
    willPick("his.csv", "HIS号,姓名\nH1,李四\n");
    await user.keyboard("{Enter}");
    expect(await screen.findByTestId("index-progress")).toHaveTextContent("正在读取并检查文件：45%");
    reading.resolve(report);
    expect(await screen.findByTestId("index-report")).toBeInTheDocument();
    expect(screen.queryByTestId("index-progress")).not.toBeInTheDocument();
    await user.keyboard("{Enter}");
    expect(await screen.findByTestId("index-progress")).toHaveTextContent("正在写入查找索引：33%");
    importing.resolve(report);
    expect(await screen.findByTestId("index-summary")).toHaveTextContent("已导入 HIS 患者索引：2 位患者");
    expect(screen.queryByTestId("index-progress")).not.toBeInTheDocument();
  });
});

describe("department by code", () => {
  test("typing a department's code chooses it, also after an earlier registration", async () => {
    const { user } = await openReg("F2", {
      add_patient: () => patient(),
      register: () => registration({ queue_no: 1 }),
      find_patients: () => [hisPatient()],
    });
    await user.keyboard("张三{Enter}M{Enter}{Enter}{Enter}{Enter}{Enter}{Enter}{Enter}");
    const dept = await screen.findByTestId("reg-dept");
    await waitFor(() => expect(dept).toHaveFocus());
    await user.keyboard("NK");
    expect((screen.getByTestId("reg-dept") as HTMLSelectElement).value).toBe("NK");
    await user.keyboard("{Enter}{Enter}{Enter}");
    await screen.findByTestId("regpay-cash");
    await user.keyboard("{Enter}{Enter}{Enter}");
    await screen.findByTestId("reg-result");
    await user.keyboard("{F3}");
    await user.keyboard("swk");
    await screen.findAllByTestId("patient-row");
    await user.keyboard("{Enter}");
    await waitFor(() => expect(screen.getByTestId("reg-dept")).toHaveFocus());
    await user.keyboard("JZ");
    expect((screen.getByTestId("reg-dept") as HTMLSelectElement).value).toBe("JZ");
  });
});
