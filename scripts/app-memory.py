#!/usr/bin/env python3
"""The desk app's memory on a station, as a counter sees it (issue 19): starts the built app
on STATION through tauri-driver (as the E2E tests do), signs in, searches a patient (F3) and
an item (Ctrl+P), then prints the resident and proportional memory (RSS, PSS from
/proc/PID/smaps_rollup) of the app process and of each WebKit process under it, and their sum.
A figure to read, not a test: it passes or fails nothing.

With --dir and no station in it, it first makes one there with the real commands (a bench
station, `downtime bench station`; --patients synthetic HIS patients through `patients import`,
--items synthetic items through `catalog import`), then measures. Build the app and the CLI
release first, then run it under Xvfb and the E2E lock (ports 4444/4445 must be free):

  (cd ui && npm run build) && cargo build --release -p downtime-cli -p downtime-desk --features downtime-desk/custom-protocol
  flock /tmp/downtime-e2e.lock xvfb-run -a -s "-screen 0 1920x1080x24" \\
    scripts/app-memory.py --dir benchdata/counter --patients 5000000 --items 100000

A station given with --db is used as it is (signing in writes to its journal): a scratch copy,
such as the counter's that `downtime bench search --keep benchdata/counter` leaves
(--db benchdata/counter/station.db).
Generated data is not shipped: delete the folder afterwards.

Under Xvfb the window keeps its configured 1366×700 whatever the screen (no window manager
maximizes it): --window 1920x1080 resizes it first. --env KEY=VALUE compares WebKit settings, for
example --env WEBKIT_DISABLE_COMPOSITING_MODE=0 (compositing on, as before issue 19).
"""
import argparse
import http.client
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
import urllib.parse

ENTER = "\ue007"
F3 = "\ue033"
CTRL_P = "\ue009p\ue000"
SELECT_ALL = "\ue009a\ue000"
ESC = "\ue00c"
BACKSPACE = "\ue003"


_conn = {}


def call(method, url, body=None):
    """One WebDriver request over a kept-alive connection (as the E2E tests' client does: with
    a new connection per request tauri-driver now and then closes one without an answer)."""
    parts = urllib.parse.urlsplit(url)
    data = json.dumps(body).encode() if body is not None else None
    # A request that changes nothing is asked again on a dropped connection; typing is not.
    retry = method == "GET" or url.endswith(("/element", "/execute/sync"))
    for attempt in range(3 if retry else 1):
        conn = _conn.get(parts.netloc)
        if conn is None:
            conn = _conn[parts.netloc] = http.client.HTTPConnection(parts.hostname, parts.port, timeout=120)
        try:
            conn.request(method, parts.path, body=data, headers={"Content-Type": "application/json"})
            r = conn.getresponse()
            payload = r.read()
        except (http.client.HTTPException, ConnectionError):
            conn.close()
            _conn.pop(parts.netloc, None)
            if attempt == (2 if retry else 0):
                raise
            time.sleep(0.2)
            continue
        value = json.loads(payload or b"null")
        if r.status >= 400:
            raise RuntimeError(f"{method} {parts.path}: {r.status} {value}")
        return value.get("value")


class Session:
    def __init__(self, base, app):
        caps = {"capabilities": {"alwaysMatch": {"browserName": "wry", "tauri:options": {"application": app}}}}
        for attempt in range(20):
            try:
                self.id = call("POST", f"{base}/session", caps)["sessionId"]
                break
            except Exception as e:  # the driver may still be starting WebKitWebDriver
                if attempt == 19:
                    raise
                time.sleep(0.5)
        self.url = f"{base}/session/{self.id}"

    def find(self, css, wait=60.0):
        end = time.time() + wait
        while True:
            try:
                v = call("POST", f"{self.url}/element", {"using": "css selector", "value": css})
                return list(v.values())[0]
            except Exception:
                if time.time() > end:
                    raise SystemExit(f"not shown within {wait} s: {css}")
                time.sleep(0.1)

    def keys(self, text):
        el = call("GET", f"{self.url}/element/active")
        call("POST", f"{self.url}/element/{list(el.values())[0]}/value", {"text": text})

    def text(self, css):
        return call("GET", f"{self.url}/element/{self.find(css)}/text")

    def focused(self):
        return self.run("return document.activeElement && document.activeElement.dataset.testid || ''")

    def wait_focus(self, testid, wait=30.0):
        end = time.time() + wait
        while self.focused() != testid:
            if time.time() > end:
                raise SystemExit(f"focus never reached {testid}")
            time.sleep(0.1)

    def run(self, script):
        return call("POST", f"{self.url}/execute/sync", {"script": script, "args": []})

    def close(self):
        try:
            call("DELETE", self.url)
        except Exception:
            pass


def children(pid):
    out = []
    for d in os.listdir("/proc"):
        if d.isdigit():
            try:
                with open(f"/proc/{d}/stat") as f:
                    stat = f.read()
                if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                    out.append(int(d))
            except OSError:
                pass
    return out


def tree(pid):
    todo, seen = [pid], []
    while todo:
        p = todo.pop()
        seen.append(p)
        todo.extend(children(p))
    return seen


def memory(pid):
    """(name, RSS KiB, PSS KiB) of one process."""
    with open(f"/proc/{pid}/comm") as f:
        name = f.read().strip()
    fields = {}
    with open(f"/proc/{pid}/smaps_rollup") as f:
        for line in f:
            parts = line.split()
            if len(parts) >= 2 and parts[0].endswith(":"):
                fields[parts[0][:-1]] = int(parts[1])
    return name, fields.get("Rss", 0), fields.get("Pss", 0)


def by_mapping(pid, top=8):
    """The mappings of a process holding the most resident memory: (KiB, what)."""
    sums, name = {}, None
    with open(f"/proc/{pid}/smaps") as f:
        for line in f:
            parts = line.split()
            if parts and "-" in parts[0] and not parts[0].endswith(":"):
                name = parts[5] if len(parts) > 5 else "[anonymous]"
                if name.startswith("/memfd:"):
                    name = "memfd:" + name[7:].split(" ")[0]
            elif parts and parts[0] == "Rss:":
                sums[name] = sums.get(name, 0) + int(parts[1])
    return sorted(((k, n) for n, k in sums.items()), reverse=True)[:top]


def app_pid(app):
    real = os.path.realpath(app)
    for d in os.listdir("/proc"):
        if d.isdigit():
            try:
                if os.path.realpath(f"/proc/{d}/exe") == real:
                    return int(d)
            except OSError:
                pass
    return None


def make_station(a):
    """DIR/station.db with the synthetic patients and items, made with the real commands."""
    db = os.path.join(a.dir, "station.db")
    if os.path.exists(db):
        return db
    os.makedirs(a.dir, exist_ok=True)
    cli = os.path.abspath(a.cli)

    def out(*args):
        return subprocess.run([cli, *args], check=True, capture_output=True, text=True).stdout.strip()

    db = out("bench", "station", "--dir", a.dir)
    login = ["--db", db, "--as", a.name, "--pin", a.pin]
    for kind, n, cmd in (("", a.patients, "patients"), ("--items", a.items, "catalog")):
        if n > 0:
            src = out("bench", "input", "--dir", a.dir, "--rows", str(n), *([kind] if kind else []))
            t = time.time()
            out(*login, cmd, "import", src)
            print(f"{cmd} import of {n}: {time.time() - t:.1f} s", file=sys.stderr)
            os.remove(src)
    return db


def stop(session, driver):
    """Ends the WebDriver session and the driver's whole process group (tauri-driver and
    WebKitWebDriver), SIGKILL if SIGTERM is not enough."""
    if session:
        session.close()
    try:
        os.killpg(driver.pid, signal.SIGTERM)
        driver.wait(timeout=10)
    except Exception:
        os.killpg(driver.pid, signal.SIGKILL)



def answered(testid, q):
    """The list that answers `q` in the box `testid` (patient, item), or the line saying none."""
    return f"[data-testid='{testid}-results'][data-answers='{q}'], [data-testid='{testid}-none']"


def type_searches(s, testid, queries):
    """Each query typed into the focused search box as a cashier does (Ctrl+A, Backspace, the
    text), its answer awaited."""
    for q in queries:
        s.keys(SELECT_ALL)
        s.keys(BACKSPACE)
        s.keys(q)
        s.find(answered(testid, q))


def to_patients(s):
    """From any screen (the price list too) to the patient search box."""
    s.keys(ESC)
    s.keys(F3)
    s.wait_focus("patient-search")


def to_items(s):
    s.keys(CTRL_P)
    s.wait_focus("item-search")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--db", help="the station file the app opens (else DIR/station.db)")
    ap.add_argument("--dir", help="a folder for a bench station, made there if missing")
    ap.add_argument("--patients", type=int, default=5_000_000)
    ap.add_argument("--items", type=int, default=100_000)
    ap.add_argument("--cli", default="target/release/downtime")
    ap.add_argument("--app", default="target/release/downtime-desk")
    ap.add_argument("--driver", default=os.path.expanduser("~/.cargo/bin/tauri-driver"))
    ap.add_argument("--name", default="管理员")
    ap.add_argument("--pin", default="123456")
    ap.add_argument("--patient", default="wxm", help="the first patient search")
    ap.add_argument("--item", default="zcf", help="the first item search")
    ap.add_argument("--window", help="WIDTHxHEIGHT: resize the window first (under Xvfb there is no window manager, so the "
                    "window keeps tauri.conf.json's 1366×700 whatever the screen; maximized never applies)")
    ap.add_argument("--rounds", type=int, default=0,
                    help="then N rounds of 8 more patient and 8 more item searches (does memory grow with use?)")
    ap.add_argument("--settle", type=float, default=3.0, help="seconds to wait before reading memory")
    ap.add_argument("--env", action="append", default=[], help="KEY=VALUE for the app (to compare WebKit settings)")
    ap.add_argument("--detail", action="store_true", help="also each process's largest mappings")
    ap.add_argument("--json", action="store_true")
    a = ap.parse_args()
    app = os.path.abspath(a.app)
    if a.db is None:
        if a.dir is None:
            ap.error("give --db STATION or --dir FOLDER")
        a.db = make_station(a)
    home = tempfile.mkdtemp(prefix="downtime-app-memory")
    env = dict(os.environ, HOME=home, XDG_DATA_HOME=f"{home}/data", XDG_CACHE_HOME=f"{home}/cache",
               XDG_CONFIG_HOME=f"{home}/config", DOWNTIME_DB=os.path.abspath(a.db), TZ="Asia/Shanghai")
    env.update(kv.split("=", 1) for kv in a.env)
    driver = subprocess.Popen([a.driver], env=env, start_new_session=True,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    s = None
    try:
        time.sleep(1.0)
        t0 = time.time()
        s = Session("http://127.0.0.1:4444", app)
        s.find("[data-testid='login-name']")
        if a.window:
            w, h = (int(v) for v in a.window.lower().split("x"))
            call("POST", f"{s.url}/window/rect", {"width": w, "height": h, "x": 0, "y": 0})
        started = time.time() - t0
        s.keys(a.name)
        s.keys(ENTER)
        s.keys(a.pin)
        s.keys(ENTER)
        s.find("[data-testid='status-operator']")
        t1 = time.time()
        s.keys(F3)
        s.wait_focus("patient-search")
        s.keys(a.patient)
        # (A list answering the query, or "none found".)
        s.find(f"[data-testid='patient-results'][data-answers='{a.patient}'], [data-testid='patient-none']")
        patient_ms = (time.time() - t1) * 1e3
        t2 = time.time()
        s.keys(CTRL_P)
        s.wait_focus("item-search")
        s.keys(a.item)
        s.find(f"[data-testid='item-results'][data-answers='{a.item}']")
        item_ms = (time.time() - t2) * 1e3
        # A shift's worth of searches on top: memory must not grow with use.
        pq = ["zs", "lj", "wf", "138", "chen", "11010", "zhy", "lx"]
        iq = ["zcf", "xc", "1102", "qm", "ns", "ys", "250", "xy"]
        t3 = time.time()
        for r in range(a.rounds):
            to_patients(s)
            type_searches(s, "patient", pq)
            to_items(s)
            type_searches(s, "item", iq)
        per_search_ms = (time.time() - t3) * 1e3 / (16 * a.rounds) if a.rounds else 0.0
        time.sleep(a.settle)
        pid = app_pid(app)
        if pid is None:
            raise SystemExit("the app's process was not found")
        procs = []
        for p in tree(pid):
            try:
                procs.append((p, *memory(p)))
            except OSError:
                pass
        rss = sum(r for _, _, r, _ in procs)
        pss = sum(p for _, _, _, p in procs)
        if a.json:
            print(json.dumps({"window": s.run("return [innerWidth, innerHeight]"), "processes": [{"pid": p, "name": n, "rss_kib": r, "pss_kib": q} for p, n, r, q in procs],
                              "rss_mb": rss / 1024, "pss_mb": pss / 1024, "started_s": started,
                              "patient_search_ms": patient_ms, "item_search_ms": item_ms,
                              "rounds": a.rounds, "per_search_ms": per_search_ms}))
        else:
            for p, n, r, q in procs:
                print(f"{n:<24} pid {p:>7}  RSS {r / 1024:7.1f} MB  PSS {q / 1024:7.1f} MB")
                if a.detail:
                    for kib, what in by_mapping(p):
                        print(f"    {kib / 1024:7.1f} MB  {what}")
            print("page " + s.run("return innerWidth + '×' + innerHeight"))
            print(f"{'app + WebKit':<36}  RSS {rss / 1024:7.1f} MB  PSS {pss / 1024:7.1f} MB")
            print(f"window up {started:.1f} s; sign-in to patient list {patient_ms:.0f} ms; "
                  f"price list screen to item list {item_ms:.0f} ms (WebDriver round trips included)"
                  + (f"; then {a.rounds * 16} more searches, {per_search_ms:.0f} ms each "
                     "(clear the box, type, see the answer)" if a.rounds else ""))
    finally:
        stop(s, driver)


if __name__ == "__main__":
    sys.exit(main())
