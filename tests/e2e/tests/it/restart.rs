//! Issue 19: the app restarts itself at the login screen once its memory passes a mark
//! (`DOWNTIME_RESTART_MARK_MB`; here 1 MB, so the first sign-out restarts it). The old process
//! ends, a new one (new PID, same program, arguments and environment) holds the station's
//! instance lock and shows the login screen in the window's place, and the journal is as the
//! sign-out left it. WebDriver cannot follow the new process: the test watches it through
//! /proc, /proc/locks, xdotool and pictures of the X display, and ends it itself.

use crate::*;
use std::os::unix::fs::MetadataExt;
use std::time::Instant;

/// The PID holding the station's instance lock (`<db>-instance`), from /proc/locks.
fn lock_holder(db: &Path) -> Option<i32> {
    let lock = PathBuf::from(format!("{}-instance", db.display()));
    let inode = std::fs::metadata(&lock).ok()?.ino();
    let locks = std::fs::read_to_string("/proc/locks").ok()?;
    locks.lines().find_map(|l| {
        let f: Vec<&str> = l.split_whitespace().collect();
        // "1: FLOCK  ADVISORY  WRITE 4242 08:01:1234 0 EOF"
        let i = f.iter().position(|w| *w == "FLOCK")?;
        let pid = f.get(i + 3)?.parse().ok()?;
        let ino: u64 = f.get(i + 4)?.rsplit(':').next()?.parse().ok()?;
        (ino == inode).then_some(pid)
    })
}

/// Whether the process has ended (a zombie has: it holds nothing any more).
fn ended(pid: i32) -> bool {
    match std::fs::read_to_string(format!("/proc/{pid}/stat")) {
        Ok(stat) => stat
            .rsplit_once(')')
            .and_then(|(_, rest)| rest.split_whitespace().next())
            .is_some_and(|s| s == "Z" || s == "X"),
        Err(_) => true,
    }
}

/// NUL-separated strings of /proc/PID/`what` (cmdline, environ), as the process was started.
fn proc_strings(pid: i32, what: &str) -> Vec<String> {
    let raw = std::fs::read(format!("/proc/{pid}/{what}")).unwrap_or_default();
    raw.split(|b| *b == 0)
        .filter(|s| !s.is_empty())
        .map(|s| String::from_utf8_lossy(s).into_owned())
        .collect()
}

/// The visible X windows of a process (GTK sets their _NET_WM_PID).
fn windows_of(pid: i32) -> Vec<String> {
    let out = Command::new("xdotool")
        .args(["search", "--onlyvisible", "--pid", &pid.to_string()])
        .output()
        .expect("xdotool is installed by the setup script");
    String::from_utf8_lossy(&out.stdout).lines().map(str::to_string).collect()
}

/// Where a window is: (x, y, width, height).
fn geometry(window: &str) -> (i32, i32, i32, i32) {
    let out = Command::new("xdotool")
        .args(["getwindowgeometry", "--shell", window])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    let get = |k: &str| {
        text.lines()
            .find_map(|l| l.strip_prefix(&format!("{k}=")))
            .and_then(|v| v.trim().parse().ok())
            .unwrap_or(-1)
    };
    (get("X"), get("Y"), get("WIDTH"), get("HEIGHT"))
}

/// The whole X display as RGB rows: (width, height, pixels).
fn display_picture() -> (u32, u32, Vec<u8>) {
    use x11_dl::xlib;
    let x = xlib::Xlib::open().expect("libX11");
    // SAFETY: Xlib calls on a display opened here and closed before returning; the image's
    // data is read within its bytes_per_line × height before it is destroyed.
    unsafe {
        let d = (x.XOpenDisplay)(std::ptr::null());
        assert!(!d.is_null(), "no X display (run under xvfb-run)");
        let root = (x.XDefaultRootWindow)(d);
        let mut attrs: xlib::XWindowAttributes = std::mem::zeroed();
        (x.XGetWindowAttributes)(d, root, &mut attrs);
        let (w, h) = (attrs.width as u32, attrs.height as u32);
        let img = (x.XGetImage)(d, root, 0, 0, w, h, !0, xlib::ZPixmap);
        assert!(!img.is_null(), "XGetImage");
        let i = &*img;
        assert_eq!(i.bits_per_pixel, 32, "a 24-bit display (xvfb-run -s \"-screen 0 1920x1080x24\")");
        let data = std::slice::from_raw_parts(i.data as *const u8, (i.bytes_per_line as u32 * h) as usize);
        let mut rgb = Vec::with_capacity((w * h * 3) as usize);
        for y in 0..h as usize {
            for px in data[y * i.bytes_per_line as usize..].chunks_exact(4).take(w as usize) {
                rgb.extend_from_slice(&[px[2], px[1], px[0]]);
            }
        }
        (x.XDestroyImage)(img);
        (x.XCloseDisplay)(d);
        (w, h, rgb)
    }
}

/// How many colours the rectangle shows (a window not painted yet shows one or two).
fn colours(pic: &(u32, u32, Vec<u8>), (x0, y0, w, h): (i32, i32, i32, i32)) -> usize {
    let (pw, ph, rgb) = pic;
    let mut seen = std::collections::HashSet::new();
    for y in y0.max(0)..(y0 + h).min(*ph as i32) {
        for x in (x0.max(0)..(x0 + w).min(*pw as i32)).step_by(3) {
            let o = (y as usize * *pw as usize + x as usize) * 3;
            seen.insert([rgb[o], rgb[o + 1], rgb[o + 2]]);
        }
    }
    seen.len()
}

fn save_png(pic: &(u32, u32, Vec<u8>), file: &str) {
    let dir = workspace().join("target/e2e-screens");
    std::fs::create_dir_all(&dir).unwrap();
    let out = std::io::BufWriter::new(std::fs::File::create(dir.join(file)).unwrap());
    let mut enc = png::Encoder::new(out, pic.0, pic.1);
    enc.set_color(png::ColorType::Rgb);
    enc.set_depth(png::BitDepth::Eight);
    enc.write_header().unwrap().write_image_data(&pic.2).unwrap();
}

/// `downtime verify` on the file.
fn verify(db: &Path) -> String {
    crate::crash::cli_verify(db).trim().to_string()
}

/// The entries `downtime verify` counted ("共 N 条").
fn entries(verified: &str) -> u64 {
    let after = verified.split("共 ").nth(1).expect("共 N 条");
    after.split(' ').next().unwrap().parse().unwrap()
}

/// The new process is the test's to end (WebDriver does not know it): SIGTERM, then SIGKILL.
struct EndOnDrop(Option<i32>);

impl Drop for EndOnDrop {
    fn drop(&mut self) {
        if let Some(pid) = self.0 {
            unsafe {
                libc::kill(pid, libc::SIGTERM);
            }
            for _ in 0..50 {
                if ended(pid) {
                    return;
                }
                std::thread::sleep(Duration::from_millis(100));
            }
            unsafe {
                libc::kill(pid, libc::SIGKILL);
            }
        }
    }
}

/// Waits (polling every 10 ms, at most 30 s) until `ready` gives a value.
fn until<T>(what: &str, mut ready: impl FnMut() -> Option<T>) -> T {
    let end = Instant::now() + Duration::from_secs(30);
    loop {
        if let Some(v) = ready() {
            return v;
        }
        assert!(Instant::now() < end, "{what}: not within 30 s");
        std::thread::sleep(Duration::from_millis(10));
    }
}

const CTRL_Q: &str = "\u{E009}q\u{E000}";

#[tokio::test(flavor = "multi_thread")]
async fn past_the_mark_a_sign_out_restarts_the_app_on_the_login_screen() {
    e2e("restart", |name| async move {
        let app = App::start_with(&name, crate::registration::counter, &[("DOWNTIME_RESTART_MARK_MB", "1")]).await;
        let db = app.db();
        app.by_id("login-name").await;
        // The window somewhere of its own, to see that the new one comes back there.
        app.client.set_window_rect(40, 30, 1300, 690).await.unwrap();
        let old = lock_holder(&db).expect("the app holds the station");
        let old_window = until("the app's window", || windows_of(old).pop());
        let place = geometry(&old_window);
        let (old_args, old_env) = (proc_strings(old, "cmdline"), proc_strings(old, "environ"));

        // In a session nothing restarts, however big the app: sign in, find an item.
        crate::catalog::login(&app, "李收费", "2468").await;
        app.keys(CTRL_P).await;
        app.wait_focus("item-search").await;
        app.keys("ghf").await;
        app.answered("item-results", "ghf").await;
        assert_eq!(lock_holder(&db), Some(old));
        let before = verify(&db);

        // The sign-out: the old process ends and a new one takes the station.
        app.keys(ESC).await;
        // Ctrl+Q signs out; the app may be gone before WebDriver answers the key press.
        let focused = app.client.active_element().await.unwrap();
        let t0 = Instant::now();
        let _ = focused.send_keys(CTRL_Q).await;
        let mut new = EndOnDrop(None);
        let gone = until("the old window gone", || windows_of(old).is_empty().then(|| t0.elapsed()));
        let end = until("the old process ended", || ended(old).then(|| t0.elapsed()));
        let (pid, locked) = until("a new process holding the station", || {
            lock_holder(&db).filter(|p| *p != old).map(|p| (p, t0.elapsed()))
        });
        new.0 = Some(pid);
        let window = until("the new window", || windows_of(pid).pop());
        let mapped = t0.elapsed();
        let new_place = geometry(&window);
        let painted = until("the login screen painted", || {
            let pic = display_picture();
            (colours(&pic, new_place) > 16).then(|| (pic, t0.elapsed()))
        });
        println!(
            "restart: old window gone {} ms, old process ended {} ms, station locked by the new one {} ms, \
             new window {} ms, painted {} ms after the sign-out; blank {} ms",
            gone.as_millis(),
            end.as_millis(),
            locked.as_millis(),
            mapped.as_millis(),
            painted.1.as_millis(),
            (painted.1 - gone).as_millis()
        );
        // Painted is the first frame with content; the page's script draws the login form next.
        std::thread::sleep(Duration::from_millis(1500));
        let pic = display_picture();
        save_png(&pic, &format!("{name}-01-login-after-restart.png"));

        assert_eq!(geometry(&window), place, "the window comes back where it was");
        assert_eq!(proc_strings(pid, "cmdline"), old_args, "the same arguments");
        let mut expected_env = old_env.clone();
        expected_env.push(format!("DOWNTIME_RESTART_AFTER={old}"));
        // And the pipe on which it told the old app it was ready (its number is the successor's).
        let mut got_env = proc_strings(pid, "environ");
        let ready = got_env
            .iter()
            .position(|v| v.starts_with("DOWNTIME_RESTART_READY_FD="))
            .expect("the ready pipe is given");
        got_env.remove(ready);
        expected_env.sort();
        got_env.sort();
        assert_eq!(got_env, expected_env, "the same environment, and whom it replaced");
        assert_eq!(
            std::fs::read_link(format!("/proc/{pid}/exe")).unwrap(),
            app_binary().canonicalize().unwrap()
        );

        // The journal: the sign-out's record and nothing else; the new app writes nothing.
        let after = verify(&db);
        assert_eq!(entries(&after), entries(&before) + 1, "{before} / {after}");
        std::thread::sleep(Duration::from_secs(1));
        assert_eq!(verify(&db), after);
        assert!(!ended(pid), "the new app keeps running");
        drop(new);
        app.close().await;
    })
    .await;
}
