#!/usr/bin/env bash
# Readers and a writer at once: while an editor saves an agent by rename
# again and again, processes that open and read the claude and copilot views
# of it in a loop must each read one whole version, never a mix of two, a
# cut one or one padded to another's size. At the end the views show the
# last version, the daemon still answers, and it holds no more descriptors
# than before.
. "$(dirname "$0")/lib.sh"

# Seconds the last version may take to show (generous: machines are noisy,
# the sanitizer build is slow). Waits poll; none is a fixed sleep.
DEADLINE=3
VERSIONS=200
READERS_PER_VIEW=2
READ_SECONDS=5
# Descriptors the daemon may hold more after the run than before it.
FD_SLACK=8
PLATFORMS=claude,copilot
ID=test-engineer
A=$UNITS/frameworks/sdlc-complete/agents/$ID.md
VIEWS=(".claude/agents/$ID.md" ".github/agents/$ID.agent.md")

export LIVE_REPO=$REPO LIVE_SRC=$SRC LIVE_PLATFORMS=$PLATFORMS LIVE_VERSIONS=$SCRATCH/versions
LIVE=$SCRATCH/live.py
cat >"$LIVE" <<'PY'
"""Writer and readers of t1310.

prepare SRCFILE REL...   write the versions of SRCFILE into $LIVE_VERSIONS:
                         n.src (the source), and what each view REL shows of
                         it (n.<view index>); the source left at version 0
writer SRCFILE PERIOD    save versions 1.. by rename, one each PERIOD seconds
reader REL INDEX SECONDS OUT
                         open and read REL whole in a loop; every read must
                         be one whole version; a summary goes to OUT (JSON)
"""
import json, os, re, sys, time

sys.path.insert(0, os.environ["TESTS_FS"])
import viewcheck
from viewcheck import read_all

REPO = os.environ["LIVE_REPO"]
SRC = os.environ["LIVE_SRC"]
PLAT = os.environ["LIVE_PLATFORMS"]
VDIR = os.environ["LIVE_VERSIONS"]
BEGIN = re.compile(rb"\nVERSION (\d+) BEGIN\n")
END = re.compile(rb"\nVERSION (\d+) END\n\Z")


def render(rel):
    return viewcheck.render(SRC, rel, PLAT)


def frontmatter(data):
    end = data.index(b"\n---\n", 4) + 5
    return data[:end]


def body(n):
    # A whole distinct body: sizes from a few hundred bytes to about 16 KiB,
    # so that reads span pages and sizes go up and down.
    lines = [b"VERSION %d BEGIN" % n]
    for i in range(3 + (n * 37) % 211 + (150 if n % 3 == 0 else 0)):
        lines.append(b"version %d, line %d: the body of this version only." % (n, i))
    lines.append(b"VERSION %d END" % n)
    return b"\n" + b"\n".join(lines) + b"\n"


def rename_save(path, data):
    viewcheck.rename_save(path, data, ".swp")


def cmd_prepare(args):
    srcfile, rels = args[0], args[1:]
    fm = frontmatter(open(srcfile, "rb").read())
    n_versions = int(os.environ["LIVE_N"])
    os.makedirs(VDIR, exist_ok=True)
    # What each view adds in front of the body, from version 0 rendered.
    rename_save(srcfile, fm + body(0))
    heads = []
    for rel in rels:
        out = render(rel)
        if not out.endswith(body(0)):
            sys.exit("test error: %s does not end with the source's body" % rel)
        heads.append(out[:-len(body(0))])
    for n in range(n_versions):
        with open(os.path.join(VDIR, "%d.src" % n), "wb") as f:
            f.write(fm + body(n))
        for i, h in enumerate(heads):
            with open(os.path.join(VDIR, "%d.%d" % (n, i)), "wb") as f:
                f.write(h + body(n))
    # The last version as the renderer makes it, to catch a wrong head.
    rename_save(srcfile, fm + body(n_versions - 1))
    for i, rel in enumerate(rels):
        if render(rel) != open(os.path.join(VDIR, "%d.%d" % (n_versions - 1, i)), "rb").read():
            sys.exit("test error: %s of the last version is not head + body" % rel)
    rename_save(srcfile, fm + body(0))
    return 0


def cmd_writer(args):
    srcfile, period = args[0], float(args[1])
    n_versions = int(os.environ["LIVE_N"])
    start = time.monotonic()
    for n in range(1, n_versions):
        rename_save(srcfile, open(os.path.join(VDIR, "%d.src" % n), "rb").read())
        time.sleep(max(0.0, start + n * period - time.monotonic()))
    return 0


def cmd_reader(args):
    rel, index, seconds, out = args[0], args[1], float(args[2]), args[3]
    path = os.path.join(REPO, rel)
    want = {}
    reads = good = stat_other = 0
    seen = set()
    bad = []
    order_back = 0
    last = -1
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        try:
            fd = os.open(path, os.O_RDONLY)
            try:
                data = read_all(fd)
                fsize = os.fstat(fd).st_size
            finally:
                os.close(fd)
        except OSError as e:
            bad.append("read %d: %s" % (reads, e))
            reads += 1
            continue
        reads += 1
        b, e = BEGIN.search(data), END.search(data)
        nb = int(b.group(1)) if b else None
        ne = int(e.group(1)) if e else None
        if nb is not None and nb not in want:
            try:
                want[nb] = open(os.path.join(VDIR, "%d.%s" % (nb, index)), "rb").read()
            except OSError:
                want[nb] = None
        w = want.get(nb)
        if nb is not None and nb == ne and w is not None and data == w:
            good += 1
            seen.add(nb)
            if nb < last:
                order_back += 1
            last = nb
            if fsize != len(data):
                stat_other += 1
            continue
        if len(bad) >= 5:
            continue
        diff = None
        if w is not None:
            diff = next((i for i in range(min(len(w), len(data))) if w[i] != data[i]),
                        min(len(w), len(data)))
        bad.append("read %d: %d bytes, first line marks version %s, last line "
                   "version %s; that version has %s bytes%s; fstat size %d; "
                   "ends %r" % (reads - 1, len(data), nb, ne,
                                len(w) if w is not None else "no",
                                "" if diff is None else ", first difference at byte %d" % diff,
                                fsize, data[-70:]))
    json.dump({"view": rel, "reads": reads, "whole": good, "versions": len(seen),
               "went_back": order_back, "fstat_other_size": stat_other,
               "torn": reads - good, "examples": bad}, open(out, "w"))
    return 0 if reads and good == reads else 1


cmd, args = sys.argv[1], sys.argv[2:]
sys.exit({"prepare": cmd_prepare, "writer": cmd_writer, "reader": cmd_reader}[cmd](args))
PY
export LIVE_N=$VERSIONS

live() {
	python3 "$LIVE" "$@"
}

live prepare "$A" "${VIEWS[@]}" || { fail "cannot prepare the versions"; exit 1; }
mount_views --platforms "$PLATFORMS" --no-rewrite-refs
pid=$(daemon_pid)
check "the daemon's pid is known" [ -n "$pid" ]

# views_show N: every view shows version N whole, with its exact size.
views_show() {
	python3 - "$1" "${VIEWS[@]}" <<'PY'
import os, sys
n, rels = sys.argv[1], sys.argv[2:]
for i, rel in enumerate(rels):
    want = open(os.path.join(os.environ["LIVE_VERSIONS"], "%s.%d" % (n, i)), "rb").read()
    path = os.path.join(os.environ["LIVE_REPO"], rel)
    try:
        size = os.stat(path).st_size
        with open(path, "rb") as f:
            data = f.read()
    except OSError:
        sys.exit(1)
    if size != len(want) or data != want:
        sys.exit(1)
PY
}
check "the views show version 0 at first" views_show 0

fds() {
	ls "/proc/$pid/fd" 2>/dev/null | wc -l
}
fds_before=$(fds)

pids=()
n=0
for i in "${!VIEWS[@]}"; do
	for ((r = 0; r < READERS_PER_VIEW; r++)); do
		live reader "${VIEWS[$i]}" "$i" "$READ_SECONDS" "$SCRATCH/reader.$n.json" &
		pids+=($!)
		BG_PIDS+=($!)
		n=$((n + 1))
	done
done
# The writer saves every version within about two thirds of the reading.
live writer "$A" "$(python3 -c "print($READ_SECONDS * 0.65 / $VERSIONS)")" &
writer=$!
BG_PIDS+=("$writer")
wait "$writer" || fail "the writer failed"
for ((r = 0; r < n; r++)); do
	wait "${pids[$r]}" || true
done
for ((r = 0; r < n; r++)); do
	if [ ! -s "$SCRATCH/reader.$r.json" ]; then
		fail "reader $r left no summary"
		continue
	fi
	view=$(python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["view"])' \
		"$SCRATCH/reader.$r.json")
	python3 - "$SCRATCH/reader.$r.json" <<'PY' || fail "a reader of $view read what is not one whole version"
import json, sys
s = json.load(open(sys.argv[1]))
print("reader of %(view)s: %(reads)d reads, %(whole)d whole, %(versions)d versions "
      "seen, went back to an older version %(went_back)d times, fstat after the "
      "read gave another size %(fstat_other_size)d times" % s)
for x in s["examples"]:
    print("  " + x, file=sys.stderr)
sys.exit(0 if s["reads"] and s["whole"] == s["reads"] else 1)
PY
done

# The last version shows, in both views.
last=$((VERSIONS - 1))
check_eq "the source holds the last version" "$(cmp -s "$A" "$SCRATCH/versions/$last.src" && echo yes)" yes
wait_until "$DEADLINE" views_show "$last" || {
	fail "the views do not show version $last within ${DEADLINE}s"
	for v in "${VIEWS[@]}"; do
		echo "  $v: stat size $(stat -c %s "$REPO/$v"), read $(wc -c <"$REPO/$v") bytes," \
			"first marker: $(grep -m1 '^VERSION' "$REPO/$v")" >&2
	done
}

# The daemon still answers, and holds no more descriptors than before.
check "the daemon still serves .claude" serving
check "the daemon still serves .github" serving .github
check_eq "the same daemon serves" "$(daemon_pid)" "$pid"
# Closed files reach the daemon a little later (RELEASE is asynchronous).
fds_within() {
	[ "$(fds)" -le $((fds_before + FD_SLACK)) ]
}
wait_until "$DEADLINE" fds_within ||
	fail "the daemon's descriptors grew from $fds_before to $(fds)"
echo "daemon descriptors: $fds_before before, $(fds) after"
