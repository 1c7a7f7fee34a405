//! Asking for a PIN on the terminal without echoing it. Only when standard input is a
//! terminal: a script gets "an operator is needed" instead of a prompt that waits forever.

use std::io::{BufRead, IsTerminal, Write};

/// Shows `prompt` on standard error and reads one line from the terminal with echo off;
/// none when standard input is not a terminal or nothing was typed.
pub fn ask(prompt: &str) -> Option<String> {
    let stdin = std::io::stdin();
    if !stdin.is_terminal() {
        return None;
    }
    let line = {
        // Echo off before the prompt shows: whatever is typed once it is seen is never echoed.
        let _quiet = Quiet::new();
        eprint!("{prompt}");
        let _ = std::io::stderr().flush();
        let mut line = String::new();
        stdin.lock().read_line(&mut line).ok()?;
        line
    };
    eprintln!();
    let pin = line.trim_end_matches(['\r', '\n']).to_string();
    (!pin.is_empty()).then_some(pin)
}

/// Echo off on the terminal while it lives; the previous mode is put back as soon as the line
/// is read.
struct Quiet {
    #[cfg(unix)]
    saved: Option<libc::termios>,
}

impl Quiet {
    fn new() -> Quiet {
        #[cfg(unix)]
        {
            // SAFETY: a zeroed termios is valid storage for tcgetattr to fill.
            let mut t: libc::termios = unsafe { std::mem::zeroed() };
            // SAFETY: fd 0 is standard input; `t` is valid for the call.
            if unsafe { libc::tcgetattr(0, &mut t) } != 0 {
                return Quiet { saved: None };
            }
            let saved = t;
            t.c_lflag &= !libc::ECHO;
            // SAFETY: as above; a termios read from the same terminal, echo cleared.
            unsafe { libc::tcsetattr(0, libc::TCSANOW, &t) };
            Quiet { saved: Some(saved) }
        }
        #[cfg(not(unix))]
        Quiet {}
    }
}

impl Drop for Quiet {
    fn drop(&mut self) {
        #[cfg(unix)]
        if let Some(t) = self.saved {
            // SAFETY: restores the mode read in `new`.
            unsafe { libc::tcsetattr(0, libc::TCSANOW, &t) };
        }
    }
}
