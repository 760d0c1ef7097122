#!/usr/bin/env python3
"""Cold start A/B: several `vigil` binaries started in turn on the same migrated databases, each
timed from spawning `vigil serve` to the first 200 from /login (as `make bench` times it, with
`bench.Server`). Rounds interleave the binaries so that a busy moment of the machine does not
favour one of them.

    python3 .ci/bench/cold_start.py before=/tmp/vigil-a,after=target/release/vigil \\
        postgres://u:p@127.0.0.1:5432/vigil_a,sqlite:///tmp/demo.db 5

Databases must be migrated already (`vigil demo --people N` or `vigil migrate`); SQLite ones
are started from a copy each time. The site is VIGIL_BENCH_SITE, else target/site.
"""

import os
import shutil
import statistics
import sys

import bench


def start_once(url):
    if url.startswith("sqlite://"):
        path = url[len("sqlite://"):].split("?")[0]
        copy = os.path.join(bench.WORK, "cold-start.db")
        for suffix in ("", "-wal", "-shm"):
            if os.path.exists(path + suffix):
                shutil.copy(path + suffix, copy + suffix)
            elif os.path.exists(copy + suffix):
                os.remove(copy + suffix)
        url = "sqlite://" + copy
    server = bench.Server(url)
    server.stop()
    return server.cold_start_ms


def main():
    databases = sys.argv[2].split(",")
    rounds = int(sys.argv[3]) if len(sys.argv) > 3 else 5
    times = bench.ab(start_once, sys.argv[1], databases, rounds, lambda ms: f"{ms:.0f} ms")
    for (name, url), measured in times.items():
        shown = url.split("@")[-1]
        print(f"{shown:40} {name:10} median {statistics.median(measured):4.0f} ms, "
              f"{min(measured):.0f}-{max(measured):.0f} ms over {len(measured)} starts")


if __name__ == "__main__":
    main()
