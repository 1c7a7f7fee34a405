//! The core's one error type. Every variant has a stable `code` (the UI and scripts branch on
//! it, never on text) and a message in Simplified Chinese (the default) and in English.
//! A function that returns an error has written nothing: every write runs in a transaction
//! that is rolled back when an error is returned.
//!
//! This file is the error and its messages; the codes themselves, one enum exported to
//! TypeScript, are `code.rs`.

mod code;

pub use code::ErrorCode;

use crate::lang::Lang;

#[derive(Debug, thiserror::Error)]
pub enum CoreError {
    /// Input that a person typed and that cannot be accepted as it is.
    #[error("{zh}")]
    Invalid { code: ErrorCode, zh: String, en: String },
    /// `detail` is what SQLite found, for logs and `--json`; people read one sentence.
    #[error("数据库文件已损坏，本程序不会再写入它：请从备份恢复（downtime restore），或联系信息科。文件：{path}")]
    Damaged { path: String, detail: String },
    #[error("这里没有工作站数据库：{path}。请检查路径；新工作站用 downtime init 建立。")]
    Missing { path: String },
    #[error("数据库文件是空的，不是工作站：{path}。请检查路径；新工作站用 downtime init 建立。")]
    Empty { path: String },
    #[error("这个数据库文件由更新版本的 Downtime Desk 创建（结构版本 {found}，本程序支持到 {supported}），请使用更新的版本打开。")]
    NewerSchema { found: i64, supported: i64 },
    #[error("这不是 Downtime Desk 的数据库文件：{path}")]
    NotADatabase { path: String },
    #[error("无法写入数据库所在的文件夹：{path}。请检查磁盘和权限，或用 --db 指定可写的位置。")]
    ReadOnly { path: String },
    #[error("本机尚未建立工作站。请先完成首次设置（downtime init）。")]
    NotInitialised,
    /// A write on a station opened only to read, or on read-only media.
    #[error("无法写入数据库：它在只读的介质上，或只允许读取。请把它放到可写的磁盘上再操作。")]
    WriteRefused,
    /// The disk (or the file's page limit) is full: nothing of the change was written.
    #[error("磁盘已满，这一笔没有保存：请清理磁盘空间，或暂时改用纸质应急票据。")]
    DiskFull,
    /// Another window or process held the write lock longer than the busy timeout.
    #[error("另一个窗口正在保存，请稍后再试。")]
    Busy,
    /// A constraint stopped a write that another window made conflicting just before.
    #[error("另一个窗口刚刚保存了相冲突的记录，这一笔没有保存：请刷新后再试。")]
    Conflict { detail: String },
    #[error("数据库错误：{0}")]
    Sqlite(rusqlite::Error),
    #[error("文件读写错误：{0}")]
    Io(std::io::Error),
}

impl From<rusqlite::Error> for CoreError {
    /// Errors that people can act on get their own sentence, never SQLite's words.
    fn from(e: rusqlite::Error) -> Self {
        use rusqlite::ErrorCode as C;
        match e.sqlite_error_code() {
            Some(C::DiskFull) => CoreError::DiskFull,
            Some(C::DatabaseBusy | C::DatabaseLocked) => CoreError::Busy,
            Some(C::ReadOnly) => CoreError::WriteRefused,
            Some(C::ConstraintViolation) => CoreError::Conflict { detail: e.to_string() },
            _ => CoreError::Sqlite(e),
        }
    }
}

impl From<std::io::Error> for CoreError {
    fn from(e: std::io::Error) -> Self {
        if is_disk_full(&e) {
            CoreError::DiskFull
        } else {
            CoreError::Io(e)
        }
    }
}

/// ENOSPC (and EDQUOT, a full quota), as the OS reports them.
pub(crate) fn is_disk_full(e: &std::io::Error) -> bool {
    matches!(e.kind(), std::io::ErrorKind::StorageFull | std::io::ErrorKind::QuotaExceeded)
}

pub type Result<T, E = CoreError> = std::result::Result<T, E>;

impl CoreError {
    pub fn invalid(code: ErrorCode, zh: impl Into<String>, en: impl Into<String>) -> Self {
        CoreError::Invalid {
            code,
            zh: zh.into(),
            en: en.into(),
        }
    }

    /// Stable machine-readable code, e.g. `pin_too_short`.
    pub fn code(&self) -> &'static str {
        self.error_code().as_str()
    }

    /// The code as its type: what the window switches on.
    pub fn error_code(&self) -> ErrorCode {
        match self {
            CoreError::Invalid { code, .. } => *code,
            CoreError::Damaged { .. } => ErrorCode::DbDamaged,
            CoreError::NewerSchema { .. } => ErrorCode::DbNewerSchema,
            CoreError::Missing { .. } => ErrorCode::DbMissing,
            CoreError::Empty { .. } => ErrorCode::DbEmpty,
            CoreError::NotADatabase { .. } => ErrorCode::DbNotDatabase,
            CoreError::ReadOnly { .. } => ErrorCode::DbReadOnly,
            CoreError::NotInitialised => ErrorCode::NotInitialised,
            CoreError::WriteRefused => ErrorCode::DbReadOnly,
            CoreError::DiskFull => ErrorCode::DiskFull,
            CoreError::Busy => ErrorCode::DbBusy,
            CoreError::Conflict { .. } => ErrorCode::DbConflict,
            CoreError::Sqlite(_) => ErrorCode::DbError,
            CoreError::Io(_) => ErrorCode::IoError,
        }
    }

    pub fn message(&self, lang: Lang) -> String {
        match lang {
            Lang::Zh => self.to_string(),
            Lang::En => match self {
                CoreError::Invalid { en, .. } => en.clone(),
                CoreError::Damaged { path, .. } => format!(
                    "The database file is damaged; Downtime Desk will not write to it: restore it from a backup (downtime restore) or call IT. File: {path}"
                ),
                CoreError::Missing { path } => format!(
                    "There is no station database here: {path}. Check the path; a new station is set up with downtime init."
                ),
                CoreError::Empty { path } => format!(
                    "The database file is empty, not a station: {path}. Check the path; a new station is set up with downtime init."
                ),
                CoreError::NewerSchema { found, supported } => format!(
                    "This database was created by a newer Downtime Desk (schema {found}, this build supports up to {supported}). Open it with the newer version."
                ),
                CoreError::NotADatabase { path } => {
                    format!("This is not a Downtime Desk database file: {path}")
                }
                CoreError::ReadOnly { path } => format!(
                    "Cannot write to the database folder: {path}. Check the disk and permissions, or choose a writable place with --db."
                ),
                CoreError::NotInitialised => {
                    "This station is not set up yet. Complete the first-start setup (downtime init).".into()
                }
                CoreError::WriteRefused => {
                    "Cannot write to the database: it is on read-only media or open only for reading. Move it to a writable disk first.".into()
                }
                CoreError::DiskFull => {
                    "The disk is full and this was not saved: free some disk space, or switch to the paper downtime forms for now.".into()
                }
                CoreError::Busy => "Another window is saving; try again in a moment.".into(),
                CoreError::Conflict { .. } => {
                    "Another window has just saved a conflicting record; this was not saved. Refresh and try again.".into()
                }
                CoreError::Sqlite(e) => format!("Database error: {e}"),
                CoreError::Io(e) => format!("File error: {e}"),
            },
        }
    }
}

/// Shorthand for an `Invalid` error with both languages: `invalid!(PinWrong, zh, en)`. The
/// code is always a variant of [`ErrorCode`], never its text (a misspelt code does not build).
macro_rules! invalid {
    ($code:ident, $zh:expr, $en:expr $(,)?) => {
        $crate::error::CoreError::invalid($crate::error::ErrorCode::$code, $zh, $en)
    };
}
pub(crate) use invalid;
