#!/usr/bin/env python3
"""Where the running desk app grows with use (issue 19): one app on STATION, signed in, first
searches as `app-memory.py` does, then PHASES of searches, each driven a different way, with the
memory of each process (PSS and anonymous, from smaps_rollup) and the page's own counts (DOM
nodes, Tauri IPC callbacks waiting, performance entries) read before and after each step.
A figure to read, not a test.

Phases (comma separated, each `kind:count`):
  invoke:N   N searches (patient and item alternating) through `__TAURI_INTERNALS__.invoke` from
             inside the page: the IPC (fetch to ipc://, the app's custom-scheme handler, the core)
             without React, the DOM or WebDriver input.
  fetch0:N   N bare fetches to ipc:// of a command that does not exist (the IPC transport only).
  type:N     N searches typed from inside the page (the input's value set, an `input` event sent,
             the list's data-answers awaited): React and the DOM and the IPC, no WebDriver keys.
  keys:N     N searches typed through WebDriver as app-memory.py's --rounds does (16 a round).
  none:N     as keys, with queries that find nothing.
  wdnop:N    N searches' worth of WebDriver commands (8 each) with no key typed.
  actions:N  N searches typed by key events as `keys` does, 8 searches in one WebDriver command.
  arrows:N   N searches' worth of key events (6 each, ↓↑ in a list) that edit nothing.
  exec:N     N searches typed by editing commands from inside the page (execCommand delete and
             insertText: the undo steps typing makes, no key event).
  undocount:MAX  undo (execCommand) until nothing is left, at most MAX: how many steps are held.
  reload:0   the page reloaded (a navigation drops the undo steps).
  execclear:N, keysclear:N  as exec, keys, the undo steps dropped after each 16 searches
             (a hidden about:blank iframe navigated: WebKit clears the undo stack on a frame's load).
  xdo:N      N searches typed as real X key events (xdotool; needs it installed), no WebDriver keys.
  idle:S     S seconds doing nothing.
  signout:0  sign out (Ctrl+Q). Past the app's restart mark (DOWNTIME_RESTART_MARK_MB, e.g.
             `--env DOWNTIME_RESTART_MARK_MB=273`) the app restarts itself: the old PID ends, a
             new process takes the station's instance lock; its window's appearance is timed and
             its memory sampled at its login screen (`restarted`). WebDriver cannot follow a new
             process, so the script then ends it and starts a new session (a fresh app on the
             same station, as the restarted one is) to go on; below the mark it signs in again.
             The peak total PSS over the whole run is printed at the end.
Every phase is sampled each `--every` searches (with the milliseconds a search took since the
last sample). `--smaps DIR` also keeps each process's /proc/PID/smaps at each sample (to find
which mapping grew), `--log FILE` the driver's and the app's standard error.

  flock /tmp/downtime-e2e.lock xvfb-run -a -s "-screen 0 1920x1080x24" \\
    scripts/app-memory-growth.py --db /tmp/x/station.db --app /work/main/target/release/downtime-desk \\
    --phases keys:160,invoke:4000,type:1000,idle:30
"""
import importlib.util
import json
import os
import subprocess
import sys
import tempfile
import time
import argparse

spec = importlib.util.spec_from_file_location("am", os.path.join(os.path.dirname(__file__), "app-memory.py"))
am = importlib.util.module_from_spec(spec)
spec.loader.exec_module(am)

PQ = ["zs", "lj", "wf", "138", "chen", "11010", "zhy", "lx"]
IQ = ["zcf", "xc", "1102", "qm", "ns", "ys", "250", "xy"]
PQ0 = ["qqqx", "vvvz", "0000009", "xqxq", "kkkv", "9999998", "vqzx", "zqqv"]
IQ0 = ["qqqx", "vvvz", "0000009", "xqxq", "kkkv", "9999998", "vqzx", "zqqv"]


def rollup(pid):
    f = {}
    with open(f"/proc/{pid}/smaps_rollup") as fh:
        for line in fh:
            p = line.split()
            if len(p) >= 2 and p[0].endswith(":"):
                f[p[0][:-1]] = int(p[1])
    with open(f"/proc/{pid}/comm") as fh:
        name = fh.read().strip()
    return name, f.get("Pss", 0) / 1024, f.get("Anonymous", 0) / 1024


PAGE = """return JSON.stringify({
  dom: document.getElementsByTagName('*').length,
  undo: document.queryCommandEnabled('undo'),
  cb: (window.__TAURI_INTERNALS__ && window.__TAURI_INTERNALS__.callbacks) ? window.__TAURI_INTERNALS__.callbacks.size : -1,
  perf: performance.getEntries().length,
  res: performance.getEntriesByType('resource').length,
})"""


SMAPS = None  # a folder for each process's smaps at each sample (--smaps)
_samples = 0
PEAK = [0.0, ""]  # the highest total PSS sampled, and where


def sample(s, pid, label, done, settle, ms=None):
    global _samples
    time.sleep(settle)
    procs = []
    for p in am.tree(pid):
        try:
            procs.append(rollup(p))
            if SMAPS:
                with open(f"/proc/{p}/smaps") as src, open(f"{SMAPS}/{_samples:03d}-{label}-{done}-{procs[-1][0]}", "w") as dst:
                    dst.write(src.read())
        except OSError:
            pass
    _samples += 1
    page = json.loads(s.run(PAGE)) if s else {}
    total = sum(p for _, p, _ in procs)
    if total > PEAK[0]:
        PEAK[:] = [total, f"{label} {done}"]
    parts = "  ".join(f"{n[:14]} {p:6.1f}/{a:5.1f}" for n, p, a in procs)
    per = f"  {ms:5.0f} ms/search" if ms is not None else ""
    print(f"{label:<10} {done:>6}  total PSS {total:6.1f}  [{parts}]{per}  page {page}", flush=True)
    return total, procs


def invoke_chunk(s, n, start, none=False):
    pq, iq = (PQ0, IQ0) if none else (PQ, IQ)
    script = """const [n, start, pq, iq, done] = arguments;
(async () => {
  for (let i = 0; i < n; i++) {
    const k = start + i;
    if (k % 2 === 0) await window.__TAURI_INTERNALS__.invoke('find_patients', {query: pq[(k >> 1) % pq.length], limit: 20});
    else await window.__TAURI_INTERNALS__.invoke('catalog_search', {query: iq[(k >> 1) % iq.length], limit: 20});
  }
})().then(() => done('ok'), (e) => done('err ' + JSON.stringify(e)));"""
    r = am.call("POST", f"{s.url}/execute/async", {"script": script, "args": [n, start, pq, iq]})
    if r != "ok":
        raise SystemExit(f"invoke: {r}")


def fetch0_chunk(s, n):
    script = """const [n, done] = arguments;
(async () => {
  for (let i = 0; i < n; i++) {
    try { const r = await fetch('ipc://localhost/no_such_command', {method: 'POST', body: '{}', headers: {'Content-Type': 'application/json'}}); await r.text(); } catch (e) {}
  }
})().then(() => done('ok'));"""
    am.call("POST", f"{s.url}/execute/async", {"script": script, "args": [n]})



# In-page scripts: `answered(q)` waits, frame by frame, for the answer to `q` in the box `testid`.
ANSWERED = """const answered = async (q) => {
  const t0 = performance.now();
  for (;;) {
    if (document.querySelector(`[data-testid='${testid}-results'][data-answers='${q}'], [data-testid='${testid}-none']`)) return;
    if (performance.now() - t0 > 10000) throw new Error('no answer to ' + q);
    await new Promise((ok) => requestAnimationFrame(ok));
  }
};
"""


def type_chunk(s, testid, queries):
    """Types each query into the box [data-testid=testid-search] from inside the page."""
    script = """const [testid, qs, done] = arguments;
""" + ANSWERED + """const box = document.querySelector(`[data-testid='${testid}-search']`);
const set = Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value').set;
(async () => {
  for (const q of qs) {
    set.call(box, '');
    box.dispatchEvent(new Event('input', {bubbles: true}));
    set.call(box, q);
    box.dispatchEvent(new Event('input', {bubbles: true}));
    await answered(q);
  }
})().then(() => done('ok'), (e) => done('err ' + e));"""
    r = am.call("POST", f"{s.url}/execute/async", {"script": script, "args": [testid, queries]})
    if r != "ok":
        raise SystemExit(f"type: {r}")


def wdnop_chunk(s, n):
    """n searches' worth of WebDriver commands (8 each: the active element, a find, a script) with no key typed."""
    for _ in range(n):
        for _ in range(2):
            am.call("GET", f"{s.url}/element/active")
            s.find("[data-testid='status-operator']")
            s.run("return 1")
            s.focused()


def key_seq(text):
    out = []
    for ch in text:
        out += [{"type": "keyDown", "value": ch}, {"type": "keyUp", "value": ch}]
    return out


def actions_chunk(s, testid, queries):
    """The queries typed as a keyboard does (Ctrl+A, Backspace, the text, a pause for the answer),
    all in ONE WebDriver actions command: the same key events as `keys`, few WebDriver commands."""
    seq = []
    for q in queries:
        seq += [{"type": "keyDown", "value": "\ue009"}, {"type": "keyDown", "value": "a"},
                {"type": "keyUp", "value": "a"}, {"type": "keyUp", "value": "\ue009"}]
        seq += key_seq("\ue003") + key_seq(q) + [{"type": "pause", "duration": 120}]
    am.call("POST", f"{s.url}/actions", {"actions": [{"type": "key", "id": "kb", "actions": seq}]})
    q = queries[-1]
    s.find(am.answered(testid, q), wait=10)


def arrows_chunk(s, n):
    """n searches' worth of key events (6 each) that edit nothing: ↓ and ↑ in the list shown."""
    seq = []
    for _ in range(n):
        seq += key_seq("\ue015") + key_seq("\ue013") + key_seq("\ue015") + key_seq("\ue013") + key_seq("\ue015") + key_seq("\ue013")
        seq += [{"type": "pause", "duration": 20}]
    am.call("POST", f"{s.url}/actions", {"actions": [{"type": "key", "id": "kb", "actions": seq}]})


def exec_chunk(s, testid, queries):
    """Each query put into the box by editing commands from inside the page (select all, delete,
    insertText: undo steps as typing makes them, no key event)."""
    script = """const [testid, qs, done] = arguments;
""" + ANSWERED + """const box = document.querySelector(`[data-testid='${testid}-search']`);
(async () => {
  for (const q of qs) {
    box.focus(); box.select();
    document.execCommand('delete');
    document.execCommand('insertText', false, q);
    await answered(q);
  }
})().then(() => done('ok ' + document.queryCommandEnabled('undo')), (e) => done('err ' + e));"""
    r = am.call("POST", f"{s.url}/execute/async", {"script": script, "args": [testid, queries]})
    if not r.startswith("ok"):
        raise SystemExit(f"exec: {r}")
    return r


CLEAR = """const done = arguments[arguments.length - 1];
const before = document.queryCommandEnabled('undo');
const f = document.createElement('iframe');
f.style.display = 'none';
f.src = 'about:blank';
document.body.appendChild(f);
setTimeout(() => { try { f.contentWindow.location.replace('about:blank'); } catch (e) {}
  setTimeout(() => { f.remove(); done('undo before ' + before + ', after ' + document.queryCommandEnabled('undo')); }, 50); }, 50);"""


def clear_undo(s):
    """A frame's navigation (a hidden about:blank iframe) makes WebKit drop the page's undo steps."""
    return am.call("POST", f"{s.url}/execute/async", {"script": CLEAR, "args": []})


def xdo(*args):
    subprocess.run(["xdotool", *args], check=True, capture_output=True)


def xdo_chunk(s, pid, testid, queries):
    """The queries typed as real X key events (xdotool into the app's window): no WebDriver."""
    win = subprocess.run(["xdotool", "search", "--pid", str(pid)], capture_output=True, text=True).stdout.split()
    for w in win:
        subprocess.run(["xdotool", "windowfocus", w], capture_output=True)
    for q in queries:
        xdo("key", "--delay", "15", "ctrl+a", "BackSpace")
        xdo("type", "--delay", "15", q)
        time.sleep(0.12)
    q = queries[-1]
    s.find(am.answered(testid, q), wait=10)


CTRL_Q = "\ue009q\ue000"


def lock_holder(db):
    """The PID holding the station's instance lock (`<db>-instance`), from /proc/locks."""
    try:
        inode = os.stat(db + "-instance").st_ino
    except OSError:
        return None
    with open("/proc/locks") as f:
        for line in f:
            w = line.split()
            if "FLOCK" in w:
                i = w.index("FLOCK")
                if len(w) > i + 4 and w[i + 4].rsplit(":", 1)[-1] == str(inode):
                    return int(w[i + 3])
    return None


def ended(pid):
    """Whether the process has ended (a zombie has: it holds no lock, file or bus name)."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] in ("Z", "X")
    except OSError:
        return True


def windows_of(pid):
    out = subprocess.run(["xdotool", "search", "--onlyvisible", "--pid", str(pid)], capture_output=True, text=True)
    return out.stdout.split()


def sign_in(s, a):
    s.find("[data-testid='login-name']")
    s.keys(a.name)
    s.keys(am.ENTER)
    s.keys(a.pin)
    s.keys(am.ENTER)
    s.find("[data-testid='status-operator']")


def sign_out(s, pid, db, settle):
    """Ctrl+Q; returns (new PID, figures) when the app restarted itself, else None (it stays on
    its login screen)."""
    s.keys(am.ESC)
    t0 = time.time()
    try:
        s.keys(CTRL_Q)
    except Exception:  # the app may be gone before WebDriver answers
        pass
    login_seen = None
    while not ended(pid):
        if login_seen is None:
            try:
                v = am.call("POST", f"{s.url}/element", {"using": "css selector", "value": "[data-testid='login-name']"})
                if v:
                    login_seen = time.time()
            except Exception:
                pass
        elif time.time() - login_seen > 3:
            return None
        if time.time() - t0 > 30:
            raise SystemExit("neither a restart nor the login screen after the sign-out")
        time.sleep(0.02)
    gone = time.time() - t0
    while True:
        new = lock_holder(db)
        if new and new != pid:
            break
        if time.time() - t0 > 30:
            raise SystemExit("no new process took the station after the restart")
        time.sleep(0.01)
    locked = time.time() - t0
    while not windows_of(new):
        if time.time() - t0 > 30:
            raise SystemExit("the new process shows no window")
        time.sleep(0.01)
    shown = time.time() - t0
    return new, {"ended_ms": gone * 1e3, "locked_ms": locked * 1e3, "window_ms": shown * 1e3}


def keys_round(s, none):
    pq, iq = (PQ0, IQ0) if none else (PQ, IQ)
    am.to_patients(s)
    am.type_searches(s, "patient", pq)
    am.to_items(s)
    am.type_searches(s, "item", iq)


def both_lists(s, step, chunk):
    """About `step` searches in rounds of 16: the patient list's queries, then the price list's,
    each driven by `chunk(s, which, queries)`. Returns how many were made."""
    rounds = max(1, step // 16)
    for _ in range(rounds):
        am.to_patients(s)
        chunk(s, "patient", PQ)
        am.to_items(s)
        chunk(s, "item", IQ)
    return rounds * 16

def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--db", required=True)
    ap.add_argument("--app", default="target/release/downtime-desk")
    ap.add_argument("--driver", default=os.path.expanduser("~/.cargo/bin/tauri-driver"))
    ap.add_argument("--name", default="管理员")
    ap.add_argument("--pin", default="123456")
    ap.add_argument("--phases", default="keys:160,invoke:4000,type:1600,idle:30")
    ap.add_argument("--every", type=int, default=1000, help="searches between samples (keys: rounded to 16)")
    ap.add_argument("--settle", type=float, default=2.0)
    ap.add_argument("--env", action="append", default=[])
    ap.add_argument("--log", help="a file for the driver's and the app's standard error (WebKit's memory-pressure lines)")
    ap.add_argument("--smaps", help="a folder: each process's /proc/PID/smaps at each sample, to compare mappings")
    a = ap.parse_args()
    global SMAPS
    SMAPS = a.smaps
    if SMAPS:
        os.makedirs(SMAPS, exist_ok=True)
    app = os.path.abspath(a.app)
    home = tempfile.mkdtemp(prefix="downtime-app-growth")
    env = dict(os.environ, HOME=home, XDG_DATA_HOME=f"{home}/data", XDG_CACHE_HOME=f"{home}/cache",
               XDG_CONFIG_HOME=f"{home}/config", DOWNTIME_DB=os.path.abspath(a.db), TZ="Asia/Shanghai")
    env.update(kv.split("=", 1) for kv in a.env)
    print(f"env {a.env} phases {a.phases}", flush=True)
    log = open(a.log, "w") if a.log else subprocess.DEVNULL
    db = os.path.abspath(a.db)

    def session():
        d = subprocess.Popen([a.driver], env=env, start_new_session=True, stdout=log, stderr=log)
        time.sleep(1.0)
        return d, am.Session("http://127.0.0.1:4444", app)

    driver, s = None, None
    restarts = []
    try:
        driver, s = session()
        sign_in(s, a)
        keys_round(s, False)
        pid = am.app_pid(app)
        sample(s, pid, "start", 0, a.settle)
        for phase in a.phases.split(","):
            kind, n = phase.split(":")
            n = int(n)
            t0 = time.time()
            if kind == "signout":
                before = sample(s, pid, "signed-in", 0, a.settle)[0]
                r = sign_out(s, pid, db, a.settle)
                if r is None:
                    sample(s, pid, "no-restart", 0, a.settle)
                    sign_in(s, a)
                    continue
                new, times = r
                # The new app at its login screen, as the next operator finds it.
                after = sample(None, new, "restarted", 0, a.settle + 2)[0]
                restarts.append((before, after, times))
                print(f"== restart {len(restarts)}: {before:.1f} MB signed in -> {after:.1f} MB at the new login screen; "
                      f"old process ended {times['ended_ms']:.0f} ms, station locked by PID {new} "
                      f"{times['locked_ms']:.0f} ms, its window {times['window_ms']:.0f} ms after Ctrl+Q", flush=True)
                # WebDriver cannot follow it: end it and go on in a fresh app on the same station.
                os.kill(new, 15)
                for _ in range(100):
                    if ended(new):
                        break
                    time.sleep(0.05)
                am.stop(s, driver)
                driver, s = session()
                sign_in(s, a)
                keys_round(s, False)
                pid = am.app_pid(app)
                sample(s, pid, "resumed", 0, a.settle)
                continue
            first = sample(s, pid, kind, 0, a.settle)[0] if kind != "idle" else None
            if kind == "undocount":
                # How many undo steps the page holds: undo until nothing is left (changes the boxes).
                r = s.run("""let n = 0; const t0 = performance.now();
while (n < %d && document.queryCommandEnabled('undo') && document.execCommand('undo')) n++;
return n + ' undo steps taken back in ' + Math.round(performance.now() - t0) + ' ms; undo still enabled: ' + document.queryCommandEnabled('undo');""" % n)
                print(f"undocount: {r}", flush=True)
                sample(s, pid, kind, n, a.settle)
                continue
            if kind == "reload":
                s.run("location.reload(); return 1")
                s.find("[data-testid='login-name'], [data-testid='status-operator']")
                sample(s, pid, kind, 0, a.settle + 3)
                continue
            if kind == "idle":
                time.sleep(n)
                sample(s, pid, kind, n, a.settle)
                continue
            done = 0
            while done < n:
                step = min(a.every, n - done)
                t_step = time.time()
                if kind == "invoke":
                    invoke_chunk(s, step, done)
                elif kind == "invnone":
                    invoke_chunk(s, step, done, none=True)
                elif kind == "wdnop":
                    wdnop_chunk(s, step)
                elif kind == "actions":
                    step = both_lists(s, step, actions_chunk)
                elif kind == "arrows":
                    am.to_patients(s)
                    s.keys("zs")
                    arrows_chunk(s, step)
                elif kind == "execclear":
                    rounds = max(1, step // 16)
                    for _ in range(rounds):
                        am.to_patients(s)
                        exec_chunk(s, "patient", PQ)
                        am.to_items(s)
                        exec_chunk(s, "item", IQ)
                        r = clear_undo(s)
                    print("  clear:", r, flush=True)
                    step = rounds * 16
                elif kind == "keysclear":
                    rounds = max(1, step // 16)
                    for _ in range(rounds):
                        keys_round(s, False)
                        r = clear_undo(s)
                    print("  clear:", r, flush=True)
                    step = rounds * 16
                elif kind == "xdo":
                    step = both_lists(s, step, lambda s, which, queries: xdo_chunk(s, pid, which, queries))
                elif kind == "exec":
                    step = both_lists(s, step, exec_chunk)
                elif kind == "fetch0":
                    fetch0_chunk(s, step)
                elif kind == "type":
                    step = both_lists(s, step, type_chunk)
                elif kind in ("keys", "none"):
                    rounds = max(1, step // 16)
                    for _ in range(rounds):
                        keys_round(s, kind == "none")
                    step = rounds * 16
                done += step
                last = sample(s, pid, kind, done, a.settle, (time.time() - t_step) * 1e3 / step)[0]
            dt = time.time() - t0
            print(f"== {kind}: {done} in {dt:.0f} s, total PSS {last - first:+.1f} MB = "
                  f"{(last - first) * 1000 / done:+.1f} MB per 1,000", flush=True)
        print(f"== peak total PSS {PEAK[0]:.1f} MB ({PEAK[1]}); restarts: {len(restarts)}", flush=True)
    finally:
        if driver:
            am.stop(s, driver)


if __name__ == "__main__":
    sys.exit(main())
