#!/usr/bin/env bash
# A hostile canonical tree (scripts/gen-hostile.py): frontmatter that is not
# YAML or never closes, duplicate keys, YAML alias bombs, binary junk, empty
# files, a 20 MB agent, CRLF and BOM, names with a space, a newline or bytes
# that are not UTF-8, names too long for a view's suffix, FIFOs, a socket,
# device files, symlinks to /etc/passwd and to folders outside SOURCE,
# symlink loops, commands 60 folders deep, a file nobody may read.
#
# All platforms are mounted and every file of every view is read (find +
# cat, and a Python walk) under a hard timeout. The daemon must stay alive
# (same pid before and after), every good artifact must be served byte for
# byte, nothing from outside SOURCE may appear (no /etc/passwd text, no file
# of the outside folder), and no FIFO, socket, device or symlink may be
# shown. `aiwgfs check` must exit 1 naming every hostile path with its
# reason (the unreadable file as a user who cannot read it), report no good
# source as a problem, and the daemon's log must name them all too. Then,
# while readers loop over the views, a churner deletes, recreates,
# truncates, grows and swaps source files (also for a FIFO, a symlink to
# /etc/passwd and a symlinked folder outside SOURCE) for a few seconds: the
# daemon must stay alive, no reader may hang or see outside content, and
# afterwards the views settle on the last version.
. "$(dirname "$0")/lib.sh"

SCRIPTS=${AIWGFS_SCRIPTS:-$(cd "$(dirname "$0")/../../scripts" && pwd)}
# Hard bound of each read of all the views; a read must finish well within.
READ_TIMEOUT=60
READ_WELL_WITHIN=30
# Seconds the churner changes the source; readers go on 1 s longer.
CHURN_SECONDS=5
READERS=3
# Seconds the views may take to settle after the churn.
SETTLE=10
# Every bounded step is cut to what is left of this many seconds, so that
# a daemon that hangs fails the test in bounded time, not at each step.
BUDGET=170

# left SECONDS: SECONDS, or less if the budget runs out sooner (at least 1).
left() {
	local l=$((BUDGET - SECONDS))
	((l > $1)) && l=$1
	((l < 1)) && l=1
	echo "$l"
}

HOSTILE=$SCRATCH/hostile
MANIFEST=$HOSTILE/MANIFEST.json
LOG=$SCRATCH/daemon.log
H=$SCRATCH/hostile-check.py

# --- The generator ------------------------------------------------------------
check "gen-hostile.py --help exits 0" python3 "$SCRIPTS/gen-hostile.py" --help >/dev/null
if ! python3 "$SCRIPTS/gen-hostile.py" "$HOSTILE" >"$SCRATCH/gen.out" 2>&1; then
	cat "$SCRATCH/gen.out" >&2
	fail "gen-hostile.py failed"
	exit 1
fi
before=$(find "$HOSTILE" -printf '%p %s %T@\n' 2>/dev/null | sort | sha256sum)
check "gen-hostile.py refuses a non-empty OUT_DIR" \
	eval '! python3 "$SCRIPTS/gen-hostile.py" "$HOSTILE" >/dev/null 2>&1'
check_eq "a refused OUT_DIR is left as it was" \
	"$(find "$HOSTILE" -printf '%p %s %T@\n' 2>/dev/null | sort | sha256sum)" "$before"
check "GOOD.txt lists good artifacts" [ "$(grep -c '^\.claude/' "$HOSTILE/GOOD.txt")" -ge 5 ]

# mount_views mounts $SRC: the hostile source.
SRC=$HOSTILE/src

cat >"$H" <<'PY'
"""Checks of t1400. Every problem is printed as one line "FAIL <text>";
other lines are notes. Paths in the manifest are relative to its src/.

walk REPO SETTLE VIEW...   read every file of every view; report what
                           must not be there (after SETTLE s of retries)
churn SRC SECONDS          change the churn files of SRC for SECONDS
reader REPO SECONDS OUT VIEW...
                           read the views in a loop; summary to OUT (JSON)
settle REPO SECONDS        wait until the views show the final churn files
named OUT PREFIX [CASE...] every hostile path (of the CASEs given, or all)
                           is named on a line of OUT that starts with PREFIX
                           and the escaped path (or a folder above it), and
                           the rest of the line matches the case's reason;
                           no problem is reported of a good source
"""
import errno, json, os, random, re, stat, sys, time

MAN = json.load(open(os.environ["T_MANIFEST"]))
HOST = os.path.dirname(os.environ["T_MANIFEST"])
SRC = os.path.join(HOST, MAN["source"])
MARKER = MAN["outside_marker"].encode()
try:
    PASSWD = open("/etc/passwd", "rb").read().split(b"\n")[0]
except OSError:
    PASSWD = b""
LEAKS = [MARKER, b"root:x:0:0:"] + ([PASSWD] if len(PASSWD) > 8 else [])
problems = 0


def bad(msg):
    global problems
    problems += 1
    print("FAIL " + msg.replace("\n", "\\n"))
    sys.stdout.flush()


def show(b):
    """Bytes for a message: printable, escapes for the rest."""
    if isinstance(b, str):
        b = os.fsencode(b)
    return b.decode("ascii", "backslashreplace").replace("\n", "\\n")



def hostile():
    for h in MAN["hostile"]:
        h = dict(h)
        h["rel"] = os.fsencode(h["path"])
        yield h


def leak_in(data):
    return next((l for l in LEAKS if l in data), None)


# --- reading the views ---------------------------------------------------
def read_all(path, deadline_op=10.0):
    """Read a file whole without blocking on what is not a regular file."""
    t = time.monotonic()
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_NOFOLLOW)
    try:
        size = os.fstat(fd).st_size
        chunks = []
        while True:
            b = os.read(fd, 1 << 20)
            if not b:
                break
            chunks.append(b)
    finally:
        os.close(fd)
    took = time.monotonic() - t
    return b"".join(chunks), size, took


def entries(root, out=None):
    """(path bytes, lstat) of every entry under root, root included; an
    entry listed but gone by lstat goes to list `out` when given."""
    root = os.fsencode(root)
    st = os.lstat(root)
    yield root, st
    if not stat.S_ISDIR(st.st_mode):
        return
    for d, dirs, files in os.walk(root, followlinks=False):
        for n in dirs + files:
            p = os.path.join(d, n)
            try:
                yield p, os.lstat(p)
            except OSError as e:
                if out is not None:
                    out.append("%s is listed but lstat fails: %s" % (show(p), e))


def walk_once(repo, views):
    """Problems of one read of every view, and what was read."""
    tokens = [t.encode() for t in MAN["never_shown"]]
    out = []
    n = total = 0
    for v in views:
        for p, st in entries(v, out):
            name = os.path.basename(p)
            rel = show(os.path.relpath(p, os.fsencode(repo)))
            for tok in tokens:
                if tok in name:
                    out.append("%s is shown: its source must be skipped (%s)"
                               % (rel, tok.decode()))
            m = st.st_mode
            if stat.S_ISDIR(m):
                continue
            if not stat.S_ISREG(m):
                out.append("%s is shown as %s" % (rel, {
                    stat.S_IFIFO: "a FIFO", stat.S_IFSOCK: "a socket",
                    stat.S_IFCHR: "a character device",
                    stat.S_IFBLK: "a block device",
                    stat.S_IFLNK: "a symlink"}.get(stat.S_IFMT(m), oct(m))))
                continue
            try:
                data, size, took = read_all(p)
            except OSError as e:
                out.append("%s cannot be read: %s" % (rel, e))
                continue
            n += 1
            total += len(data)
            if len(data) != size or st.st_size != size:
                out.append("%s: stat size %d, fstat size %d, read %d bytes"
                           % (rel, st.st_size, size, len(data)))
            leak = leak_in(data)
            if leak:
                out.append("%s shows text from outside SOURCE: %s"
                           % (rel, show(leak[:60])))
            if took > 10:
                out.append("%s took %.1f s to read" % (rel, took))
    if n < 20:
        out.append("only %d files were read" % n)
    return out, n, total


def cmd_walk(repo, settle, views):
    """Read every view; when SETTLE > 0, read again until a read finds no
    problem or SETTLE seconds passed, and report the last read."""
    t0 = time.monotonic()
    tries = 0
    while True:
        tries += 1
        t = time.monotonic()
        out, n, total = walk_once(repo, views)
        if not out or time.monotonic() - t0 >= float(settle):
            break
        time.sleep(0.2)
    print("note: read %d files, %d bytes in %.1f s (%d reads of all)"
          % (n, total, time.monotonic() - t, tries))
    for o in out:
        bad(o)


# --- churn ---------------------------------------------------------------
FW = "agentic/code/frameworks/fw"
CHURN = {
    "agents/churn-a.md": "agent", "agents/churn-b.md": "agent",
    "commands/churn/churn-cmd.md": "command", "rules/churn-rule.md": "rule",
    "skills/churn-skill/SKILL.md": "skill", "skills/churn-skill/data.txt": "data",
}
CHURN_VIEWS = [
    ".claude/agents/churn-a.md", ".claude/agents/churn-b.md",
    ".github/agents/churn-a.agent.md", ".codex/agents/churn-b.toml",
    ".claude/commands/churn-cmd.md", ".github/prompts/churn-cmd.prompt.md",
    ".claude/rules/churn-rule.md", ".cursor/rules/churn-rule.mdc",
    ".claude/skills/churn-skill/SKILL.md", ".claude/skills/churn-skill/data.txt",
    ".agents/skills/churn-skill/data.txt", "AGENTS.md",
]


def churn_text(kind, n, size=0):
    body = ("Churn version %d. " % n) * max(1, size // 18) + "\n"
    if kind == "data":
        return ("data version %d\n" % n + body).encode()
    if kind == "rule":
        return ("# Churn rule\n\nVersion %d.\n\n" % n + body).encode()
    head = {"agent": "---\ndescription: Churn agent version %d\nmodel: sonnet\n---\n",
            "command": "---\ndescription: Churn command version %d\n---\n",
            "skill": "---\nname: churn-skill\ndescription: Churn skill version %d\n---\n"}
    return ((head[kind] % n) + "\n# Churn\n\n" + body).encode()


FINAL = 999999


def churn_write_all(src, n):
    for rel, kind in CHURN.items():
        p = os.path.join(src, FW, rel)
        os.makedirs(os.path.dirname(p), exist_ok=True)
        tmp = p + ".tmp"
        with open(tmp, "wb") as f:
            f.write(churn_text(kind, n, 200))
        os.rename(tmp, p)


def cmd_churn_init(src):
    churn_write_all(src, 0)


def cmd_churn(src, seconds):
    rng = random.Random(1400)
    fw = os.path.join(src, FW)
    outside = os.path.join(HOST, MAN["outside"], "skill")
    skill = os.path.join(fw, "skills/churn-skill")
    end = time.monotonic() + float(seconds)
    n = ops = 0
    while time.monotonic() < end:
        n += 1
        rel = rng.choice(sorted(CHURN))
        kind, p = CHURN[rel], os.path.join(fw, rel)
        op = rng.randrange(10)
        try:
            if op == 0:        # vanish and come back
                os.unlink(p)
                time.sleep(rng.random() * 0.01)
                open(p, "wb").write(churn_text(kind, n, rng.randrange(300000)))
            elif op == 1:      # truncate to nothing
                os.truncate(p, 0)
            elif op == 2:      # grow (a hole of zeros) or shrink in place
                os.truncate(p, rng.randrange(1, 400000))
            elif op == 3:      # rewrite in place, longer or shorter
                with open(p, "r+b") as f:
                    f.write(churn_text(kind, n, rng.randrange(100000)))
            elif op == 4:      # an editor's save by rename
                open(p + ".swp", "wb").write(churn_text(kind, n, rng.randrange(50000)))
                os.rename(p + ".swp", p)
            elif op == 5:      # a FIFO in its place for a moment
                os.mkfifo(p + ".fifo")
                os.rename(p + ".fifo", p)
                time.sleep(rng.random() * 0.02)
                open(p + ".swp", "wb").write(churn_text(kind, n, 100))
                os.rename(p + ".swp", p)
            elif op == 6:      # a symlink to /etc/passwd in its place
                os.symlink("/etc/passwd", p + ".lnk")
                os.rename(p + ".lnk", p)
                time.sleep(rng.random() * 0.02)
                open(p + ".swp", "wb").write(churn_text(kind, n, 100))
                os.rename(p + ".swp", p)
            elif op == 7:      # the skill folder becomes a symlink out of SOURCE
                os.rename(skill, skill + ".away")
                os.symlink(os.path.relpath(outside, os.path.dirname(skill)), skill)
                time.sleep(rng.random() * 0.02)
                os.unlink(skill)
                os.rename(skill + ".away", skill)
            elif op == 8:      # the skill folder vanishes and comes back
                os.rename(skill, skill + ".away")
                time.sleep(rng.random() * 0.01)
                os.rename(skill + ".away", skill)
            else:              # a quick series of small writes
                with open(p, "wb") as f:
                    for i in range(20):
                        f.write(churn_text(kind, n, 50))
                        f.flush()
            ops += 1
        except OSError as e:
            print("note: churn op %d on %s: %s" % (op, rel, e))
        # whatever happened, the next op starts from a sane tree
        if os.path.islink(skill):
            os.unlink(skill)
        if os.path.isdir(skill + ".away") and not os.path.lexists(skill):
            os.rename(skill + ".away", skill)
        for r, k in CHURN.items():
            q = os.path.join(fw, r)
            if not os.path.lexists(q) or not stat.S_ISREG(os.lstat(q).st_mode):
                if os.path.lexists(q):
                    os.unlink(q)
                os.makedirs(os.path.dirname(q), exist_ok=True)
                open(q, "wb").write(churn_text(k, n, 100))
        time.sleep(rng.random() * 0.005)
    churn_write_all(src, FINAL)
    print("note: churn made %d changes" % ops)


def cmd_reader(repo, seconds, out, views):
    end = time.monotonic() + float(seconds)
    reads = errors = passes = 0
    slowest = 0.0
    errs = {}
    leaks = []
    while time.monotonic() < end:
        passes += 1
        paths = [os.path.join(repo, v) for v in CHURN_VIEWS]
        for v in views:
            try:
                for p, st in entries(v):
                    if stat.S_ISREG(st.st_mode):
                        paths.append(os.fsdecode(p))
            except OSError as e:
                errs[e.errno] = errs.get(e.errno, 0) + 1
        for p in paths:
            if time.monotonic() >= end:
                break
            t = time.monotonic()
            try:
                data, size, took = read_all(p)
                reads += 1
                l = leak_in(data)
                if l and len(leaks) < 5:
                    leaks.append("%s: %s" % (os.path.relpath(p, repo), show(l[:60])))
            except OSError as e:
                errors += 1
                errs[e.errno] = errs.get(e.errno, 0) + 1
            slowest = max(slowest, time.monotonic() - t)
    json.dump({"reads": reads, "errors": errors, "passes": passes,
               "errnos": {errno.errorcode.get(k, str(k)): v for k, v in errs.items()},
               "slowest": round(slowest, 3), "leaks": leaks}, open(out, "w"))


def cmd_settle(repo, seconds):
    """The claude views of the churn files show the final version."""
    want = {
        ".claude/agents/churn-a.md": churn_text("agent", FINAL, 200),
        ".claude/rules/churn-rule.md": churn_text("rule", FINAL, 200),
        ".claude/commands/churn-cmd.md": churn_text("command", FINAL, 200),
        ".claude/skills/churn-skill/data.txt": churn_text("data", FINAL, 200),
        ".agents/skills/churn-skill/data.txt": churn_text("data", FINAL, 200),
    }
    end = time.monotonic() + float(seconds)
    while True:
        wrong = []
        for rel, w in want.items():
            p = os.path.join(repo, rel)
            try:
                data, size, _ = read_all(p)
                if data != w or size != len(w) or os.stat(p).st_size != len(w):
                    wrong.append("%s: %d bytes (stat %d), want %d" % (
                        rel, len(data), os.stat(p).st_size, len(w)))
            except OSError as e:
                wrong.append("%s: %s" % (rel, e))
        if not wrong:
            return
        if time.monotonic() > end:
            for w in wrong:
                bad("%d s after the churn: %s" % (int(float(seconds)), w))
            return
        time.sleep(0.05)


# --- what check and the log say --------------------------------------------
def utf8_len(b, i):
    """Length of the valid UTF-8 sequence at b[i], or 0 (like the C side)."""
    c = b[i]
    n = 1 if c < 0x80 else 2 if 0xc2 <= c <= 0xdf else \
        3 if 0xe0 <= c <= 0xef else 4 if 0xf0 <= c <= 0xf4 else 0
    try:
        b[i:i + n].decode("utf-8")
        return n if n and len(b[i:i + n]) == n else 0
    except UnicodeDecodeError:
        return 0


def escaped(b):
    """A path as aiwgfs prints it: control and non-UTF-8 bytes escaped,
    C1 controls (U+0080 to U+009F) by their code point."""
    out, i = [], 0
    while i < len(b):
        c, n = b[i], utf8_len(b, i)
        if n == 2 and c == 0xc2 and b[i + 1] <= 0x9f:
            out.append("\\u%04x" % b[i + 1])
            i += 2
            continue
        if n and c >= 0x20 and c != 0x7f and c != 0x5c:
            out.append(b[i:i + n].decode())
            i += n
            continue
        out.append({0x5c: "\\\\", 10: "\\n", 9: "\\t", 13: "\\r"}.get(
            c, "\\x%02x" % c))
        i += 1
    return "".join(out)


def cmd_named(out_file, prefix, cases):
    lines = open(out_file, encoding="utf-8", errors="replace").read().split("\n")
    src = os.fsencode(SRC)
    unit = os.fsencode(os.path.join(SRC, "agentic/code/frameworks/fw"))
    named = 0
    for h in hostile():
        if cases and h["case"] not in cases:
            continue
        if h["expect"] == "named-unless-root" and os.geteuid() == 0 and \
                not os.environ.get("T_AS_USER"):
            continue
        if h["expect"] == "named-unless-served" and os.path.exists(
                os.path.join(os.environ["T_REPO"], MAN["deep_view"])):
            continue
        path = os.path.join(src, h["rel"])
        heads = [prefix + escaped(path) + ":"]
        p = os.path.dirname(path)
        while len(p) > len(unit):
            heads.append(prefix + escaped(p) + ":")
            p = os.path.dirname(p)
        hits = [l for l in lines if any(l.startswith(x) for x in heads)]
        if not hits:
            bad("%s (%s) is not named" % (show(h["rel"]), h["case"]))
        elif not any(re.search(h["reason"], l.split(":", 1)[1], re.I)
                     for l in hits):
            bad("%s (%s): no reason matching /%s/: %s" % (
                show(h["rel"]), h["case"], h["reason"], hits[0][:200]))
        else:
            named += 1
    for g in MAN["good"]:
        head = prefix + escaped(os.path.join(src, os.fsencode(g["source"])))
        for l in lines:
            if l.startswith(head + ":") and ": problem:" in l:
                bad("a good source is reported: " + l[:200])
    print("%d hostile paths named" % named)
    if not named:
        bad("nothing was named")


cmd, a = sys.argv[1], sys.argv[2:]
if cmd == "walk":
    cmd_walk(a[0], a[1], a[2:])
elif cmd == "churn-init":
    cmd_churn_init(*a)
elif cmd == "churn":
    cmd_churn(*a)
elif cmd == "reader":
    cmd_reader(a[0], a[1], a[2], a[3:])
elif cmd == "settle":
    cmd_settle(*a)
elif cmd == "named":
    cmd_named(a[0], a[1], a[2:])
else:
    sys.exit("unknown command " + cmd)
sys.exit(1 if problems else 0)
PY
export T_MANIFEST=$MANIFEST T_REPO=$REPO

# hc WHAT TIMEOUT ARGS...: run a check of $H bounded in time; each line
# "FAIL text" is a failure, notes are shown; a timeout is a failure.
hc() {
	local what=$1 secs=$2 rc=0 line out=$SCRATCH/hc.out
	shift 2
	secs=$(left "$secs")
	timeout -k 5 "$secs" python3 "$H" "$@" >"$out" 2>&1 </dev/null || rc=$?
	while IFS= read -r line; do
		case $line in
		"FAIL "*) fail "$what: ${line#FAIL }" ;;
		*) echo "$TEST_NAME: $what: $line" ;;
		esac
	done <"$out"
	if [ "$rc" -eq 124 ] || [ "$rc" -eq 137 ]; then
		fail "$what: did not finish within $secs s (a read hangs?)"
	elif [ "$rc" -ne 0 ] && ! grep -q '^FAIL ' "$out"; then
		fail "$what: exited $rc"
	fi
	return 0
}

# --- The mount ----------------------------------------------------------------
hc "churn files" 30 churn-init "$SRC"
# In the foreground, so that its log (warnings about bad files) is seen.
timeout -k 5 "$(left "$BUDGET")" "$AIWGFS" mount "$SRC" "$REPO" --foreground >"$LOG" 2>&1 </dev/null &
BG_PIDS+=($!)
mounter=$!
if ! wait_until "$(left 60)" grep -q '^mounted \.claude' "$LOG"; then
	cat "$LOG" >&2
	fail "mount of the hostile tree did not come up"
	exit 1
fi
if ! wait_until 10 serving; then
	fail "the daemon does not answer on .claude"
	exit 1
fi
mapfile -t VIEWS < <(mounted_under "$REPO/" | sort)
check "every platform's views are mounted (${#VIEWS[@]})" [ "${#VIEWS[@]}" -ge 12 ]
pid=$(daemon_pid)
echo "$TEST_NAME: daemon pid $pid, ${#VIEWS[@]} views"

# alive: the daemon answers on .claude with the pid it had.
alive() {
	[ "$(daemon_pid)" = "$pid" ] && kill -0 "$pid" 2>/dev/null
}

# --- Read everything ----------------------------------------------------------
start=$(date +%s)
rc=0
timeout -k 5 "$(left "$READ_TIMEOUT")" bash -c '
	for v in "$@"; do
		find "$v" -type f -print0 | xargs -0 -r cat >/dev/null || exit 1
	done' _ "${VIEWS[@]}" >"$SCRATCH/cat.err" 2>&1 || rc=$?
if [ "$rc" -eq 124 ] || [ "$rc" -eq 137 ]; then
	fail "find + cat of every view did not finish within $READ_TIMEOUT s"
elif [ "$rc" -ne 0 ]; then
	fail "find + cat of every view failed: $(head -5 "$SCRATCH/cat.err")"
fi
hc "python walk" "$READ_TIMEOUT" walk "$REPO" 0 "${VIEWS[@]}"
took=$(($(date +%s) - start))
echo "$TEST_NAME: reading every view took $took s"
check "reading every view took $took s, well within $READ_TIMEOUT s" [ "$took" -le "$READ_WELL_WITHIN" ]
check "the daemon is alive with pid $pid after reading everything" alive

# Nothing special is shown, whatever the view (find sees types, not names).
special=$(find "${VIEWS[@]}" ! -type f ! -type d -printf '%y %p\n' 2>&1 | head -10)
check_eq "no FIFO, socket, device or symlink in any view" "$special" ""
marker=$(python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["outside_marker"])' "$MANIFEST")
leaks=$(grep -rlaF -e "$marker" -e "root:x:0:0:" "${VIEWS[@]}" 2>/dev/null | head -5 || true)
check_eq "no text from outside SOURCE in any view (grep)" "$leaks" ""

# --- Good and unusual-but-fine artifacts ------------------------------------------
python3 - "$MANIFEST" >"$SCRATCH/good.list" <<'PY'
import json, sys
m = json.load(open(sys.argv[1]))
for g in m["good"] + m["served"]:
    print(g["view"] + "\t" + g["source"])
PY
n=0
while IFS=$'\t' read -r view source; do
	check "$view is a regular file" [ -f "$REPO/$view" ]
	claude_view_of "$SRC/$source" >"$SCRATCH/want" || fail "claude_view_of $source"
	check "$view shows its source $source" cmp -s "$SCRATCH/want" "$REPO/$view"
	n=$((n + 1))
done <"$SCRATCH/good.list"
check "GOOD.txt matches the manifest" cmp -s <(cut -f1 "$SCRATCH/good.list" | grep -vx '.claude/agents/crlf-bom.md' |
	grep -vx '.claude/agents/with space.md') "$HOSTILE/GOOD.txt"
check "good and served artifacts were compared ($n)" [ "$n" -ge 9 ]
check "the good skill's script stays executable" [ -x "$REPO/.claude/skills/good-skill/scripts/run.sh" ]
# CRLF and BOM: the frontmatter is recognized (cursor keeps only its fields).
c=$REPO/.cursor/agents/crlf-bom.md
check "cursor's crlf-bom agent has its description" grep -qF "CRLF and BOM agent" "$c"
check "cursor's crlf-bom agent has no source-only field (frontmatter read)" \
	eval '! grep -qF crlf-category-marker "$c"'
check "cursor's crlf-bom agent starts with its frontmatter" cmp -s -n 4 <(printf -- '---\n') "$c"
for v in .github/agents/good-one.agent.md .cursor/agents/good-two.md .codex/agents/good-one.toml \
	.agents/skills/good-skill/SKILL.md .github/prompts/good-cmd.prompt.md .cursor/rules/good-rule.mdc; do
	check "$v is served" [ -s "$REPO/$v" ]
done
check "AGENTS.md lists good-one" grep -q "good-one" "$REPO/AGENTS.md"

# --- What check and the log say of every bad file ----------------------------
rc=0
"$AIWGFS" check "$SRC" >"$SCRATCH/check.out" 2>&1 || rc=$?
check_eq "check exits 1 on the hostile tree" "$rc" 1
hc "check names every hostile path" 30 named "$SCRATCH/check.out" ""
# The unreadable file, as a user who cannot read it (root reads anything).
if [ "$(id -u)" = 0 ] && command -v setpriv >/dev/null; then
	d=$SCRATCH
	while [ "$d" != / ]; do chmod o+x "$d"; d=$(dirname "$d"); done
	rc=0
	setpriv --reuid=nobody --regid=nogroup --clear-groups "$AIWGFS" check "$SRC" \
		>"$SCRATCH/check-nobody.out" 2>&1 || rc=$?
	check_eq "check as nobody exits 1" "$rc" 1
	T_AS_USER=1 hc "check as nobody names the unreadable file" 30 \
		named "$SCRATCH/check-nobody.out" "" unreadable
fi
# The daemon logs its warnings once the views are up.
wait_until 10 grep -q 'fifo-agent\.md' "$LOG" || true
hc "the daemon's log names every hostile path" 30 \
	named "$LOG" "aiwgfs: warning: "

# --- Vanishing files ------------------------------------------------------------
# Readers loop over every view while the churner changes the source.
for i in $(seq "$READERS"); do
	timeout -k 5 "$(left 60)" python3 "$H" reader "$REPO" $((CHURN_SECONDS + 1)) \
		"$SCRATCH/reader.$i" "${VIEWS[@]}" >"$SCRATCH/reader.$i.out" 2>&1 </dev/null &
	BG_PIDS+=($!)
	rpids[i]=$!
done
hc "churn" 60 churn "$SRC" "$CHURN_SECONDS"
for i in $(seq "$READERS"); do
	rc=0
	wait "${rpids[i]}" || rc=$?
	if [ "$rc" -eq 124 ] || [ "$rc" -eq 137 ]; then
		fail "reader $i did not finish in time: a read hangs"
	elif [ "$rc" -ne 0 ]; then
		fail "reader $i exited $rc: $(head -5 "$SCRATCH/reader.$i.out")"
	elif [ -s "$SCRATCH/reader.$i" ]; then
		echo "$TEST_NAME: reader $i: $(cat "$SCRATCH/reader.$i")"
		while IFS= read -r l; do fail "$l"; done < <(python3 - "$SCRATCH/reader.$i" "$i" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
if r["leaks"]:
    print("reader %s saw text from outside SOURCE during the churn: %s" % (sys.argv[2], "; ".join(r["leaks"])))
if r["slowest"] > 10:
    print("reader %s: one read took %.1f s during the churn" % (sys.argv[2], r["slowest"]))
if r["reads"] < 50:
    print("reader %s read only %d files during the churn" % (sys.argv[2], r["reads"]))
PY
		)
	fi
done
check "the daemon is alive with pid $pid after the churn" alive
hc "after the churn" 30 settle "$REPO" "$SETTLE"
hc "python walk after the churn" "$READ_TIMEOUT" walk "$REPO" "$SETTLE" "${VIEWS[@]}"
check "the daemon is alive with pid $pid at the end" alive
check "the mount process is still running" kill -0 "$mounter"

# The log, for whoever reads a failure.
if [ "$failures" -gt 0 ]; then
	echo "$TEST_NAME: daemon log (first 40 lines):"
	head -40 "$LOG" | cut -c1-240 | sed 's/^/    /'
fi
