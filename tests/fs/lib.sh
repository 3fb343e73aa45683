# lib.sh - shared setup of the mount tests. Source it from a tNNNN-*.sh.
#
# Gives each test a fresh scratch folder with a git repository ($REPO) and a
# private copy of the example tree ($SRC), and unmounts everything at exit,
# failing the test if anything stays mounted.
set -euo pipefail

: "${AIWGFS:?set AIWGFS to the aiwgfs binary}"
: "${AIWGFS_EXAMPLES:?set AIWGFS_EXAMPLES to the examples folder}"

TEST_NAME=$(basename "$0" .sh)
# This folder: embedded Python finds the shared checks (viewcheck.py) here,
# and leaves no __pycache__ behind in it.
TESTS_FS=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
export TESTS_FS PYTHONDONTWRITEBYTECODE=1
SCRATCH=$(mktemp -d "/tmp/aiwgfs-$TEST_NAME.XXXXXX")
REPO=$SCRATCH/repo
SRC=$SCRATCH/src
failures=0

# A detached daemon has no stderr: sanitizer reports go to files that the
# teardown checks once the daemon has exited.
export ASAN_OPTIONS="log_path=$SCRATCH/sanitizer:detect_leaks=1:${ASAN_OPTIONS:-}"
export UBSAN_OPTIONS="log_path=$SCRATCH/sanitizer:print_stacktrace=1:${UBSAN_OPTIONS:-}"

fail() {
	echo "FAIL: $TEST_NAME: $*" >&2
	failures=$((failures + 1))
}

# check DESCRIPTION COMMAND...: run COMMAND, fail with DESCRIPTION if false.
check() {
	local what=$1
	shift
	if ! "$@"; then
		fail "$what"
	fi
}

# check_eq DESCRIPTION GOT WANT
check_eq() {
	if [ "$2" != "$3" ]; then
		fail "$1: got '$2', want '$3'"
	fi
}

mounted_under() {
	awk -v d="$1" '$0 ~ / - fuse\.aiwgfs / && index($5, d) == 1 { print $5 }' \
		/proc/self/mountinfo
}

# Wait up to 10 s for every aiwgfs process started on this scratch folder.
wait_daemons() {
	local i
	for i in $(seq 100); do
		pgrep -f "aiwgfs.*$SCRATCH" >/dev/null || return 0
		sleep 0.1
	done
	echo "FAIL: $TEST_NAME: a daemon did not exit:" >&2
	pgrep -af "aiwgfs.*$SCRATCH" >&2
	return 1
}

# Repositories besides $REPO that a test mounts into, and processes it
# started in the background (by pid); teardown unmounts and ends them.
EXTRA_REPOS=()
BG_PIDS=()
# Commands (one string each) that teardown runs last, before removing
# $SCRATCH: unmounting a scratch file system, say.
CLEANUPS=()

teardown() {
	local rc=$? r p
	for p in "${BG_PIDS[@]}"; do
		kill -TERM "$p" 2>/dev/null || true
	done
	for r in "$REPO" "${EXTRA_REPOS[@]}"; do
		timeout 60 "$AIWGFS" umount "$r" >/dev/null 2>&1 || true
	done
	for p in "${BG_PIDS[@]}"; do
		timeout 10 tail --pid="$p" -f /dev/null 2>/dev/null || kill -KILL "$p" 2>/dev/null || true
	done
	wait_daemons || rc=1
	for p in "${CLEANUPS[@]}"; do
		eval "$p" || rc=1
	done
	if compgen -G "$SCRATCH/sanitizer*" >/dev/null; then
		echo "FAIL: $TEST_NAME: sanitizer reports:" >&2
		cat "$SCRATCH"/sanitizer* >&2
		rc=1
	fi
	if [ -n "$(mounted_under "$SCRATCH")" ]; then
		echo "FAIL: $TEST_NAME: still mounted after umount:" >&2
		mounted_under "$SCRATCH" >&2
		rc=1
		for m in $(mounted_under "$SCRATCH"); do umount -l "$m" || true; done
	fi
	rm -rf "$SCRATCH"
	if [ $rc -eq 0 ] && [ $failures -gt 0 ]; then
		rc=1
	fi
	if [ $rc -eq 0 ]; then
		echo "ok: $TEST_NAME"
	else
		echo "FAILED: $TEST_NAME ($failures failures, exit $rc)" >&2
	fi
	exit $rc
}
trap teardown EXIT

mkdir -p "$REPO"
cp -a "$AIWGFS_EXAMPLES/aiwg" "$SRC"
git -C "$REPO" init -q
git -C "$REPO" config user.email test@example.invalid
git -C "$REPO" config user.name test

# The canonical folder of the example tree's units.
UNITS=$SRC/agentic/code

# mount_views [ARGS...]: mount $SRC into $REPO; fail the test if it fails.
mount_views() {
	if ! timeout 60 "$AIWGFS" mount "$SRC" "$REPO" "$@" >"$SCRATCH/mount.out" 2>&1; then
		cat "$SCRATCH/mount.out" >&2
		fail "mount failed"
		exit 1
	fi
}

# The pid of the daemon serving $REPO's .claude view.
daemon_pid() {
	getfattr --only-values -n user.aiwgfs.status "$REPO/${1:-.claude}" \
		2>/dev/null | awk '$1 == "pid" { print $2 }'
}

# A snapshot of every file under a folder: path, mode, content hash.
snapshot() {
	(cd "$1" && find . -path ./.git -prune -o -print0 | sort -z |
		xargs -0 stat -c '%n %f %s' && find . -path ./.git -prune -o \
		-type f -print0 | sort -z | xargs -0 -r sha256sum)
}

# commit_baseline TEXT: commit a README.md holding TEXT to $REPO, then keep
# what the test compares against at the end: git's exclude file ($EXCLUDE,
# copied to $SCRATCH/exclude.before) and a snapshot ($SCRATCH/before).
commit_baseline() {
	echo "$1" >"$REPO/README.md"
	git -C "$REPO" add -A
	git -C "$REPO" commit -qm initial
	EXCLUDE=$REPO/.git/info/exclude
	cp "$EXCLUDE" "$SCRATCH/exclude.before"
	snapshot "$REPO" >"$SCRATCH/before"
}

# check_as_before DESCRIPTION: snapshot $REPO again; fail with DESCRIPTION,
# showing the difference, unless it is as $SCRATCH/before.
check_as_before() {
	snapshot "$REPO" >"$SCRATCH/after"
	if ! cmp -s "$SCRATCH/before" "$SCRATCH/after"; then
		diff "$SCRATCH/before" "$SCRATCH/after" >&2 || true
		fail "$1"
	fi
}

# aiwgfs ARGS...: run the binary, bounded in time.
aiwgfs() {
	timeout 60 "$AIWGFS" "$@"
}

# wait_until SECONDS COMMAND...: run COMMAND every 50 ms until it succeeds;
# false if it never did within SECONDS.
wait_until() {
	local i n=$(($1 * 20))
	shift
	for ((i = 0; i < n; i++)); do
		if "$@"; then
			return 0
		fi
		sleep 0.05
	done
	return 1
}

# gone PID: whether process PID has ended (a zombie that nobody reaped yet
# counts as ended).
gone() {
	local state
	state=$(sed 's/.*) //' "/proc/$1/stat" 2>/dev/null | cut -d' ' -f1) || true
	[ -z "$state" ] || [ "$state" = Z ]
}

# nothing_mounted DIR: whether no aiwgfs mount is at or below DIR.
nothing_mounted() {
	[ -z "$(mounted_under "$1")" ]
}

# exclude_block DIR FILE: the marked aiwgfs block for the work tree at DIR
# in git's exclude file FILE (empty if there is none).
exclude_block() {
	awk -v d="$1" '
		function names_dir(line) {
			return line ~ / / && (index(line, " " d " ") || \
				substr(line, length(line) - length(d)) == " " d)
		}
		/^# >>> aiwgfs/ && names_dir($0) { on = 1 }
		on { print }
		/^# <<< aiwgfs/ && names_dir($0) { on = 0 }' "$2"
}

# serving [VIEW]: whether a daemon answers on $REPO's VIEW (default .claude).
serving() {
	[ -n "$(daemon_pid "$@")" ]
}

# claude_view_of FILE [SOURCE]: FILE of the source (default $SRC) as the
# claude view shows it with reference rewriting on, worked out here from
# the rules of include/aiwgfs/refs.h: in the body of a Markdown file,
# outside fenced code blocks and code spans, "@agentic/code/P" becomes
# "@SOURCE/agentic/code/P", and "$AIWG_ROOT/P", "${AIWG_ROOT}/P",
# "{AIWG_ROOT}/P" and "~/.local/share/ai-writing-guide/P" become
# "SOURCE/P", when that target exists. "@.claude/..." names the claude view
# itself and stays. Code is what the example tree holds: fences and code
# spans within a line.
claude_view_of() {
	python3 - "$1" "$(realpath "${2:-$SRC}")" <<'PY'
import os, re, stat, sys
path, root = sys.argv[1], sys.argv[2].encode()
data = open(path, "rb").read()
out = sys.stdout.buffer
if not path.endswith(".md"):
    out.write(data)
    sys.exit(0)
body_off = 0
m = re.match(rb"(\xef\xbb\xbf)?---\r?\n", data)
if m:
    end = re.search(rb"^---\r?$\n?", data[m.end():], re.M)
    if end:
        body_off = m.end() + end.end()
out.write(data[:body_off])
body = data[body_off:]
PREFIXES = [(b"@agentic/code/", b"@", b"agentic/code/"),
            (b"$AIWG_ROOT/", b"", b""), (b"${AIWG_ROOT}/", b"", b""),
            (b"{AIWG_ROOT}/", b"", b""),
            (b"~/.local/share/ai-writing-guide/", b"", b"")]
WORD = set(b"-_./~@$%+\\")
STOP = set(b"\"'`<>()[]*")

def word_byte(c):
    return chr(c).isalnum() and c < 0x80 or c >= 0x80 or c in WORD

def target(sub, p):
    if not p or p.startswith(b"/") or b".." in p.split(b"/"):
        return None
    t = root + b"/" + sub + p
    try:
        st = os.stat(t)
    except OSError:
        return None
    return t if stat.S_ISREG(st.st_mode) or stat.S_ISDIR(st.st_mode) else None

def line(s, prev):
    res, i = b"", 0
    while i < len(s):
        if s[i:i + 1] == b"`":
            run = len(s[i:]) - len(s[i:].lstrip(b"`"))
            m = re.compile(rb"(?<!`)" + b"`" * run + rb"(?!`)").search(s, i + run)
            n = m.end() - i if m else run
            res += s[i:i + n]
            i += n
            continue
        for pfx, keep, sub in PREFIXES:
            before = s[i - 1] if i else prev
            if not s.startswith(pfx, i) or (before is not None and word_byte(before)):
                continue
            end = i + len(pfx)
            while end < len(s) and s[end] > 0x20 and s[end] != 0x7f and s[end] not in STOP:
                end += 1
            while end > i + len(pfx) and s[end - 1] in b".,:;!?":
                end -= 1
            t = target(sub, s[i + len(pfx):end])
            if t:
                res += keep + t
                i = end
                break
        else:
            res += s[i:i + 1]
            i += 1
    return res

fence = None
prev = None
for ln in body.splitlines(keepends=True):
    text = ln.rstrip(b"\r\n")
    m = re.match(rb" {0,3}(`{3,}|~{3,})", text)
    if fence:
        if m and m.group(1)[0] == fence[0] and len(m.group(1)) >= len(fence):
            fence = None
        out.write(ln)
    elif m:
        fence = m.group(1)
        out.write(ln)
    else:
        out.write(line(text, prev) + ln[len(text):])
    prev = ln[-1] if ln else prev
PY
}

# in_namespace SECONDS SCRIPT [VAR=VALUE...]: run SCRIPT with bash in a
# mount namespace of its own (what it mounts there, nothing outside sees),
# given $SCRATCH, $REPO, $SRC, $AIWGFS and the variables listed; fail,
# showing what it printed, unless it exits 0 within SECONDS.
in_namespace() {
	local limit=$1 script=$2 rc
	shift 2
	set +e
	env SCRATCH="$SCRATCH" REPO="$REPO" SRC="$SRC" AIWGFS="$AIWGFS" "$@" \
		timeout "$limit" unshare -m --propagation private bash "$script" \
		>"$script.out" 2>&1
	rc=$?
	set -e
	if [ $rc -ne 0 ]; then
		cat "$script.out" >&2
		fail "inside the mount namespace (exit $rc)"
	fi
}
