//! The core's one error type. Every variant has a stable `code` (the UI and scripts branch on
//! it, never on text) and a message in Simplified Chinese (the default) and in English.
//! A function that returns an error has written nothing: every write runs in a transaction
//! that is rolled back when an error is returned.

use crate::lang::Lang;

#[derive(Debug, thiserror::Error)]
pub enum CoreError {
    /// Input that a person typed and that cannot be accepted as it is.
    #[error("{zh}")]
    Invalid { code: &'static str, zh: String, en: String },
    #[error("数据库文件已损坏（{detail}），本程序不会再写入它。请联系信息科，从备份恢复：{path}")]
    Damaged { path: String, detail: String },
    #[error("这个数据库文件由更新版本的 Downtime Desk 创建（结构版本 {found}，本程序支持到 {supported}），请使用更新的版本打开。")]
    NewerSchema { found: i64, supported: i64 },
    #[error("这不是 Downtime Desk 的数据库文件：{path}")]
    NotADatabase { path: String },
    #[error("无法写入数据库所在的文件夹：{path}。请检查磁盘和权限，或用 --db 指定可写的位置。")]
    ReadOnly { path: String },
    #[error("本机尚未建立工作站。请先完成首次设置（downtime init）。")]
    NotInitialised,
    #[error("数据库错误：{0}")]
    Sqlite(#[from] rusqlite::Error),
    #[error("文件读写错误：{0}")]
    Io(#[from] std::io::Error),
}

pub type Result<T, E = CoreError> = std::result::Result<T, E>;

impl CoreError {
    pub fn invalid(code: &'static str, zh: impl Into<String>, en: impl Into<String>) -> Self {
        CoreError::Invalid {
            code,
            zh: zh.into(),
            en: en.into(),
        }
    }

    /// Stable machine-readable code, e.g. `pin_too_short`.
    pub fn code(&self) -> &'static str {
        match self {
            CoreError::Invalid { code, .. } => code,
            CoreError::Damaged { .. } => "db_damaged",
            CoreError::NewerSchema { .. } => "db_newer_schema",
            CoreError::NotADatabase { .. } => "db_not_database",
            CoreError::ReadOnly { .. } => "db_read_only",
            CoreError::NotInitialised => "not_initialised",
            CoreError::Sqlite(_) => "db_error",
            CoreError::Io(_) => "io_error",
        }
    }

    pub fn message(&self, lang: Lang) -> String {
        match lang {
            Lang::Zh => self.to_string(),
            Lang::En => match self {
                CoreError::Invalid { en, .. } => en.clone(),
                CoreError::Damaged { path, detail } => format!(
                    "The database file is damaged ({detail}); Downtime Desk will not write to it. Ask IT to restore it from the backup: {path}"
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
                CoreError::Sqlite(e) => format!("Database error: {e}"),
                CoreError::Io(e) => format!("File error: {e}"),
            },
        }
    }
}

/// Shorthand for an `Invalid` error with both languages.
macro_rules! invalid {
    ($code:literal, $zh:expr, $en:expr $(,)?) => {
        $crate::error::CoreError::invalid($code, $zh, $en)
    };
}
pub(crate) use invalid;
