#!/usr/bin/env python3
"""Learner writes A/B: several `vigil` binaries, each serving a fresh copy of the same generated
organisation, measured in turn with the acknowledgement load of `make bench` (`ack.lua`: every
request a new ledger write, 8 connections) against raw single-row durable SQLite inserts
measured just before on the same disk. Rounds interleave the binaries so that a busy moment of
the machine does not favour one of them.

    python3 .ci/bench/writes.py before=/tmp/vigil-a,after=target/release/vigil 1000,10000 2

Organisations come from `target/bench/demo-N.db` (generated with the last binary named if
missing, as `make bench` does). The site is VIGIL_BENCH_SITE, else target/site.
"""

import os

import bench


def measure_once(size):
    with bench.fresh_server(size) as (server, path):
        waiting = bench.prepare_acknowledgements(path, server.port, bench.WORK)
        raw = bench.raw_insert_rate(bench.WORK)
        seconds = max(1, min(bench.SECONDS, waiting // 800))
        writes = bench.wrk(server.port, "/", seconds=seconds, script="ack.lua",
                           args=[os.path.join(bench.WORK, "acks-")])
        done = writes["requests"] - writes["bad_status"]
        return {"rate": done / writes["seconds"], "raw": raw, "p99_ms": writes["p99_us"] / 1000,
                "ran_out": writes["bad_status"] > 0}


def describe(result):
    return (f"{result['rate']:.0f}/s (raw {result['raw']:.0f}/s, p99 {result['p99_ms']:.1f} ms"
            f"{', ran out of people' if result['ran_out'] else ''})")


def main():
    bench.ab_main(measure_once, describe, [
        ("Acknowledgements per second", lambda m: bench.spread_of(m, lambda r: r["rate"])),
        ("÷ raw durable insert", lambda m: bench.median_of(m, lambda r: r["rate"] / r["raw"], ".2f")),
        ("p99", lambda m: bench.median_of(m, lambda r: r["p99_ms"], ".1f") + " ms"),
    ])


if __name__ == "__main__":
    main()
