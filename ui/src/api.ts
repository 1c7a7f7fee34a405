//! Every call into the Rust side, typed. Arguments are snake_case as the commands expect;
//! money goes as integer fen. A rejection is always normalised to an `IpcError`, so callers
//! branch on `code` and show `message` / `message_en`.

import { invoke, type InvokeArgs, type InvokeOptions } from "@tauri-apps/api/core";
import { listen, type UnlistenFn } from "@tauri-apps/api/event";
import type { BackupSettingView } from "./bindings/BackupSettingView";
import type { ActivationView } from "./bindings/ActivationView";
import type { AddOperatorInput } from "./bindings/AddOperatorInput";
import type { AdmissionView } from "./bindings/AdmissionView";
import type { AdmitInput } from "./bindings/AdmitInput";
import type { AppStatus } from "./bindings/AppStatus";
import type { CashChangeView } from "./bindings/CashChangeView";
import type { CatalogItemView } from "./bindings/CatalogItemView";
import type { CatalogVersionView } from "./bindings/CatalogVersionView";
import type { CloseShiftInput } from "./bindings/CloseShiftInput";
import type { CountCheck } from "./bindings/CountCheck";
import type { CountInput } from "./bindings/CountInput";
import type { CodeCheckView } from "./bindings/CodeCheckView";
import type { Credentials } from "./bindings/Credentials";
import type { DepartmentInput } from "./bindings/DepartmentInput";
import type { DepartmentView } from "./bindings/DepartmentView";
import type { DepositAccountView } from "./bindings/DepositAccountView";
import type { DepositInputView } from "./bindings/DepositInputView";
import type { DepositRefundInputView } from "./bindings/DepositRefundInputView";
import type { DepositRefundPreviewView } from "./bindings/DepositRefundPreviewView";
import type { DraftLine } from "./bindings/DraftLine";
import type { EndOutageInput } from "./bindings/EndOutageInput";
import type { ExportOverview } from "./bindings/ExportOverview";
import type { ExportResultView } from "./bindings/ExportResultView";
import type { ImportReportView } from "./bindings/ImportReportView";
import type { ErrorCode } from "./bindings/ErrorCode";
import type { IpcError } from "./bindings/IpcError";
import type { NewPatientInput } from "./bindings/NewPatientInput";
import type { OperatorView } from "./bindings/OperatorView";
import type { PatientView } from "./bindings/PatientView";
import type { PayInput } from "./bindings/PayInput";
import type { PeriodReport } from "./bindings/PeriodReport";
import type { PricedDraftView } from "./bindings/PricedDraftView";
import type { UnprintedView } from "./bindings/UnprintedView";
import type { PrintResultView } from "./bindings/PrintResultView";
import type { KeyCardView } from "./bindings/KeyCardView";
import type { ReceiptTotals } from "./bindings/ReceiptTotals";
import type { ReceiptView } from "./bindings/ReceiptView";
import type { RefundInputView } from "./bindings/RefundInputView";
import type { CancelRegistrationInput } from "./bindings/CancelRegistrationInput";
import type { RefundLineInput } from "./bindings/RefundLineInput";
import type { RefundPreviewView } from "./bindings/RefundPreviewView";
import type { Method } from "./bindings/Method";
import type { RegisterInput } from "./bindings/RegisterInput";
import type { RegTypeInput } from "./bindings/RegTypeInput";
import type { RegTypeView } from "./bindings/RegTypeView";
import type { RegistrationView } from "./bindings/RegistrationView";
import type { ReportPrintView } from "./bindings/ReportPrintView";
import type { SetupInput } from "./bindings/SetupInput";
import type { DispensingView } from "./bindings/DispensingView";
import type { PharmacyInput } from "./bindings/PharmacyInput";
import type { ScanView } from "./bindings/ScanView";
import type { ReturnSlipView } from "./bindings/ReturnSlipView";
import type { TrustedStationView } from "./bindings/TrustedStationView";
import type { ShiftClosedView } from "./bindings/ShiftClosedView";
import type { ShiftReport } from "./bindings/ShiftReport";
import type { SnapshotReportView } from "./bindings/SnapshotReportView";
import type { ImportProgressView } from "./bindings/ImportProgressView";
import type { ReconView } from "./bindings/ReconView";
import type { StartOutageInput } from "./bindings/StartOutageInput";
import type { VerifyView } from "./bindings/VerifyView";

export type { ErrorCode, IpcError };

/** What a screen says or where it points for some error codes: a misspelt code is a type error. */
export type CodeMap<T> = Partial<Record<ErrorCode, T>>;

/** Receipt print layouts the core knows: A5 sheet, or the 80 mm thermal roll. */
export type PrintLayout = "a5" | "roll80";

/** Report sheet layouts: A4, or the 80 mm thermal roll. */
export type ReportLayout = "a4" | "roll80";

/** Codes with which `app_status` says the database itself cannot be used. */
export const DB_FATAL_CODES: ErrorCode[] = ["db_damaged", "db_newer_schema", "db_not_database", "db_read_only", "db_empty", "db_key_needed", "db_key_wrong"];

export function isIpcError(e: unknown): e is IpcError {
  return typeof e === "object" && e !== null && typeof (e as IpcError).code === "string"
    && typeof (e as IpcError).message === "string";
}

/** Anything a failed call threw, as an `IpcError` (transport failures get code `ipc_failed`). */
export function toIpcError(e: unknown): IpcError {
  if (isIpcError(e)) return { ...e, message_en: e.message_en ?? e.message };
  const text = e instanceof Error ? e.message : String(e);
  return { code: "ipc_failed", message: text, message_en: text };
}

async function call<T>(cmd: string, args?: InvokeArgs, options?: InvokeOptions): Promise<T> {
  try {
    return await invoke<T>(cmd, args, options);
  } catch (e) {
    throw toIpcError(e);
  }
}

/** A price-list file as chosen by the user, with the optional reading choices. */
export interface CatalogFile {
  bytes: Uint8Array;
  name: string;
  /** `YYYY-MM`; empty lets the core take it from the file name. */
  month?: string;
  /** `utf8` / `gbk`; empty lets the core detect it. */
  encoding?: string;
  /** Worksheet of a workbook; empty reads the first. */
  sheet?: string;
  /** The part of the price list this file is (药品, 医疗服务项目 …); empty: the whole list. */
  part?: string;
  /** The file may have less than half the items of what it replaces. */
  confirmShrink?: boolean;
  /** Left on disk where the person chose it: the core reads it there (`x-picked`), the body is empty. */
  onDisk?: boolean;
}

/** The file goes as the raw invoke body; its name and options as headers. Header values
 *  must be ASCII, so each is percent-encoded (the core decodes them). */
function fileOptions(file: CatalogFile, acceptGoodRows = false): InvokeOptions {
  const headers: Record<string, string> = {
    "x-file-name": encodeURIComponent(file.name),
    "x-month": encodeURIComponent(file.month ?? ""),
    "x-encoding": encodeURIComponent(file.encoding ?? ""),
    "x-sheet": encodeURIComponent(file.sheet ?? ""),
    "x-part": encodeURIComponent(file.part ?? ""),
  };
  if (file.confirmShrink) headers["x-confirm-shrink"] = "1";
  if (acceptGoodRows) headers["x-accept-good-rows"] = "1";
  if (file.onDisk) headers["x-picked"] = "1";
  return { headers };
}

/** A file chosen by the user, as bytes with its name (the HIS patient index). */
export type ChosenFile = Pick<CatalogFile, "name" | "bytes">;

/** The HIS patient index goes like a price list: raw body, name and choices as headers; a
 *  file left on disk (`onDisk`) is read there by the core (`x-picked`), with an empty body. */
function snapshotOptions(file: ChosenFile & { onDisk?: boolean }, dryRun: boolean, acceptGoodRows: boolean): InvokeOptions {
  return {
    headers: {
      "x-file-name": encodeURIComponent(file.name),
      "x-dry-run": dryRun ? "1" : "",
      "x-accept-good-rows": acceptGoodRows ? "1" : "",
      ...(file.onDisk ? { "x-picked": "1" } : {}),
    },
  };
}

/** Import progress as the core reports it (`catalog-progress` events). */
export type Progress = { done: number; total: number };

export const api = {
  appStatus: () => call<AppStatus>("app_status"),
  unlockStation: (key: string) => call<AppStatus>("unlock_station", { key }),
  restoreBackup: (admin_name: string, admin_pin: string, confirm_older: boolean) =>
    call<AppStatus>("restore_backup", { admin_name, admin_pin, confirm_older }),
  setupStation: (input: SetupInput) => call<AppStatus>("setup_station", { input }),
  login: (input: Credentials) => call<AppStatus>("login", { input }),
  logout: () => call<AppStatus>("logout"),
  listOperators: () => call<OperatorView[]>("list_operators"),
  addOperator: (input: AddOperatorInput) => call<OperatorView>("add_operator", { input }),
  startOutage: (input: StartOutageInput) => call<AppStatus>("start_outage", { input }),
  endOutage: (input: EndOutageInput) => call<AppStatus>("end_outage", { input }),
  /** 开班; with the paper invoice book in hand (first and last numbers) when one is written alongside. */
  openShift: (floatFen: number, paperFrom: string | null = null, paperTo: string | null = null) =>
    call<AppStatus>("open_shift", { float_fen: floatFen, paper_from: paperFrom, paper_to: paperTo }),
  /** 登记下一本手工票据 in the open shift. */
  registerPaperBook: (paperFrom: string, paperTo: string) => call<AppStatus>("register_paper_book", { paper_from: paperFrom, paper_to: paperTo }),
  /** The handover sheet of a shift (null: the operator's open shift, else their last). */
  shiftReport: (shiftId: string | null) => call<ShiftReport>("shift_report", { shift_id: shiftId }),
  /** What a count would mean against the open shift: expected, difference, what it needs. */
  checkCount: (count: CountInput) => call<CountCheck>("check_count", { count }),
  /** 交班: closes the operator's shift; its Z report is printed (the original) on A4. */
  closeShift: (input: CloseShiftInput) => call<ShiftClosedView>("close_shift", { input }),
  /** Prints a shift's sheet; a closed shift's is a copy (副本). */
  printShiftReport: (shiftId: string | null, layout: ReportLayout) =>
    call<ReportPrintView>("print_shift_report", { shift_id: shiftId, layout }),
  /** The outage report (null: the active or last outage): per operator, in total, charts. */
  outageReport: (outageId: string | null) => call<PeriodReport>("outage_report", { outage_id: outageId }),
  printOutageReport: (outageId: string | null, layout: ReportLayout) =>
    call<ReportPrintView>("print_outage_report", { outage_id: outageId, layout }),
  /** 差额审批限额 in fen; administrators set it. */
  cashThreshold: () => call<number>("cash_threshold"),
  setCashThreshold: (fen: number) => call<number>("set_cash_threshold", { threshold_fen: fen }),
  verifyJournal: () => call<VerifyView>("verify_journal"),
  setIdleLock: (minutes: number) => call<AppStatus>("set_idle_lock", { minutes }),
  /** The CUPS printer receipts go to; null: PDFs are only saved. */
  printer: () => call<string | null>("printer"),
  /** Sets it (administrators); an empty name means "save the PDF only". Returns the new one. */
  setPrinter: (name: string) => call<string | null>("set_printer", { name }),
  /** 自动备份: the folder automatic backups go to (null: none chosen) and after how many receipts. */
  backupSetting: () => call<BackupSettingView>("backup_setting"),
  /** Sets it (administrators); the core writes and checks a first backup there at once. */
  setBackup: (folder: string) => call<BackupSettingView>("set_backup", { folder }),
  /** Opens a PDF this desk saved in the system's viewer (whose print dialog can print it). */
  openPdf: (path: string) => call<null>("open_pdf", { path }),
  /** 收据核验: verifies a scanned receipt QR payload with this station's key. */
  checkReceiptCode: (payload: string) => call<CodeCheckView>("check_receipt_code", { payload }),
  pharmacyScan: (payload: string) => call<ScanView>("pharmacy_scan", { payload }),
  pharmacyDispense: (input: PharmacyInput) => call<ScanView>("pharmacy_dispense", { input }),
  pharmacyReturn: (input: PharmacyInput) => call<DispensingView>("pharmacy_return", { input }),
  pharmacyTrustPicked: () => call<TrustedStationView>("pharmacy_trust_picked"),
  /** Trusts the station of an export batch folder (its verified manifest's key and voids). */
  pharmacyTrustFolder: (folder: string) => call<TrustedStationView>("pharmacy_trust_folder", { folder }),
  /** 打印退药单 through the core's printing path; a reprint is a 副本. */
  printReturnSlip: (slipNo: string, layout: PrintLayout) => call<PrintResultView>("print_return_slip", { slip_no: slipNo, layout }),
  /** This station's key card: code, name, fingerprint and the path offered (refused by role). */
  keyCardOffer: () => call<KeyCardView>("key_card_offer"),
  /** Writes the key card to `path`. */
  exportKeyCard: (path: string) => call<KeyCardView>("export_key_card", { path }),
  readReturnSlip: (payload: string) => call<ReturnSlipView>("read_return_slip", { payload }),

  /** Reads the file and reports what an import would do; writes nothing. */
  catalogPreview: (file: CatalogFile) => call<ImportReportView>("catalog_preview", file.bytes, fileOptions(file)),
  /** Imports; with bad rows the core refuses (`catalog_has_bad_rows`) unless `acceptGoodRows`. */
  catalogImport: (file: CatalogFile, acceptGoodRows: boolean) =>
    call<ImportReportView>("catalog_import", file.bytes, fileOptions(file, acceptGoodRows)),
  /** The shipped sample, each of its parts (services, drugs) imported in turn. */
  catalogImportSample: () => call<ImportReportView[]>("catalog_import_sample"),
  catalogVersions: () => call<CatalogVersionView[]>("catalog_versions"),
  /** Puts an earlier version back in force for its part; a shrink by more than half needs `confirmShrink`. */
  catalogActivate: (version: string, confirmShrink: boolean) => call<ActivationView>("catalog_activate", { version, confirm_shrink: confirmShrink }),
  catalogSearch: (query: string, limit: number) => call<CatalogItemView[]>("catalog_search", { query, limit }),
  /** Calls `onProgress` for each progress event until the returned function is called. */
  onCatalogProgress: (onProgress: (p: Progress) => void): Promise<UnlistenFn> =>
    listen<Progress>("catalog-progress", (e) => onProgress(e.payload)),

  /** Local and HIS-snapshot patients matching a name, pinyin initials, ID number, phone,
   *  downtime number or HIS ID, best first. */
  findPatients: (query: string, limit: number) => call<PatientView[]>("find_patients", { query, limit }),
  addPatient: (input: NewPatientInput) => call<PatientView>("add_patient", { input }),
  /** 更正: the whole of the patient's details as they should be, and why; returns the patient
   *  as corrected. `patient` is the downtime number. */
  correctPatient: (patient: string, input: NewPatientInput, reason: string) =>
    call<PatientView>("correct_patient", { patient, input, reason }),
  /** 合并: `merged` (a downtime number) is the same person as `into`, a supervisor approving;
   *  returns the patient kept. */
  mergePatients: (merged: string, into: string, reason: string, supervisor: Credentials) =>
    call<PatientView>("merge_patients", { merged, into, reason, supervisor }),
  departments: () => call<DepartmentView[]>("departments"),
  importSampleDepartments: () => call<DepartmentView[]>("import_sample_departments"),
  /** 科室表 CSV (科室编码, 科室名称, 类别, 医生): raw body, name as a header; bad rows refuse
   *  the whole file. Returns the new list. */
  importDepartments: (file: ChosenFile) =>
    call<DepartmentView[]>("import_departments", file.bytes, { headers: { "x-file-name": encodeURIComponent(file.name) } }),
  /** Adds or changes one department; `active: false` takes it off the list. Returns the new list. */
  setDepartment: (input: DepartmentInput) => call<DepartmentView[]>("set_department", { input }),
  /** Registers and takes the fee in one; the same `input.id` again returns the registration made. */
  register: (input: RegisterInput) => call<RegistrationView>("register", { input }),
  /** 退号: a paid registration's fee goes back with a refund voucher, approved by `input.supervisor`. */
  cancelRegistration: (input: CancelRegistrationInput) => call<RegistrationView>("cancel_registration", { input }),
  /** 号别 with their fee items as the active price list prices them. */
  regTypes: () => call<RegTypeView[]>("reg_types"),
  /** Adds or changes one registration type; returns them all. */
  setRegType: (input: RegTypeInput) => call<RegTypeView[]>("set_reg_type", { input }),
  registrationsToday: () => call<RegistrationView[]>("registrations_today"),
  /** 候诊条 of a registration: the PDF is always saved, and printed when a printer is set. */
  printQueueSlip: (id: string) => call<PrintResultView>("print_queue_slip", { id }),
  /** Reads the HIS patient index and reports (dry run), or imports it; with bad rows the
   *  core refuses (`patients_have_bad_rows`) unless `acceptGoodRows`. */
  patientSnapshot: (file: ChosenFile & { onDisk?: boolean }, dryRun: boolean, acceptGoodRows = false) =>
    call<SnapshotReportView>("import_patient_snapshot", file.bytes, snapshotOptions(file, dryRun, acceptGoodRows)),
  /** Calls `onProgress` with the patient index import's progress until the returned function is called. */
  onPatientsProgress: (onProgress: (p: ImportProgressView) => void): Promise<UnlistenFn> =>
    listen<ImportProgressView>("patients-progress", (e) => onProgress(e.payload)),

  /** Prices the draft's lines: amounts, subtotals, total and its capitals all come from here.
   *  Lines outside the price list need `supervisor`. */
  priceDraft: (lines: DraftLine[], supervisor: Credentials | null) =>
    call<PricedDraftView>("price_draft", { lines, supervisor }),
  /** Pays a draft; the same `input.id` again returns the receipt already issued. */
  payCharge: (input: PayInput) => call<ReceiptView>("pay_charge", { input }),
  /** One receipt by its number (any shift). */
  chargePaid: (id: string) => call<ReceiptView | null>("charge_paid", { id }),
  receipt: (receiptNo: string) => call<ReceiptView>("receipt", { receipt_no: receiptNo }),
  /** The operator's receipts of the open shift, newest first. */
  shiftReceipts: () => call<ReceiptView[]>("shift_receipts"),
  /** The totals per kind under that list (signed: money paid back is negative). */
  shiftReceiptTotals: () => call<ReceiptTotals>("shift_receipt_totals"),
  voidReceipt: (receiptNo: string, reason: string, supervisor: Credentials) =>
    call<ReceiptView>("void_receipt", { receipt_no: receiptNo, reason, supervisor }),
  /** A refund with its own receipt; the same `input.id` again returns the one already issued. */
  refundReceipt: (input: RefundInputView) => call<ReceiptView>("refund_receipt", { input }),
  /** The system's file dialog; the chosen file's name, or null when cancelled. */
  pickFile: (title: string, filter_name: string, extensions: string[]) => call<string | null>("pick_file", { title, filter_name, extensions }),
  /** The bytes of the file just chosen (a raw body; an array of numbers where IPC has no raw body). */
  pickedFileBytes: async () => new Uint8Array(await call<ArrayBuffer | number[]>("picked_file_bytes")),
  /** What a refund of the marked lines would pay back, and how; nothing is written. */
  refundPreview: (receipt_no: string, lines: RefundLineInput[], pay_back: Method | null) =>
    call<RefundPreviewView>("refund_preview", { receipt_no, lines, pay_back }),
  /** 找零 while the cash handed over is typed (the core subtracts, not the window). */
  cashChange: (cash_fen: number, tendered_fen: number) => call<CashChangeView>("cash_change", { cash_fen, tendered_fen }),
  /** Prints a committed receipt (`copy`: a reprint, marked 副本); the PDF is always saved. */
  printReceipt: (receiptNo: string, layout: PrintLayout, copy: boolean) =>
    call<PrintResultView>("print_receipt", { receipt_no: receiptNo, layout, copy }),
  /** 未打印: receipts whose last printing did not reach the printer. */
  unprintedReceipts: () => call<UnprintedView[]>("unprinted_receipts"),

  /** 入院: a temporary inpatient number; a second active admission needs `confirm_second`. */
  admit: (input: AdmitInput) => call<AdmissionView>("admit", { input }),
  /** Admissions, newest first; only those not cancelled when `activeOnly`. */
  admissions: (activeOnly: boolean) => call<AdmissionView[]>("admissions", { active_only: activeOnly }),
  /** An admission's deposits, top-ups and refunds, and the balance the core derives from them. */
  depositAccount: (inpatientNo: string) => call<DepositAccountView>("deposit_account", { inpatient_no: inpatientNo }),
  /** 预交金 / 补交: a deposit receipt; the same `input.id` again returns the one already issued. */
  takeDeposit: (input: DepositInputView) => call<ReceiptView>("take_deposit", { input }),
  /** 退预交金 with a supervisor: a receipt of its own; the same `input.id` again returns it. */
  refundDeposit: (input: DepositRefundInputView) => call<ReceiptView>("refund_deposit", { input }),
  /** The balance now and after refunding `amount_fen`; nothing is written. */
  depositRefundPreview: (inpatient_no: string, amount_fen: number, pay_back: Method | null) =>
    call<DepositRefundPreviewView>("deposit_refund_preview", { inpatient_no, amount_fen, pay_back }),
  cancelAdmission: (inpatientNo: string, reason: string) =>
    call<AdmissionView>("cancel_admission", { inpatient_no: inpatientNo, reason }),
  /** 转床 / 转病区: the admission then shows the new ward and bed. */
  transferAdmission: (inpatientNo: string, ward: string, bed: string | null, reason: string) =>
    call<AdmissionView>("transfer_admission", { inpatient_no: inpatientNo, ward, bed, reason }),
  /** 预交金汇总: saves the PDF and returns where. */
  printDepositSummary: (inpatientNo: string) => call<string>("print_deposit_summary", { inpatient_no: inpatientNo }),

  /** 导出批次: what is not yet exported, and the batches made (supervisor, admin, finance). */
  exportOverview: () => call<ExportOverview>("export_overview"),
  /** Writes the next batch into `folder`; `written: false` when nothing is new. */
  exportBatch: (folder: string) => call<ExportResultView>("export_batch", { folder }),
  /** Writes batch `seq` again into `folder` (the same bytes but the cover). */
  rerenderBatch: (seq: number, folder: string) => call<ExportResultView>("rerender_batch", { seq, folder }),
  /** The system folder picker; null when cancelled. */
  pickExportFolder: () => call<string | null>("pick_export_folder"),
  /** Calls `onProgress` for each `export-progress` event until the returned function is called. */
  onExportProgress: (onProgress: (p: Progress) => void): Promise<UnlistenFn> =>
    listen<Progress>("export-progress", (e) => onProgress(e.payload)),

  /** 财务对账 (finance, administrators): the workspace's reconciliation, worklists as of `asOf`. */
  reconcileView: (asOf: string | null) => call<ReconView>("reconcile_view", { as_of: asOf }),
  /** Loads batch folders and (when `his`) the HIS file chosen last; then reconciles. */
  reconcileLoad: (folders: string[], his: boolean, asOf: string | null) =>
    call<ReconView>("reconcile_load", { folders, his, as_of: asOf }),
  /** Writes reconciliation.json, .csv and .pdf into `folder`; their paths. */
  reconcileWrite: (folder: string, asOf: string | null) => call<string[]>("reconcile_write", { folder, as_of: asOf }),
  reconcileMark: (item: string, hisNo: string, note: string, asOf: string | null) =>
    call<ReconView>("reconcile_mark", { item, his_no: hisNo, note, as_of: asOf }),
  reconcileUnmark: (item: string, reason: string, asOf: string | null) =>
    call<ReconView>("reconcile_unmark", { item, reason, as_of: asOf }),
  /** The system folder picker; null when cancelled. */
  reconcilePickFolder: (title: string) => call<string | null>("reconcile_pick_folder", { title }),
  onReconcileProgress: (onProgress: (p: Progress) => void): Promise<UnlistenFn> =>
    listen<Progress>("reconcile-progress", (e) => onProgress(e.payload)),
};
