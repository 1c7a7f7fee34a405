//! The schema, as numbered migrations. `PRAGMA user_version` holds how many have been applied;
//! all pending ones run in one transaction at open. Never edit a migration that has shipped:
//! add the next one.

/// Tables that hold facts. Each gets triggers that abort any UPDATE or DELETE: a correction
/// is a new row pointing at the old one.
pub const APPEND_ONLY: &[&str] = &[
    "journal",
    "station",
    "station_key",
    "operator",
    "setting",
    "outage",
    "outage_end",
    "shift",
    "shift_close",
    "catalog_version",
    "catalog_item",
    "patient",
    "patient_snapshot",
    "his_patient",
    "department",
    "registration",
    "registration_cancel",
    "calendar_year",
    "receipt",
    "receipt_line",
    "tender",
    "receipt_void",
    "receipt_print",
    "admission",
    "admission_cancel",
    "admission_transfer",
    "shift_count",
    "export_batch",
    "reg_type",
    "catalog_activation",
    "patient_correction",
    "patient_merge",
    "paper_book",
    "print_outcome",
    "trusted_station",
    "issuer_void",
    "dispensing",
    "dispensing_line",
    "document_print",
];

pub const MIGRATIONS: &[&str] = &[
    // 1: the foundation.
    r#"
CREATE TABLE journal (
    seq        INTEGER PRIMARY KEY,
    id         TEXT NOT NULL UNIQUE,
    kind       TEXT NOT NULL,
    actor      TEXT NOT NULL,
    at         TEXT NOT NULL,
    payload    TEXT NOT NULL,
    prev_hash  TEXT NOT NULL,
    hash       TEXT NOT NULL UNIQUE
) STRICT;

-- The chain has no gaps and each entry names the hash of the one before it.
CREATE TRIGGER journal_gapless BEFORE INSERT ON journal
WHEN NEW.seq IS NOT (SELECT ifnull(max(seq), 0) + 1 FROM journal)
  OR NEW.prev_hash IS NOT ifnull((SELECT hash FROM journal ORDER BY seq DESC LIMIT 1),
                                 '0000000000000000000000000000000000000000000000000000000000000000')
BEGIN
    SELECT RAISE(ABORT, 'journal: entry out of sequence or not chained to the previous one');
END;

CREATE TABLE station (
    id          TEXT PRIMARY KEY,
    singleton   INTEGER NOT NULL DEFAULT 1 UNIQUE CHECK (singleton = 1),
    code        TEXT NOT NULL,
    name        TEXT NOT NULL,
    hospital    TEXT NOT NULL,
    public_key  BLOB NOT NULL CHECK (length(public_key) = 32),
    created_at  TEXT NOT NULL
) STRICT;

-- The station's Ed25519 signing key. Kept apart so that no journal payload or export ever
-- carries it; the public half is in `station` and in the chain.
CREATE TABLE station_key (
    station_id  TEXT PRIMARY KEY REFERENCES station(id),
    secret_key  BLOB NOT NULL CHECK (length(secret_key) = 32)
) STRICT;

CREATE TABLE operator (
    id          TEXT PRIMARY KEY,
    name        TEXT NOT NULL UNIQUE,
    role        TEXT NOT NULL CHECK (role IN ('cashier', 'admissions', 'supervisor', 'finance', 'admin')),
    pin_hash    TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    created_by  TEXT REFERENCES operator(id)
) STRICT;

-- Station settings; the newest row for a key is in force.
CREATE TABLE setting (
    id      TEXT PRIMARY KEY,
    key     TEXT NOT NULL,
    value   TEXT NOT NULL,
    set_at  TEXT NOT NULL,
    set_by  TEXT NOT NULL REFERENCES operator(id)
) STRICT;

-- 应急预案启动: an outage is active from its row until an outage_end row names it.
CREATE TABLE outage (
    id            TEXT PRIMARY KEY,
    reason        TEXT NOT NULL,
    his_down_at   TEXT NOT NULL,
    announced_by  TEXT NOT NULL,
    started_by    TEXT NOT NULL REFERENCES operator(id),
    recorded_at   TEXT NOT NULL
) STRICT;
CREATE TABLE outage_end (
    outage_id    TEXT PRIMARY KEY REFERENCES outage(id),
    his_up_at    TEXT NOT NULL,
    ended_by     TEXT NOT NULL REFERENCES operator(id),
    recorded_at  TEXT NOT NULL
) STRICT;
CREATE TRIGGER outage_one_active BEFORE INSERT ON outage
WHEN EXISTS (SELECT 1 FROM outage o WHERE NOT EXISTS (SELECT 1 FROM outage_end e WHERE e.outage_id = o.id))
BEGIN
    SELECT RAISE(ABORT, 'outage: another outage is still active');
END;

-- 班次: an operator's shift, open until a shift_close row names it (once).
CREATE TABLE shift (
    id           TEXT PRIMARY KEY,
    operator_id  TEXT NOT NULL REFERENCES operator(id),
    float_fen    INTEGER NOT NULL CHECK (float_fen >= 0),
    outage_id    TEXT REFERENCES outage(id),
    opened_at    TEXT NOT NULL
) STRICT;
CREATE TABLE shift_close (
    shift_id     TEXT PRIMARY KEY REFERENCES shift(id),
    counted_fen  INTEGER NOT NULL CHECK (counted_fen >= 0),
    closed_by    TEXT NOT NULL REFERENCES operator(id),
    closed_at    TEXT NOT NULL
) STRICT;
CREATE TRIGGER shift_one_open_per_operator BEFORE INSERT ON shift
WHEN EXISTS (SELECT 1 FROM shift s WHERE s.operator_id = NEW.operator_id
             AND NOT EXISTS (SELECT 1 FROM shift_close c WHERE c.shift_id = s.id))
BEGIN
    SELECT RAISE(ABORT, 'shift: operator already has an open shift');
END;
"#,
    // 2: the price catalog (价目表), one version per imported file.
    r#"
CREATE TABLE catalog_version (
    id             TEXT PRIMARY KEY,
    file_name      TEXT NOT NULL,
    file_sha256    TEXT NOT NULL UNIQUE,
    month          TEXT NOT NULL CHECK (month GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]'),
    rows_read      INTEGER NOT NULL,
    items          INTEGER NOT NULL CHECK (items > 0),
    rows_rejected  INTEGER NOT NULL,
    -- SHA-256 over the version's items (see catalog::items_digest): the journal carries the
    -- version row, and through this digest every one of its items.
    items_sha256   TEXT NOT NULL,
    imported_by    TEXT NOT NULL REFERENCES operator(id),
    imported_at    TEXT NOT NULL
) STRICT;
CREATE TABLE catalog_item (
    version_id       TEXT NOT NULL REFERENCES catalog_version(id),
    code             TEXT NOT NULL,
    name             TEXT NOT NULL,
    spec             TEXT NOT NULL,
    unit             TEXT NOT NULL,
    unit_price_e4    INTEGER NOT NULL CHECK (unit_price_e4 >= 0),
    category         TEXT NOT NULL,
    lookup           TEXT NOT NULL,
    wubi             TEXT NOT NULL,
    insurance_class  TEXT NOT NULL,
    is_drug          INTEGER NOT NULL CHECK (is_drug IN (0, 1)),
    PRIMARY KEY (version_id, code)
) STRICT;
"#,
    // 3: patients, the HIS patient index snapshot, departments, outpatient registration.
    r#"
CREATE TABLE patient (
    id            TEXT PRIMARY KEY,
    seq           INTEGER NOT NULL UNIQUE,
    downtime_no   TEXT NOT NULL UNIQUE,
    name          TEXT NOT NULL,
    sex           TEXT NOT NULL CHECK (sex IN ('M', 'F', 'U')),
    birth         TEXT,
    age_years     INTEGER CHECK (age_years BETWEEN 0 AND 150),
    id_number     TEXT,
    id_old_style  INTEGER NOT NULL,
    phone         TEXT NOT NULL,
    address       TEXT NOT NULL,
    insurance     TEXT NOT NULL,
    insurance_no  TEXT NOT NULL,
    his_id        TEXT,
    -- Set when the clerk confirmed a possible duplicate: the ids it resembled.
    duplicate_of  TEXT,
    created_by    TEXT NOT NULL REFERENCES operator(id),
    created_at    TEXT NOT NULL,
    outage_id     TEXT REFERENCES outage(id)
) STRICT;
CREATE UNIQUE INDEX patient_id_number ON patient(id_number) WHERE id_number IS NOT NULL;
CREATE UNIQUE INDEX patient_his_id ON patient(his_id) WHERE his_id IS NOT NULL;
-- Downtime numbers run without gaps.
CREATE TRIGGER patient_seq_gapless BEFORE INSERT ON patient
WHEN NEW.seq IS NOT (SELECT ifnull(max(seq), 0) + 1 FROM patient)
BEGIN
    SELECT RAISE(ABORT, 'patient: downtime numbers run without gaps');
END;

CREATE TABLE patient_snapshot (
    id            TEXT PRIMARY KEY,
    file_name     TEXT NOT NULL,
    file_sha256   TEXT NOT NULL UNIQUE,
    rows_read     INTEGER NOT NULL,
    patients      INTEGER NOT NULL,
    rows_rejected INTEGER NOT NULL,
    rows_sha256   TEXT NOT NULL,
    imported_by   TEXT NOT NULL REFERENCES operator(id),
    imported_at   TEXT NOT NULL
) STRICT;
CREATE TABLE his_patient (
    snapshot_id  TEXT NOT NULL,
    id           TEXT NOT NULL UNIQUE,
    his_id       TEXT NOT NULL,
    name         TEXT NOT NULL,
    sex          TEXT NOT NULL,
    birth        TEXT,
    id_number    TEXT,
    phone        TEXT NOT NULL,
    PRIMARY KEY (snapshot_id, his_id)
) STRICT;
CREATE INDEX his_patient_id_number ON his_patient(snapshot_id, id_number);

CREATE TABLE department (
    id       TEXT PRIMARY KEY,
    code     TEXT NOT NULL,
    name     TEXT NOT NULL,
    kind     TEXT NOT NULL CHECK (kind IN ('outpatient', 'emergency', 'inpatient')),
    doctors  TEXT NOT NULL,
    active   INTEGER NOT NULL CHECK (active IN (0, 1)),
    set_by   TEXT NOT NULL REFERENCES operator(id),
    set_at   TEXT NOT NULL
) STRICT;

CREATE TABLE registration (
    id                  TEXT PRIMARY KEY,
    patient_id          TEXT NOT NULL REFERENCES patient(id),
    dept_code           TEXT NOT NULL,
    dept_name           TEXT NOT NULL,
    doctor              TEXT NOT NULL,
    reg_type            TEXT NOT NULL CHECK (reg_type IN ('ordinary', 'expert', 'emergency')),
    visit_date          TEXT NOT NULL,
    queue_no            INTEGER NOT NULL CHECK (queue_no > 0),
    fee_fen             INTEGER NOT NULL CHECK (fee_fen >= 0),
    fee_items           TEXT NOT NULL,
    catalog_version_id  TEXT NOT NULL REFERENCES catalog_version(id),
    operator_id         TEXT NOT NULL REFERENCES operator(id),
    shift_id            TEXT NOT NULL REFERENCES shift(id),
    outage_id           TEXT NOT NULL REFERENCES outage(id),
    occurred_at         TEXT NOT NULL,
    recorded_at         TEXT NOT NULL,
    back_entered        INTEGER NOT NULL CHECK (back_entered IN (0, 1)),
    UNIQUE (dept_code, visit_date, queue_no)
) STRICT;
CREATE TABLE registration_cancel (
    registration_id  TEXT PRIMARY KEY REFERENCES registration(id),
    reason           TEXT NOT NULL,
    cancelled_by     TEXT NOT NULL REFERENCES operator(id),
    shift_id         TEXT NOT NULL REFERENCES shift(id),
    at               TEXT NOT NULL
) STRICT;
-- A money record lands only in the open shift of the operator who took it.
CREATE TRIGGER registration_own_open_shift BEFORE INSERT ON registration
WHEN NOT EXISTS (SELECT 1 FROM shift s WHERE s.id = NEW.shift_id AND s.operator_id = NEW.operator_id
                 AND NOT EXISTS (SELECT 1 FROM shift_close c WHERE c.shift_id = s.id))
BEGIN
    SELECT RAISE(ABORT, 'registration: not the open shift of its operator');
END;
CREATE TRIGGER registration_cancel_own_open_shift BEFORE INSERT ON registration_cancel
WHEN NOT EXISTS (SELECT 1 FROM shift s WHERE s.id = NEW.shift_id AND s.operator_id = NEW.cancelled_by
                 AND NOT EXISTS (SELECT 1 FROM shift_close c WHERE c.shift_id = s.id))
BEGIN
    SELECT RAISE(ABORT, 'registration_cancel: not the open shift of its operator');
END;
"#,
    // 4: charges and receipts (收费, 收据), tenders, voids, prints; the working-day calendar.
    r#"
CREATE TABLE calendar_year (
    id           TEXT PRIMARY KEY,
    year         INTEGER NOT NULL,
    json         TEXT NOT NULL,
    imported_by  TEXT NOT NULL REFERENCES operator(id),
    imported_at  TEXT NOT NULL
) STRICT;

-- Every receipt of the station: charges, refunds, deposits, deposit refunds, one gapless
-- sequence. `id` is the client-made idempotency key of the charge.
CREATE TABLE receipt (
    id                  TEXT PRIMARY KEY,
    seq                 INTEGER NOT NULL UNIQUE,
    receipt_no          TEXT NOT NULL UNIQUE,
    kind                TEXT NOT NULL CHECK (kind IN ('charge', 'refund', 'deposit', 'deposit_refund')),
    patient_id          TEXT NOT NULL REFERENCES patient(id),
    registration_id     TEXT REFERENCES registration(id),
    admission_id        TEXT,
    department          TEXT NOT NULL,
    refund_of           TEXT REFERENCES receipt(id),
    total_fen           INTEGER NOT NULL CHECK (total_fen > 0),
    change_fen          INTEGER NOT NULL CHECK (change_fen >= 0),
    insured             INTEGER NOT NULL CHECK (insured IN (0, 1)),
    insurance           TEXT NOT NULL,
    insurance_no        TEXT NOT NULL,
    resettle_due        TEXT,
    exchange_due        TEXT,
    due_provisional     INTEGER NOT NULL CHECK (due_provisional IN (0, 1)),
    paper_no            TEXT,
    reason              TEXT NOT NULL,
    supervisor_id       TEXT REFERENCES operator(id),
    drug_return_by      TEXT,
    catalog_version_id  TEXT REFERENCES catalog_version(id),
    operator_id         TEXT NOT NULL REFERENCES operator(id),
    shift_id            TEXT NOT NULL REFERENCES shift(id),
    outage_id           TEXT NOT NULL REFERENCES outage(id),
    occurred_at         TEXT NOT NULL,
    recorded_at         TEXT NOT NULL,
    back_entered        INTEGER NOT NULL CHECK (back_entered IN (0, 1)),
    qr_payload          TEXT NOT NULL,
    request_sha256      TEXT NOT NULL
) STRICT;
CREATE UNIQUE INDEX receipt_paper_no ON receipt(paper_no) WHERE paper_no IS NOT NULL;
CREATE INDEX receipt_refund_of ON receipt(refund_of) WHERE refund_of IS NOT NULL;
CREATE INDEX receipt_shift ON receipt(shift_id);
CREATE TRIGGER receipt_seq_gapless BEFORE INSERT ON receipt
WHEN NEW.seq IS NOT (SELECT ifnull(max(seq), 0) + 1 FROM receipt)
BEGIN
    SELECT RAISE(ABORT, 'receipt: numbers run without gaps');
END;
CREATE TRIGGER receipt_own_open_shift BEFORE INSERT ON receipt
WHEN NOT EXISTS (SELECT 1 FROM shift s WHERE s.id = NEW.shift_id AND s.operator_id = NEW.operator_id
                 AND NOT EXISTS (SELECT 1 FROM shift_close c WHERE c.shift_id = s.id))
BEGIN
    SELECT RAISE(ABORT, 'receipt: not the open shift of its operator');
END;

CREATE TABLE receipt_line (
    receipt_id     TEXT NOT NULL REFERENCES receipt(id),
    line_no        INTEGER NOT NULL CHECK (line_no > 0),
    code           TEXT NOT NULL,
    name           TEXT NOT NULL,
    spec           TEXT NOT NULL,
    unit           TEXT NOT NULL,
    qty_milli      INTEGER NOT NULL CHECK (qty_milli > 0),
    unit_price_e4  INTEGER NOT NULL CHECK (unit_price_e4 >= 0),
    amount_fen     INTEGER NOT NULL CHECK (amount_fen >= 0),
    category       TEXT NOT NULL,
    is_drug        INTEGER NOT NULL CHECK (is_drug IN (0, 1)),
    free_text      INTEGER NOT NULL CHECK (free_text IN (0, 1)),
    free_reason    TEXT NOT NULL,
    refunds_line   INTEGER,
    PRIMARY KEY (receipt_id, line_no)
) STRICT;

CREATE TABLE tender (
    receipt_id    TEXT NOT NULL REFERENCES receipt(id),
    n             INTEGER NOT NULL,
    method        TEXT NOT NULL CHECK (method IN ('cash', 'card', 'wechat', 'alipay', 'cheque', 'other')),
    amount_fen    INTEGER NOT NULL CHECK (amount_fen > 0),
    tendered_fen  INTEGER,
    reference     TEXT NOT NULL,
    PRIMARY KEY (receipt_id, n)
) STRICT;

CREATE TABLE receipt_void (
    receipt_id     TEXT PRIMARY KEY REFERENCES receipt(id),
    reason         TEXT NOT NULL,
    supervisor_id  TEXT NOT NULL REFERENCES operator(id),
    operator_id    TEXT NOT NULL REFERENCES operator(id),
    shift_id       TEXT NOT NULL REFERENCES shift(id),
    at             TEXT NOT NULL
) STRICT;
-- Only a receipt of the voiding operator's open shift can be voided.
CREATE TRIGGER receipt_void_same_open_shift BEFORE INSERT ON receipt_void
WHEN NOT EXISTS (SELECT 1 FROM receipt r JOIN shift s ON s.id = r.shift_id
                 WHERE r.id = NEW.receipt_id AND s.id = NEW.shift_id AND s.operator_id = NEW.operator_id
                 AND NOT EXISTS (SELECT 1 FROM shift_close c WHERE c.shift_id = s.id))
BEGIN
    SELECT RAISE(ABORT, 'receipt_void: not a receipt of the open shift');
END;

CREATE TABLE receipt_print (
    id           TEXT PRIMARY KEY,
    receipt_id   TEXT NOT NULL REFERENCES receipt(id),
    copy         INTEGER NOT NULL CHECK (copy IN (0, 1)),
    layout       TEXT NOT NULL,
    operator_id  TEXT NOT NULL REFERENCES operator(id),
    at           TEXT NOT NULL
) STRICT;
"#,
    // 5: inpatient admissions (入院). Deposits are receipts (kind deposit / deposit_refund).
    r#"
CREATE TABLE admission (
    id                  TEXT PRIMARY KEY,
    seq                 INTEGER NOT NULL UNIQUE,
    inpatient_no        TEXT NOT NULL UNIQUE,
    patient_id          TEXT NOT NULL REFERENCES patient(id),
    dept_code           TEXT NOT NULL,
    dept_name           TEXT NOT NULL,
    ward                TEXT NOT NULL,
    bed                 TEXT NOT NULL,
    doctor              TEXT NOT NULL,
    diagnosis           TEXT NOT NULL,
    admitted_at         TEXT NOT NULL,
    insurance           TEXT NOT NULL,
    insurance_no        TEXT NOT NULL,
    convert_to_insured  INTEGER NOT NULL CHECK (convert_to_insured IN (0, 1)),
    second_confirmed    INTEGER NOT NULL CHECK (second_confirmed IN (0, 1)),
    operator_id         TEXT NOT NULL REFERENCES operator(id),
    outage_id           TEXT NOT NULL REFERENCES outage(id),
    recorded_at         TEXT NOT NULL,
    back_entered        INTEGER NOT NULL CHECK (back_entered IN (0, 1))
) STRICT;
CREATE TRIGGER admission_seq_gapless BEFORE INSERT ON admission
WHEN NEW.seq IS NOT (SELECT ifnull(max(seq), 0) + 1 FROM admission)
BEGIN
    SELECT RAISE(ABORT, 'admission: inpatient numbers run without gaps');
END;
CREATE TABLE admission_cancel (
    admission_id  TEXT PRIMARY KEY REFERENCES admission(id),
    reason        TEXT NOT NULL,
    cancelled_by  TEXT NOT NULL REFERENCES operator(id),
    at            TEXT NOT NULL
) STRICT;
CREATE TABLE admission_transfer (
    id            TEXT PRIMARY KEY,
    admission_id  TEXT NOT NULL REFERENCES admission(id),
    ward          TEXT NOT NULL,
    bed           TEXT NOT NULL,
    reason        TEXT NOT NULL,
    by_operator   TEXT NOT NULL REFERENCES operator(id),
    at            TEXT NOT NULL
) STRICT;
-- A deposit (or its refund) belongs to an admission that exists and is not cancelled.
CREATE TRIGGER receipt_deposit_admission BEFORE INSERT ON receipt
WHEN NEW.kind IN ('deposit', 'deposit_refund') AND NOT EXISTS (
    SELECT 1 FROM admission a WHERE a.id = NEW.admission_id
    AND NOT EXISTS (SELECT 1 FROM admission_cancel c WHERE c.admission_id = a.id))
BEGIN
    SELECT RAISE(ABORT, 'receipt: a deposit needs an active admission');
END;
"#,
    // 6: fewer pages written per receipt. Tenders (small rows) live in their primary key's own
    // B-tree (WITHOUT ROWID) instead of a table plus an index of the same key, and the journal
    // drops its index on `hash`: a random key that cost one more page per entry (read from disk
    // once the journal outgrows the cache) and proves nothing the chain does not. Receipt lines
    // stay a rowid table: their rows are large, and SQLite fills pages appended to a rowid
    // table fully but splits key-ordered ones in half. Same columns, same rows; the
    // append-only triggers come back after every migration.
    r#"
ALTER TABLE tender RENAME TO tender_v5;
CREATE TABLE tender (
    receipt_id    TEXT NOT NULL REFERENCES receipt(id),
    n             INTEGER NOT NULL,
    method        TEXT NOT NULL CHECK (method IN ('cash', 'card', 'wechat', 'alipay', 'cheque', 'other')),
    amount_fen    INTEGER NOT NULL CHECK (amount_fen > 0),
    tendered_fen  INTEGER,
    reference     TEXT NOT NULL,
    PRIMARY KEY (receipt_id, n)
) STRICT, WITHOUT ROWID;
INSERT INTO tender SELECT * FROM tender_v5;
DROP TABLE tender_v5;

ALTER TABLE journal RENAME TO journal_v5;
CREATE TABLE journal (
    seq        INTEGER PRIMARY KEY,
    id         TEXT NOT NULL UNIQUE,
    kind       TEXT NOT NULL,
    actor      TEXT NOT NULL,
    at         TEXT NOT NULL,
    payload    TEXT NOT NULL,
    prev_hash  TEXT NOT NULL,
    hash       TEXT NOT NULL
) STRICT;
INSERT INTO journal SELECT * FROM journal_v5 ORDER BY seq;
DROP TABLE journal_v5;
CREATE TRIGGER journal_gapless BEFORE INSERT ON journal
WHEN NEW.seq IS NOT (SELECT ifnull(max(seq), 0) + 1 FROM journal)
  OR NEW.prev_hash IS NOT ifnull((SELECT hash FROM journal ORDER BY seq DESC LIMIT 1),
                                 '0000000000000000000000000000000000000000000000000000000000000000')
BEGIN
    SELECT RAISE(ABORT, 'journal: entry out of sequence or not chained to the previous one');
END;
"#,
    // 7: the handover (交班). How the cash was counted (one total, or by denomination), why it
    // differs from what the records expect, and who approved a difference above the threshold;
    // written with the shift_close row, in the same journal entry. What was expected is not
    // stored: it is derived from the shift's records.
    r#"
CREATE TABLE shift_count (
    shift_id       TEXT PRIMARY KEY REFERENCES shift_close(shift_id),
    -- JSON [{"count": n, "value_fen": v}, ...], largest note first; NULL when counted as one total.
    denominations  TEXT,
    reason         TEXT NOT NULL,
    supervisor_id  TEXT REFERENCES operator(id)
) STRICT;
-- An approver is never the person whose count they approve.
CREATE TRIGGER shift_count_not_own_approval BEFORE INSERT ON shift_count
WHEN NEW.supervisor_id IS NOT NULL AND NEW.supervisor_id IS (SELECT operator_id FROM shift WHERE id = NEW.shift_id)
BEGIN
    SELECT RAISE(ABORT, 'shift_count: the operator of the shift cannot approve its difference');
END;
"#,
    // 8: export batches (导出批次). A batch is the journal range since the previous batch; its
    // row is inserted by the journal entry that closes that range (`journal_last_seq` is that
    // entry's own seq), so batches cover the journal without gap or overlap. `receipt_seq_last`
    // lets a later re-rendering see the receipts exactly as they were when the batch was made
    // (a deposit account's movements "as of" the batch).
    r#"
CREATE TABLE export_batch (
    id                 TEXT PRIMARY KEY,
    seq                INTEGER NOT NULL UNIQUE CHECK (seq > 0),
    journal_first_seq  INTEGER NOT NULL CHECK (journal_first_seq > 0),
    journal_last_seq   INTEGER NOT NULL,
    receipt_seq_last   INTEGER NOT NULL CHECK (receipt_seq_last >= 0),
    written_to         TEXT NOT NULL,
    created_by         TEXT NOT NULL REFERENCES operator(id),
    created_at         TEXT NOT NULL,
    CHECK (journal_last_seq >= journal_first_seq)
) STRICT;
CREATE TRIGGER export_batch_gapless BEFORE INSERT ON export_batch
WHEN NEW.seq IS NOT (SELECT ifnull(max(seq), 0) + 1 FROM export_batch)
  OR NEW.journal_first_seq IS NOT (SELECT ifnull(max(journal_last_seq), 0) + 1 FROM export_batch)
  OR NEW.journal_last_seq IS NOT (SELECT ifnull(max(seq), 0) + 1 FROM journal)
BEGIN
    SELECT RAISE(ABORT, 'export_batch: batches run without gaps and cover the journal up to their own entry');
END;
"#,
    // 9: a real hospital's data. Registration types (号别) and their fee items by price-list
    // code are rows the hospital edits; a registration's fee is paid with it, on a receipt of
    // kind 'registration' (so `receipt` and `registration` are rebuilt with wider CHECKs, same
    // columns, same rows). The price list comes in parts, each activated by an import or by
    // `catalog activate`. Receipt lines keep the insurance class they printed and the doses
    // (付数) of herbal lines; the HIS patient index keeps insurance columns. Patients are
    // corrected and merged by records of their own. Added columns are NULL in older rows:
    // `verify` reads an absent column in an older journal payload as NULL.
    r#"
ALTER TABLE registration RENAME TO registration_v6;
CREATE TABLE registration (
    id                  TEXT PRIMARY KEY,
    patient_id          TEXT NOT NULL REFERENCES patient(id),
    dept_code           TEXT NOT NULL,
    dept_name           TEXT NOT NULL,
    doctor              TEXT NOT NULL,
    -- The key of a row of `reg_type` (older rows: ordinary, expert, emergency).
    reg_type            TEXT NOT NULL CHECK (reg_type <> ''),
    visit_date          TEXT NOT NULL,
    queue_no            INTEGER NOT NULL CHECK (queue_no > 0),
    fee_fen             INTEGER NOT NULL CHECK (fee_fen >= 0),
    fee_items           TEXT NOT NULL,
    catalog_version_id  TEXT NOT NULL REFERENCES catalog_version(id),
    operator_id         TEXT NOT NULL REFERENCES operator(id),
    shift_id            TEXT NOT NULL REFERENCES shift(id),
    outage_id           TEXT NOT NULL REFERENCES outage(id),
    occurred_at         TEXT NOT NULL,
    recorded_at         TEXT NOT NULL,
    back_entered        INTEGER NOT NULL CHECK (back_entered IN (0, 1)),
    UNIQUE (dept_code, visit_date, queue_no)
) STRICT;
INSERT INTO registration SELECT * FROM registration_v6 ORDER BY rowid;
DROP TABLE registration_v6;
CREATE TRIGGER registration_own_open_shift BEFORE INSERT ON registration
WHEN NOT EXISTS (SELECT 1 FROM shift s WHERE s.id = NEW.shift_id AND s.operator_id = NEW.operator_id
                 AND NOT EXISTS (SELECT 1 FROM shift_close c WHERE c.shift_id = s.id))
BEGIN
    SELECT RAISE(ABORT, 'registration: not the open shift of its operator');
END;

ALTER TABLE receipt RENAME TO receipt_v6;
CREATE TABLE receipt (
    id                  TEXT PRIMARY KEY,
    seq                 INTEGER NOT NULL UNIQUE,
    receipt_no          TEXT NOT NULL UNIQUE,
    kind                TEXT NOT NULL CHECK (kind IN ('charge', 'registration', 'refund', 'deposit', 'deposit_refund')),
    patient_id          TEXT NOT NULL REFERENCES patient(id),
    registration_id     TEXT REFERENCES registration(id),
    admission_id        TEXT,
    department          TEXT NOT NULL,
    refund_of           TEXT REFERENCES receipt(id),
    total_fen           INTEGER NOT NULL CHECK (total_fen > 0),
    change_fen          INTEGER NOT NULL CHECK (change_fen >= 0),
    insured             INTEGER NOT NULL CHECK (insured IN (0, 1)),
    insurance           TEXT NOT NULL,
    insurance_no        TEXT NOT NULL,
    resettle_due        TEXT,
    exchange_due        TEXT,
    due_provisional     INTEGER NOT NULL CHECK (due_provisional IN (0, 1)),
    paper_no            TEXT,
    reason              TEXT NOT NULL,
    supervisor_id       TEXT REFERENCES operator(id),
    drug_return_by      TEXT,
    catalog_version_id  TEXT REFERENCES catalog_version(id),
    operator_id         TEXT NOT NULL REFERENCES operator(id),
    shift_id            TEXT NOT NULL REFERENCES shift(id),
    outage_id           TEXT NOT NULL REFERENCES outage(id),
    occurred_at         TEXT NOT NULL,
    recorded_at         TEXT NOT NULL,
    back_entered        INTEGER NOT NULL CHECK (back_entered IN (0, 1)),
    qr_payload          TEXT NOT NULL,
    request_sha256      TEXT NOT NULL,
    CHECK (kind <> 'registration' OR registration_id IS NOT NULL)
) STRICT;
INSERT INTO receipt SELECT * FROM receipt_v6 ORDER BY rowid;
DROP TABLE receipt_v6;
CREATE UNIQUE INDEX receipt_paper_no ON receipt(paper_no) WHERE paper_no IS NOT NULL;
CREATE INDEX receipt_refund_of ON receipt(refund_of) WHERE refund_of IS NOT NULL;
CREATE INDEX receipt_shift ON receipt(shift_id);
-- A registration's fee is paid once, by the receipt written with it.
CREATE UNIQUE INDEX receipt_registration_fee ON receipt(registration_id) WHERE kind = 'registration';
CREATE TRIGGER receipt_seq_gapless BEFORE INSERT ON receipt
WHEN NEW.seq IS NOT (SELECT ifnull(max(seq), 0) + 1 FROM receipt)
BEGIN
    SELECT RAISE(ABORT, 'receipt: numbers run without gaps');
END;
CREATE TRIGGER receipt_own_open_shift BEFORE INSERT ON receipt
WHEN NOT EXISTS (SELECT 1 FROM shift s WHERE s.id = NEW.shift_id AND s.operator_id = NEW.operator_id
                 AND NOT EXISTS (SELECT 1 FROM shift_close c WHERE c.shift_id = s.id))
BEGIN
    SELECT RAISE(ABORT, 'receipt: not the open shift of its operator');
END;
CREATE TRIGGER receipt_deposit_admission BEFORE INSERT ON receipt
WHEN NEW.kind IN ('deposit', 'deposit_refund') AND NOT EXISTS (
    SELECT 1 FROM admission a WHERE a.id = NEW.admission_id
    AND NOT EXISTS (SELECT 1 FROM admission_cancel c WHERE c.admission_id = a.id))
BEGIN
    SELECT RAISE(ABORT, 'receipt: a deposit needs an active admission');
END;

-- 号别: the newest row of a key is in force; types are listed in the order first set.
CREATE TABLE reg_type (
    id         TEXT PRIMARY KEY,
    key        TEXT NOT NULL CHECK (key <> ''),
    name       TEXT NOT NULL CHECK (name <> ''),
    active     INTEGER NOT NULL CHECK (active IN (0, 1)),
    -- JSON array of price-list codes, in the order they are charged.
    fee_codes  TEXT NOT NULL,
    set_by     TEXT NOT NULL REFERENCES operator(id),
    set_at     TEXT NOT NULL
) STRICT;

-- A price-list version put in force for its part ('' = the whole list), by its import or
-- by `catalog activate`. A version without any row (imported before parts existed) was put
-- in force, for the whole list, when it was imported.
CREATE TABLE catalog_activation (
    id            TEXT PRIMARY KEY,
    version_id    TEXT NOT NULL REFERENCES catalog_version(id),
    part          TEXT NOT NULL,
    -- Items of what it replaced, when that was more than twice as many (confirmed shrink).
    shrink_from   INTEGER,
    activated_by  TEXT NOT NULL REFERENCES operator(id),
    activated_at  TEXT NOT NULL
) STRICT;
-- Items the price list marks as counted in whole units only.
ALTER TABLE catalog_item ADD COLUMN whole INTEGER CHECK (whole IN (0, 1));

-- What a receipt line printed beside the item: its insurance class (甲/乙/丙 or a self-pay
-- ratio), and for a herbal line the number of doses (付数) its quantity per dose was taken by.
ALTER TABLE receipt_line ADD COLUMN insurance_class TEXT;
ALTER TABLE receipt_line ADD COLUMN doses INTEGER CHECK (doses > 0);

ALTER TABLE his_patient ADD COLUMN insurance TEXT;
ALTER TABLE his_patient ADD COLUMN insurance_no TEXT;

-- 更正: a patient's details as corrected; the newest row is in force from `at`. Documents
-- issued before keep what they printed.
CREATE TABLE patient_correction (
    id            TEXT PRIMARY KEY,
    patient_id    TEXT NOT NULL REFERENCES patient(id),
    name          TEXT NOT NULL,
    sex           TEXT NOT NULL CHECK (sex IN ('M', 'F', 'U')),
    birth         TEXT,
    age_years     INTEGER CHECK (age_years BETWEEN 0 AND 150),
    id_number     TEXT,
    id_old_style  INTEGER NOT NULL CHECK (id_old_style IN (0, 1)),
    phone         TEXT NOT NULL,
    address       TEXT NOT NULL,
    insurance     TEXT NOT NULL,
    insurance_no  TEXT NOT NULL,
    reason        TEXT NOT NULL,
    corrected_by  TEXT NOT NULL REFERENCES operator(id),
    at            TEXT NOT NULL
) STRICT;
CREATE INDEX patient_correction_patient ON patient_correction(patient_id);

-- 合并: two downtime records found to be one person; `merged_id` is found as `into_id`.
CREATE TABLE patient_merge (
    id             TEXT PRIMARY KEY,
    merged_id      TEXT NOT NULL UNIQUE REFERENCES patient(id),
    into_id        TEXT NOT NULL REFERENCES patient(id),
    reason         TEXT NOT NULL,
    merged_by      TEXT NOT NULL REFERENCES operator(id),
    supervisor_id  TEXT NOT NULL REFERENCES operator(id),
    at             TEXT NOT NULL,
    CHECK (merged_id <> into_id)
) STRICT;
"#,
    // 10: papers that say what they are (#16). A refund paid back another way than the money
    // came keeps the reason (`pay_back_reason`, NULL when it went back the way it came); a
    // deposit paid by a relative keeps who paid (交款人, relationship, phone).
    r#"
ALTER TABLE receipt ADD COLUMN pay_back_reason TEXT;
ALTER TABLE receipt ADD COLUMN payer TEXT;
ALTER TABLE receipt ADD COLUMN payer_relation TEXT;
ALTER TABLE receipt ADD COLUMN payer_phone TEXT;
"#,
    // Paper invoice books and print outcomes (#16). A cashier registers the range of the
    // paper invoice book (手工票据本) in hand in their open shift; the handover accounts for each
    // number of it. Each printing sent to a printer records what came of it: a printing that
    // did not reach the printer (missing, paused, rejecting, `lp` failing) leaves its receipt
    // "not printed" until a later printing does.
    r#"
CREATE TABLE paper_book (
    id             TEXT PRIMARY KEY,
    shift_id       TEXT NOT NULL REFERENCES shift(id),
    prefix         TEXT NOT NULL,
    first_no       INTEGER NOT NULL CHECK (first_no >= 0),
    last_no        INTEGER NOT NULL,
    digits         INTEGER NOT NULL CHECK (digits BETWEEN 1 AND 18),
    registered_by  TEXT NOT NULL REFERENCES operator(id),
    at             TEXT NOT NULL,
    CHECK (last_no >= first_no)
) STRICT;
CREATE INDEX paper_book_shift ON paper_book(shift_id);
CREATE TRIGGER paper_book_own_open_shift BEFORE INSERT ON paper_book
WHEN NOT EXISTS (SELECT 1 FROM shift s WHERE s.id = NEW.shift_id AND s.operator_id = NEW.registered_by
                 AND NOT EXISTS (SELECT 1 FROM shift_close c WHERE c.shift_id = s.id))
BEGIN
    SELECT RAISE(ABORT, 'paper_book: not the open shift of its operator');
END;

CREATE TABLE print_outcome (
    print_id  TEXT PRIMARY KEY REFERENCES receipt_print(id),
    printer   TEXT NOT NULL,
    sent      INTEGER NOT NULL CHECK (sent IN (0, 1)),
    -- Why it did not print, as told to the cashier; '' when sent.
    problem   TEXT NOT NULL,
    at        TEXT NOT NULL
) STRICT;
"#,
    // The pharmacy station (#18). A station is a counter (NULL in stations set up before
    // kinds existed) or a pharmacy; pharmacists (药师) and pharmacists-in-charge (药房主管)
    // join the roles (`operator` rebuilt with the wider CHECK, same columns, same rows). The
    // stations whose documents this one trusts, by public key (from a key card or a verified
    // export batch), the receipts their batches say were voided, and the dispensings and
    // drug returns (退药确认) recorded here, each line by the receipt line it hands over.
    r#"
ALTER TABLE station ADD COLUMN kind TEXT CHECK (kind IN ('counter', 'pharmacy'));

ALTER TABLE operator RENAME TO operator_v10;
CREATE TABLE operator (
    id          TEXT PRIMARY KEY,
    name        TEXT NOT NULL UNIQUE,
    role        TEXT NOT NULL CHECK (role IN ('cashier', 'admissions', 'supervisor', 'finance', 'admin',
                                              'pharmacist', 'pharmacist_in_charge')),
    pin_hash    TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    created_by  TEXT REFERENCES operator(id)
) STRICT;
INSERT INTO operator SELECT * FROM operator_v10 ORDER BY rowid;
DROP TABLE operator_v10;

CREATE TABLE trusted_station (
    id            TEXT PRIMARY KEY,
    station_code  TEXT NOT NULL,
    station_name  TEXT NOT NULL,
    hospital      TEXT NOT NULL,
    public_key    BLOB NOT NULL UNIQUE CHECK (length(public_key) = 32),
    -- 'key_card' or 'batch:<folder name>'
    source        TEXT NOT NULL,
    trusted_by    TEXT NOT NULL REFERENCES operator(id),
    trusted_at    TEXT NOT NULL
) STRICT;
-- One key per station code: a second key for a code is a forgery or a reinstalled station,
-- and is refused rather than trusted beside the first.
CREATE UNIQUE INDEX trusted_station_code ON trusted_station(station_code);

CREATE TABLE issuer_void (
    station_code  TEXT NOT NULL,
    receipt_no    TEXT NOT NULL,
    batch_seq     INTEGER NOT NULL,
    noted_at      TEXT NOT NULL,
    PRIMARY KEY (station_code, receipt_no)
) STRICT;

CREATE TABLE dispensing (
    id              TEXT PRIMARY KEY,
    seq             INTEGER NOT NULL UNIQUE CHECK (seq > 0),
    -- 'dispense' (发药) or 'return' (退药确认)
    kind            TEXT NOT NULL CHECK (kind IN ('dispense', 'return')),
    -- The return slip's number (<station>-T<seq>), NULL for a dispensing.
    slip_no         TEXT UNIQUE,
    issuer_station  TEXT NOT NULL,
    receipt_no      TEXT NOT NULL,
    payload         TEXT NOT NULL,
    reason          TEXT NOT NULL,
    approver_id     TEXT REFERENCES operator(id),
    slip_payload    TEXT,
    operator_id     TEXT NOT NULL REFERENCES operator(id),
    at              TEXT NOT NULL,
    CHECK (kind = 'dispense' OR slip_no IS NOT NULL),
    CHECK (approver_id IS NULL OR approver_id <> operator_id)
) STRICT;
CREATE INDEX dispensing_receipt ON dispensing(issuer_station, receipt_no);
CREATE TRIGGER dispensing_seq_gapless BEFORE INSERT ON dispensing
WHEN NEW.seq IS NOT (SELECT ifnull(max(seq), 0) + 1 FROM dispensing)
BEGIN
    SELECT RAISE(ABORT, 'dispensing: numbers run without gaps');
END;

CREATE TABLE dispensing_line (
    dispensing_id  TEXT NOT NULL REFERENCES dispensing(id),
    line_no        INTEGER NOT NULL CHECK (line_no > 0),
    code           TEXT NOT NULL,
    qty_milli      INTEGER NOT NULL CHECK (qty_milli > 0),
    PRIMARY KEY (dispensing_id, line_no)
) STRICT;
"#,
    // Every printed document is on record, not only receipts (#15): a queue slip (候诊条) names
    // its registration, a deposit summary (预交金汇总) its inpatient number.
    r#"
CREATE TABLE document_print (
    id           TEXT PRIMARY KEY,
    kind         TEXT NOT NULL CHECK (kind IN ('queue_slip', 'deposit_summary')),
    subject      TEXT NOT NULL,
    layout       TEXT NOT NULL,
    file         TEXT NOT NULL,
    operator_id  TEXT NOT NULL REFERENCES operator(id),
    at           TEXT NOT NULL
) STRICT;
"#,
    // A pharmacy's return slip (退药单, #18) is printed through the same path and on record
    // too, by its slip number: `document_print` rebuilt with the wider CHECK, same rows.
    r#"
ALTER TABLE document_print RENAME TO document_print_before;
CREATE TABLE document_print (
    id           TEXT PRIMARY KEY,
    kind         TEXT NOT NULL CHECK (kind IN ('queue_slip', 'deposit_summary', 'return_slip')),
    subject      TEXT NOT NULL,
    layout       TEXT NOT NULL,
    file         TEXT NOT NULL,
    operator_id  TEXT NOT NULL REFERENCES operator(id),
    at           TEXT NOT NULL
) STRICT;
INSERT INTO document_print SELECT * FROM document_print_before ORDER BY rowid;
DROP TABLE document_print_before;
"#,
    // The HIS snapshot's ID numbers are found through the patient search index (a code of every
    // snapshot patient, issue 19): `his_patient` keeps no index of its own on them (64 bytes a
    // patient, and a sort of every row at each import).
    r#"
DROP INDEX IF EXISTS his_patient_id_number;
"#,
];

/// SQL for the append-only triggers of every table in `tables` (such as [`APPEND_ONLY`]) that
/// `exists` (re-created after each migration so that new and rebuilt tables get them too).
pub fn append_only_triggers(tables: &[&str], exists: impl Fn(&str) -> bool) -> String {
    let mut sql = String::new();
    for t in tables.iter().filter(|t| exists(t)) {
        sql.push_str(&format!(
            "CREATE TRIGGER IF NOT EXISTS {t}_no_update BEFORE UPDATE ON {t} \
             BEGIN SELECT RAISE(ABORT, 'append-only table {t}: write a correction instead'); END;\n\
             CREATE TRIGGER IF NOT EXISTS {t}_no_delete BEFORE DELETE ON {t} \
             BEGIN SELECT RAISE(ABORT, 'append-only table {t}: write a correction instead'); END;\n"
        ));
    }
    sql
}
