//! The workspace's schema, as numbered migrations (`PRAGMA user_version` counts those applied;
//! `PRAGMA application_id` is `DTRC`, so that neither a station database nor any other file is
//! mistaken for a workspace). Never edit a migration that has shipped: add the next one.
//!
//! Everything is a fact, inserted and never changed: what a batch held is re-derived from its
//! signed records, a mark is a row of its own, and a correction is a newer row.

/// Tables that hold facts; each gets triggers that abort any UPDATE or DELETE.
pub const APPEND_ONLY: &[&str] = &[
    "journal",
    "station",
    "batch",
    "batch_copy",
    "rejection",
    "receipt",
    "receipt_void",
    "patient",
    "patient_correction",
    "admission",
    "admission_cancel",
    "calendar_year",
    "record_clash",
    "his_import",
    "his_posting",
    "mark",
    "pharmacy_event",
];

/// `DTRC`: Downtime reconciliation.
pub const APPLICATION_ID: i32 = 0x4454_5243;

pub const MIGRATIONS: &[&str] = &[
    // 1: the workspace.
    r#"
-- Every change of the workspace, chained as a station's journal is (same layout and hash).
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
CREATE TRIGGER journal_gapless BEFORE INSERT ON journal
WHEN NEW.seq IS NOT (SELECT ifnull(max(seq), 0) + 1 FROM journal)
  OR NEW.prev_hash IS NOT ifnull((SELECT hash FROM journal ORDER BY seq DESC LIMIT 1),
                                 '0000000000000000000000000000000000000000000000000000000000000000')
BEGIN
    SELECT RAISE(ABORT, 'journal: entry out of sequence or not chained to the previous one');
END;

-- 工作站登记: the first batch of a station pins its signing key.
CREATE TABLE station (
    code          TEXT PRIMARY KEY,
    hospital      TEXT NOT NULL,
    name          TEXT NOT NULL,
    public_key    TEXT NOT NULL,
    fingerprint   TEXT NOT NULL,
    pinned_by     TEXT NOT NULL,
    pinned_at     TEXT NOT NULL
) STRICT;

-- A verified batch. Its records are in the tables below, each row naming it.
CREATE TABLE batch (
    id                 TEXT PRIMARY KEY,
    station_code       TEXT NOT NULL REFERENCES station(code),
    seq                INTEGER NOT NULL CHECK (seq > 0),
    manifest_sha256    TEXT NOT NULL UNIQUE,
    manifest           TEXT NOT NULL,
    folder             TEXT NOT NULL,
    created_at         TEXT NOT NULL,
    journal_first_seq  INTEGER NOT NULL,
    journal_last_seq   INTEGER NOT NULL,
    prev_chain_head    TEXT NOT NULL,
    chain_head         TEXT NOT NULL,
    receipts           INTEGER NOT NULL,
    net_fen            INTEGER NOT NULL,
    loaded_by          TEXT NOT NULL,
    loaded_at          TEXT NOT NULL,
    UNIQUE (station_code, seq)
) STRICT;

-- The same batch found in a second folder by one load: counted once, reported.
CREATE TABLE batch_copy (
    batch_id   TEXT NOT NULL REFERENCES batch(id),
    folder     TEXT NOT NULL,
    seen_at    TEXT NOT NULL,
    PRIMARY KEY (batch_id, folder)
) STRICT;

-- A folder that failed: tampered, forged or foreign key, broken chain. `reason` is the
-- stable code; `fingerprint` identifies the attempt, so loading it again adds nothing.
CREATE TABLE rejection (
    id               TEXT PRIMARY KEY,
    folder           TEXT NOT NULL,
    station_code     TEXT,
    batch_seq        INTEGER,
    manifest_sha256  TEXT,
    reason           TEXT NOT NULL CHECK (reason IN ('tampered_file', 'forged_key', 'broken_chain')),
    problem          TEXT NOT NULL,
    file             TEXT,
    message          TEXT NOT NULL,
    message_en       TEXT NOT NULL,
    receipt_first    INTEGER,
    receipt_last     INTEGER,
    fingerprint      TEXT NOT NULL UNIQUE,
    at               TEXT NOT NULL
) STRICT;

-- What finance needs of each record, derived from the batch's verified journal payloads.
-- Amounts are signed: money paid back is negative. `content_sha256` is the SHA-256 of the
-- record's canonical row as the station journalled it (duplicates and conflicts).
CREATE TABLE receipt (
    id              TEXT PRIMARY KEY,
    batch_id        TEXT NOT NULL REFERENCES batch(id),
    station_code    TEXT NOT NULL,
    seq             INTEGER NOT NULL,
    receipt_no      TEXT NOT NULL,
    kind            TEXT NOT NULL,
    total_fen       INTEGER NOT NULL,
    -- Signed fen per tender method, canonical JSON: {"cash":1700}.
    tenders         TEXT NOT NULL,
    occurred_at     TEXT NOT NULL,
    day             TEXT NOT NULL,
    patient_id      TEXT NOT NULL,
    admission_id    TEXT,
    refund_of       TEXT,
    insured         INTEGER NOT NULL,
    insurance       TEXT NOT NULL,
    insurance_no    TEXT NOT NULL,
    content_sha256  TEXT NOT NULL
) STRICT;
CREATE INDEX receipt_station_seq ON receipt(station_code, seq);
CREATE INDEX receipt_no ON receipt(receipt_no);

CREATE TABLE receipt_void (
    receipt_id  TEXT PRIMARY KEY,
    batch_id    TEXT NOT NULL REFERENCES batch(id),
    reason      TEXT NOT NULL,
    at          TEXT NOT NULL
) STRICT;

CREATE TABLE patient (
    id              TEXT PRIMARY KEY,
    batch_id        TEXT NOT NULL REFERENCES batch(id),
    station_code    TEXT NOT NULL,
    downtime_no     TEXT NOT NULL,
    name            TEXT NOT NULL,
    phone           TEXT NOT NULL,
    insurance       TEXT NOT NULL,
    insurance_no    TEXT NOT NULL,
    content_sha256  TEXT NOT NULL
) STRICT;

CREATE TABLE patient_correction (
    id          TEXT PRIMARY KEY,
    batch_id    TEXT NOT NULL REFERENCES batch(id),
    patient_id  TEXT NOT NULL,
    name        TEXT NOT NULL,
    phone       TEXT NOT NULL,
    at          TEXT NOT NULL
) STRICT;
CREATE INDEX patient_correction_patient ON patient_correction(patient_id);

CREATE TABLE admission (
    id                  TEXT PRIMARY KEY,
    batch_id            TEXT NOT NULL REFERENCES batch(id),
    station_code        TEXT NOT NULL,
    inpatient_no        TEXT NOT NULL,
    patient_id          TEXT NOT NULL,
    dept_name           TEXT NOT NULL,
    admitted_at         TEXT NOT NULL,
    insurance           TEXT NOT NULL,
    insurance_no        TEXT NOT NULL,
    convert_to_insured  INTEGER NOT NULL,
    content_sha256      TEXT NOT NULL
) STRICT;

CREATE TABLE admission_cancel (
    admission_id  TEXT PRIMARY KEY,
    batch_id      TEXT NOT NULL REFERENCES batch(id),
    at            TEXT NOT NULL
) STRICT;

-- A working-day year a station imported: deadlines are counted on the shipped years and these.
CREATE TABLE calendar_year (
    id            TEXT PRIMARY KEY,
    batch_id      TEXT NOT NULL REFERENCES batch(id),
    year          INTEGER NOT NULL,
    json          TEXT NOT NULL,
    imported_at   TEXT NOT NULL
) STRICT;

-- A record id met again in another batch: the same content (a duplicate, counted once) or
-- different content (a conflict, flagged; the first stays in force).
CREATE TABLE record_clash (
    record_table   TEXT NOT NULL,
    record_id      TEXT NOT NULL,
    batch_id       TEXT NOT NULL REFERENCES batch(id),
    same_content   INTEGER NOT NULL CHECK (same_content IN (0, 1)),
    PRIMARY KEY (record_table, record_id, batch_id)
) STRICT;

-- What the HIS posted during back-entry (入账), file by file. A posting is known by its HIS
-- number (or, without one, by everything it says): a file read again adds nothing.
CREATE TABLE his_import (
    id           TEXT PRIMARY KEY,
    file_name    TEXT NOT NULL,
    file_sha256  TEXT NOT NULL UNIQUE,
    encoding     TEXT NOT NULL,
    rows_read    INTEGER NOT NULL,
    postings     INTEGER NOT NULL,
    imported_by  TEXT NOT NULL,
    imported_at  TEXT NOT NULL
) STRICT;
CREATE TABLE his_posting (
    key           TEXT PRIMARY KEY,
    import_id     TEXT NOT NULL REFERENCES his_import(id),
    row_no        INTEGER NOT NULL,
    record_uuid   TEXT NOT NULL,
    receipt_no    TEXT NOT NULL,
    his_no        TEXT NOT NULL,
    amount_fen    INTEGER NOT NULL,
    posted_at     TEXT NOT NULL,
    method        TEXT NOT NULL
) STRICT;

-- 标记完成: finance marks a worklist item done with the HIS invoice number; a mark that was
-- wrong is withdrawn by a newer row (`withdrawn` = 1), never edited.
CREATE TABLE mark (
    id           TEXT PRIMARY KEY,
    record_id    TEXT NOT NULL,
    list         TEXT NOT NULL CHECK (list IN ('resettle', 'exchange', 'convert')),
    his_no       TEXT NOT NULL,
    note         TEXT NOT NULL,
    withdrawn    INTEGER NOT NULL CHECK (withdrawn IN (0, 1)),
    marked_by    TEXT NOT NULL,
    marked_at    TEXT NOT NULL
) STRICT;
CREATE INDEX mark_record ON mark(record_id);
"#,
    // 2: the pharmacy (#18). What finance keeps of a pharmacy's dispensings and drug returns
    // (退药确认) and of the counters' refunds that gave drugs back, to flag a receipt dispensed
    // twice, a dispensing against a document no loaded station issued, and a drug refund
    // without a matching return.
    r#"
CREATE TABLE pharmacy_event (
    id              TEXT PRIMARY KEY,
    batch_id        TEXT NOT NULL,
    station         TEXT NOT NULL,
    kind            TEXT NOT NULL CHECK (kind IN ('dispense', 'return', 'drug_refund')),
    -- The station that issued the receipt (for a drug refund, the refunding counter).
    issuer_station  TEXT NOT NULL,
    -- The receipt's number (for a drug refund, the refunded receipt's record id).
    receipt         TEXT NOT NULL,
    -- A return's slip number; the slip a drug refund names, when it names one.
    slip_no         TEXT,
    at              TEXT NOT NULL
) STRICT;
"#,
];
