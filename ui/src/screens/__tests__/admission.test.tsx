import { screen, waitFor, within } from "@testing-library/react";
import type { UserEvent } from "@testing-library/user-event";
import { describe, expect, test } from "vitest";
import type { AdmitInput } from "../../bindings/AdmitInput";
import type { DepositInput } from "../../bindings/DepositInput";
import type { DepositRefundInput } from "../../bindings/DepositRefundInput";
import {
  activeOutage,
  admissionView,
  callsOf,
  departments,
  depositAccount,
  movement,
  depositReceipt,
  fakeBackend,
  ipcError,
  openShiftView,
  operator,
  patient,
  printResult,
  renderApp,
  status,
  type Call,
} from "../../test/fixtures";

type Handlers = Parameters<typeof fakeBackend>[0];

const clerkStatus = () =>
  status({ operator: operator("王住院", "admissions"), shift: openShiftView(0), outage: activeOutage("2026-11-26T00:30:00Z") });

const admitted = admissionView();

/** The shell, its admission screen opened by `key` (F6 / F7 / F8). */
async function openAdm(key: "F6" | "F7" | "F8", handlers: Handlers = {}) {
  const calls = fakeBackend({
    app_status: clerkStatus,
    departments: () => departments,
    admissions: () => [],
    find_patients: () => [patient()],
    admit: () => admitted,
    deposit_account: () => depositAccount([], 0),
    // The core's balance after a refund, made up (always ¥12.34), so a window that subtracted
    // itself would show something else; over ¥2,000 it refuses as the core would.
    deposit_refund_preview: (a) => {
      if ((a?.amount_fen as number) > 200000) throw ipcError("deposit_refund_exceeds_balance", "退款 ¥3,000.00 超过预交金余额 ¥2,000.00");
      // The way the deposits came: the card first, then cash; another way is marked.
      const method = a?.pay_back as string | null;
      const amount = a?.amount_fen as number;
      return {
        balance_fen: 200000,
        balance_after_fen: 1234,
        pay_back:
          method === null
            ? [{ method: "card", amount_fen: Math.min(amount, 100000), reference: "6222/000123", other_way: false }, ...(amount > 100000 ? [{ method: "cash", amount_fen: amount - 100000, reference: "", other_way: false }] : [])]
            : [{ method, amount_fen: amount, reference: "", other_way: true }],
        channels: [
          { method: "card", reference: "6222/000123", paid_fen: 100000, left_fen: 100000 },
          { method: "cash", reference: "", paid_fen: 100000, left_fen: 100000 },
        ],
      };
    },
    cash_change: () => ({ change_fen: 1, short_fen: null }),
    print_receipt: (a) => printResult({ receipt_no: a?.receipt_no as string, copy: a?.copy as boolean, pdf_path: `/home/desk/receipts/${a?.receipt_no as string}.pdf` }),
    ...handlers,
  });
  const view = renderApp();
  await screen.findByTestId("status-bar");
  await view.user.keyboard(`{${key}}`);
  await screen.findByTestId("adm-screen");
  await waitFor(() => expect(callsOf(calls, "admissions")).toHaveLength(1));
  return { calls, ...view };
}

const admitInputs = (calls: Call[]) => callsOf(calls, "admit").map((c) => c.args?.input as AdmitInput);
const depositInputs = (calls: Call[]) => callsOf(calls, "take_deposit").map((c) => c.args?.input as DepositInput);
const refundInputs = (calls: Call[]) => callsOf(calls, "refund_deposit").map((c) => c.args?.input as DepositRefundInput);

/** F6 → search → Enter picks → the department by its code → Enter through the form. */
async function admitByKeyboard(user: UserEvent, fields: string[] = ["3病区", "12", "王医生", "肺炎"]) {
  expect(screen.getByTestId("patient-search")).toHaveFocus();
  await user.keyboard("zs");
  await screen.findByTestId("patient-row");
  await user.keyboard("{Enter}");
  await waitFor(() => expect(screen.getByTestId("adm-dept")).toHaveFocus());
  await user.keyboard("ZYNK{Enter}");
  for (const [i, id] of ["adm-ward", "adm-bed", "adm-doctor", "adm-diagnosis"].entries()) {
    expect(screen.getByTestId(id)).toHaveFocus();
    await user.keyboard(`${fields[i]}{Enter}`);
  }
  expect(screen.getByTestId("adm-insurance")).toHaveFocus();
}

/** An admitted patient with the deposit form open by F7. */
async function readyToDeposit(handlers: Handlers = {}) {
  const view = await openAdm("F6", handlers);
  await admitByKeyboard(view.user);
  await view.user.keyboard("{Enter}");
  await screen.findByTestId("adm-result");
  await view.user.keyboard("{F7}");
  await waitFor(() => expect(screen.getByTestId("dep-cash")).toHaveFocus());
  return view;
}

describe("admission (F6)", () => {
  test("the keyboard flow: search, Enter picks, department by code, Enter field to field, admitted; the inpatient number large", async () => {
    const { calls, user } = await openAdm("F6");
    expect(screen.getByTestId("patient-search")).toHaveFocus();
    await admitByKeyboard(user);
    // Inpatient wards only.
    const options = within(screen.getByTestId("adm-dept")).getAllByRole("option").map((o) => o.getAttribute("value"));
    expect(options).toEqual(["", "ZYNK"]);
    expect(screen.queryByTestId("adm-insurance-no")).not.toBeInTheDocument(); // self-pay
    await user.keyboard("{Enter}");

    const result = await screen.findByTestId("adm-result");
    const sent: AdmitInput = {
      patient: "DT-MZ01-000001",
      dept: "ZYNK",
      ward: "3病区",
      bed: "12",
      doctor: "王医生",
      diagnosis: "肺炎",
      insurance: "self_pay",
      insurance_no: null,
      confirm_second: false,
      back_entered_at: null,
    };
    expect(admitInputs(calls)).toEqual([sent]);
    expect(within(result).getByTestId("adm-inpatient-no")).toHaveTextContent("ZY-MZ01-000001");
    expect(within(result).getByTestId("adm-inpatient-no")).toHaveClass("receipt-big");
    expect(within(result).queryByTestId("adm-convert-flag")).not.toBeInTheDocument();
    expect(screen.getAllByTestId("adm-row")[0]).toHaveTextContent("ZY-MZ01-000001");
    // The next step is the first deposit: Enter (the focus waits there) or F7.
    expect(screen.getByTestId("adm-deposit-open")).toHaveFocus();
  });

  test("an insured patient: insurance and card number default to the patient's; the form and the result say self-pay now, converted later", async () => {
    const insured = patient({ insurance: "employee", insurance_no: "YB123" });
    const { calls, user } = await openAdm("F6", {
      find_patients: () => [insured],
      admit: () => admissionView({ insurance: "employee", insurance_no: "YB123", convert_to_insured: true }),
    });
    await admitByKeyboard(user, ["", "", "", ""]);
    expect(screen.getByTestId("adm-insurance")).toHaveValue("employee");
    expect(screen.getByTestId("adm-insured-note")).toHaveTextContent("医保患者：停机期间按自费入院，恢复后转医保");
    await user.keyboard("{Enter}");
    expect(screen.getByTestId("adm-insurance-no")).toHaveValue("YB123");
    await user.keyboard("{Enter}");
    const flag = await screen.findByTestId("adm-convert-flag");
    expect(flag).toHaveTextContent("医保患者：停机期间按自费入院，恢复后转医保");
    expect(flag).toHaveTextContent("城镇职工基本医疗保险 YB123");
    expect(admitInputs(calls)[0]).toMatchObject({ ward: null, bed: null, doctor: null, diagnosis: null, insurance: "employee", insurance_no: "YB123" });
  });

  test("a patient already admitted: the message, then 确认再次入院 resubmits with confirm_second", async () => {
    let tries = 0;
    const { calls, user } = await openAdm("F6", {
      admit: () => {
        if (tries++ === 0) throw ipcError("admission_already_active", "张三 已有住院记录 ZY-MZ01-000001（内科病区）。确是再次入院请确认后继续");
        return admissionView({ inpatient_no: "ZY-MZ01-000002" });
      },
    });
    await admitByKeyboard(user);
    await user.keyboard("{Enter}");
    expect(await screen.findByTestId("adm-error")).toHaveTextContent("已有住院记录 ZY-MZ01-000001");
    const confirm = screen.getByTestId("adm-confirm-second");
    expect(confirm).toHaveFocus();
    await user.keyboard("{Enter}");
    expect(await screen.findByTestId("adm-inpatient-no")).toHaveTextContent("ZY-MZ01-000002");
    expect(admitInputs(calls).map((i) => i.confirm_second)).toEqual([false, true]);
    expect(admitInputs(calls)[1]).toEqual({ ...admitInputs(calls)[0], confirm_second: true });
  });

  test("a cashier is told that an admissions clerk or a supervisor must admit", async () => {
    const { user } = await openAdm("F6", {
      admit: () => {
        throw ipcError("role_forbidden", "张三（收费员）无权执行：只有住院处和主管可以办理入院和预交金");
      },
    });
    await admitByKeyboard(user);
    await user.keyboard("{Enter}");
    expect(await screen.findByTestId("adm-error")).toHaveTextContent("请住院处工作人员或主管登录后办理");
    expect(screen.queryByTestId("adm-result")).not.toBeInTheDocument();
  });

  test("outside an outage: 补录 with the real time goes as back_entered_at", async () => {
    let tries = 0;
    const { calls, user } = await openAdm("F6", {
      admit: () => {
        if (tries++ === 0) throw ipcError("outage_not_active", "当前不在应急状态");
        return admissionView({ back_entered: true });
      },
    });
    await admitByKeyboard(user);
    await user.keyboard("{Enter}");
    expect(await screen.findByTestId("adm-error")).toHaveTextContent("入院请在 HIS 中办理");
    expect(screen.getByTestId("adm-back-toggle")).toHaveFocus();
    await user.keyboard(" ");
    expect(screen.getByTestId("adm-back-entry")).toHaveFocus();
    await user.keyboard("08:30{Enter}");
    expect(await screen.findByTestId("adm-result")).toHaveTextContent("补录");
    expect(admitInputs(calls)[1]).toMatchObject({ back_entered_at: "08:30" });
  });

  test("an insurance number the core asks for is shown at that field", async () => {
    const { user } = await openAdm("F6", {
      admit: () => {
        throw ipcError("insurance_no_missing", "城镇职工基本医疗保险需要填写医保卡号");
      },
    });
    await admitByKeyboard(user);
    await user.keyboard("1{Enter}");
    expect(screen.getByTestId("adm-insurance-no")).toHaveFocus();
    await user.keyboard("{Enter}");
    const error = await screen.findByTestId("adm-error");
    expect(error).toHaveTextContent("需要填写医保卡号");
    expect(screen.getByTestId("adm-insurance-no")).toHaveFocus();
  });

  test("F2 on this screen creates the patient with the new-patient form and pins them here", async () => {
    const { calls, user } = await openAdm("F6", { add_patient: () => patient({ name: "赵六", downtime_no: "DT-MZ01-000009" }) });
    await user.keyboard("{F2}");
    expect(screen.getByTestId("adm-screen")).toBeInTheDocument();
    expect(screen.getByTestId("np-name")).toHaveFocus();
    await user.keyboard("赵六");
    await user.click(screen.getByTestId("np-submit"));
    expect(await screen.findByTestId("patient-pinned")).toHaveTextContent("DT-MZ01-000009");
    await waitFor(() => expect(screen.getByTestId("adm-dept")).toHaveFocus());
    expect(callsOf(calls, "add_patient")).toHaveLength(1);
  });
});

describe("deposits (F7)", () => {
  test("cash: amount, Enter, 实收, Enter, Enter; integer fen go to the core; receipt number large, printed; balance from the account", async () => {
    const receipt = depositReceipt({ change_fen: 0 });
    let taken = false;
    const { calls, user } = await readyToDeposit({
      take_deposit: () => {
        taken = true;
        return receipt;
      },
      // The core's balance, deliberately not the deposit: the screen must show this one.
      deposit_account: () => (taken ? depositAccount([movement(receipt, "first")], 123456) : depositAccount([], 0)),
    });
    await user.keyboard("2000{Enter}");
    expect(screen.getByTestId("dep-tendered")).toHaveFocus();
    await user.keyboard("2000.5{Enter}");
    expect(screen.getByTestId("dep-submit")).toHaveFocus();
    await user.keyboard("{Enter}");

    expect(await screen.findByTestId("dep-receipt-no")).toHaveTextContent("MZ01-000200");
    expect(screen.getByTestId("dep-receipt-no")).toHaveClass("receipt-big");
    const [input] = depositInputs(calls);
    expect(input).toEqual({
      id: expect.stringMatching(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/),
      inpatient_no: "ZY-MZ01-000001",
      tenders: [{ method: "cash", amount_fen: 200000, reference: "" }],
      cash_tendered_fen: 200050,
      back_entered_at: null,
      payer: null,
    });
    expect(await screen.findByTestId("print-status")).toHaveTextContent("已发送到打印机");
    expect(screen.getByTestId("print-path")).toHaveTextContent("MZ01-000200.pdf");
    expect(callsOf(calls, "print_receipt").map((c) => c.args)).toEqual([{ receipt_no: "MZ01-000200", layout: "a5", copy: false }]);
    await waitFor(() => expect(screen.getByTestId("dep-balance")).toHaveTextContent("¥1,234.56"));
    expect(callsOf(calls, "deposit_account").at(-1)?.args).toEqual({ inpatient_no: "ZY-MZ01-000001" });
    expect(screen.getAllByTestId("dep-movement")[0]).toHaveTextContent("预交");

    // Ctrl+R reprints the deposit receipt as a copy.
    await user.keyboard("{Control>}r{/Control}");
    await waitFor(() => expect(screen.getByTestId("print-status")).toHaveTextContent("副本"));
    expect(callsOf(calls, "print_receipt").at(-1)?.args).toEqual({ receipt_no: "MZ01-000200", layout: "a5", copy: true });
  });

  test("a retry after a lost answer sends the same id; the next deposit (F7 again) a new one", async () => {
    let tries = 0;
    const { calls, user } = await readyToDeposit({
      take_deposit: () => {
        if (tries++ === 0) throw "connection reset";
        return depositReceipt();
      },
    });
    await user.keyboard("500{Enter}{Enter}{Enter}");
    expect(await screen.findByTestId("dep-error")).toHaveTextContent("请再按 Enter 重试");
    await user.click(screen.getByTestId("dep-submit"));
    await screen.findByTestId("dep-receipt-no");
    await user.keyboard("{F7}");
    await waitFor(() => expect(screen.getByTestId("dep-cash")).toHaveFocus());
    expect(screen.getByTestId("dep-cash")).toHaveValue("");
    await user.keyboard("300{Enter}{Enter}{Enter}");
    await waitFor(() => expect(depositInputs(calls)).toHaveLength(3));
    const [first, retry, next] = depositInputs(calls);
    expect(retry).toEqual(first);
    expect(next.id).not.toBe(first.id);
    expect(next.tenders).toEqual([{ method: "cash", amount_fen: 30000, reference: "" }]);
  });

  test("a card top-up: Insert adds a tender, C chooses the card, a digit changes nothing, the reference goes as typed", async () => {
    const { calls, user } = await readyToDeposit({ take_deposit: () => depositReceipt({ tenders: [{ method: "card", amount_fen: 50000, tendered_fen: null, reference: "6222/000123" }] }) });
    await user.keyboard("{Insert}");
    const method = screen.getByTestId("dep-method");
    expect(method).toHaveFocus();
    await user.keyboard("w");
    expect(method).toHaveValue("wechat");
    // An amount typed while the method has the focus does not change the method: it says which keys it takes.
    await user.keyboard("2");
    expect(method).toHaveValue("wechat");
    expect(screen.getByTestId("dep-method-keys")).toHaveTextContent("这里只能按 C / W / A / Q / O");
    await user.keyboard("c{Enter}");
    expect(method).toHaveValue("card");
    expect(screen.getByTestId("dep-amount")).toHaveFocus();
    await user.keyboard("500{Enter}6222/000123");
    await user.click(screen.getByTestId("dep-submit"));
    await screen.findByTestId("dep-receipt-no");
    expect(depositInputs(calls)[0]).toMatchObject({
      tenders: [{ method: "card", amount_fen: 50000, reference: "6222/000123" }],
      cash_tendered_fen: null,
    });
  });

  test("C chooses the card as well; a card reference the core refuses is shown at it", async () => {
    const { user } = await readyToDeposit({
      take_deposit: () => {
        throw ipcError("tender_card_reference", "银行卡请填写卡号后四位和终端参考号");
      },
    });
    await user.click(screen.getByTestId("dep-add-tender"));
    await user.selectOptions(screen.getByTestId("dep-method"), "wechat");
    await user.keyboard("c");
    expect(screen.getByTestId("dep-method")).toHaveValue("card");
    await user.type(screen.getByTestId("dep-amount"), "100");
    await user.type(screen.getByTestId("dep-reference"), "12");
    await user.click(screen.getByTestId("dep-submit"));
    const error = await screen.findByTestId("dep-error");
    expect(error).toHaveTextContent("卡号后四位");
    expect(screen.getByTestId("dep-reference")).toHaveFocus();
  });

  test("a zero deposit is the core's to refuse, shown at the amount", async () => {
    const { calls, user } = await readyToDeposit({
      take_deposit: () => {
        throw ipcError("deposit_zero", "预交金金额必须大于 0");
      },
    });
    await user.keyboard("0{Enter}{Enter}{Enter}");
    expect(await screen.findByTestId("dep-error")).toHaveTextContent("必须大于 0");
    expect(screen.getByTestId("dep-cash")).toHaveFocus();
    expect(depositInputs(calls)[0].tenders).toEqual([{ method: "cash", amount_fen: 0, reference: "" }]);
  });

  test("the balance and every movement are the core's: first deposit, top-up, refund, voided marked", async () => {
    const movements = [
      movement(depositReceipt({ receipt_no: "MZ01-000200", occurred_at: "2026-11-26T02:00:00Z" }), "first"),
      movement(depositReceipt({ receipt_no: "MZ01-000201", total_fen: 50000, signed_total_fen: 50000, voided: true, void_reason: "收错", tenders: [{ method: "card", amount_fen: 50000, tendered_fen: null, reference: "6222/000123" }] }), "top_up"),
      movement(depositReceipt({ receipt_no: "MZ01-000202", total_fen: 30000, signed_total_fen: 30000 }), "top_up"),
      movement(depositReceipt({ receipt_no: "MZ01-000203", kind: "deposit_refund", total_fen: 10000, signed_total_fen: -10000 }), "refund"),
    ];
    const { user } = await openAdm("F6", {
      admissions: () => [admitted],
      deposit_account: () => depositAccount(movements, 7),
    });
    await user.keyboard("{F7}");
    expect(screen.getByTestId("adm-list")).toHaveFocus(); // none chosen yet
    await user.keyboard("{Enter}");
    await screen.findByTestId("dep-panel");
    await waitFor(() => expect(screen.getByTestId("dep-balance")).toHaveTextContent("¥0.07"));
    // The deposit form open, the movements make room for it; Esc closes the form and shows them.
    expect(screen.queryByTestId("dep-movement")).not.toBeInTheDocument();
    await user.keyboard("{Escape}");
    const rows = await screen.findAllByTestId("dep-movement");
    expect(rows.map((r) => r.textContent)).toEqual([
      expect.stringMatching(/MZ01-000200预交.*¥2,000\.00$/),
      expect.stringMatching(/MZ01-000201补交.*银行卡 6222\/000123.*¥500\.00作废/),
      expect.stringMatching(/MZ01-000202补交.*¥300\.00$/),
      expect.stringMatching(/MZ01-000203退款.*-¥100\.00$/),
    ]);
    expect(rows[1]).toHaveClass("voided");
  });

  test("F8 refunds with a supervisor: amount_fen, reason and credentials; over the balance shown at the amount; its own receipt, printed", async () => {
    const refund = depositReceipt({ receipt_no: "MZ01-000210", kind: "deposit_refund", total_fen: 50000, signed_total_fen: -50000, tenders: [{ method: "cash", amount_fen: 50000, tendered_fen: 50000, reference: "" }] });
    let refunded = false;
    const { calls, user } = await openAdm("F6", {
      admissions: () => [admitted],
      deposit_account: () => depositAccount(refunded ? [movement(depositReceipt(), "first"), movement(refund, "refund")] : [movement(depositReceipt(), "first")], refunded ? 150000 : 200000),
      refund_deposit: (a) => {
        const input = a?.input as DepositRefundInput;
        if (input.amount_fen > 200000) throw ipcError("deposit_refund_exceeds_balance", "退款 ¥3,000.00 超过预交金余额 ¥2,000.00");
        refunded = true;
        return refund;
      },
    });
    await user.click(screen.getAllByTestId("adm-row")[0]);
    await screen.findByTestId("dep-panel");
    expect(screen.getByTestId("fkey-bar")).toHaveTextContent("F8 退预交金");
    await user.keyboard("{F8}");
    const amount = await screen.findByTestId("dep-refund-amount");
    expect(amount).toHaveFocus();
    await waitFor(() => expect(screen.getByTestId("dep-refund-form")).toHaveTextContent("当前余额 ¥2,000.00"));
    // Before anything is confirmed: the balance after the refund, or why it cannot be.
    await user.keyboard("300");
    expect(await screen.findByTestId("dep-refund-after")).toHaveTextContent("退后余额 ¥12.34");
    expect(callsOf(calls, "deposit_refund_preview").at(-1)?.args).toEqual({ inpatient_no: "ZY-MZ01-000001", amount_fen: 30000, pay_back: null });
    // 原路退回 by default: to the card the deposit came on, shown before confirming.
    expect(screen.getByTestId("dep-refund-split")).toHaveTextContent("退回银行卡 ¥300.00（6222/000123）");
    expect(screen.queryByTestId("dep-refund-channels")).toBeNull();
    await user.keyboard("0");
    expect(await screen.findByTestId("dep-refund-after-error")).toHaveTextContent("超过预交金余额");
    expect(screen.queryByTestId("dep-refund-after")).not.toBeInTheDocument();
    await user.keyboard("{Enter}退院结算{Enter}李主管{Enter}2468{Enter}");
    const error = await screen.findByTestId("dep-refund-error");
    expect(error).toHaveTextContent("超过预交金余额");
    expect(amount.closest(".field")).toContainElement(error);
    expect(amount).toHaveFocus();
    await user.keyboard("500");
    await user.click(screen.getByTestId("dep-refund-sup-pin"));
    await user.keyboard("2468{Enter}");

    expect(await screen.findByTestId("dep-refund-receipt-no")).toHaveTextContent("MZ01-000210");
    const sent = refundInputs(calls);
    expect(sent[1]).toEqual({
      id: sent[0].id,
      inpatient_no: "ZY-MZ01-000001",
      amount_fen: 50000,
      tenders: [],
      reason: "退院结算",
      pay_back_reason: null,
      supervisor: { name: "李主管", pin: "2468" },
    });
    await waitFor(() => expect(callsOf(calls, "print_receipt").map((c) => c.args)).toEqual([{ receipt_no: "MZ01-000210", layout: "a5", copy: false }]));
    await waitFor(() => expect(screen.getByTestId("dep-balance")).toHaveTextContent("¥1,500.00"));
  });

  test("亲属代交: ticked, the payer's name, relationship and phone go with the deposit; a refusal of the name shows at it", async () => {
    let tries = 0;
    const { calls, user } = await readyToDeposit({
      take_deposit: () => {
        if (tries++ === 0) throw ipcError("text_too_long", "交款人不能超过 20 个字");
        return depositReceipt();
      },
    });
    await user.keyboard("500");
    await user.click(screen.getByTestId("dep-by-relative"));
    await user.type(screen.getByTestId("dep-payer-name"), "王小明");
    await user.type(screen.getByTestId("dep-payer-relation"), "子女");
    await user.type(screen.getByTestId("dep-payer-phone"), "13800138000");
    await user.click(screen.getByTestId("dep-submit"));
    const error = await screen.findByTestId("dep-error");
    expect(screen.getByTestId("dep-payer-name").closest(".field")).toContainElement(error);
    await user.click(screen.getByTestId("dep-submit"));
    await screen.findByTestId("dep-receipt-no");
    expect(depositInputs(calls)[1].payer).toEqual({ name: "王小明", relation: "子女", phone: "13800138000" });
  });

  test("a refund paid back another way carries the whole amount and the reference, and the reason the core asks for", async () => {
    const { calls, user } = await openAdm("F6", {
      admissions: () => [admitted],
      deposit_account: () => depositAccount([movement(depositReceipt(), "first")], 200000),
      refund_deposit: (a) => {
        const input = a?.input as DepositRefundInput;
        if (!input.pay_back_reason) throw ipcError("refund_other_way_needs_reason", "银行卡 ¥100.00 不是原路退回（原支付：银行卡 ¥1,000.00（6222/000123））：请填写原因，原因将打印在退费凭证上");
        return depositReceipt({ receipt_no: "MZ01-000211", kind: "deposit_refund" });
      },
    });
    await user.click(screen.getAllByTestId("adm-row")[0]);
    await user.click(await screen.findByTestId("dep-refund-open"));
    await user.keyboard("100");
    await user.selectOptions(screen.getByTestId("dep-refund-way"), "card");
    await user.type(screen.getByTestId("dep-refund-reference"), "6222/000999");
    await waitFor(() => expect(screen.getByTestId("dep-refund-split")).toHaveTextContent("退回银行卡 ¥100.00非原路"));
    // Another way chosen: how the deposits came shows, to compare.
    expect(screen.getByTestId("dep-refund-channels")).toHaveTextContent("原支付：银行卡 ¥1,000.00（6222/000123）、现金 ¥1,000.00");
    await user.type(screen.getByTestId("dep-refund-reason"), "多交");
    await user.type(screen.getByTestId("dep-refund-sup-name"), "李主管");
    await user.type(screen.getByTestId("dep-refund-sup-pin"), "2468");
    await user.click(screen.getByTestId("dep-refund-submit"));
    // No reason for the other way: the core's refusal sits at the field that asks for it.
    const error = await screen.findByTestId("dep-refund-error");
    expect(error).toHaveTextContent("不是原路退回");
    expect(screen.getByTestId("dep-refund-way-reason").closest(".field")).toContainElement(error);
    await user.type(screen.getByTestId("dep-refund-way-reason"), "原卡已注销");
    await user.click(screen.getByTestId("dep-refund-submit"));
    await screen.findByTestId("dep-refund-receipt-no");
    expect(refundInputs(calls)[1]).toMatchObject({
      amount_fen: 10000,
      tenders: [{ method: "card", amount_fen: 10000, reference: "6222/000999" }],
      pay_back_reason: "原卡已注销",
    });
  });

  test("Delete voids the chosen deposit receipt with a supervisor; one already partly refunded is explained", async () => {
    let tries = 0;
    const { calls, user } = await openAdm("F6", {
      admissions: () => [admitted],
      deposit_account: () => depositAccount([movement(depositReceipt({ receipt_no: "MZ01-000200" }), "first"), movement(depositReceipt({ receipt_no: "MZ01-000201" }), "top_up")], 400000),
      void_receipt: () => {
        if (tries++ === 0) throw ipcError("deposit_void_below_zero", "作废这笔预交金后余额将为负");
        return depositReceipt({ receipt_no: "MZ01-000200", voided: true });
      },
    });
    await user.click(screen.getAllByTestId("adm-row")[0]);
    await user.keyboard("{Escape}"); // the deposit form closes: the focus goes to the movements
    const list = await screen.findByTestId("dep-movements");
    expect(list).toHaveFocus();
    await user.keyboard("{ArrowUp}{Delete}");
    expect(screen.getByTestId("void-reason")).toHaveFocus();
    await user.keyboard("收错{Enter}李主管{Enter}2468{Enter}");
    expect(await screen.findByTestId("void-error")).toHaveTextContent("作废后余额会成为负数");
    await user.click(screen.getByTestId("void-submit"));
    expect(await screen.findByTestId("dep-void-done")).toHaveTextContent("MZ01-000200 已作废");
    expect(callsOf(calls, "void_receipt").map((c) => c.args)).toEqual([
      { receipt_no: "MZ01-000200", reason: "收错", supervisor: { name: "李主管", pin: "2468" } },
      { receipt_no: "MZ01-000200", reason: "收错", supervisor: { name: "李主管", pin: "2468" } },
    ]);
  });

  test("打印预交金汇总 shows where the PDF was saved, and opens it", async () => {
    const { calls, user } = await openAdm("F6", {
      admissions: () => [admitted],
      print_deposit_summary: () => "/home/desk/receipts/ZY-MZ01-000001-预交金汇总.pdf",
      open_pdf: () => null,
    });
    await user.click(screen.getAllByTestId("adm-row")[0]);
    await user.click(await screen.findByTestId("dep-summary-print"));
    expect(await screen.findByTestId("dep-summary-path")).toHaveTextContent("ZY-MZ01-000001-预交金汇总.pdf");
    expect(callsOf(calls, "print_deposit_summary").map((c) => c.args)).toEqual([{ inpatient_no: "ZY-MZ01-000001" }]);
    await user.click(screen.getByTestId("dep-summary-open-pdf"));
    await waitFor(() => expect(callsOf(calls, "open_pdf").map((c) => c.args)).toEqual([{ path: "/home/desk/receipts/ZY-MZ01-000001-预交金汇总.pdf" }]));
  });

  test("cancelling with a balance says to refund first; a transfer sends ward, bed and reason", async () => {
    const { calls, user } = await openAdm("F6", {
      admissions: () => [admitted],
      cancel_admission: () => {
        throw ipcError("admission_has_balance", "住院号 ZY-MZ01-000001 还有预交金余额");
      },
      transfer_admission: () => admissionView({ ward: "5病区", bed: "3" }),
    });
    await user.click(screen.getAllByTestId("adm-row")[0]);
    await user.click(await screen.findByTestId("adm-cancel"));
    expect(screen.getByTestId("adm-cancel-reason")).toHaveFocus();
    await user.keyboard("登记错误{Enter}");
    expect(await screen.findByTestId("adm-cancel-error")).toHaveTextContent("请先退预交金（F8）");
    expect(callsOf(calls, "cancel_admission").map((c) => c.args)).toEqual([{ inpatient_no: "ZY-MZ01-000001", reason: "登记错误" }]);

    await user.click(screen.getByTestId("adm-transfer"));
    expect(screen.getByTestId("adm-transfer-ward")).toHaveValue("3病区");
    await user.clear(screen.getByTestId("adm-transfer-ward"));
    await user.keyboard("5病区{Enter}");
    await user.clear(screen.getByTestId("adm-transfer-bed"));
    await user.keyboard("3{Enter}病情需要{Enter}");
    await waitFor(() => expect(callsOf(calls, "transfer_admission")).toHaveLength(1));
    expect(callsOf(calls, "transfer_admission")[0].args).toEqual({ inpatient_no: "ZY-MZ01-000001", ward: "5病区", bed: "3", reason: "病情需要" });
    await waitFor(() => expect(callsOf(calls, "admissions")).toHaveLength(2)); // the list follows
  });
});

describe("keys", () => {
  test("F6 and F7 are offered everywhere and no longer 'coming soon'; the screen's keys are in the help", async () => {
    const { user } = await openAdm("F6");
    const bar = screen.getByTestId("fkey-bar");
    for (const text of ["F6 入院", "F7 预交金", "F8 退预交金", "Ctrl+R 重印", "Delete 作废所选预交金收据"]) expect(bar).toHaveTextContent(text);
    await user.keyboard("{F1}");
    const help = screen.getByTestId("help-overlay");
    expect(help).not.toHaveTextContent("即将提供");
    expect(help).toHaveTextContent("F8退预交金");
    await user.keyboard("{Escape}{Escape}");
    expect(screen.queryByTestId("adm-screen")).not.toBeInTheDocument();
    expect(screen.getByTestId("nav-admit")).toHaveTextContent("F6入院");
    expect(screen.getByTestId("nav-deposit")).toHaveTextContent("F7预交金");
  });
});
