#!/usr/bin/env python3
"""`make bench`, PostgreSQL part: the release build on PostgreSQL (TEST_POSTGRES_URL), with one
Vigil instance and then two on the same database.

Per size (BENCH_PG_SIZES, default "1000,10000"):
  - the organisation is generated into a fresh database `vigil_bench_<size>`;
  - one instance: lesson page throughput (wrk, 8 connections), dashboard and team page times;
  - a second instance started on the same database: lesson page throughput with both serving
    (two wrk runs at once, 4 connections each), as a ratio to the single instance;
  - background jobs: how many daily assignment runs each instance started for today (the
    `job_runs` table): one between them, not one each.
Writes its table to docs/performance.md between `<!-- bench-pg:start -->` and
`<!-- bench-pg:end -->` and prints it.
"""

import os
import subprocess
import sys
import threading
import time
import urllib.parse

import bench

SIZES = [int(s) for s in os.environ.get("BENCH_PG_SIZES", "1000,10000").split(",") if s]
BASE_URL = os.environ.get("TEST_POSTGRES_URL", "")


def database_url(name):
    parts = urllib.parse.urlsplit(BASE_URL)
    return urllib.parse.urlunsplit(parts._replace(path="/" + name))


def psql(url, sql):
    result = subprocess.run(["psql", url, "-v", "ON_ERROR_STOP=1", "-At", "-c", sql],
                            capture_output=True, text=True, check=True)
    return result.stdout.strip()


def fresh_database(name):
    psql(BASE_URL, f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
    psql(BASE_URL, f"CREATE DATABASE {name}")
    return database_url(name)


def generate(size):
    url = fresh_database(f"vigil_bench_{size}")
    bench.log(f"generating {size} people on PostgreSQL")
    started = time.monotonic()
    subprocess.run([bench.VIGIL, "--database", url, "demo", "--people", str(size),
                    "--content", os.path.join(bench.ROOT, "content")],
                   check=True, stdout=subprocess.DEVNULL,
                   env={**os.environ, "VIGIL_SECRET": bench.SECRET, "RUST_LOG": "warn"})
    return url, time.monotonic() - started


def lesson_rates(servers, cookie, connections):
    """Lesson page requests per second with wrk against each server at once, summed."""
    results = [None] * len(servers)

    def run(index, server):
        results[index] = bench.wrk(server.port, bench.LESSON, connections=connections,
                                   headers=[f"Cookie: {cookie}"])
        if results[index]["bad_status"] or results[index]["socket_errors"]:
            raise SystemExit(f"lesson page failed on instance {index + 1}: {results[index]}")

    threads = [threading.Thread(target=run, args=(i, s)) for i, s in enumerate(servers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sum(r["rate"] for r in results), max(r["p99_us"] for r in results) / 1000


def measure(size):
    url, generated_in = generate(size)
    result = {"size": size, "generated_in": generated_in}
    # Statistics for the planner, as autovacuum keeps them in a running deployment.
    psql(url, "ANALYZE")
    result["people"] = int(psql(url, "SELECT COUNT(*) FROM people"))
    result["obligations"] = int(psql(url, "SELECT COUNT(*) FROM compliance_state"))
    subprocess.run([bench.VIGIL, "--database", url, "migrate"], check=True,
                   stdout=subprocess.DEVNULL,
                   env={**os.environ, "VIGIL_SECRET": bench.SECRET, "RUST_LOG": "warn"})
    first = bench.Server(url)
    second = None
    try:
        result["cold_start_ms"] = first.cold_start_ms
        result["background_s"] = first.wait_quiet()
        employee = bench.sign_in(first.port, bench.EMPLOYEE)
        compliance = bench.sign_in(first.port, bench.COMPLIANCE)
        manager = bench.sign_in(first.port, bench.manager_for(size))
        result["dashboard_ms"], _ = bench.one_request_ms(first.port, "/compliance", compliance)
        result["team_ms"], _ = bench.one_request_ms(first.port, "/team?scope=all", manager)
        result["one_rate"], result["one_p99_ms"] = lesson_rates([first], employee, 8)

        # Behind one address, as with a load balancer: sessions name it as their issuer.
        second = bench.Server(url, {"VIGIL_PUBLIC_URL": f"http://127.0.0.1:{first.port}"})
        second.wait_quiet()
        # The same session works on both: they share the database and the signing secret.
        result["two_rate"], result["two_p99_ms"] = lesson_rates([first, second], employee, 4)
        today = time.strftime("%Y-%m-%d", time.gmtime())
        runs = psql(url, "SELECT instance || ' ' || (finished_at IS NOT NULL) FROM job_runs "
                         f"WHERE job = 'daily-recompute' AND period = '{today}'")
        result["daily_runs"] = [line for line in runs.splitlines() if line]
    finally:
        first.stop()
        if second:
            second.stop()
    return result


def table(results):
    lines, row = bench.markdown_table(results)

    row("Obligations", "", lambda r: f"{r['obligations']:,}")
    row("Generated in (`vigil demo --people N`)", "", lambda r: f"{r['generated_in']:.0f} s")
    row("Compliance dashboard, one request", "≤ 200 ms", lambda r: f"{r['dashboard_ms']:.0f} ms")
    row("Manager's team page, everyone below", "≤ 200 ms", lambda r: f"{r['team_ms']:.0f} ms")
    row("Lesson page, one instance", "", lambda r: f"{r['one_rate']:,.0f} req/s, p99 {r['one_p99_ms']:.1f} ms")
    row("Lesson page, two instances ÷ one", "> 1",
        lambda r: f"{r['two_rate'] / r['one_rate']:.2f} ({r['two_rate']:,.0f} req/s, p99 {r['two_p99_ms']:.1f} ms)")
    row("Daily assignment runs for today (both instances started)", "1",
        lambda r: f"{len(r['daily_runs'])} ({'; '.join(r['daily_runs'])})")
    row("Cold start to first page", "≤ 200 ms", lambda r: f"{r['cold_start_ms']:.0f} ms")
    return "\n".join(lines)


def main():
    if not BASE_URL:
        bench.log("TEST_POSTGRES_URL is not set: no PostgreSQL figures")
        return
    os.makedirs(os.path.join(bench.WORK, "no-content"), exist_ok=True)
    results = []
    for size in SIZES:
        bench.log(f"PostgreSQL: measuring at {size} people")
        results.append(measure(size))
        bench.log(str(results[-1]))
    server = psql(BASE_URL, "SHOW server_version")
    report = (f"PostgreSQL {server} on the same machine, release build, `wrk -t2` (8 connections "
              f"to one instance; 4 to each of two). Command: `make bench` with TEST_POSTGRES_URL "
              f"(BENCH_PG_SIZES={','.join(map(str, SIZES))}).\n\n" + table(results) + "\n")
    print(report)
    bench.publish(report, section="bench-pg")


if __name__ == "__main__":
    sys.exit(main())
