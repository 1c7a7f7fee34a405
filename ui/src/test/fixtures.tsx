//! Builders for `AppStatus` and a recording fake of the Rust side, on top of `mockIPC`.

import { render, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { mockIPC } from "@tauri-apps/api/mocks";
import { expect } from "vitest";
import { App } from "../App";
import type { AdmissionView } from "../bindings/AdmissionView";
import type { AppStatus } from "../bindings/AppStatus";
import type { CatalogItemView } from "../bindings/CatalogItemView";
import type { CatalogStatusView } from "../bindings/CatalogStatusView";
import type { CatalogVersionView } from "../bindings/CatalogVersionView";
import type { DepartmentView } from "../bindings/DepartmentView";
import type { ErrorCode } from "../bindings/ErrorCode";
import type { DepositMovementView } from "../bindings/DepositMovementView";
import type { MovementKind } from "../bindings/MovementKind";
import type { DepositAccountView } from "../bindings/DepositAccountView";
import type { ImportReportView } from "../bindings/ImportReportView";
import type { IpcError } from "../bindings/IpcError";
import type { OperatorView } from "../bindings/OperatorView";
import type { OutageView } from "../bindings/OutageView";
import type { PatientView } from "../bindings/PatientView";
import type { Permission } from "../bindings/Permission";
import type { PeriodReport } from "../bindings/PeriodReport";
import type { PricedDraftView } from "../bindings/PricedDraftView";
import type { PrintResultView } from "../bindings/PrintResultView";
import type { ReceiptLineView } from "../bindings/ReceiptLineView";
import type { ReceiptView } from "../bindings/ReceiptView";
import type { RegistrationView } from "../bindings/RegistrationView";
import type { RegTypeView } from "../bindings/RegTypeView";
import type { Role } from "../bindings/Role";
import type { ShiftReport } from "../bindings/ShiftReport";
import type { ShiftView } from "../bindings/ShiftView";
import type { StationView } from "../bindings/StationView";
import { I18nProvider } from "../i18n";
import mayTable from "./may.json";

export const station: StationView = {
  id: "st-1",
  code: "MZ01",
  name: "门诊收费一号窗",
  hospital: "市第一人民医院",
  fingerprint: "SHA256:3f2a9c0d5be14f7a8e6b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f708192a3b4c5",
  public_key: "ab".repeat(32),
  created_at: "2026-11-26T00:00:00.000000Z",
  kind: "counter",
  roles: ["cashier", "admissions", "supervisor", "finance", "admin"],
};

export function operator(name = "张三", role: Role = "cashier"): OperatorView {
  return { id: `op-${name}`, name, role, locked_until: null };
}

/** What `role` may do at a counter, as the core's `Role::may` says: `may.json` is written and
 *  checked by the core's test `roles::the_windows_fixtures_carry_the_cores_permission_table`. */
export function mayOf(role: Role): Permission[] {
  return (mayTable as Record<Role, Permission[]>)[role];
}

/** The shell's status; `may` is what the operator's role may do unless a test says otherwise. */
export function status(over: Partial<AppStatus> = {}): AppStatus {
  const base: Omit<AppStatus, "may"> = {
    station,
    operator: operator(),
    outage: null,
    shift: null,
    catalog: catalogStatus(null, false),
    idle_lock_minutes: 5,
    db_path: "/tmp/desk.sqlite",
    unprinted: 0,
    doors: [],
    ...over,
  };
  return { ...base, may: over.may ?? (base.operator ? mayOf(base.operator.role) : []) };
}

export function activeOutage(hisDownAt: string): OutageView {
  return {
    id: "out-1",
    active: true,
    reason: "HIS 服务器宕机",
    his_down_at: hisDownAt,
    announced_by: "信息科王工",
    started_by: "李主管",
    recorded_at: hisDownAt,
    his_up_at: null,
    ended_by: null,
  };
}

export function openShiftView(floatFen: number, openedAt = "2026-11-26T01:02:03.456789Z"): ShiftView {
  return { id: "sh-1", operator: "张三", float_fen: floatFen, outage_id: null, opened_at: openedAt, counted_fen: null, closed_at: null, paper_books: [], paper_next: null };
}

export function ipcError(code: ErrorCode, message: string, message_en = `EN: ${message}`): IpcError {
  return { code, message, message_en };
}

/** One recorded call: its arguments (or raw bytes) and the headers it was sent with. */
export type Call = { cmd: string; args: Record<string, unknown> | undefined; headers: Record<string, string> };
type Handler = (args: Record<string, unknown> | undefined) => unknown;

type Internals = { invoke: (cmd: string, args?: unknown, options?: { headers?: unknown }) => Promise<unknown> };

/**
 * Installs a fake backend: each command's handler returns the reply or throws an `IpcError`.
 * Every call is recorded with its headers (`mockIPC` itself drops them); a command without a
 * handler fails the call loudly. Events work too: a handler may `emit` what the core would.
 */
export function fakeBackend(handlers: Record<string, Handler>): Call[] {
  const calls: Call[] = [];
  nextPick = null;
  inFlight = 0;
  let headers: Record<string, string> = {};
  mockIPC(
    (cmd, args) => {
      const a = args as Record<string, unknown> | undefined;
      calls.push({ cmd, args: a, headers });
      const handler = handlers[cmd] ?? systemDialog[cmd];
      if (!handler) throw ipcError("ipc_failed", `no fake for ${cmd}`);
      inFlight++;
      try {
        return Promise.resolve(handler(a)).finally(() => inFlight--);
      } catch (e) {
        inFlight--;
        throw e;
      }
    },
    { shouldMockEvents: true },
  );
  const internals = (window as unknown as { __TAURI_INTERNALS__: Internals }).__TAURI_INTERNALS__;
  const mocked = internals.invoke;
  internals.invoke = (cmd, args, options) => {
    headers = Object.fromEntries(new Headers(options?.headers as HeadersInit | undefined));
    return mocked(cmd, args, options);
  };
  return calls;
}

/** Replies of the fake backend not given yet (a deferred one waits for its test). */
let inFlight = 0;

/** Waits until every reply the fake backend was asked for has been given and the window has
 *  taken it (checked between tasks, after the window's own promise work): the condition a test
 *  needs before it asserts that a reply changed nothing, or that nothing more was asked. */
export async function allRepliesHandled() {
  // The first check runs at once, inside the current task: it never counts, so that the
  // answer is read only after the window's pending promise work has run.
  let checks = 0;
  await waitFor(() => {
    expect(checks++).toBeGreaterThan(0);
    expect(inFlight).toBe(0);
  });
}

/** The file the system's file dialog chooses next (null: the person cancels it). */
let nextPick: { name: string; bytes: number[] } | null = null;

/** The next file dialog chooses this file, as the person would. */
export function willPick(name: string, content: string) {
  nextPick = { name, bytes: Array.from(new TextEncoder().encode(content)) };
}

/** The shell's file dialog commands, answered from `willPick`. */
const systemDialog: Record<string, Handler> = {
  pick_file: () => nextPick?.name ?? null,
  picked_file_bytes: () => nextPick?.bytes ?? [],
};

/** The calls of one command, in order. */
export const callsOf = (calls: Call[], cmd: string) => calls.filter((c) => c.cmd === cmd);

export function renderApp() {
  const user = userEvent.setup();
  const view = render(
    <I18nProvider>
      <App />
    </I18nProvider>,
  );
  return { user, ...view };
}

export function catalogVersion(over: Partial<CatalogVersionView> = {}): CatalogVersionView {
  return {
    id: "cat-1",
    file_name: "价目表2026-11.csv",
    sha256: "00",
    month: "2026-11",
    rows_read: 3000,
    items: 3000,
    rejected: 0,
    imported_by: "王管理",
    imported_at: "2026-11-01T00:30:00Z",
    part: "",
    ...over,
  };
}

/** The catalog as the status bar has it: one version in force (or none). */
export function catalogStatus(active: CatalogVersionView | null, stale = false): CatalogStatusView {
  return { active, parts: active ? [active] : [], items: active?.items ?? 0, stale };
}

export function importReport(over: Partial<ImportReportView> = {}): ImportReportView {
  return {
    file_name: "价目表2026-11.csv",
    sha256: "00",
    month: "2026-11",
    format: "csv",
    encoding: "utf-8",
    rows_read: 3,
    good: 3,
    duplicates: 0,
    problems: [],
    by_category: [
      { category: "西药费", items: 2 },
      { category: "检查费", items: 1 },
    ],
    version: null,
    already_imported: false,
    in_force: false,
    part: "",
    replaces: [],
    replaced_items: 0,
    shrinks: false,
    conflicts: [],
    reg_types_missing: [],
    ...over,
  };
}

export function catalogItem(code: string, name: string, unitPrice: string, over: Partial<CatalogItemView> = {}): CatalogItemView {
  return {
    code,
    name,
    spec: "",
    unit: "支",
    unit_price: unitPrice,
    unit_price_e4: priceE4(unitPrice),
    category: "西药费",
    category_key: "western_medicine",
    lookup: "",
    by_dose: false,
    whole: false,
    insurance_class: "甲",
    is_drug: true,
    version_id: "cat-1",
    ...over,
  };
}

/** `"0.0125"` → 125, as the core sends it beside the text. */
function priceE4(text: string): number {
  const [yuan, frac = ""] = text.split(".");
  return Number(yuan) * 10000 + Number(frac.padEnd(4, "0"));
}

/** A reply the test hands out when it chooses, to put replies out of order. */
export function deferred<T>() {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

/** A local patient (with a downtime number) unless `over` says otherwise. */
export function patient(over: Partial<PatientView> = {}): PatientView {
  return {
    id: "pat-1",
    source: "local",
    downtime_no: "DT-MZ01-000001",
    name: "张三",
    sex: "M",
    birth: "1990-03-07",
    age: 36,
    id_number: null,
    id_old_style: false,
    phone: "13800138000",
    address: "",
    insurance: "self_pay",
    insurance_no: "",
    his_id: null,
    ...over,
  };
}

/** A patient of the HIS snapshot: no downtime number yet. */
export function hisPatient(over: Partial<PatientView> = {}): PatientView {
  return patient({ id: "his-1", source: "his", downtime_no: null, name: "李四", sex: "F", his_id: "H0012345", ...over });
}

export const departments: DepartmentView[] = [
  { code: "NK", name: "内科", kind: "outpatient", doctors: ["张明", "王芳"] },
  { code: "JZ", name: "急诊科", kind: "emergency", doctors: [] },
  { code: "ZYNK", name: "内科病区", kind: "inpatient", doctors: [] },
];

/** The registration types as the core lists them: 普通号 ¥11.00, 主任医师号 ¥21.00, 便民门诊 free. */
export const regTypes: RegTypeView[] = [
  regType("ordinary", "普通号", [["110200001", "挂号费", "1.00"], ["110200002", "门诊诊查费(普通)", "10.00"]], 1100),
  regType("chief", "主任医师号", [["110200001", "挂号费", "1.00"], ["110200004", "门诊诊查费(主任医师)", "20.00"]], 2100),
  regType("convenience", "便民门诊", [], 0),
];

export function regType(key: string, name: string, items: [string, string, string][], total: number | null, over: Partial<RegTypeView> = {}): RegTypeView {
  return {
    key,
    name,
    active: true,
    fee_items: items.map(([code, itemName, price]) => ({ code, name: itemName, unit_price: price, category: "诊察费", missing: false })),
    total_fen: total,
    missing_codes: [],
    ...over,
  };
}

export function registration(over: Partial<RegistrationView> = {}): RegistrationView {
  return {
    id: "reg-1",
    patient_id: "pat-1",
    downtime_no: "DT-MZ01-000001",
    patient_name: "张三",
    dept: "NK",
    dept_name: "内科",
    doctor: "",
    reg_type: "ordinary",
    reg_type_name: "普通号",
    visit_date: "2026-11-26",
    queue_no: 7,
    total_fen: 1100,
    fee_items: [
      { code: "110200001", name: "挂号费", unit_price_e4: 10000, amount_fen: 100, category: "挂号费" },
      { code: "110200002", name: "门诊诊查费(普通)", unit_price_e4: 100000, amount_fen: 1000, category: "诊察费" },
    ],
    receipt_no: "MZ01-000001",
    change_fen: 0,
    occurred_at: "2026-11-26T01:30:00.000000Z",
    back_entered: false,
    cancelled: false,
    cancel_reason: null,
    refund_receipt_no: null,
    refund_fen: 0,
    ...over,
  };
}

/** A priced line as the core sends it. */
export function pricedLine(over: Partial<ReceiptLineView> = {}): ReceiptLineView {
  return {
    line_no: 1,
    code: "110200001",
    name: "普通门诊诊察费",
    spec: "",
    unit: "次",
    qty: "1",
    unit_price: "10.00",
    amount_fen: 1000,
    category: "诊察费",
    is_drug: false,
    free_text: false,
    free_reason: "",
    refunds_line: null,
    insurance_class: "",
    doses: null,
    per_dose: null,
    ...over,
  };
}

/** The core's pricing of a draft; the test says what the totals are (the UI adds nothing up). */
export function pricedDraft(lines: ReceiptLineView[], over: Partial<PricedDraftView> = {}): PricedDraftView {
  return {
    lines,
    subtotals: [{ category: "诊察费", amount_fen: 1000 }],
    total_fen: 1000,
    total_capitals: "壹拾元整",
    due_if_paid_today: "2026-12-10",
    due_provisional: false,
    ...over,
  };
}

export function receiptView(over: Partial<ReceiptView> = {}): ReceiptView {
  return {
    id: "rc-1",
    receipt_no: "MZ01-000123",
    kind: "charge",
    patient_id: "pat-1",
    patient_name: "张三",
    downtime_no: "DT-MZ01-000001",
    department: "",
    total_fen: 1000,
    // The core signs money paid back; a fixture of another kind says its own.
    signed_total_fen: over.total_fen ?? 1000,
    total_capitals: "壹拾元整",
    change_fen: 0,
    lines: [pricedLine()],
    subtotals: [{ category: "诊察费", amount_fen: 1000 }],
    tenders: [{ method: "cash", amount_fen: 1000, tendered_fen: 1000, reference: "" }],
    insured: false,
    insurance: "self_pay",
    insurance_no: "",
    resettle_due: null,
    exchange_due: "2026-12-10",
    due_provisional: false,
    paper_no: null,
    refund_of: null,
    refunded_fen: 0,
    reason: "",
    supervisor: null,
    drug_return_by: null,
    voided: false,
    void_reason: null,
    cashier: "张三",
    occurred_at: "2026-11-26T02:00:00.000000Z",
    back_entered: false,
    qr_payload: "DD1.x",
    refundable: true,
    voidable: true,
    pay_back_reason: null,
    payer: null,
    ...over,
  };
}

export function printResult(over: Partial<PrintResultView> = {}): PrintResultView {
  return {
    receipt_no: "MZ01-000123",
    pdf_path: "/home/desk/receipts/MZ01-000123.pdf",
    sent_to_printer: true,
    problem: null,
    problem_en: null,
    copy: false,
    ...over,
  };
}

/** An admission as the core sends it. */
export function admissionView(over: Partial<AdmissionView> = {}): AdmissionView {
  return {
    id: "adm-1",
    inpatient_no: "ZY-MZ01-000001",
    patient_id: "pat-1",
    patient_name: "张三",
    downtime_no: "DT-MZ01-000001",
    dept: "ZYNK",
    dept_name: "内科病区",
    ward: "3病区",
    bed: "12",
    doctor: "",
    diagnosis: "",
    admitted_at: "2026-11-26T02:00:00.000000Z",
    insurance: "self_pay",
    insurance_no: "",
    convert_to_insured: false,
    back_entered: false,
    cancelled: false,
    clerk: "王住院",
    ...over,
  };
}

/** A deposit receipt (or, with `kind`, a deposit refund). */
export function depositReceipt(over: Partial<ReceiptView> = {}): ReceiptView {
  return receiptView({
    id: "dep-rc-1",
    receipt_no: "MZ01-000200",
    kind: "deposit",
    department: "内科病区",
    total_fen: 200000,
    signed_total_fen: 200000,
    total_capitals: "贰仟元整",
    lines: [],
    subtotals: [],
    tenders: [{ method: "cash", amount_fen: 200000, tendered_fen: 200000, reference: "" }],
    exchange_due: null,
    ...over,
  });
}

/** The core's deposit account; the balance and what each movement is are whatever the test
 *  says (the UI adds nothing up and names nothing itself). */
export function depositAccount(movements: DepositMovementView[], balanceFen: number, over: Partial<AdmissionView> = {}): DepositAccountView {
  return { admission: admissionView(over), movements, balance_fen: balanceFen };
}

/** A receipt as a movement of the account, with what the core says it is. */
export function movement(receipt: ReceiptView, kind: MovementKind): DepositMovementView {
  return { ...receipt, movement: kind };
}

const noGroup = { count: 0, amount_fen: 0 };

/** The core's handover sheet of an open shift; the test says every figure (the UI adds nothing up). */
export function shiftReport(over: Partial<ShiftReport> = {}): ShiftReport {
  return {
    station: { hospital: "市第一人民医院", code: "MZ01", name: "门诊收费一号窗" },
    kind: "x",
    copy: false,
    shift_id: "shift-1",
    operator: "张三",
    opened_at: "2026-11-26T01:02:03.456789Z",
    closed_at: null,
    outage_id: "outage-1",
    opening_float_fen: 50000,
    cash_taken_fen: 7716,
    cash_given_back_fen: 1000,
    expected_cash_fen: 56716,
    counted_cash_fen: null,
    difference_fen: null,
    net_fen: 6716,
    totals_by_tender_fen: { cash: 6716, card: 0, wechat: 0, alipay: 0, cheque: 0, other: 0 },
    totals_by_category_fen: { examination: 6716 },
    groups: {
      registration: noGroup,
      outpatient: { count: 2, amount_fen: 7716 },
      refunds: noGroup,
      voids: { count: 1, amount_fen: 1000 },
      deposits: noGroup,
      deposit_refunds: noGroup,
    },
    receipts_used: [{ first: "MZ01-000001", last: "MZ01-000002", count: 2 }],
    voided: ["MZ01-000002"],
    refunds: [],
    denominations: null,
    difference_reason: null,
    difference_approved_by: null,
    void_details: [],
    deposit_refunds: [],
    paper_numbers: { books: [], used: [], skipped: [], repeated: [] },
    insured: [],
    exchange_pending: [],
    admissions_to_convert: [],
    journal_seq: 42,
    journal_hash_prefix: "0123456789abcdef",
    generated_at: "2026-11-26T05:00:00.000000Z",
    ...over,
  };
}

/** The core's outage report; every figure as the test says. */
export function periodReport(over: Partial<PeriodReport> = {}): PeriodReport {
  const sheet = shiftReport();
  return {
    station: sheet.station,
    scope: "outage",
    date: null,
    outage: { ...activeOutage("2026-11-26T00:30:00.000000Z"), active: false, his_up_at: "2026-11-26T06:00:00.000000Z" },
    shifts: [
      {
        shift_id: "shift-1",
        operator: "张三",
        opened_at: sheet.opened_at,
        closed_at: null,
        opening_float_fen: 50000,
        expected_cash_fen: 56716,
        counted_cash_fen: null,
        difference_fen: null,
        net_fen: 6716,
      },
    ],
    operators: [{ operator: "张三", shifts: ["shift-1"], ...figuresOf(sheet) }],
    ...figuresOf(sheet),
    void_details: [],
    deposit_refunds: [],
    paper_numbers: { books: [], used: [], skipped: [], repeated: [] },
    insured: [],
    exchange_pending: [],
    admissions_to_convert: [],
    hourly: [
      { hour: "2026-11-26 09:00", taken_fen: 7716, given_back_fen: 0 },
      { hour: "2026-11-26 10:00", taken_fen: 0, given_back_fen: 1000 },
    ],
    journal_seq: 42,
    journal_hash_prefix: "0123456789abcdef",
    generated_at: "2026-11-26T06:00:00.000000Z",
    ...over,
  };
}

function figuresOf(r: ShiftReport) {
  const { opening_float_fen, cash_taken_fen, cash_given_back_fen, expected_cash_fen, counted_cash_fen, difference_fen, net_fen } = r;
  const { totals_by_tender_fen, totals_by_category_fen, groups, receipts_used, voided, refunds } = r;
  return {
    opening_float_fen,
    cash_taken_fen,
    cash_given_back_fen,
    expected_cash_fen,
    counted_cash_fen,
    difference_fen,
    net_fen,
    totals_by_tender_fen,
    totals_by_category_fen,
    groups,
    receipts_used,
    voided,
    refunds,
  };
}
