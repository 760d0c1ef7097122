#!/usr/bin/env python3
"""The daily recompute A/B: `vigil assign` (the full engine run the daily job does) timed with
several binaries on fresh copies of the same generated organisation, twice in a row each (the
first run after generation brings every obligation up to today; the second is a day with nothing
new). Rounds interleave the binaries.

    python3 .ci/bench/daily.py before=/tmp/vigil-a,after=target/release/vigil 10000,100000 1

Organisations come from `target/bench/demo-N.db` (`make bench` generates them).
"""

import os
import resource
import shutil
import statistics
import subprocess
import sys
import time

import bench


def run_assign(binary, path):
    started = time.monotonic()
    subprocess.run([binary, "--database", f"sqlite://{path}", "assign"], check=True,
                   stdout=subprocess.DEVNULL,
                   env={**os.environ, "VIGIL_SECRET": bench.SECRET, "RUST_LOG": "warn"})
    return time.monotonic() - started


def measure_once(binary, size):
    source = os.path.join(bench.WORK, f"demo-{size}.db")
    copy = os.path.join(bench.WORK, "daily.db")
    for suffix in ("", "-wal", "-shm"):
        if os.path.exists(copy + suffix):
            os.remove(copy + suffix)
    shutil.copyfile(source, copy)
    first = run_assign(binary, copy)
    second = run_assign(binary, copy)
    return first, second


def main():
    binaries = dict(arg.split("=", 1) for arg in sys.argv[1].split(","))
    sizes = [int(s) for s in sys.argv[2].split(",")]
    rounds = int(sys.argv[3]) if len(sys.argv) > 3 else 1
    results = {(name, size): [] for size in sizes for name in binaries}
    for _ in range(rounds):
        for size in sizes:
            for name, binary in binaries.items():
                first, second = measure_once(binary, size)
                results[(name, size)].append((first, second))
                bench.log(f"{name} at {size}: first run {first:.1f} s, second {second:.1f} s")
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print("| People | Binary | First run after generation | Next run (nothing new) |")
    print("|---|---|---|---|")
    for (name, size), measured in results.items():
        firsts = [m[0] for m in measured]
        seconds = [m[1] for m in measured]
        print(f"| {size:,} | {name} | {statistics.median(firsts):.1f} s | "
              f"{statistics.median(seconds):.1f} s |")
    print(f"(largest resident memory of any run: {peak:.0f} MB)")


if __name__ == "__main__":
    main()
