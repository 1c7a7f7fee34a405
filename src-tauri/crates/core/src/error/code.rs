//! `ErrorCode`: every error code the desk gives, one enum exported to TypeScript as a union
//! of the codes' texts, so that a misspelt code fails to compile on both sides; `code!` checks
//! a code written as text while compiling. A new code is one line in `error_codes!` below, and
//! the test here fails until it is made somewhere with words in both languages.

/// The [`ErrorCode`] written as its text, checked when the crate is compiled: a code that is
/// not in the enum does not build. `downtime_core::code!("pin_wrong")`.
#[macro_export]
macro_rules! code {
    ($code:literal) => {
        const {
            match $crate::error::ErrorCode::from_text($code) {
                Some(c) => c,
                None => panic!(concat!(
                    "\"",
                    $code,
                    "\" is no ErrorCode: add it to error_codes! in downtime-core's error/code.rs"
                )),
            }
        }
    };
}

/// Byte equality that can run while compiling.
const fn same(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.len() != b.len() {
        return false;
    }
    let mut i = 0;
    while i < a.len() {
        if a[i] != b[i] {
            return false;
        }
        i += 1;
    }
    true
}

macro_rules! error_codes {
    ($($variant:ident = $text:literal,)*) => {
        /// Every error code the desk gives, one type on both sides of the IPC: exported to
        /// TypeScript as a union of the codes' texts, so that a misspelt code fails to compile
        /// in the window as in Rust. `ipc_failed` is the window's own (the call never arrived).
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, ts_rs::TS)]
        #[ts(export)]
        pub enum ErrorCode {
            $(#[serde(rename = $text)] $variant,)*
        }

        impl ErrorCode {
            pub const ALL: &'static [ErrorCode] = &[$(ErrorCode::$variant,)*];

            pub const fn as_str(self) -> &'static str {
                match self {
                    $(ErrorCode::$variant => $text,)*
                }
            }

            /// The code whose text is `text`.
            pub const fn from_text(text: &str) -> Option<ErrorCode> {
                $(if same(text, $text) {
                    return Some(ErrorCode::$variant);
                })*
                None
            }
        }
    };
}

impl std::fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

error_codes! {
    AdmissionAlreadyActive = "admission_already_active",
    AdmissionCancelled = "admission_cancelled",
    AdmissionHasBalance = "admission_has_balance",
    AdmissionRequired = "admission_required",
    AdmissionUnknown = "admission_unknown",
    AgeTooHigh = "age_too_high",
    AmountInvalid = "amount_invalid",
    AmountOutOfRange = "amount_out_of_range",
    AmountTooPrecise = "amount_too_precise",
    AnchorInvalid = "anchor_invalid",
    ApproverIsActor = "approver_is_actor",
    BackEntryOutsideOutage = "back_entry_outside_outage",
    BackupEveryInvalid = "backup_every_invalid",
    BackupFailed = "backup_failed",
    BackupOlder = "backup_older",
    BackupOtherStation = "backup_other_station",
    BackupSameFolder = "backup_same_folder",
    BackupUnsound = "backup_unsound",
    BatchInvalid = "batch_invalid",
    BatchUnknown = "batch_unknown",
    BenchFailed = "bench_failed",
    BirthAndAge = "birth_and_age",
    BirthInFuture = "birth_in_future",
    CalendarInvalid = "calendar_invalid",
    CalendarYearMissing = "calendar_year_missing",
    CashCountInvalid = "cash_count_invalid",
    CashCountMissing = "cash_count_missing",
    CashCountOutOfRange = "cash_count_out_of_range",
    CashDenominationTwice = "cash_denomination_twice",
    CashDenominationUnknown = "cash_denomination_unknown",
    CatalogAlreadyActive = "catalog_already_active",
    CatalogCodeInTwoParts = "catalog_code_in_two_parts",
    CatalogEncodingUnknown = "catalog_encoding_unknown",
    CatalogFileMissing = "catalog_file_missing",
    CatalogHasBadRows = "catalog_has_bad_rows",
    CatalogMapInvalid = "catalog_map_invalid",
    CatalogMissing = "catalog_missing",
    CatalogMonthInvalid = "catalog_month_invalid",
    CatalogNoGoodRows = "catalog_no_good_rows",
    CatalogNotAPriceList = "catalog_not_a_price_list",
    CatalogSheetMissing = "catalog_sheet_missing",
    CatalogShrinkUnconfirmed = "catalog_shrink_unconfirmed",
    CatalogVersionAmbiguous = "catalog_version_ambiguous",
    CatalogVersionUnknown = "catalog_version_unknown",
    CategoryInvalid = "category_invalid",
    ChargeEmpty = "charge_empty",
    ChargeExistsDifferent = "charge_exists_different",
    ChargeTooManyDrugLines = "charge_too_many_drug_lines",
    ChargeTooManyLines = "charge_too_many_lines",
    ChargeZero = "charge_zero",
    CounterStationTask = "counter_station_task",
    DateInvalid = "date_invalid",
    DateOutOfRange = "date_out_of_range",
    DbAlreadyEncrypted = "db_already_encrypted",
    DbBusy = "db_busy",
    DbConflict = "db_conflict",
    DbDamaged = "db_damaged",
    DbEmpty = "db_empty",
    DbEncryptUnsound = "db_encrypt_unsound",
    DbError = "db_error",
    DbInUse = "db_in_use",
    DbKeyMissing = "db_key_missing",
    DbKeyNeeded = "db_key_needed",
    DbKeyTooShort = "db_key_too_short",
    DbKeyWrong = "db_key_wrong",
    DbMissing = "db_missing",
    DbNewerSchema = "db_newer_schema",
    DbNotDatabase = "db_not_database",
    DbNotEncrypted = "db_not_encrypted",
    DbReadOnly = "db_read_only",
    DepositRefundExceedsBalance = "deposit_refund_exceeds_balance",
    DepositVoidBelowZero = "deposit_void_below_zero",
    DepositZero = "deposit_zero",
    DeptCodeInvalid = "dept_code_invalid",
    DeptNotAList = "dept_not_a_list",
    DeptNotInpatient = "dept_not_inpatient",
    DeptNotOutpatient = "dept_not_outpatient",
    DeptRowInvalid = "dept_row_invalid",
    DeptUnknown = "dept_unknown",
    DialogFailed = "dialog_failed",
    DiskFull = "disk_full",
    DosesInvalid = "doses_invalid",
    DosesNotHerbal = "doses_not_herbal",
    ExportFolderExists = "export_folder_exists",
    ExportFolderMissing = "export_folder_missing",
    ExportFolderReadOnly = "export_folder_read_only",
    ExportFolderRequired = "export_folder_required",
    ExportNothingNew = "export_nothing_new",
    ExportWriteFailed = "export_write_failed",
    FileNotChosen = "file_not_chosen",
    FileUnreadable = "file_unreadable",
    FontMissingGlyph = "font_missing_glyph",
    FreeLineInvalid = "free_line_invalid",
    FreeTextNeedsSupervisor = "free_text_needs_supervisor",
    HerbalNeedsDoses = "herbal_needs_doses",
    HisMapInvalid = "his_map_invalid",
    HisNotPostings = "his_not_postings",
    HisRowsInvalid = "his_rows_invalid",
    IdInvalid = "id_invalid",
    IdMismatch = "id_mismatch",
    IdNumberChecksum = "id_number_checksum",
    IdNumberDate = "id_number_date",
    IdNumberInvalid = "id_number_invalid",
    IdNumberLength = "id_number_length",
    IdleLockOutOfRange = "idle_lock_out_of_range",
    ImportLineTooLong = "import_line_too_long",
    ImportTooManyColumns = "import_too_many_columns",
    ImportTooManyRows = "import_too_many_rows",
    ImportXlsxTooBig = "import_xlsx_too_big",
    InsuranceInvalid = "insurance_invalid",
    InsuranceNoMissing = "insurance_no_missing",
    IoError = "io_error",
    IpcFailed = "ipc_failed",
    ItemUnknown = "item_unknown",
    KeyCardInvalid = "key_card_invalid",
    KeyCardPathInvalid = "key_card_path_invalid",
    KeyCardSignatureInvalid = "key_card_signature_invalid",
    KeyInvalid = "key_invalid",
    KeyringUnavailable = "keyring_unavailable",
    LayoutInvalid = "layout_invalid",
    LineInvalid = "line_invalid",
    NameInvisibleChars = "name_invisible_chars",
    NotInitialised = "not_initialised",
    NotLoggedIn = "not_logged_in",
    OperatorExists = "operator_exists",
    OperatorLocked = "operator_locked",
    OperatorRequired = "operator_required",
    OperatorUnknown = "operator_unknown",
    OutageAlreadyActive = "outage_already_active",
    OutageEndBeforeStart = "outage_end_before_start",
    OutageNotActive = "outage_not_active",
    OutageShiftsOpen = "outage_shifts_open",
    OutageUnknown = "outage_unknown",
    PaperBookOverlap = "paper_book_overlap",
    PaperBookUsed = "paper_book_used",
    PaperNoOutsideBook = "paper_no_outside_book",
    PaperNoUsed = "paper_no_used",
    PaperRangeInvalid = "paper_range_invalid",
    PatientCorrectionUnchanged = "patient_correction_unchanged",
    PatientDuplicateId = "patient_duplicate_id",
    PatientInHis = "patient_in_his",
    PatientMergeSame = "patient_merge_same",
    PatientNotInsured = "patient_not_insured",
    PatientNotLocal = "patient_not_local",
    PatientPossibleDuplicate = "patient_possible_duplicate",
    PatientUnknown = "patient_unknown",
    PatientsHaveBadRows = "patients_have_bad_rows",
    PatientsNotAnIndex = "patients_not_an_index",
    PdfOpenFailed = "pdf_open_failed",
    PdfUnknown = "pdf_unknown",
    PharmacyAlreadyDispensed = "pharmacy_already_dispensed",
    PharmacyLineInvalid = "pharmacy_line_invalid",
    PharmacyLineTwice = "pharmacy_line_twice",
    PharmacyLineUnknown = "pharmacy_line_unknown",
    PharmacyNoDrugLines = "pharmacy_no_drug_lines",
    PharmacyNotACharge = "pharmacy_not_a_charge",
    PharmacyOldCode = "pharmacy_old_code",
    PharmacyQuantityOver = "pharmacy_quantity_over",
    PharmacyReceiptVoided = "pharmacy_receipt_voided",
    PharmacyReturnNoLines = "pharmacy_return_no_lines",
    PharmacyStationTask = "pharmacy_station_task",
    PharmacyUnknownStation = "pharmacy_unknown_station",
    PhoneInvalid = "phone_invalid",
    PinEmpty = "pin_empty",
    PinNotDigits = "pin_not_digits",
    PinTooLong = "pin_too_long",
    PinTooShort = "pin_too_short",
    PinWrong = "pin_wrong",
    PriceInvalid = "price_invalid",
    PriceNegative = "price_negative",
    PriceOutOfRange = "price_out_of_range",
    PriceTooPrecise = "price_too_precise",
    PrinterInvalid = "printer_invalid",
    QrAnchorMismatch = "qr_anchor_mismatch",
    QrMismatch = "qr_mismatch",
    QrSignatureInvalid = "qr_signature_invalid",
    QrUnreadable = "qr_unreadable",
    QuantityInvalid = "quantity_invalid",
    QuantityNotWhole = "quantity_not_whole",
    QuantityOutOfRange = "quantity_out_of_range",
    QuantityTooPrecise = "quantity_too_precise",
    QuantityZero = "quantity_zero",
    ReceiptAlreadyVoided = "receipt_already_voided",
    ReceiptHasRefunds = "receipt_has_refunds",
    ReceiptInconsistent = "receipt_inconsistent",
    ReceiptIsRegistration = "receipt_is_registration",
    ReceiptNotRefundable = "receipt_not_refundable",
    ReceiptQrTooLong = "receipt_qr_too_long",
    ReceiptUnknown = "receipt_unknown",
    ReceiptVoidOtherShift = "receipt_void_other_shift",
    ReceiptVoidRefund = "receipt_void_refund",
    ReceiptVoided = "receipt_voided",
    ReconAlreadyMarked = "recon_already_marked",
    ReconFileUnreadable = "recon_file_unreadable",
    ReconFolderMissing = "recon_folder_missing",
    ReconFolderUnreadable = "recon_folder_unreadable",
    ReconItemNotOnAList = "recon_item_not_on_a_list",
    ReconItemUnknown = "recon_item_unknown",
    ReconNoBatches = "recon_no_batches",
    ReconNotMarked = "recon_not_marked",
    ReconNothingToLoad = "recon_nothing_to_load",
    ReconOutMissing = "recon_out_missing",
    ReconOutUnwritable = "recon_out_unwritable",
    ReconWorkspaceBusy = "recon_workspace_busy",
    ReconWorkspaceEmpty = "recon_workspace_empty",
    RefundExceedsPaid = "refund_exceeds_paid",
    RefundLineDone = "refund_line_done",
    RefundLineInvalid = "refund_line_invalid",
    RefundLineTwice = "refund_line_twice",
    RefundLineUnknown = "refund_line_unknown",
    RefundNeedsDrugReturn = "refund_needs_drug_return",
    RefundNoWayBack = "refund_no_way_back",
    RefundNotWholeDoses = "refund_not_whole_doses",
    RefundNothingLeft = "refund_nothing_left",
    RefundOtherWayNeedsReason = "refund_other_way_needs_reason",
    RegCancelNeedsSupervisor = "reg_cancel_needs_supervisor",
    RegFeeCodeUnknown = "reg_fee_code_unknown",
    RegFeeItemMissing = "reg_fee_item_missing",
    RegFeeUnpaid = "reg_fee_unpaid",
    RegNoFee = "reg_no_fee",
    RegTypeFeeTwice = "reg_type_fee_twice",
    RegTypeInactive = "reg_type_inactive",
    RegTypeKeyInvalid = "reg_type_key_invalid",
    RegTypeNameTaken = "reg_type_name_taken",
    RegTypeUnknown = "reg_type_unknown",
    RegTypesExist = "reg_types_exist",
    RegistrationCancelled = "registration_cancelled",
    RegistrationExistsDifferent = "registration_exists_different",
    RegistrationHasCharges = "registration_has_charges",
    RegistrationUnknown = "registration_unknown",
    ReportFormatInvalid = "report_format_invalid",
    ReportLayoutInvalid = "report_layout_invalid",
    ReportPdfNeedsOut = "report_pdf_needs_out",
    ReturnSlipMismatch = "return_slip_mismatch",
    ReturnSlipOtherReceipt = "return_slip_other_receipt",
    ReturnSlipOtherStation = "return_slip_other_station",
    ReturnSlipSignatureInvalid = "return_slip_signature_invalid",
    ReturnSlipUnknown = "return_slip_unknown",
    ReturnSlipUnknownPharmacy = "return_slip_unknown_pharmacy",
    ReturnSlipUnreadable = "return_slip_unreadable",
    ReturnSlipUsed = "return_slip_used",
    RoleForbidden = "role_forbidden",
    RoleInvalid = "role_invalid",
    SelfPayReasonMissing = "self_pay_reason_missing",
    SexInvalid = "sex_invalid",
    ShiftAlreadyOpen = "shift_already_open",
    ShiftApproverIsOperator = "shift_approver_is_operator",
    ShiftDifferenceNeedsReason = "shift_difference_needs_reason",
    ShiftDifferenceNeedsSupervisor = "shift_difference_needs_supervisor",
    ShiftNone = "shift_none",
    ShiftNotOpen = "shift_not_open",
    ShiftRequired = "shift_required",
    ShiftUnknown = "shift_unknown",
    SimulateNoRegTypes = "simulate_no_reg_types",
    StationCodeInvalid = "station_code_invalid",
    StationCodeTaken = "station_code_taken",
    StationExists = "station_exists",
    StationKindInvalid = "station_kind_invalid",
    SupervisorIncomplete = "supervisor_incomplete",
    TenderCardReference = "tender_card_reference",
    TenderCashShort = "tender_cash_short",
    TenderCashTwice = "tender_cash_twice",
    TenderChequeReference = "tender_cheque_reference",
    TenderInvalid = "tender_invalid",
    TenderMethodInvalid = "tender_method_invalid",
    TenderMissing = "tender_missing",
    TenderNoChange = "tender_no_change",
    TenderOtherName = "tender_other_name",
    TenderReferenceInvalid = "tender_reference_invalid",
    TenderReferenceMissing = "tender_reference_missing",
    TenderSumMismatch = "tender_sum_mismatch",
    TenderTenderedWithoutCash = "tender_tendered_without_cash",
    TenderZero = "tender_zero",
    TextControlChars = "text_control_chars",
    TextEmpty = "text_empty",
    TextTooLong = "text_too_long",
    ThresholdOutOfRange = "threshold_out_of_range",
    TimeInFuture = "time_in_future",
    TimeInvalid = "time_invalid",
    TrustBatchInvalid = "trust_batch_invalid",
    TrustOtherKey = "trust_other_key",
    TrustOwnStation = "trust_own_station",
    VisitUnknown = "visit_unknown",
}

#[cfg(test)]
mod tests {
    use super::ErrorCode;
    use std::path::Path;

    /// The Rust sources of every crate that makes errors (core, CLI, shell, finance), but the
    /// error's own files, which define `invalid!` and `CoreError::invalid` rather than call them.
    fn sources() -> Vec<(String, String)> {
        fn walk(dir: &Path, skip: &Path, out: &mut Vec<(String, String)>) {
            for e in std::fs::read_dir(dir).unwrap().flatten() {
                let p = e.path();
                if p == skip {
                    continue;
                }
                if p.is_dir() {
                    walk(&p, skip, out);
                } else if p.extension().is_some_and(|x| x == "rs") {
                    out.push((p.display().to_string(), std::fs::read_to_string(&p).unwrap()));
                }
            }
        }
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
        let skip = root.join("crates/core/src/error");
        let mut out = Vec::new();
        for dir in ["crates/core/src", "crates/cli/src", "crates/recon/src", "src"] {
            walk(&root.join(dir), &skip, &mut out);
        }
        out
    }

    #[test]
    fn codes_are_distinct_snake_case_and_read_back() {
        let mut seen = std::collections::HashSet::new();
        for &c in ErrorCode::ALL {
            let text = c.as_str();
            assert!(seen.insert(text), "{text} twice");
            assert!(
                text.chars().all(|ch| ch.is_ascii_lowercase() || ch.is_ascii_digit() || ch == '_'),
                "{text}"
            );
            assert_eq!(ErrorCode::from_text(text), Some(c));
            assert_eq!(serde_json::to_value(c).unwrap(), serde_json::Value::from(text));
        }
        assert_eq!(ErrorCode::from_text("pin_wrnog"), None);
    }

    /// The arguments of the call whose `(` is at the start of `text`, split at the top level.
    fn arguments(text: &str) -> Vec<String> {
        let (mut depth, mut in_str, mut escaped) = (0, false, false);
        let (mut args, mut arg) = (Vec::new(), String::new());
        for ch in text.chars() {
            if in_str {
                in_str = !(ch == '"' && !escaped);
                escaped = ch == '\\' && !escaped;
                arg.push(ch);
                continue;
            }
            match ch {
                '"' => in_str = true,
                '(' | '[' | '{' => depth += 1,
                ')' | ']' | '}' => depth -= 1,
                ',' if depth == 1 => {
                    args.push(std::mem::take(&mut arg).trim().to_string());
                    continue;
                }
                _ => {}
            }
            if depth == 0 {
                break;
            }
            if !(depth == 1 && ch == '(' && arg.is_empty()) {
                arg.push(ch);
            }
        }
        args.push(arg.trim().to_string());
        args.retain(|a| !a.is_empty());
        args
    }

    /// Every code the window may switch on is made somewhere, and wherever an error is made it
    /// has its words in both languages: no code without a message in Chinese or in English.
    #[test]
    fn every_code_is_made_somewhere_with_both_messages() {
        let sources = sources();
        let mut made = std::collections::HashSet::new();
        for (file, text) in &sources {
            for start in ["invalid!(", "CoreError::invalid(", "bad("] {
                for (i, _) in text.match_indices(start) {
                    let args = arguments(&text[i + start.len() - 1..]);
                    if args.len() != 3 {
                        continue; // a definition or a helper taking its code from its caller
                    }
                    let code = args[0].rsplit("::").next().unwrap().trim_matches('"');
                    made.insert(code.to_string());
                    for (lang, words) in [("Chinese", &args[1]), ("English", &args[2])] {
                        assert!(words != "\"\"" && words != "String::new()", "{file}: {code} has no {lang} message");
                    }
                }
            }
        }
        // Made by `CoreError`'s own variants, with their sentences in `message`.
        let variants = [
            ErrorCode::DbDamaged,
            ErrorCode::DbNewerSchema,
            ErrorCode::DbMissing,
            ErrorCode::DbEmpty,
            ErrorCode::DbNotDatabase,
            ErrorCode::DbReadOnly,
            ErrorCode::NotInitialised,
            ErrorCode::DiskFull,
            ErrorCode::DbBusy,
            ErrorCode::DbConflict,
            ErrorCode::DbError,
            ErrorCode::IoError,
        ];
        for &c in ErrorCode::ALL {
            // `ipc_failed` is the window's own: a call that never reached the desk.
            let ok = made.contains(&format!("{c:?}")) || made.contains(c.as_str()) || variants.contains(&c) || c == ErrorCode::IpcFailed;
            assert!(ok, "{} is made nowhere: make it or remove it", c.as_str());
        }
    }
}
