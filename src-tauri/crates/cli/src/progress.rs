//! Import progress on standard error, only when it is a terminal: a person watching sees one
//! line that updates itself; a log or a pipe gets nothing but the result.

use downtime_core::catalog::stream::ImportStage;
use std::io::{IsTerminal, Write};
use std::time::{Duration, Instant};

pub struct Bar {
    shown: bool,
    drawn: bool,
    last: Option<Instant>,
}

impl Bar {
    /// A bar that draws only on a terminal, and never beside `--json` output.
    pub fn on_terminal(json: bool) -> Bar {
        Bar {
            shown: !json && std::io::stderr().is_terminal(),
            drawn: false,
            last: None,
        }
    }

    pub fn show(&mut self, stage: ImportStage, done: u64, total: u64) {
        if !self.shown || self.last.is_some_and(|t| t.elapsed() < Duration::from_millis(100)) && done < total {
            return;
        }
        self.last = Some(Instant::now());
        let percent = if total == 0 { 100 } else { done * 100 / total };
        let filled = (percent / 5) as usize;
        let what = match stage {
            ImportStage::Reading => "读取文件",
            ImportStage::Indexing => "写入索引",
        };
        eprint!("\r{what} [{}{}] {percent:>3}%", "#".repeat(filled), "-".repeat(20 - filled));
        let _ = std::io::stderr().flush();
        self.drawn = true;
    }

    /// Ends the line the bar was drawn on.
    pub fn finish(&mut self) {
        if self.drawn {
            eprintln!();
        }
    }
}
