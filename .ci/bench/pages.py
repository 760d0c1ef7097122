#!/usr/bin/env python3
"""Lesson page A/B: several `vigil` binaries, each serving a fresh copy of the same generated
organisation, measured in turn as `make bench` measures the lesson page: `wrk` with 8 kept-alive
connections on the lesson page against a static file of exactly the same bytes served by the
same server, and the lesson page paced to half the static rate for its p99. Rounds interleave
the binaries.

    python3 .ci/bench/pages.py before=/tmp/vigil-a,after=target/release/vigil 10000 2

Organisations come from `target/bench/demo-N.db` (generated with the last binary named if
missing). The site is VIGIL_BENCH_SITE, else target/site.
"""

import os

import bench


def measure_once(size):
    with bench.fresh_server(size) as (server, _):
        employee = bench.sign_in(server.port, bench.EMPLOYEE)
        _, lesson = bench.one_request_ms(server.port, bench.LESSON, employee)
        with open(os.path.join(bench.SITE, bench.STATIC_NAME), "wb") as static:
            static.write(lesson)
        static = bench.wrk(server.port, "/" + bench.STATIC_NAME)
        page = bench.wrk(server.port, bench.LESSON, headers=[f"Cookie: {employee}"])
        pause_ms = max(1, int(bench.CONNECTIONS * 1000 / (static["rate"] / 2)))
        paced = bench.wrk(server.port, bench.LESSON, headers=[f"Cookie: {employee}"],
                          script="paced.lua", args=[str(pause_ms)])
        return {"rate": page["rate"], "static": static["rate"], "p99_ms": page["p99_us"] / 1000,
                "paced_p99_ms": paced["p99_us"] / 1000, "paced_rate": paced["rate"]}


def describe(result):
    return (f"lesson {result['rate']:.0f} req/s (static {result['static']:.0f}), p99 "
            f"{result['p99_ms']:.1f} ms; paced {result['paced_rate']:.0f} req/s, p99 "
            f"{result['paced_p99_ms']:.1f} ms")


def main():
    bench.ab_main(measure_once, describe, [
        ("Lesson page req/s", lambda m: bench.spread_of(m, lambda r: r["rate"])),
        ("÷ static file", lambda m: bench.median_of(m, lambda r: r["rate"] / r["static"], ".2f")),
        ("p99", lambda m: bench.median_of(m, lambda r: r["p99_ms"], ".1f") + " ms"),
        ("Paced to half the static rate: p99",
         lambda m: bench.median_of(m, lambda r: r["paced_p99_ms"], ".1f") + " ms"),
    ])


if __name__ == "__main__":
    main()
