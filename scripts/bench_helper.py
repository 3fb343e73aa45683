#!/usr/bin/env python3
"""Timing helper for scripts/bench.sh.

Each subcommand times itself with a monotonic clock, so interpreter start-up
is never part of a figure.

    read ROOT...        walk every ROOT (a folder or a single file), read every
                        regular file; prints "<microseconds> <files> <bytes>"
    stat ROOT...        walk every ROOT and lstat every entry;
                        prints "<microseconds> <entries>"
    edit SRC VIEW...    append a unique line to SRC, COUNT times, and poll every
                        VIEW file until it shows that line (SRC is restored at
                        the end); prints one tab-separated line per view:
                        VIEW MEDIAN_US|timeout WORST_US|timeout MISSES EDITS,
                        then the same over all views with VIEW "all"; --raw
                        FILE also appends every latency (us, or "timeout")
"""

import argparse
import os
import random
import statistics
import sys
import time

BUF = bytearray(1 << 20)


def walk(root, on_file, on_any=None):
    """Depth-first walk using d_type only (no stat unless asked)."""
    if not os.path.isdir(root) or os.path.islink(root):
        if on_any:
            on_any(root)
        on_file(root)
        return
    if on_any:
        on_any(root)
    stack = [root]
    while stack:
        d = stack.pop()
        with os.scandir(d) as it:
            for e in it:
                if on_any:
                    on_any(e.path)
                if e.is_dir(follow_symlinks=False):
                    stack.append(e.path)
                elif e.is_file(follow_symlinks=False):
                    on_file(e.path)


def cmd_read(args):
    view = memoryview(BUF)
    files = 0
    total = 0

    def read_one(path):
        nonlocal files, total
        fd = os.open(path, os.O_RDONLY)
        try:
            while True:
                n = os.readv(fd, [view])
                if n <= 0:
                    break
                total += n
        finally:
            os.close(fd)
        files += 1

    t0 = time.perf_counter_ns()
    for root in args.roots:
        walk(root, read_one)
    dt = (time.perf_counter_ns() - t0) // 1000
    print(dt, files, total)


def cmd_stat(args):
    entries = 0

    def stat_one(path):
        nonlocal entries
        os.lstat(path)
        entries += 1

    t0 = time.perf_counter_ns()
    for root in args.roots:
        walk(root, lambda p: None, stat_one)
    dt = (time.perf_counter_ns() - t0) // 1000
    print(dt, entries)


def read_file(path):
    try:
        with open(path, "rb", buffering=0) as f:
            return f.read()
    except OSError:
        return b""


def save(src, data, mode, tmp):
    if mode == "inplace":
        with open(src, "ab") as f:
            f.write(data)
    else:
        with open(src, "rb") as f:
            old = f.read()
        with open(tmp, "wb") as f:
            f.write(old + data)
        os.rename(tmp, src)


def cmd_edit(args):
    src = args.src
    with open(src, "rb") as f:
        original = f.read()
    tmp = os.path.join(os.path.dirname(src),
                       "." + os.path.basename(src) + ".bench-tmp")
    if not original.endswith(b"\n"):
        with open(src, "ab") as f:
            f.write(b"\n")
    lat = {v: [] for v in args.views}   # microseconds, None = missed
    rng = random.Random(os.getpid())
    nonce = "%08x" % rng.getrandbits(32)
    consecutive_misses = 0
    try:
        for i in range(args.count):
            marker = ("bench-%s-%s-%d" % (args.mode, nonce, i)).encode()
            save(src, b"\n" + marker + b"\n", args.mode, tmp)
            t0 = time.perf_counter_ns()
            deadline = t0 + int(args.timeout * 1e9)
            pending = set(args.views)
            while pending:
                for v in list(pending):
                    if marker in read_file(v):
                        lat[v].append((time.perf_counter_ns() - t0) // 1000)
                        pending.discard(v)
                if not pending or time.perf_counter_ns() > deadline:
                    break
                time.sleep(args.interval)
            for v in pending:
                lat[v].append(None)
            if len(pending) == len(args.views):
                consecutive_misses += 1
                if consecutive_misses >= args.give_up:
                    break
            else:
                consecutive_misses = 0
            # Do not stay in phase with any kernel timeout.
            time.sleep(rng.uniform(0.02, 0.12))
    finally:
        with open(src, "wb") as f:
            f.write(original)
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass

    def summary(values):
        n = len(values)
        misses = sum(1 for x in values if x is None)
        if n == 0:
            return "timeout", "timeout", 0, 0
        key = [float("inf") if x is None else x for x in values]
        med = statistics.median(key)
        worst = max(key)
        fmt = lambda x: "timeout" if x == float("inf") else str(int(x))
        return fmt(med), fmt(worst), misses, n

    if args.raw:
        with open(args.raw, "a") as f:
            for v in args.views:
                for x in lat[v]:
                    f.write("timeout\n" if x is None else "%d\n" % x)
    allv = []
    for v in args.views:
        allv += lat[v]
        print("%s\t%s\t%s\t%d\t%d" % ((v,) + summary(lat[v])))
    print("all\t%s\t%s\t%d\t%d" % summary(allv))


def main():
    p = argparse.ArgumentParser(description=__doc__,
                                formatter_class=argparse.RawTextHelpFormatter)
    sub = p.add_subparsers(dest="cmd", required=True)
    r = sub.add_parser("read")
    r.add_argument("roots", nargs="+")
    s = sub.add_parser("stat")
    s.add_argument("roots", nargs="+")
    e = sub.add_parser("edit")
    e.add_argument("--mode", choices=["inplace", "rename"], required=True)
    e.add_argument("--count", type=int, default=20)
    e.add_argument("--timeout", type=float, default=5.0)
    e.add_argument("--interval", type=float, default=0.001)
    e.add_argument("--give-up", type=int, default=3,
                   help="stop after this many edits in a row seen by no view")
    e.add_argument("--raw", help="append every latency (us or 'timeout') here")
    e.add_argument("src")
    e.add_argument("views", nargs="+")
    args = p.parse_args()
    {"read": cmd_read, "stat": cmd_stat, "edit": cmd_edit}[args.cmd](args)


if __name__ == "__main__":
    try:
        sys.exit(main())
    except KeyboardInterrupt:
        sys.exit(130)
