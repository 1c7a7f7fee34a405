//! The two languages the desk speaks. Chinese is the default everywhere.

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Lang {
    #[default]
    Zh,
    En,
}

impl Lang {
    /// From a locale string such as `en_US.UTF-8` or `zh_CN`; anything not English is Chinese.
    pub fn from_locale(s: &str) -> Lang {
        if s.to_ascii_lowercase().starts_with("en") {
            Lang::En
        } else {
            Lang::Zh
        }
    }
}
