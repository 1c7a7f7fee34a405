import { screen, waitFor, within } from "@testing-library/react";
import type { UserEvent } from "@testing-library/user-event";
import { describe, expect, test } from "vitest";
import type { AppStatus } from "../../bindings/AppStatus";
import type { DraftLineInput } from "../../bindings/DraftLineInput";
import type { PayInput } from "../../bindings/PayInput";
import type { PricedDraftView } from "../../bindings/PricedDraftView";
import {
  activeOutage,
  allRepliesHandled,
  callsOf,
  catalogItem,
  catalogVersion,
  deferred,
  departments,
  fakeBackend,
  ipcError,
  openShiftView,
  patient,
  pricedDraft,
  pricedLine,
  printResult,
  receiptView,
  registration,
  regTypes,
  renderApp,
  status,
  type Call,
  catalogStatus,
} from "../../test/fixtures";

type Handlers = Parameters<typeof fakeBackend>[0];

const items = [
  catalogItem("110200001", "普通门诊诊察费", "10.00", { unit: "次", category: "诊察费", category_key: "consultation", is_drug: false }),
  catalogItem("120400001", "肌肉注射", "3.50", { unit: "次", category: "治疗费", category_key: "treatment", is_drug: false }),
];

/** The core's pricing, made up: its total (¥999.99) is not the sum of its lines, so a window
 *  that added anything up itself would show something else. */
function fakePricing(lines: DraftLineInput[]): PricedDraftView {
  return pricedDraft(
    lines.map((l, i) =>
      pricedLine({ line_no: i + 1, code: l.code ?? "", qty: l.qty, name: l.free_name ?? `项目${l.code}`, amount_fen: 1000 + i, free_text: l.code === null, free_reason: l.free_reason ?? "" }),
    ),
    { total_fen: 99999, total_capitals: "玖佰玖拾玖元玖角玖分", subtotals: [{ category: "诊察费", amount_fen: 12345 }] },
  );
}

const counterStatus = (over: Partial<AppStatus> = {}) =>
  status({ catalog: catalogStatus(catalogVersion(), false), shift: openShiftView(20000), outage: activeOutage("2026-11-26T00:30:00Z"), ...over });

function backend(handlers: Handlers = {}, over: Partial<AppStatus> = {}) {
  return fakeBackend({
    app_status: () => counterStatus(over),
    find_patients: () => [patient()],
    catalog_search: () => items,
    price_draft: (a) => fakePricing(a?.lines as DraftLineInput[]),
    charge_paid: () => null,
    pay_charge: () => receiptView({ total_fen: 99999, change_fen: 1, tenders: [{ method: "cash", amount_fen: 99999, tendered_fen: 100000, reference: "" }] }),
    print_receipt: (a) => printResult({ receipt_no: a?.receipt_no as string, copy: a?.copy as boolean }),
    shift_receipts: () => [],
    reg_types: () => regTypes,
    // The core's change, made up: 1 fen whatever is typed, so a window that subtracted itself
    // would show something else.
    cash_change: () => ({ change_fen: 1, short_fen: null }),
    shift_receipt_totals: () => ({
      by_kind: [
        { kind: "charge", count: 0, amount_fen: 0 },
        { kind: "registration", count: 0, amount_fen: 0 },
        { kind: "refund", count: 0, amount_fen: 0 },
        { kind: "deposit", count: 0, amount_fen: 0 },
        { kind: "deposit_refund", count: 0, amount_fen: 0 },
      ],
      voided: { count: 0, amount_fen: 0 },
      net_fen: 0,
    }),
    ...handlers,
  });
}

/** The shell with the cashier screen opened by F5. */
async function openCharge(handlers: Handlers = {}, over: Partial<AppStatus> = {}) {
  const calls = backend(handlers, over);
  const view = renderApp();
  await screen.findByTestId("status-bar");
  await view.user.keyboard("{F5}");
  await screen.findByTestId("charge-screen");
  return { calls, ...view };
}

async function pickPatient(user: UserEvent, text = "DT-MZ01-000001") {
  expect(screen.getByTestId("patient-search")).toHaveFocus();
  await user.keyboard(text);
  await screen.findByTestId("patient-row");
  await user.keyboard("{Enter}");
  await screen.findByTestId("charge-patient");
  expect(screen.getByTestId("item-search")).toHaveFocus();
}

/** Types `query` into the item entry, moves down `down` rows, picks, types `qty`, Enter. */
async function addItem(user: UserEvent, query: string, qty: string, down = 0) {
  expect(screen.getByTestId("item-search")).toHaveFocus();
  const before = screen.queryAllByTestId("charge-line").length;
  await user.keyboard(query);
  await screen.findAllByTestId("item-row");
  await user.keyboard(`${"{ArrowDown}".repeat(down)}{Enter}`);
  expect(screen.getByTestId("charge-qty")).toHaveFocus();
  expect(screen.getByTestId("charge-qty")).toHaveValue("1");
  await user.clear(screen.getByTestId("charge-qty"));
  await user.keyboard(`${qty}{Enter}`);
  await waitFor(() => expect(screen.getAllByTestId("charge-line")).toHaveLength(before + 1));
  expect(screen.getByTestId("item-search")).toHaveFocus();
}

const linesSent = (calls: Call[], i = -1) => callsOf(calls, "price_draft").at(i)?.args?.lines as DraftLineInput[];
const payInputs = (calls: Call[]) => callsOf(calls, "pay_charge").map((c) => c.args?.input as PayInput);
const line = (code: string, qty: string): DraftLineInput => ({ code, qty, doses: null, free_name: null, free_unit: null, free_unit_price: null, free_category: null, free_reason: null });

/** F5 → patient → two items → F9, ready to pay. */
async function readyToPay(handlers: Handlers = {}, over: Partial<AppStatus> = {}) {
  const view = await openCharge(handlers, over);
  await pickPatient(view.user);
  await addItem(view.user, "zcf", "2");
  await addItem(view.user, "jrzs", "12.5", 1);
  await view.user.keyboard("{F9}");
  await screen.findByTestId("pay-panel");
  return view;
}

describe("line entry", () => {
  test("by keyboard: patient, items with typed quantities; the lines go as typed and the total is the core's", async () => {
    const { calls, user } = await openCharge();
    await pickPatient(user);
    expect(screen.getByTestId("charge-patient")).toHaveTextContent("DT-MZ01-000001");
    await addItem(user, "zcf", "2");
    expect(linesSent(calls)).toEqual([line("110200001", "2")]);
    await addItem(user, "jrzs", "12.5", 1);
    expect(linesSent(calls)).toEqual([line("110200001", "2"), line("120400001", "12.5")]);

    const rows = screen.getAllByTestId("charge-line");
    expect(rows[1]).toHaveTextContent("120400001");
    expect(rows[1]).toHaveTextContent("12.5");
    expect(rows[1]).toHaveTextContent("¥10.01"); // the amount the core gave this line
    // Whatever the lines say, the total shown is exactly the core's.
    expect(screen.getByTestId("charge-total")).toHaveTextContent("¥999.99");
    expect(screen.getByTestId("charge-capitals")).toHaveTextContent("玖佰玖拾玖元玖角玖分");
    expect(screen.getByTestId("charge-subtotals")).toHaveTextContent("诊察费¥123.45");
    expect(screen.getByTestId("charge-count")).toHaveTextContent("共 2 项");
  });

  test("a quantity the core refuses is shown at the entry row; the line is not added", async () => {
    const { calls, user } = await openCharge({
      price_draft: (a) => {
        const lines = a?.lines as DraftLineInput[];
        if (lines.some((l) => l.qty === "1.2345")) throw ipcError("quantity_too_precise", "数量“1.2345”最多 3 位小数");
        return fakePricing(lines);
      },
    });
    await pickPatient(user);
    await user.keyboard("zcf");
    await screen.findAllByTestId("item-row");
    await user.keyboard("{Enter}");
    await user.clear(screen.getByTestId("charge-qty"));
    await user.keyboard("1.2345{Enter}");
    expect(await screen.findByTestId("charge-error")).toHaveTextContent("最多 3 位小数");
    expect(screen.getByTestId("charge-qty")).toHaveFocus();
    expect(screen.queryAllByTestId("charge-line")).toHaveLength(0);
    await user.clear(screen.getByTestId("charge-qty"));
    await user.keyboard("1.5{Enter}");
    await screen.findByTestId("charge-line");
    expect(screen.queryByTestId("charge-error")).not.toBeInTheDocument();
    expect(linesSent(calls)).toEqual([line("110200001", "1.5")]);
  });

  test("a line can be changed (Enter) and removed (Delete) from the table", async () => {
    const { calls, user } = await openCharge();
    await pickPatient(user);
    await addItem(user, "zcf", "2");
    await addItem(user, "jrzs", "1", 1);
    await user.keyboard("{ArrowUp}");
    expect(screen.getByTestId("charge-lines")).toHaveFocus();
    await user.keyboard("{ArrowUp}{Enter}");
    const qty = screen.getByTestId("charge-line-qty");
    expect(qty).toHaveFocus();
    await user.clear(qty);
    await user.keyboard("3{Enter}");
    await waitFor(() => expect(linesSent(calls)).toEqual([line("110200001", "3"), line("120400001", "1")]));
    expect(screen.getByTestId("charge-lines")).toHaveFocus();
    await user.keyboard("{Delete}");
    await waitFor(() => expect(screen.getAllByTestId("charge-line")).toHaveLength(1));
    expect(linesSent(calls)).toEqual([line("120400001", "1")]);
    await user.keyboard("{Escape}");
    expect(screen.getByTestId("item-search")).toHaveFocus();
  });

  test("a late reply to an older pricing is ignored", async () => {
    const late = deferred<PricedDraftView>();
    let n = 0;
    localStorage.setItem(
      "downtime-desk.charge.op-张三",
      JSON.stringify({ v: 1, draft: { id: "11111111-1111-4111-8111-111111111111", patient: patient(), lines: [line("110200001", "1")] } }),
    );
    const { user } = await openCharge({
      price_draft: (a) => (n++ === 0 ? late.promise : pricedDraft([], { total_fen: 4200, lines: (a?.lines as DraftLineInput[]).map((_, i) => pricedLine({ line_no: i + 1 })) })),
    });
    await addItem(user, "zcf", "2"); // answered at once
    expect(screen.getByTestId("charge-total")).toHaveTextContent("¥42.00");
    late.resolve(pricedDraft([pricedLine()], { total_fen: 1 }));
    await allRepliesHandled();
    expect(screen.getByTestId("charge-total")).toHaveTextContent("¥42.00");
    expect(screen.getAllByTestId("charge-line")).toHaveLength(2);
  });

  test("a kept draft the core already paid (the window died first) comes back as its receipt, not as a draft", async () => {
    const id = "22222222-2222-4222-8222-222222222222";
    localStorage.setItem("downtime-desk.charge.op-张三", JSON.stringify({ v: 1, draft: { id, patient: patient(), lines: [line("110200001", "1")] } }));
    const { calls, user } = await openCharge({ charge_paid: (a) => (a?.id === id ? receiptView({ receipt_no: "MZ01-000077" }) : null) });
    expect(await screen.findByTestId("charge-recovered")).toHaveTextContent("MZ01-000077");
    expect(screen.getByTestId("receipt-no")).toHaveTextContent("MZ01-000077");
    expect(screen.getByTestId("charge-screen")).toHaveAttribute("data-settled", "true");
    expect(calls.filter((c) => c.cmd === "price_draft")).toHaveLength(0);
    await waitFor(() => expect(screen.getByTestId("next-patient")).toHaveFocus());
    await user.keyboard("{Enter}");
    await screen.findByTestId("patient-search");
    expect(screen.queryByTestId("charge-recovered")).not.toBeInTheDocument();
    expect(calls.filter((c) => c.cmd === "pay_charge")).toHaveLength(0);
  });

  test("a kept draft not paid yet is priced again and stays a draft", async () => {
    localStorage.setItem("downtime-desk.charge.op-张三", JSON.stringify({ v: 1, draft: { id: "33333333-3333-4333-8333-333333333333", patient: patient(), lines: [line("110200001", "1")] } }));
    const { calls } = await openCharge();
    await waitFor(() => expect(screen.getByTestId("charge-screen")).toHaveAttribute("data-settled", "true"));
    expect(calls.find((c) => c.cmd === "charge_paid")?.args?.id).toBe("33333333-3333-4333-8333-333333333333");
    expect(calls.filter((c) => c.cmd === "price_draft")).toHaveLength(1);
    expect(screen.getAllByTestId("charge-line")).toHaveLength(1);
    expect(screen.queryByTestId("receipt-no")).not.toBeInTheDocument();
  });

  test("an old price list is warned about; without one charging is blocked and says how to import", async () => {
    await openCharge({}, { catalog: catalogStatus(catalogVersion(), true) });
    expect(screen.getByTestId("charge-stale")).toHaveTextContent("较旧");
    await screen.findByTestId("patient-search");
  });

  test("no price list: the item entry is off and says Ctrl+P", async () => {
    await openCharge({}, { catalog: catalogStatus(null, false) });
    expect(screen.getByTestId("item-search")).toBeDisabled();
    expect(screen.getByTestId("catalog-missing")).toHaveTextContent("Ctrl+P");
  });

  test("F9 without a patient or lines says what is missing", async () => {
    const { user } = await openCharge();
    await user.keyboard("{F9}");
    expect(screen.getByTestId("charge-error")).toHaveTextContent("还没有选用患者");
    expect(screen.queryByTestId("pay-panel")).not.toBeInTheDocument();
    expect(screen.getByTestId("patient-search")).toHaveFocus();
    await pickPatient(user);
    await user.keyboard("{F9}");
    expect(screen.getByTestId("charge-error")).toHaveTextContent("还没有收费项目");
  });
});

describe("paying (F9)", () => {
  test("the preset cash is selected: the first key typed replaces it instead of appending", async () => {
    const { user } = await readyToPay();
    await waitFor(() => expect(screen.getByTestId("pay-cash")).toHaveValue("999.99"));
    await user.keyboard("0");
    expect(screen.getByTestId("pay-cash")).toHaveValue("0");
    // Leaving and coming back selects it again.
    await user.keyboard("{Enter}");
    await user.keyboard("{Shift>}{Tab}{/Shift}");
    expect(screen.getByTestId("pay-cash")).toHaveFocus();
    await user.keyboard("12");
    expect(screen.getByTestId("pay-cash")).toHaveValue("12");
  });

  test("cash short of what is due says how much is missing, as the core works it out", async () => {
    const { user } = await readyToPay({ cash_change: () => ({ change_fen: null, short_fen: 4321 }) });
    await user.keyboard("{Enter}900");
    expect(await screen.findByTestId("pay-short")).toHaveTextContent("还差 ¥43.21");
    expect(screen.queryByTestId("pay-change")).not.toBeInTheDocument();
  });

  test("Ctrl+Enter confirms from any field", async () => {
    const { calls, user } = await readyToPay();
    await user.keyboard("{Control>}{Enter}{/Control}");
    expect(await screen.findByTestId("receipt-no")).toHaveTextContent("MZ01-000123");
    expect(payInputs(calls)).toHaveLength(1);
  });

  test("without an open shift F9 is refused at the door, before the panel opens", async () => {
    const refusal = ipcError("shift_required", "李收费 还没有开班：请先开班（F10）再收款");
    const { user } = await openCharge({}, { shift: null, doors: [{ task: "pay", refusal }] });
    await pickPatient(user);
    await addItem(user, "zcf", "2");
    await user.keyboard("{F9}");
    expect(screen.getByTestId("door-refusal")).toHaveTextContent("请先开班（F10）再收款");
    expect(screen.getByTestId("door-refusal")).toHaveAttribute("role", "alert");
    expect(screen.queryByTestId("pay-panel")).not.toBeInTheDocument();
    await user.click(screen.getByTestId("pay-open"));
    expect(screen.getByTestId("charge-error")).toHaveTextContent("请先开班");
    expect(screen.queryByTestId("pay-panel")).not.toBeInTheDocument();
  });

  test("the keyboard flow: cash preset to the core's total, tendered, Enter, Enter; fen go to the core; receipt, change and print", async () => {
    const { calls, user } = await readyToPay();
    expect(screen.getByTestId("pay-cash")).toHaveFocus();
    expect(screen.getByTestId("pay-cash")).toHaveValue("999.99");
    await user.keyboard("{Enter}");
    expect(screen.getByTestId("pay-tendered")).toHaveFocus();
    await user.keyboard("1000");
    // The change shows while the cash is typed, before anything is committed: the core's.
    expect(await screen.findByTestId("pay-change")).toHaveTextContent("¥0.01");
    expect(callsOf(calls, "cash_change").at(-1)?.args).toEqual({ cash_fen: 99999, tendered_fen: 100000 });
    await user.keyboard("{Enter}");
    expect(screen.getByTestId("pay-submit")).toHaveFocus();
    await user.keyboard("{Enter}");

    expect(await screen.findByTestId("receipt-no")).toHaveTextContent("MZ01-000123");
    expect(screen.getByTestId("receipt-change")).toHaveTextContent("¥0.01"); // the core's change
    const [input] = payInputs(calls);
    expect(input).toEqual({
      id: expect.stringMatching(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/),
      patient: "DT-MZ01-000001",
      visit: null,
      lines: [line("110200001", "2"), line("120400001", "12.5")],
      tenders: [{ method: "cash", amount_fen: 99999, reference: "" }],
      cash_tendered_fen: 100000,
      insured: false,
      self_pay_reason: null,
      paper_no: null,
      back_entered_at: null,
      supervisor: null,
    });
    expect(await screen.findByTestId("print-status")).toHaveTextContent("已发送到打印机");
    expect(screen.getByTestId("print-path")).toHaveTextContent("/home/desk/receipts/MZ01-000123.pdf");
    expect(callsOf(calls, "print_receipt").map((c) => c.args)).toEqual([{ receipt_no: "MZ01-000123", layout: "a5", copy: false }]);
    expect(screen.getByTestId("next-patient")).toHaveFocus();
  });

  test("a retry after a lost answer sends the same id", async () => {
    let tries = 0;
    const { calls, user } = await readyToPay({
      pay_charge: () => {
        if (tries++ === 0) throw "connection reset";
        return receiptView();
      },
    });
    await user.click(screen.getByTestId("pay-submit"));
    expect(await screen.findByTestId("pay-error")).toHaveTextContent("请再按 Enter 重试");
    await user.click(screen.getByTestId("pay-submit"));
    await screen.findByTestId("receipt-no");
    const [first, second] = payInputs(calls);
    expect(second.id).toBe(first.id);
    expect(second).toEqual(first);
  });

  test("several tenders: cash and a card; the card reference is joined; amounts in fen", async () => {
    const { calls, user } = await readyToPay();
    await user.clear(screen.getByTestId("pay-cash"));
    await user.keyboard("500{Insert}");
    expect(screen.getByTestId("pay-method")).toHaveFocus();
    await user.selectOptions(screen.getByTestId("pay-method"), "card");
    await user.type(screen.getByTestId("pay-amount"), "499.99");
    await user.type(screen.getByTestId("pay-reference"), "1234");
    await user.type(screen.getByTestId("pay-reference-2"), "000567");
    await user.type(screen.getByTestId("pay-paper-no"), "SG0001");
    await user.click(screen.getByTestId("pay-submit"));
    await screen.findByTestId("receipt-no");
    expect(payInputs(calls)[0]).toMatchObject({
      tenders: [
        { method: "cash", amount_fen: 50000, reference: "" },
        { method: "card", amount_fen: 49999, reference: "1234/000567" },
      ],
      cash_tendered_fen: null,
      paper_no: "SG0001",
    });
  });

  test("the book's next paper number is filled in; after the receipt prints, the next one", async () => {
    let next = "SG0007";
    const { calls, user } = await readyToPay({
      app_status: () => counterStatus({ shift: { ...openShiftView(20000), paper_next: next } }),
      pay_charge: () => {
        next = "SG0008";
        return receiptView();
      },
    });
    expect(screen.getByTestId("pay-paper-no")).toHaveValue("SG0007");
    expect(screen.getByTestId("pay-panel")).toHaveTextContent("已填入本票据本的下一张号码");
    await user.click(screen.getByTestId("pay-submit"));
    await screen.findByTestId("receipt-no");
    expect(payInputs(calls)[0].paper_no).toBe("SG0007");
    // Printing reads the status again: the count of documents not printed, the next number.
    await waitFor(() => expect(callsOf(calls, "app_status").length).toBeGreaterThan(1));
  });

  test("a paper number outside the book is told at the paper number", async () => {
    const { user } = await readyToPay({
      pay_charge: () => {
        throw ipcError("paper_no_outside_book", "手工发票号 SG0099 不在本班登记的票据本（SG0001–SG0050）内：请核对号码，换新票据本请先登记");
      },
    });
    await user.type(screen.getByTestId("pay-paper-no"), "SG0099");
    await user.click(screen.getByTestId("pay-submit"));
    expect(await screen.findByTestId("pay-error")).toHaveTextContent("不在本班登记的票据本");
    expect(screen.getByTestId("pay-paper-no")).toHaveFocus();
  });

  test("a tender the core refuses is shown in the payment panel at its field", async () => {
    const { calls, user } = await readyToPay({
      pay_charge: () => {
        throw ipcError("tender_cash_short", "现金实收 ¥5.00 少于应付现金 ¥999.99");
      },
    });
    await user.type(screen.getByTestId("pay-tendered"), "5");
    await user.click(screen.getByTestId("pay-submit"));
    const error = await screen.findByTestId("pay-error");
    expect(error).toHaveTextContent("少于应付现金");
    expect(screen.getByTestId("pay-tendered").closest(".field")).toContainElement(error);
    expect(screen.getByTestId("pay-tendered")).toHaveFocus();
    expect(payInputs(calls)[0].cash_tendered_fen).toBe(500);
  });

  test("an amount that is not one is refused before any call", async () => {
    const { calls, user } = await readyToPay();
    await user.keyboard("{Enter}12.345{Enter}{Enter}");
    expect(screen.getByTestId("pay-error")).toHaveTextContent("金额格式不对");
    expect(payInputs(calls)).toHaveLength(0);
  });

  test("an insured patient: the switch shows the due date (provisional) and the receipt shows it", async () => {
    const insured = patient({ insurance: "employee", insurance_no: "YB123" });
    const { calls, user } = await readyToPay({
      find_patients: () => [insured],
      price_draft: (a) => ({ ...fakePricing(a?.lines as DraftLineInput[]), due_if_paid_today: "2026-12-10", due_provisional: true }),
      pay_charge: () => receiptView({ insured: true, insurance: "employee", resettle_due: "2026-12-10", due_provisional: true }),
    });
    // Insured is the default for a patient with insurance on file.
    expect(screen.getByTestId("pay-insured")).toBeChecked();
    expect(screen.getByTestId("pay-due")).toHaveTextContent("医保重新结算截止：2026-12-10（暂定）");
    await user.click(screen.getByTestId("pay-submit"));
    expect(await screen.findByTestId("receipt-due")).toHaveTextContent("2026-12-10（暂定）");
    expect(payInputs(calls)[0]).toMatchObject({ insured: true, self_pay_reason: null });
  });

  test("an insured patient paying as self-pay says why; the reason goes with the payment", async () => {
    const insured = patient({ insurance: "employee", insurance_no: "YB123" });
    const { calls, user } = await readyToPay({
      find_patients: () => [insured],
      pay_charge: (a) => {
        const input = a?.input as { self_pay_reason: string | null };
        if (!input.self_pay_reason) throw ipcError("self_pay_reason_missing", "张三 登记了城镇职工基本医疗保险：按自费收费请写明原因");
        return receiptView();
      },
    });
    await user.click(screen.getByTestId("pay-insured"));
    expect(screen.queryByTestId("pay-due")).not.toBeInTheDocument();
    await user.click(screen.getByTestId("pay-submit"));
    expect(await screen.findByTestId("pay-error")).toHaveTextContent("按自费收费请写明原因");
    expect(screen.getByTestId("pay-self-pay-reason")).toHaveFocus();
    await user.keyboard("未带医保卡");
    await user.click(screen.getByTestId("pay-submit"));
    await screen.findByTestId("receipt-no");
    expect(payInputs(calls)[1]).toMatchObject({ insured: false, self_pay_reason: "未带医保卡" });
  });

  test("a self-pay patient has no insured switch", async () => {
    await readyToPay();
    expect(screen.queryByTestId("pay-insured")).not.toBeInTheDocument();
  });

  test("Esc closes the panel and keeps what was typed", async () => {
    const { user } = await readyToPay();
    await user.keyboard("{Enter}100");
    await user.keyboard("{Escape}");
    expect(screen.queryByTestId("pay-panel")).not.toBeInTheDocument();
    expect(screen.getByTestId("item-search")).toHaveFocus();
    await user.keyboard("{F9}");
    expect(screen.getByTestId("pay-tendered")).toHaveValue("100");
  });
});

describe("back-entry (补录)", () => {
  /** pay_charge refuses with `outage_not_active` until 补录 is sent, then answers `then`. */
  const outsideOutage = (then: (input: PayInput) => unknown = () => receiptView()) => ({
    pay_charge: (a: Record<string, unknown> | undefined) => {
      const input = a?.input as PayInput;
      if (input.back_entered_at === null) throw ipcError("outage_not_active", "当前不在应急状态");
      return then(input);
    },
  });

  /** Ready to pay, confirmed once: the core has said there is no outage. */
  async function refused(then?: (input: PayInput) => unknown) {
    const view = await readyToPay(outsideOutage(then));
    expect(screen.queryByTestId("pay-back-toggle")).not.toBeInTheDocument();
    await view.user.click(screen.getByTestId("pay-submit"));
    expect(await screen.findByTestId("pay-error")).toHaveTextContent("收费请在 HIS 中办理");
    return view;
  }

  test("a refusal outside an outage offers 补录; ticked with a time, the next confirm sends back_entered_at (trimmed, same id)", async () => {
    const { calls, user } = await refused();
    const toggle = screen.getByTestId("pay-back-toggle");
    expect(toggle).toHaveFocus();
    expect(toggle).not.toBeChecked();
    expect(screen.getByTestId("pay-panel")).toHaveTextContent("停机期间手写的收费收据");
    expect(screen.queryByTestId("pay-back-entry")).not.toBeInTheDocument();
    await user.keyboard(" ");
    expect(toggle).toBeChecked();
    const time = screen.getByTestId("pay-back-entry");
    expect(time).toHaveFocus();
    expect(time.closest(".field")).toHaveTextContent("实际收费时间");
    await user.keyboard(" 2026-11-26 08:30 {Enter}");
    expect(screen.getByTestId("pay-submit")).toHaveFocus();
    await user.keyboard("{Enter}");
    await screen.findByTestId("receipt-no");
    const [first, second] = payInputs(calls);
    expect(first.back_entered_at).toBeNull();
    expect(second).toEqual({ ...first, back_entered_at: "2026-11-26 08:30" });
  });

  test("ticked with no time: a form error at the time field, no call", async () => {
    const { calls, user } = await refused();
    await user.keyboard(" ");
    await user.click(screen.getByTestId("pay-submit"));
    const error = screen.getByTestId("pay-error");
    expect(error).toHaveTextContent("补录请填写实际收费时间");
    expect(screen.getByTestId("pay-back-entry").closest(".field")).toContainElement(error);
    expect(screen.getByTestId("pay-back-entry")).toHaveFocus();
    expect(payInputs(calls)).toHaveLength(1);
  });

  test("a time the core refuses is shown at the time field", async () => {
    const { calls, user } = await refused(() => {
      throw ipcError("back_entry_outside_outage", "补录时间 07:00 不在任何停机期间内");
    });
    await user.keyboard(" 07:00{Enter}{Enter}");
    const error = await screen.findByTestId("pay-error");
    expect(error).toHaveTextContent("不在任何停机期间内");
    expect(screen.getByTestId("pay-back-entry").closest(".field")).toContainElement(error);
    expect(screen.getByTestId("pay-back-entry")).toHaveFocus();
    expect(payInputs(calls)[1].back_entered_at).toBe("07:00");
  });

  test("kept through Esc and leaving the screen; the next patient starts without it", async () => {
    const { user } = await refused();
    await user.keyboard(" 08:30{Escape}");
    expect(screen.queryByTestId("pay-panel")).not.toBeInTheDocument();
    await user.keyboard("{Escape}{Escape}");
    expect(screen.queryByTestId("charge-screen")).not.toBeInTheDocument();
    await user.keyboard("{F5}");
    await screen.findByTestId("charge-screen");
    await user.keyboard("{F9}");
    expect(await screen.findByTestId("pay-back-toggle")).toBeChecked();
    expect(screen.getByTestId("pay-back-entry")).toHaveValue("08:30");
    await user.click(screen.getByTestId("pay-submit"));
    await screen.findByTestId("receipt-no");
    await user.keyboard("{Enter}");
    await pickPatient(user);
    await addItem(user, "zcf", "1");
    await user.keyboard("{F9}");
    await screen.findByTestId("pay-panel");
    expect(screen.queryByTestId("pay-back-toggle")).not.toBeInTheDocument();
  });
});

describe("after the receipt", () => {
  test("a printer problem shows with the saved PDF; Ctrl+R reprints as a copy in the chosen layout", async () => {
    const { calls, user } = await readyToPay({
      print_receipt: (a) =>
        a?.copy
          ? printResult({ copy: true })
          : printResult({ sent_to_printer: false, problem: "找不到打印机“HP-1020”", problem_en: "Printer not found" }),
    });
    await user.click(screen.getByTestId("pay-submit"));
    expect(await screen.findByTestId("print-status")).toHaveTextContent("未能打印：找不到打印机“HP-1020”");
    expect(screen.getByTestId("print-path")).toHaveTextContent("MZ01-000123.pdf");
    await user.selectOptions(screen.getByTestId("print-layout"), "roll80");
    expect(localStorage.getItem("downtime-desk.print-layout")).toBe("roll80");
    await user.keyboard("{Control>}r{/Control}");
    await waitFor(() => expect(screen.getByTestId("print-status")).toHaveTextContent("副本"));
    expect(screen.getByTestId("print-status")).toHaveTextContent("已发送到打印机");
    expect(callsOf(calls, "print_receipt").map((c) => c.args)).toEqual([
      { receipt_no: "MZ01-000123", layout: "a5", copy: false },
      { receipt_no: "MZ01-000123", layout: "roll80", copy: true },
    ]);
  });

  test("打开 PDF opens the saved receipt in the system's viewer; its refusal shows beside it", async () => {
    let opened = 0;
    const { calls, user } = await readyToPay({
      open_pdf: () => {
        if (opened++ > 0) throw ipcError("pdf_open_failed", "无法打开 PDF（No such file）：文件在 /home/desk/receipts/MZ01-000123.pdf");
        return null;
      },
    });
    await user.click(screen.getByTestId("pay-submit"));
    const open = await screen.findByTestId("open-pdf");
    expect(open).toHaveTextContent("打开 PDF（可用系统打印对话框打印）");
    await user.click(open);
    await waitFor(() => expect(callsOf(calls, "open_pdf").map((c) => c.args)).toEqual([{ path: "/home/desk/receipts/MZ01-000123.pdf" }]));
    expect(screen.queryByTestId("open-pdf-error")).not.toBeInTheDocument();
    await user.click(open);
    expect(await screen.findByTestId("open-pdf-error")).toHaveTextContent("无法打开 PDF");
  });

  test("Enter starts the next patient with a new draft id", async () => {
    const { calls, user } = await readyToPay();
    await user.click(screen.getByTestId("pay-submit"));
    await screen.findByTestId("receipt-no");
    expect(screen.getByTestId("next-patient")).toHaveFocus();
    await user.keyboard("{Enter}");
    expect(screen.getByTestId("patient-search")).toHaveFocus();
    expect(screen.getByTestId("patient-search")).toHaveValue("");
    expect(screen.queryByTestId("receipt-result")).not.toBeInTheDocument();
    expect(screen.queryByTestId("charge-patient")).not.toBeInTheDocument();
    expect(screen.queryAllByTestId("charge-line")).toHaveLength(0);
    await pickPatient(user);
    await addItem(user, "zcf", "1");
    await user.keyboard("{F9}");
    await user.click(await screen.findByTestId("pay-submit"));
    await waitFor(() => expect(payInputs(calls)).toHaveLength(2));
    const [first, second] = payInputs(calls);
    expect(second.id).not.toBe(first.id);
  });
});

describe("the draft", () => {
  test("survives going home and coming back, and a reload", async () => {
    const { calls, user, unmount } = await openCharge();
    await pickPatient(user);
    await addItem(user, "zcf", "2");
    await user.keyboard("{Escape}");
    expect(screen.getByTestId("patient-search")).toHaveFocus();
    await user.keyboard("{Escape}");
    expect(screen.queryByTestId("charge-screen")).not.toBeInTheDocument();
    await user.keyboard("{F5}");
    expect(screen.getByTestId("charge-patient")).toHaveTextContent("张三");
    expect(screen.getAllByTestId("charge-line")).toHaveLength(1);
    expect(screen.getByTestId("item-search")).toHaveFocus();

    unmount(); // as a reload would
    const again = renderApp();
    await screen.findByTestId("status-bar");
    await again.user.keyboard("{F5}");
    expect(await screen.findByTestId("charge-patient")).toHaveTextContent("张三");
    expect(screen.getAllByTestId("charge-line")).toHaveLength(1);
    await waitFor(() => expect(linesSent(calls)).toEqual([line("110200001", "2")]));
    expect(await screen.findByTestId("charge-total")).toHaveTextContent("¥999.99");
  });

  test("a patient just registered comes along to 收费 with the visit", async () => {
    const { calls, user } = await openCharge({
      departments: () => departments,
      registrations_today: () => [],
      register: () => registration({ id: "reg-9", queue_no: 7 }),
    });
    await user.keyboard("{F3}");
    await user.keyboard("张三");
    await screen.findByTestId("patient-row");
    await user.keyboard("{Enter}");
    await user.selectOptions(await screen.findByTestId("reg-dept"), "NK");
    await user.click(screen.getByTestId("reg-submit"));
    await user.click(await screen.findByTestId("reg-pay-submit"));
    await screen.findByTestId("reg-result");
    await user.keyboard("{F5}");
    expect(await screen.findByTestId("charge-patient")).toHaveTextContent("DT-MZ01-000001");
    expect(screen.getByTestId("charge-visit")).toHaveTextContent("内科 · 7 号");
    expect(screen.getByTestId("item-search")).toHaveFocus();
    await addItem(user, "zcf", "1");
    await user.keyboard("{F9}");
    await user.click(await screen.findByTestId("pay-submit"));
    await waitFor(() => expect(payInputs(calls)[0]?.visit).toBe("reg-9"));
  });
});

describe("the registration fee", () => {
  test("paid at registration, it is not charged again: the visit comes along with no lines", async () => {
    const view = await openCharge({
      departments: () => departments,
      registrations_today: () => [],
      register: () => registration({ id: "reg-9", queue_no: 7 }),
    });
    await view.user.keyboard("{F3}");
    await view.user.keyboard("张三");
    await screen.findByTestId("patient-row");
    await view.user.keyboard("{Enter}");
    await view.user.selectOptions(await screen.findByTestId("reg-dept"), "NK");
    await view.user.click(screen.getByTestId("reg-submit"));
    await view.user.click(await screen.findByTestId("reg-pay-submit"));
    await screen.findByTestId("reg-result");
    await view.user.keyboard("{F5}");
    await screen.findByTestId("charge-visit");
    await allRepliesHandled();
    expect(callsOf(view.calls, "price_draft")).toHaveLength(0);
  });
});

describe("items outside the price list (Ctrl+F)", () => {
  test("need a supervisor: the line is priced with the approval, flagged, and paid with it", async () => {
    const { calls, user } = await openCharge({
      price_draft: (a) => {
        const sup = a?.supervisor as { name: string; pin: string } | null;
        if (sup && sup.pin !== "2468") throw ipcError("pin_wrong", "PIN 不正确");
        return fakePricing(a?.lines as DraftLineInput[]);
      },
    });
    await pickPatient(user);
    await user.keyboard("{Control>}f{/Control}");
    expect(await screen.findByTestId("free-name")).toHaveFocus();
    await user.keyboard("特殊敷料{Enter}块{Enter}35.5{Enter}2{Enter}{Enter}新增材料未入价目表{Enter}李主管{Enter}1111{Enter}");
    expect(await screen.findByTestId("free-error")).toHaveTextContent("PIN 不正确");
    expect(screen.getByTestId("free-sup-pin")).toHaveFocus();
    await user.clear(screen.getByTestId("free-sup-pin"));
    await user.keyboard("2468{Enter}");
    await waitFor(() => expect(screen.queryByTestId("free-name")).not.toBeInTheDocument());
    const freeLine: DraftLineInput = { code: null, qty: "2", doses: null, free_name: "特殊敷料", free_unit: "块", free_unit_price: "35.5", free_category: "other", free_reason: "新增材料未入价目表" };
    expect(callsOf(calls, "price_draft").at(-1)?.args).toEqual({ lines: [freeLine], supervisor: { name: "李主管", pin: "2468" } });
    const row = screen.getByTestId("charge-line");
    expect(row).toHaveClass("free");
    expect(row).toHaveTextContent("价目表外");
    await user.keyboard("{F9}");
    await user.click(await screen.findByTestId("pay-submit"));
    await waitFor(() => expect(payInputs(calls)[0]?.supervisor).toEqual({ name: "李主管", pin: "2468" }));
    expect(localStorage.getItem("downtime-desk.charge.op-张三")).not.toContain("2468");
  });
});

describe("corrections (F8)", () => {
  const voidedOne = receiptView({ receipt_no: "MZ01-000120", voided: true, void_reason: "收错" });
  const refundedOne = receiptView({ receipt_no: "MZ01-000121", refunded_fen: 500 });
  const drugs = receiptView({
    receipt_no: "MZ01-000122",
    total_fen: 3000,
    lines: [pricedLine({ line_no: 1, qty: "2" }), pricedLine({ line_no: 2, code: "X01", name: "阿莫西林胶囊", qty: "3", is_drug: true, category: "西药费" })],
  });

  test("lists the shift's receipts, voided and refunded marked; void sends the reason and the supervisor", async () => {
    const { calls, user } = await openCharge({
      shift_receipts: () => [drugs, refundedOne, voidedOne],
      void_receipt: () => ({ ...drugs, voided: true, void_reason: "重复收费" }),
    });
    await user.keyboard("{F8}");
    const rows = await screen.findAllByTestId("shift-receipt-row");
    expect(rows).toHaveLength(3);
    expect(rows[1]).toHaveTextContent("已退 ¥5.00");
    expect(rows[2]).toHaveTextContent("作废");
    expect(screen.getByTestId("receipt-lookup")).toHaveFocus();
    await user.click(screen.getByTestId("void-open"));
    expect(screen.getByTestId("void-reason")).toHaveFocus();
    await user.keyboard("重复收费{Enter}李主管{Enter}2468{Enter}");
    expect(await screen.findByTestId("void-done")).toHaveTextContent("MZ01-000122 已作废");
    expect(callsOf(calls, "void_receipt").map((c) => c.args)).toEqual([
      { receipt_no: "MZ01-000122", reason: "重复收费", supervisor: { name: "李主管", pin: "2468" } },
    ]);
    expect(screen.getAllByTestId("shift-receipt-row")[0]).toHaveTextContent("作废");
  });

  test("Ctrl+R reprints the chosen receipt as a copy; the core's answer (副本, where the PDF is) shows beside it", async () => {
    const { calls, user } = await openCharge({
      shift_receipts: () => [drugs, refundedOne],
      print_receipt: (a) => printResult({ receipt_no: a?.receipt_no as string, copy: true, pdf_path: `/home/desk/receipts/${a?.receipt_no as string}-副本1.pdf` }),
    });
    await user.keyboard("{F8}");
    await screen.findAllByTestId("shift-receipt-row");
    await user.keyboard("{ArrowDown}{Control>}r{/Control}");
    expect(await screen.findByTestId("reprint-path")).toHaveTextContent(`${refundedOne.receipt_no}-副本1.pdf`);
    expect(callsOf(calls, "print_receipt").map((c) => c.args)).toEqual([{ receipt_no: refundedOne.receipt_no, layout: "a5", copy: true }]);
    expect(screen.getByTestId("receipt-lookup")).toHaveFocus();
  });

  test("each receipt shows its kind and its amount signed; the core's totals per kind are under the list", async () => {
    const refund = receiptView({ receipt_no: "MZ01-000123", kind: "refund", total_fen: 500, signed_total_fen: -500, refund_of: "MZ01-000121" });
    const { calls, user } = await openCharge({
      shift_receipts: () => [refund, drugs, voidedOne],
      shift_receipt_totals: () => ({
        by_kind: [
          { kind: "charge", count: 1, amount_fen: 3000 },
          { kind: "registration", count: 0, amount_fen: 0 },
          { kind: "refund", count: 1, amount_fen: -500 },
          { kind: "deposit", count: 0, amount_fen: 0 },
          { kind: "deposit_refund", count: 0, amount_fen: 0 },
        ],
        voided: { count: 1, amount_fen: 1000 },
        net_fen: 2500,
      }),
    });
    await user.keyboard("{F8}");
    const rows = await screen.findAllByTestId("shift-receipt-row");
    expect(rows[0]).toHaveTextContent("-¥5.00");
    expect(rows[0]).toHaveTextContent("退费");
    expect(rows[1]).toHaveTextContent("¥30.00");
    expect(await screen.findByTestId("shift-receipt-totals")).toHaveTextContent(
      "合计：收费 1 张 ¥30.00；退费 1 张 -¥5.00；作废 1 张（不计入）；净额 ¥25.00",
    );
    expect(callsOf(calls, "shift_receipt_totals")).toHaveLength(1);
  });

  test("a receipt of another shift cannot be voided: it says to refund", async () => {
    const { user } = await openCharge({
      shift_receipts: () => [drugs],
      void_receipt: () => {
        throw ipcError("receipt_void_other_shift", "只能作废本班次的收据");
      },
    });
    await user.keyboard("{F8}");
    await screen.findByTestId("shift-receipt-row");
    await user.keyboard("{Delete}");
    await user.keyboard("错收{Enter}李主管{Enter}2468{Enter}");
    expect(await screen.findByTestId("void-error")).toHaveTextContent("请改用退费");
  });

  /** The core's refund preview, made up: each marked line refunds 1001 fen per unit marked,
   *  whatever it cost, and the total is 7777 — a window that added up itself would differ. */
  function fakePreview(a: Record<string, unknown> | undefined, receipt = drugs) {
    const marked = a?.lines as { line_no: number; qty: string }[];
    const method = a?.pay_back as string | null;
    const total = marked.length === 0 ? 0 : 7777;
    return {
      receipt_no: receipt.receipt_no,
      lines: receipt.lines.map((l) => {
        const m = marked.find((x) => x.line_no === l.line_no);
        return { line_no: l.line_no, name: l.name, spec: "", unit: l.unit, is_drug: l.is_drug, paid_qty: l.qty, left_qty: l.qty, left_fen: l.amount_fen, qty: m?.qty ?? null, amount_fen: m ? 1001 * Number(m.qty) : 0 };
      }),
      total_fen: total,
      // The way it came: WeChat's transaction first, the rest in cash; another way is marked.
      pay_back:
        total === 0
          ? []
          : method === null
            ? [
                { method: "wechat", amount_fen: 5000, reference: "W1", other_way: false },
                { method: "cash", amount_fen: total - 5000, reference: "", other_way: false },
              ]
            : [{ method, amount_fen: total, reference: "", other_way: true }],
      channels: [
        { method: "cash", reference: "", paid_fen: 10000, left_fen: 10000 },
        { method: "wechat", reference: "W1", paid_fen: 5000, left_fen: 5000 },
      ],
    };
  }

  test("refund reads the right way round: nothing marked at first, Space marks a whole line, a number changes it; amounts and the split are the core's, before confirming", async () => {
    const refund = receiptView({ receipt_no: "MZ01-000130", kind: "refund", total_fen: 1500, refund_of: "MZ01-000122" });
    const { calls, user } = await openCharge({
      shift_receipts: () => [drugs],
      refund_preview: (a) => fakePreview(a),
      refund_receipt: (a) => {
        const input = a?.input as { drug_return_by: string | null };
        if (!input.drug_return_by) throw ipcError("refund_needs_drug_return", "退药品需药房确认退药：请填写退药确认人");
        return refund;
      },
    });
    await user.keyboard("{F8}");
    await screen.findByTestId("shift-receipt-row");
    await user.keyboard("{Enter}");
    const qtys = screen.getAllByTestId("refund-line-qty");
    expect(qtys.map((q) => [q.getAttribute("data-line-no"), (q as HTMLInputElement).value])).toEqual([
      ["1", ""],
      ["2", ""],
    ]);
    expect(qtys[0]).toHaveFocus();
    await waitFor(() => expect(screen.getAllByTestId("refund-line-left")[1]).toHaveTextContent("3"));
    expect(screen.getByTestId("refund-preview-total")).toHaveTextContent("¥0.00");
    // Space marks line 1 whole; ↓ then a number marks 1 of line 2; Space again unmarks line 1.
    await user.keyboard(" ");
    expect(qtys[0]).toHaveValue("2");
    await waitFor(() => expect(screen.getByTestId("refund-preview-total")).toHaveTextContent("¥77.77"));
    expect(screen.getAllByTestId("refund-line-amount")[0]).toHaveTextContent("¥20.02");
    await user.keyboard("{ArrowDown}1{ArrowUp} ");
    expect(qtys[0]).toHaveValue("");
    expect(qtys[1]).toHaveValue("1");
    await waitFor(() => expect(screen.getAllByTestId("refund-line-amount")[1]).toHaveTextContent("¥10.01"));
    // 原路退回 by default: the core's split over the ways the money came, shown before confirming.
    expect(screen.getByTestId("refund-split")).toHaveTextContent("退回微信支付 ¥50.00（W1）退回现金 ¥27.77");
    expect(screen.getByTestId("refund-channels")).toHaveTextContent("原支付：现金 ¥100.00、微信支付 ¥50.00（W1）");
    expect(screen.queryByTestId("refund-way-reason")).toBeNull();
    expect(callsOf(calls, "refund_preview").at(-1)?.args).toEqual({ receipt_no: "MZ01-000122", lines: [{ line_no: 2, qty: "1" }], pay_back: null });
    // Enter from a line goes to the reason; a drug marked asks who in the pharmacy confirmed.
    await user.keyboard("{Enter}");
    expect(screen.getByTestId("refund-reason")).toHaveFocus();
    await user.keyboard("药物过敏");
    await user.type(screen.getByTestId("refund-sup-name"), "李主管");
    await user.type(screen.getByTestId("refund-sup-pin"), "2468");
    await user.click(screen.getByTestId("refund-submit"));
    const error = await screen.findByTestId("refund-error");
    expect(error).toHaveTextContent("请填写退药确认人");
    expect(screen.getByTestId("refund-drug-by")).toHaveFocus();
    await user.keyboard("王药师{Control>}{Enter}{/Control}");

    const result = await screen.findByTestId("refund-result");
    expect(result).toHaveTextContent("MZ01-000130");
    expect(result).toHaveTextContent("¥15.00");
    const sent = callsOf(calls, "refund_receipt").map((c) => c.args?.input as Record<string, unknown>);
    expect(sent[1]).toEqual({
      id: sent[0].id,
      receipt_no: "MZ01-000122",
      lines: [{ line_no: 2, qty: "1" }],
      reason: "药物过敏",
      tenders: [],
      pay_back_reason: null,
      drug_return_by: "王药师",
      supervisor: { name: "李主管", pin: "2468" },
    });
    await waitFor(() => expect(callsOf(calls, "print_receipt").map((c) => c.args)).toEqual([{ receipt_no: "MZ01-000130", layout: "a5", copy: false }]));
    expect(await within(result).findByTestId("print-status")).toHaveTextContent("已发送到打印机");
  });

  test("a scanned return slip (退药单) marks the drug lines it returns and is sent as the pharmacy's confirmation", async () => {
    const slip = `DDRT.YF01.YF01-T000001.MZ01.MZ01-000122.1764122400.%E6%9D%8E.2*X01*1.${"A".repeat(86)}`;
    const { calls, user } = await openCharge({
      shift_receipts: () => [drugs],
      refund_preview: (a) => fakePreview(a),
      read_return_slip: () => ({
        slip_no: "YF01-T000001",
        pharmacy: "YF01",
        receipt_no: "MZ01-000122",
        pharmacist: "李药师",
        drug_return_by: "李药师（药房 YF01 退药单 YF01-T000001）",
        lines: [{ n: 2, quantity: "1" }],
      }),
    });
    await user.keyboard("{F8}");
    await screen.findByTestId("shift-receipt-row");
    await user.keyboard("{Enter}");
    await screen.findAllByTestId("refund-line-qty");
    // Marking a drug line shows the 退药确认 field; the slip scanned there marks its own lines.
    await user.keyboard("{ArrowDown} ");
    await user.click(await screen.findByTestId("refund-drug-by"));
    await user.paste(slip);
    await waitFor(() => expect(screen.getAllByTestId("refund-line-qty").map((q) => (q as HTMLInputElement).value)).toEqual(["", "1"]));
    expect(callsOf(calls, "read_return_slip").map((c) => c.args)).toEqual([{ payload: slip }]);
    expect(screen.getByText(/退药单 YF01-T000001（李药师 确认）/)).toBeInTheDocument();
  });

  test("a refund paid back another way carries the core's total; a quantity the core refuses is said under its line", async () => {
    const { calls, user } = await openCharge({
      shift_receipts: () => [drugs],
      refund_preview: (a) => {
        const marked = a?.lines as { line_no: number; qty: string }[];
        if (marked.some((m) => m.qty === "9")) throw ipcError("refund_exceeds_paid", "第 2 行（阿莫西林胶囊）最多还能退 3，不能退 9");
        return fakePreview(a);
      },
      refund_receipt: () => receiptView({ receipt_no: "MZ01-000131", kind: "refund" }),
    });
    await user.keyboard("{F8}");
    await screen.findByTestId("shift-receipt-row");
    await user.keyboard("{Enter}");
    await user.keyboard("{ArrowDown}9");
    expect(await screen.findByTestId("refund-line-error")).toHaveTextContent("最多还能退 3");
    await user.keyboard("{Enter}");
    await user.type(screen.getByTestId("refund-reason"), "退检查");
    await user.click(screen.getByTestId("refund-submit"));
    expect(await screen.findByTestId("refund-error")).toHaveTextContent("退数量有误");
    expect(callsOf(calls, "refund_receipt")).toHaveLength(0);
    await user.clear(screen.getAllByTestId("refund-line-qty")[1]);
    await user.type(screen.getAllByTestId("refund-line-qty")[1], "1");
    await waitFor(() => expect(screen.queryByTestId("refund-line-error")).not.toBeInTheDocument());
    // Another way than the money came: the core marks it, and the form asks why (printed).
    screen.getByTestId("refund-way").focus();
    await user.keyboard("w");
    await waitFor(() => expect(screen.getByTestId("refund-split")).toHaveTextContent("退回微信支付 ¥77.77非原路"));
    await user.type(screen.getByTestId("refund-reference"), "4200001234567890123456789012");
    await user.type(screen.getByTestId("refund-way-reason"), "患者现金不足，要求退微信");
    await user.type(screen.getByTestId("refund-drug-by"), "王药师");
    await user.type(screen.getByTestId("refund-sup-name"), "李主管");
    await user.type(screen.getByTestId("refund-sup-pin"), "2468{Enter}");
    await screen.findByTestId("refund-result");
    expect(callsOf(calls, "refund_receipt")[0].args?.input).toMatchObject({
      lines: [{ line_no: 2, qty: "1" }],
      tenders: [{ method: "wechat", amount_fen: 7777, reference: "4200001234567890123456789012" }],
      pay_back_reason: "患者现金不足，要求退微信",
    });
  });

  test("nothing marked: the refund is refused at the lines, not sent", async () => {
    const { calls, user } = await openCharge({ shift_receipts: () => [drugs], refund_preview: (a) => fakePreview(a) });
    await user.keyboard("{F8}");
    await screen.findByTestId("shift-receipt-row");
    await user.keyboard("{Enter}{Enter}退检查{Control>}{Enter}{/Control}");
    expect(await screen.findByTestId("refund-error")).toHaveTextContent("在该行按空格键");
    expect(screen.getAllByTestId("refund-line-qty")[0]).toHaveFocus();
    expect(callsOf(calls, "refund_receipt")).toHaveLength(0);
  });

  test("a voided or wholly refunded receipt offers neither refund nor void; Enter and Delete do nothing", async () => {
    const whole = receiptView({ receipt_no: "MZ01-000125", refunded_fen: 1000, refundable: false, voidable: false });
    const { calls, user } = await openCharge({ shift_receipts: () => [{ ...voidedOne, refundable: false, voidable: false }, whole] });
    await user.keyboard("{F8}");
    await screen.findAllByTestId("shift-receipt-row");
    expect(screen.queryByTestId("refund-open")).not.toBeInTheDocument();
    expect(screen.queryByTestId("void-open")).not.toBeInTheDocument();
    expect(screen.getByTestId("corr-nothing")).toHaveTextContent("已作废");
    await user.keyboard("{Enter}{Delete}");
    expect(screen.queryByTestId("refund-form")).not.toBeInTheDocument();
    expect(screen.queryByTestId("void-form")).not.toBeInTheDocument();
    await user.keyboard("{ArrowDown}");
    expect(screen.getByTestId("corr-nothing")).toHaveTextContent("已全部退费");
    expect(callsOf(calls, "refund_preview")).toHaveLength(0);
  });

  test("a supervisor PIN that belongs to someone else is refused at the PIN", async () => {
    const { user } = await openCharge({
      shift_receipts: () => [refundedOne],
      refund_preview: (a) => fakePreview(a, refundedOne),
      refund_receipt: () => {
        throw ipcError("role_forbidden", "这一操作需要主管授权");
      },
    });
    await user.keyboard("{F8}");
    await screen.findByTestId("shift-receipt-row");
    await user.click(screen.getByTestId("refund-open"));
    await user.keyboard(" ");
    await user.type(screen.getByTestId("refund-reason"), "退检查");
    await user.type(screen.getByTestId("refund-sup-name"), "张三");
    await user.type(screen.getByTestId("refund-sup-pin"), "1234");
    await user.click(screen.getByTestId("refund-submit"));
    expect(await screen.findByTestId("refund-error")).toHaveTextContent("需要主管授权");
    expect(screen.getByTestId("refund-sup-pin")).toHaveFocus();
  });

  test("Esc steps back: form → list → charging", async () => {
    const { user } = await openCharge({ shift_receipts: () => [drugs] });
    await user.keyboard("{F8}");
    await screen.findByTestId("shift-receipt-row");
    await user.keyboard("{Delete}");
    expect(screen.getByTestId("void-reason")).toHaveFocus();
    await user.keyboard("{Escape}");
    expect(screen.queryByTestId("void-reason")).not.toBeInTheDocument();
    expect(screen.getByTestId("receipt-lookup")).toHaveFocus();
    await user.keyboard("{Escape}");
    expect(screen.queryByTestId("shift-receipts")).not.toBeInTheDocument();
    expect(screen.getByTestId("patient-search")).toHaveFocus();
  });
});

describe("keys", () => {
  test("F5, F8 and F9 are offered, and the cashier keys are in the help", async () => {
    const { user } = await openCharge();
    const bar = screen.getByTestId("fkey-bar");
    for (const text of ["F5 收费", "F8 退费 / 作废", "F9 结算", "Ctrl+F 价目表外项目", "Ctrl+R 重印", "Delete 删除所选项目"]) expect(bar).toHaveTextContent(text);
    await user.keyboard("{F1}");
    const help = screen.getByTestId("help-overlay");
    expect(help).not.toHaveTextContent("即将提供");
    expect(help).toHaveTextContent("价目表外项目");
  });
});
