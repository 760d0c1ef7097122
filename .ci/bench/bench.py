#!/usr/bin/env python3
"""`make bench`: Vigil's release build under load, at several organisation sizes.

Every figure is reported next to a baseline measured in the same run on the same machine:
  - keep-alive static file        vs the same file with a new connection per request
  - lesson page                   vs a static file of the same bytes, served by the same server
  - learner writes (acknowledge)  vs raw single-row durable inserts into the same kind of database
  - pages (dashboard, team, member), exports, memory and cold start as measured values with
    their targets.
Writes the table to docs/performance.md and prints it.

Settings (environment): BENCH_SIZES (default "40,1000,10000"), BENCH_SECONDS (default 5).
Generated organisations are kept in target/bench/ and reused.
"""

import base64
import contextlib
import hashlib
import hmac
import http.client
import json
import os
import platform
import re
import shutil
import socket
import sqlite3
import statistics
import subprocess
import sys
import time
import urllib.parse
import uuid

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
VIGIL = os.path.join(ROOT, "target", "release", "vigil")
SITE = os.environ.get("VIGIL_BENCH_SITE", os.path.join(ROOT, "target", "release-site"))
if not os.path.isabs(SITE):
    SITE = os.path.join(ROOT, SITE)
WORK = os.path.join(ROOT, "target", "bench")
HERE = os.path.dirname(os.path.abspath(__file__))
SECRET = "bench-secret-bench-secret-bench-secret-01"
SIZES = [int(s) for s in os.environ.get("BENCH_SIZES", "40,1000,10000").split(",") if s]
SECONDS = int(os.environ.get("BENCH_SECONDS", "5"))
CONNECTIONS = 8
EMPLOYEE = "ravi.patel@demo.vigil.example"
COMPLIANCE = "dana.okafor@demo.vigil.example"
DEMO_MANAGER = "elena.petrova@demo.vigil.example"
PASSWORD = "vigil-demo-2026"
LESSON = "/training/security-basics/lesson/1"
STATIC_NAME = "bench-lesson.html"


def log(message):
    print(f"bench: {message}", file=sys.stderr, flush=True)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def request(port, method, path, body=None, headers=None):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    all_headers = {"Accept": "text/html"}
    all_headers.update(headers or {})
    if body is not None:
        all_headers.setdefault("Content-Type", "application/x-www-form-urlencoded")
        all_headers.setdefault("Sec-Fetch-Site", "same-origin")
    conn.request(method, path, body=body, headers=all_headers)
    response = conn.getresponse()
    data = response.read()
    conn.close()
    return response.status, dict(response.getheaders()), data


class Server:
    """A `vigil serve` process on a copy of a database."""

    def __init__(self, database_url, extra_env=None):
        self.port = free_port()
        env = dict(os.environ)
        env.pop("DATABASE_URL", None)
        env.update({
            "DATABASE_URL": database_url,
            "VIGIL_SECRET": SECRET,
            "VIGIL_LISTEN": f"127.0.0.1:{self.port}",
            "VIGIL_PUBLIC_URL": f"http://127.0.0.1:{self.port}",
            "VIGIL_SITE_ROOT": SITE,
            "VIGIL_CONTENT_DIR": os.path.join(WORK, "no-content"),
            "VIGIL_MAIL_DIR": os.path.join(WORK, "mail"),
            "VIGIL_EVIDENCE_KEY_FILE": os.path.join(WORK, "evidence-key.pem"),
            "VIGIL_DEMO": "false",
            "VIGIL_RUN_SCHEDULED_REMINDERS": "false",
            "RUST_LOG": "warn",
            # As in the systemd unit of docs/deployment.md: glibc then returns the memory of
            # each password hash (argon2, 19 MiB) to the system instead of keeping it.
            "MALLOC_MMAP_THRESHOLD_": "131072",
        })
        env.update(extra_env or {})
        started = time.monotonic()
        self.process = subprocess.Popen([VIGIL, "serve"], env=env, stdout=subprocess.DEVNULL,
                                        stderr=open(os.path.join(WORK, "server.log"), "ab"))
        while True:
            try:
                status, _, _ = request(self.port, "GET", "/login")
                if status == 200:
                    break
            except OSError:
                pass
            if self.process.poll() is not None:
                raise SystemExit(f"vigil exited at start; see {WORK}/server.log")
            if time.monotonic() - started > 120:
                raise SystemExit("vigil did not start within 120 s")
            time.sleep(0.005)
        self.cold_start_ms = (time.monotonic() - started) * 1000

    def cpu_seconds(self):
        with open(f"/proc/{self.process.pid}/stat") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def wait_quiet(self, limit=900):
        """Waits until start-up's background work (bringing obligations up to date, counting
        the trend's month ends) is done: under 5% of a core used for two seconds."""
        started = time.monotonic()
        while time.monotonic() - started < limit:
            before = self.cpu_seconds()
            time.sleep(2)
            if self.cpu_seconds() - before < 0.1:
                return time.monotonic() - started
        return time.monotonic() - started

    def memory_kb(self, field="VmRSS"):
        with open(f"/proc/{self.process.pid}/status") as status:
            for line in status:
                if line.startswith(field + ":"):
                    return int(line.split()[1])
        return 0

    def stop(self):
        self.process.terminate()
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def sign_in(port, email):
    body = urllib.parse.urlencode({"email": email, "password": PASSWORD, "next": ""})
    status, headers, data = request(port, "POST", "/api/session/login", body,
                                    {"Accept": "application/json"})
    if status != 200:
        raise SystemExit(f"sign-in as {email} failed: {status} {data[:200]!r}")
    return headers["set-cookie"].split(";")[0]


def b64(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def mint_cookie(public_id, port):
    """A session token as Vigil issues it, for a person who has signed in earlier."""
    now = time.time() - 5
    header = b64(json.dumps({"alg": "HS256", "typ": "JWT"}).encode())
    claims = b64(json.dumps({
        "iss": f"http://127.0.0.1:{port}", "aud": "vigil-web", "sub": public_id,
        "iat": round(now, 3), "exp": int(now) + 3600, "jti": uuid.uuid4().hex,
    }).encode())
    signature = hmac.new(SECRET.encode(), f"{header}.{claims}".encode(), hashlib.sha256).digest()
    return f"vigil_session={header}.{claims}.{b64(signature)}"


def wrk(port, path, seconds=SECONDS, connections=CONNECTIONS, headers=(), script="report.lua",
        args=()):
    command = ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency",
               "-s", os.path.join(HERE, script)]
    for header in headers:
        command += ["-H", header]
    command.append(f"http://127.0.0.1:{port}{path}")
    if args:
        command += ["--", *args]
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    figures = json.loads(output.split("JSON ", 1)[1].splitlines()[0])
    figures["rate"] = figures["requests"] / figures["seconds"]
    return figures


def one_request_ms(port, path, cookie, method="GET", body=None, repeat=7):
    """The median time of `repeat` single requests, one after another."""
    times = []
    for _ in range(repeat):
        started = time.monotonic()
        status, _, data = request(port, method, path, body, {"Cookie": cookie})
        times.append((time.monotonic() - started) * 1000)
        if status != 200:
            raise SystemExit(f"{path}: {status} {data[:200]!r}")
    times.sort()
    return times[len(times) // 2], data


def ab(measure_once, binaries, subjects, rounds, describe=str):
    """Runs `measure_once(subject)` with each binary named in `binaries` ("name=path,name=path")
    as `VIGIL`, for each subject, `rounds` times, interleaving the binaries so that a drift of
    the machine falls on all of them alike. The site is VIGIL_BENCH_SITE, else the debug build's
    target/site (A/B runs compare servers, not bundles). Returns {(name, subject): [result, ...]}."""
    global VIGIL, SITE
    SITE = os.environ.get("VIGIL_BENCH_SITE", os.path.join(ROOT, "target", "site"))
    binaries = dict(arg.split("=", 1) for arg in binaries.split(","))
    os.makedirs(os.path.join(WORK, "no-content"), exist_ok=True)
    results = {(name, subject): [] for subject in subjects for name in binaries}
    for _ in range(rounds):
        for subject in subjects:
            for name, binary in binaries.items():
                VIGIL = binary
                result = measure_once(subject)
                results[(name, subject)].append(result)
                log(f"{name} at {subject}: {describe(result)}")
    return results


def median_of(measured, value, fmt):
    """The median of `value(result)` over `measured`, formatted with `fmt`."""
    return format(statistics.median(value(r) for r in measured), fmt)


def spread_of(measured, value):
    """The median of `value(result)` with its range, as whole numbers."""
    values = [value(r) for r in measured]
    return f"{statistics.median(values):,.0f} ({min(values):,.0f}–{max(values):,.0f})"


def print_ab_table(results, subject_heading, columns):
    """Prints `ab`'s results as a Markdown table: one row per binary and subject, one column per
    (heading, cell(measured)) in `columns`."""
    print("| " + " | ".join([subject_heading, "Binary"] + [h for h, _ in columns]) + " |")
    print("|" + "---|" * (len(columns) + 2))
    for (name, subject), measured in results.items():
        cells = [f"{subject:,}", name] + [cell(measured) for _, cell in columns]
        print("| " + " | ".join(cells) + " |")


def ab_main(measure_once, describe, columns):
    """The command line of an A/B script: `BINARIES SIZES [ROUNDS]`, e.g.
    `before=/tmp/a,after=target/release/vigil 10000 2`; prints the table of `columns`."""
    sizes = [int(s) for s in sys.argv[2].split(",")]
    rounds = int(sys.argv[3]) if len(sys.argv) > 3 else 2
    results = ab(measure_once, sys.argv[1], sizes, rounds, describe)
    print_ab_table(results, "People", columns)


def generate(size):
    """The demo organisation grown to `size` people, generated once and kept."""
    path = os.path.join(WORK, f"demo-{size}.db")
    if os.path.exists(path):
        return path, None
    log(f"generating an organisation of {size} people")
    started = time.monotonic()
    subprocess.run([VIGIL, "--database", f"sqlite://{path}", "demo", "--people", str(size),
                    "--content", os.path.join(ROOT, "content")],
                   check=True, stdout=subprocess.DEVNULL,
                   env={**os.environ, "VIGIL_SECRET": SECRET, "RUST_LOG": "warn"})
    seconds = time.monotonic() - started
    db = sqlite3.connect(path)
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.close()
    return path, seconds


def working_copy(path):
    copy = os.path.join(WORK, "work.db")
    for suffix in ("", "-wal", "-shm"):
        if os.path.exists(copy + suffix):
            os.remove(copy + suffix)
    shutil.copyfile(path, copy)
    return copy


@contextlib.contextmanager
def fresh_server(size):
    """`VIGIL` serving a fresh working copy of the generated organisation of `size` people, its
    start-up work finished; yields (server, database path) and stops the server afterwards."""
    path = working_copy(upgraded(generate(size)[0]))
    server = Server(f"sqlite://{path}")
    try:
        server.wait_quiet()
        yield server, path
    finally:
        server.stop()


def raw_insert_rate(directory, seconds=2.0):
    """Single-row inserts, each its own durable transaction (WAL, synchronous=FULL)."""
    path = os.path.join(directory, "baseline.db")
    for suffix in ("", "-wal", "-shm"):
        if os.path.exists(path + suffix):
            os.remove(path + suffix)
    db = sqlite3.connect(path, isolation_level=None)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=FULL")
    db.execute("CREATE TABLE rows (id INTEGER PRIMARY KEY, person INTEGER, course INTEGER, at TEXT)")
    count = 0
    started = time.monotonic()
    while time.monotonic() - started < seconds:
        db.execute("BEGIN")
        db.execute("INSERT INTO rows (person, course, at) VALUES (?, ?, ?)",
                   (count, count % 20, time.time()))
        db.execute("COMMIT")
        count += 1
    rate = count / (time.monotonic() - started)
    db.close()
    return rate


def prepare_acknowledgements(path, port, directory):
    """People who still owe the threat bulletin or the policy, opened long enough ago: one
    acknowledgement each is waiting to be written. Returns how many."""
    db = sqlite3.connect(path)
    rows = db.execute("""
        SELECT p.id, p.public_id, c.id, c.slug, s.version_id
        FROM compliance_state s
        JOIN people p ON p.id = s.person_id
        JOIN courses c ON c.id = s.course_id
        WHERE c.kind IN ('policy', 'bulletin') AND s.status != 'completed' AND s.status != 'exempt'
          AND p.active = 1
        ORDER BY p.id""").fetchall()
    opened = "2026-01-01T00:00:00+00:00"
    db.execute("DELETE FROM reading_progress WHERE (person_id, version_id) IN (%s)" % ",".join(
        f"({r[0]},{r[4]})" for r in rows) if rows else "SELECT 1")
    db.executemany(
        "INSERT INTO reading_progress (person_id, course_id, version_id, lessons_read_json, opened_at, updated_at) VALUES (?, ?, ?, '[]', ?, ?)",
        [(r[0], r[2], r[4], opened, opened) for r in rows])
    db.commit()
    db.close()
    files = [open(os.path.join(directory, f"acks-{i}.txt"), "w") for i in (1, 2)]
    for n, row in enumerate(rows):
        files[n % 2].write(f"{mint_cookie(row[1], port)}\t{row[3]}\n")
    for f in files:
        f.close()
    return len(rows)


def manager_for(size):
    if size > 40:
        return "person0@scale.vigil.example"  # heads the first generated department (5,000)
    return DEMO_MANAGER


def below(path, email):
    db = sqlite3.connect(path)
    count = db.execute("""
        WITH RECURSIVE tree(id) AS (
          SELECT id FROM people WHERE manager_id = (SELECT id FROM people WHERE email = ?) AND active = 1
          UNION ALL SELECT p.id FROM people p JOIN tree t ON p.manager_id = t.id WHERE p.active = 1)
        SELECT COUNT(*) FROM tree""", (email,)).fetchone()[0]
    member = db.execute(
        "SELECT public_id FROM people WHERE manager_id = (SELECT id FROM people WHERE email = ?) LIMIT 1",
        (email,)).fetchone()[0]
    db.close()
    return count, member


def applied_migrations(path):
    db = sqlite3.connect(path)
    try:
        return db.execute("SELECT COUNT(*) FROM seaql_migrations").fetchone()[0]
    finally:
        db.close()


def upgraded(source):
    """Brings a cached organisation up to this build once: its migrations and, when any ran, the
    engine run a new column may need. Every measurement then starts from an already-migrated,
    already-computed database, as a server restarting after an upgrade does the second time."""
    env = {**os.environ, "VIGIL_SECRET": SECRET, "RUST_LOG": "warn"}
    before = applied_migrations(source)
    subprocess.run([VIGIL, "--database", f"sqlite://{source}", "migrate"], check=True,
                   stdout=subprocess.DEVNULL, env=env)
    if applied_migrations(source) != before:
        log(f"upgrading the cached organisation {os.path.basename(source)}")
        subprocess.run([VIGIL, "--database", f"sqlite://{source}", "assign"], check=True,
                       stdout=subprocess.DEVNULL, env=env)
    # Everything into the database file itself: the working copy is that file alone.
    db = sqlite3.connect(source)
    try:
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        db.close()
    return source


def measure(size):
    source, generated_in = generate(size)
    path = working_copy(upgraded(source))
    result = {"size": size, "generated_in": generated_in}
    db = sqlite3.connect(path)
    result["records"] = db.execute("SELECT COUNT(*) FROM completion_records").fetchone()[0]
    result["obligations"] = db.execute("SELECT COUNT(*) FROM compliance_state").fetchone()[0]
    db.close()

    # Cold start is measured on an already-migrated database: migrations added since the
    # organisation was generated run first, on their own.
    subprocess.run([VIGIL, "--database", f"sqlite://{path}", "migrate"], check=True,
                   stdout=subprocess.DEVNULL, env={**os.environ, "VIGIL_SECRET": SECRET,
                                                   "RUST_LOG": "warn"})
    server = Server(f"sqlite://{path}")
    try:
        result["cold_start_ms"] = server.cold_start_ms
        result["start_rss_mb"] = server.memory_kb() / 1024
        result["background_s"] = server.wait_quiet()
        employee = sign_in(server.port, EMPLOYEE)
        compliance = sign_in(server.port, COMPLIANCE)
        manager_email = manager_for(size)
        manager = sign_in(server.port, manager_email)
        result["idle_rss_mb"] = server.memory_kb() / 1024

        # Static file: kept-alive connections against a new connection per request.
        _, lesson = one_request_ms(server.port, LESSON, employee)
        with open(os.path.join(SITE, STATIC_NAME), "wb") as static:
            static.write(lesson)
        result["page_bytes"] = len(lesson)
        result["static_keepalive"] = wrk(server.port, "/" + STATIC_NAME)
        result["static_close"] = wrk(server.port, "/" + STATIC_NAME, headers=["Connection: close"])
        result["lesson"] = wrk(server.port, LESSON, headers=[f"Cookie: {employee}"])
        # Latency at half the static file's rate: each connection paced.
        half = result["static_keepalive"]["rate"] / 2
        pause_ms = max(1, int(CONNECTIONS * 1000 / half))
        result["lesson_half_rate"] = wrk(server.port, LESSON, headers=[f"Cookie: {employee}"],
                                         script="paced.lua", args=[str(pause_ms)])

        # Pages an administrator and a manager open.
        result["dashboard_ms"], _ = one_request_ms(server.port, "/compliance", compliance)
        result["team_below"], member = below(path, manager_email)
        result["team_ms"], _ = one_request_ms(server.port, "/team?scope=all", manager)
        result["member_ms"], _ = one_request_ms(server.port, f"/team/{member}", manager)

        # Export.
        before = server.memory_kb()
        started = time.monotonic()
        status, _, data = request(server.port, "POST", "/exports/compliance-status.csv",
                                  "", {"Cookie": compliance})
        seconds = time.monotonic() - started
        if status != 200:
            raise SystemExit(f"export failed: {status}")
        rows = data.count(b"\n") - 1
        result["export_rows"] = rows
        result["export_rate"] = rows / seconds
        result["export_growth_mb"] = (server.memory_kb("VmHWM") - before) / 1024

        # The dashboard under load last among the reads: at large sizes its requests outlive
        # wrk's run, and nothing measured after it may share the machine with them.
        result["dashboard"] = wrk(server.port, "/compliance", headers=[f"Cookie: {compliance}"],
                                  seconds=max(2, SECONDS // 2))
        # Requests wrk left behind may run on for a while: wait until the server is quiet.
        result["dashboard_backlog_s"] = server.wait_quiet()

        # Learner writes against raw durable inserts.
        waiting = prepare_acknowledgements(path, server.port, WORK)
        result["writes_waiting"] = waiting
        result["raw_insert_rate"] = raw_insert_rate(WORK)
        if waiting >= 50:
            seconds = max(1, min(SECONDS, waiting // 800))
            writes = wrk(server.port, "/", seconds=seconds, script="ack.lua",
                         args=[os.path.join(WORK, "acks-")])
            writes["done"] = writes["requests"] - writes["bad_status"]
            writes["rate"] = writes["done"] / writes["seconds"]
            writes["ran_out"] = writes["bad_status"] > 0
            result["writes"] = writes
        result["rss_after_mb"] = server.memory_kb() / 1024
    finally:
        server.stop()
    return result


def ratio(a, b):
    return a / b if b else float("nan")


def markdown_table(results):
    """A table with a column per size; returns the lines and `row(name, target, cell)`, which adds
    a row with `cell(result)` in each column ("–" where a figure is missing)."""
    lines = [
        "| Figure | Target | " + " | ".join(f"{r['size']:,} people" for r in results) + " |",
        "|---|---|" + "---|" * len(results),
    ]

    def row(name, target, cell):
        cells = []
        for r in results:
            try:
                cells.append(cell(r))
            except (KeyError, TypeError, ZeroDivisionError):
                cells.append("–")
        lines.append(f"| {name} | {target} | " + " | ".join(cells) + " |")

    return lines, row


def table(results):
    machine = f"{os.cpu_count()} cores, {platform.machine()}, {platform.system()} {platform.release()}"
    lines, row = markdown_table(results)

    row("Organisation: completion records / obligations", "",
        lambda r: f"{r['records']:,} / {r['obligations']:,}")
    row("Generated in (`vigil demo --people N`)", "minutes at 100,000",
        lambda r: "cached" if r["generated_in"] is None else f"{r['generated_in']:.0f} s")
    row("Static file, keep-alive ÷ new connection each", "≥ 0.5",
        lambda r: f"{ratio(r['static_keepalive']['rate'], r['static_close']['rate']):.2f} "
                  f"({r['static_keepalive']['rate']:,.0f} vs {r['static_close']['rate']:,.0f} req/s)")
    row("Lesson page ÷ static file of the same bytes", "≥ 0.5",
        lambda r: f"{ratio(r['lesson']['rate'], r['static_keepalive']['rate']):.2f} "
                  f"({r['lesson']['rate']:,.0f} req/s, p99 {r['lesson']['p99_us'] / 1000:.1f} ms)")
    row("Lesson page at half the static rate: p99", "≤ 10 ms",
        lambda r: f"{r['lesson_half_rate']['p99_us'] / 1000:.1f} ms at {r['lesson_half_rate']['rate']:,.0f} req/s")
    row("Acknowledgement (ledger write) ÷ raw durable insert", "≥ 0.5, p99 ≤ 50 ms",
        lambda r: f"{ratio(r['writes']['rate'], r['raw_insert_rate']):.2f} "
                  f"({r['writes']['rate']:,.0f} vs {r['raw_insert_rate']:,.0f}/s, p99 "
                  f"{r['writes']['p99_us'] / 1000:.0f} ms{', ran out' if r['writes']['ran_out'] else ''})")
    row("Compliance dashboard, one request", "≤ 200 ms",
        lambda r: f"{r['dashboard_ms']:.0f} ms ({r['dashboard']['rate']:,.1f} req/s at {CONNECTIONS} connections)")
    row("Manager's team page, everyone below", "≤ 200 ms",
        lambda r: f"{r['team_ms']:.0f} ms ({r['team_below']:,} people below)")
    row("Team member page", "≤ 200 ms", lambda r: f"{r['member_ms']:.0f} ms")
    row("Compliance-status export", "≥ 300,000 rows/s, ≤ 30 MB growth",
        lambda r: f"{r['export_rate']:,.0f} rows/s ({r['export_rows']:,} rows), +{r['export_growth_mb']:.0f} MB")
    row("Memory (RSS): started → idle after sign-ins → after the run",
        "idle ≤ 40 MB demo, ≤ 150 MB at 100,000",
        lambda r: f"{r['start_rss_mb']:.0f} → {r['idle_rss_mb']:.0f} → {r['rss_after_mb']:.0f} MB")
    row("Cold start to first page", "≤ 200 ms", lambda r: f"{r['cold_start_ms']:.0f} ms")
    row("Start-up work in the background, waited for before measuring", "",
        lambda r: f"{r['background_s']:.0f} s")
    return machine, "\n".join(lines)


def publish(report, section="bench"):
    """Replaces the measured section of docs/performance.md, keeping the text around it."""
    path = os.path.join(ROOT, "docs", "performance.md")
    start, end = f"<!-- {section}:start -->", f"<!-- {section}:end -->"
    text = open(path).read() if os.path.exists(path) else f"# Performance\n\n{start}\n{end}\n"
    if start not in text or end not in text:
        text += f"\n{start}\n{end}\n"
    before, rest = text.split(start, 1)
    _, after = rest.split(end, 1)
    stamp = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    with open(path, "w") as out:
        out.write(f"{before}{start}\nMeasured {stamp}. {report}\n{end}{after}")
    log(f"wrote {path}")


def bundle_report(pkg):
    """What a browser downloads to hydrate a page, each file gzip-compressed as the server sends
    it: the main module (wasm and JavaScript) and, for each page, the page's own lazily loaded
    module and the shared chunks it needs (from cargo-leptos' split manifest)."""
    import gzip

    def gz(name):
        return len(gzip.compress(open(os.path.join(pkg, name), "rb").read(), 9))

    files = os.listdir(pkg)
    main = [f for f in files if f in ("vigil.wasm", "vigil.js") or f.startswith("__wasm_split") and f.endswith(".js")]
    base = sum(gz(f) for f in main)
    text = (f"\nBrowser bundle, gzip: the main module (`vigil.wasm` and its JavaScript) "
            f"{base / 1024:,.0f} KB (target ≤ 400 KB; {os.path.getsize(os.path.join(pkg, 'vigil.wasm')) / 1024:,.0f} KB raw).")
    manifest = os.path.join(pkg, "__wasm_split_manifest.json")
    if not os.path.exists(manifest):
        return text + " The bundle is not split by page.\n"
    pages = {}
    for key, chunks in json.load(open(manifest)).items():
        own = f"split_{key}.wasm"
        extra = (gz(own) if own in files else 0) + sum(gz(c + ".wasm") for c in chunks)
        pages[key.strip("_").rsplit("_", 1)[0].removesuffix("_page_view")] = base + extra
    ordered = sorted(pages.items(), key=lambda item: item[1])
    median = ordered[len(ordered) // 2]
    text += (f" With the page's own module and shared chunks, a first visit downloads "
             f"{ordered[0][1] / 1024:,.0f} KB ({ordered[0][0]}) to {ordered[-1][1] / 1024:,.0f} KB "
             f"({ordered[-1][0]}), median {median[1] / 1024:,.0f} KB ({median[0]}); the lesson page "
             f"{pages.get('lesson', 0) / 1024:,.0f} KB.\n")
    return text


def main():
    if not os.path.exists(VIGIL):
        raise SystemExit("no release build: run `make release` first")
    os.makedirs(WORK, exist_ok=True)
    os.makedirs(os.path.join(WORK, "no-content"), exist_ok=True)
    results = []
    for size in SIZES:
        log(f"measuring at {size} people")
        results.append(measure(size))
        log(json.dumps(results[-1]))
    machine, text = table(results)
    bundle = bundle_report(os.path.join(SITE, "pkg"))
    report = (f"Machine: {machine}. Release build, SQLite, `wrk -t2 -c{CONNECTIONS}` for "
              f"{SECONDS} s per figure. Command: `make bench` (BENCH_SIZES={','.join(map(str, SIZES))}).\n\n"
              + text + "\n" + bundle)
    print(report)
    publish(report)
    with open(os.path.join(WORK, "results.json"), "w") as out:
        json.dump(results, out, indent=1)
    with open(os.path.join(WORK, "report.md"), "w") as out:
        out.write(report)


if __name__ == "__main__":
    main()
