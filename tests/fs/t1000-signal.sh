#!/usr/bin/env bash
# A foreground mount ends cleanly on SIGTERM and on SIGINT: exit 0 within a
# few seconds, nothing mounted, placeholders and the exclude block gone. The
# unmount is lazy: a reader holding a synthesized file open reads it whole.
. "$(dirname "$0")/lib.sh"

commit_baseline hello

FG_PID=

# start_foreground: mount with --foreground in the background; wait until
# every view answers and the exclude block is written.
start_foreground() {
	"$AIWGFS" mount "$SRC" "$REPO" --foreground \
		>"$SCRATCH/fg.out" 2>"$SCRATCH/fg.err" &
	FG_PID=$!
	BG_PIDS+=("$FG_PID")
	if ! wait_until 10 serving .claude || ! wait_until 10 serving .github ||
		! wait_until 10 grep -q '^# <<< aiwgfs' "$EXCLUDE"; then
		cat "$SCRATCH/fg.err" >&2
		fail "foreground mount did not come up"
		exit 1
	fi
	check_eq "the foreground process serves the views" "$(daemon_pid)" "$FG_PID"
}

# wait_exit SECONDS: wait for the foreground process; set EXIT_RC to its
# exit code, or to "running" if it did not exit in time.
wait_exit() {
	EXIT_RC=running
	if wait_until "$1" gone "$FG_PID"; then
		EXIT_RC=0
		wait "$FG_PID" || EXIT_RC=$?
	fi
}

# all_clean WHAT: nothing mounted, no placeholder, the repository and the
# exclude file as before.
all_clean() {
	check "$1: nothing mounted" nothing_mounted "$SCRATCH"
	check "$1: no .claude placeholder" [ ! -e "$REPO/.claude" ]
	check "$1: no .github placeholder" [ ! -e "$REPO/.github" ]
	check_as_before "$1: repository as before"
	check "$1: exclude file as before" cmp -s "$SCRATCH/exclude.before" "$EXCLUDE"
}

for sig in TERM INT; do
	start_foreground
	kill -"$sig" "$FG_PID"
	wait_exit 5
	check_eq "SIG$sig: foreground mount exits 0 within 5 s" "$EXIT_RC" 0
	if [ "$EXIT_RC" = running ]; then
		kill -KILL "$FG_PID" 2>/dev/null || true
		wait "$FG_PID" 2>/dev/null || true
		aiwgfs umount "$REPO" >/dev/null 2>&1 || true
	fi
	all_clean "SIG$sig"
done

# SIGTERM while a reader holds a synthesized file open: the views go away at
# once (lazily), the reader still reads the whole file, and the daemon exits
# once the reader has closed it.
start_foreground
F=.claude/agents/test-engineer.md
# What the view shows: the source with its references rewritten (the
# default), larger than the source.
WANT=$SCRATCH/want
claude_view_of "$UNITS/frameworks/sdlc-complete/agents/test-engineer.md" >"$WANT"
check "the view of $F is not the source" sh -c "! cmp -s '$UNITS/frameworks/sdlc-complete/agents/test-engineer.md' '$WANT'"
mkfifo "$SCRATCH/go" "$SCRATCH/ready"
python3 - "$REPO/$F" "$WANT" "$SCRATCH/ready" "$SCRATCH/go" >"$SCRATCH/reader.out" 2>&1 <<'PY' &
import os, sys
path, want_path, ready, go = sys.argv[1:5]
want = open(want_path, "rb").read()
fd = os.open(path, os.O_RDONLY)
head = os.read(fd, 16)
with open(ready, "w") as f:
    f.write("open\n")
open(go).read()          # the test sent SIGTERM and saw the views detached
# Drop what the kernel cached, so the rest must come from the daemon.
os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
rest = b""
while True:
    b = os.read(fd, 7)
    if not b:
        break
    rest += b
whole = os.pread(fd, len(want) + 100, 0)
os.close(fd)
ok = head + rest == want and whole == want
print("reader: whole file" if ok else
      f"reader: read {len(head + rest)} bytes / pread {len(whole)}, "
      f"want {len(want)}")
sys.exit(0 if ok else 1)
PY
READER=$!
BG_PIDS+=("$READER")
timeout 10 cat "$SCRATCH/ready" >/dev/null || fail "reader did not open the file"
kill -TERM "$FG_PID"
check "SIGTERM with an open file: the views are detached at once" \
	wait_until 5 nothing_mounted "$SCRATCH"
check "SIGTERM with an open file: the daemon waits for the reader" \
	kill -0 "$FG_PID"
# shellcheck disable=SC2016 # $1 is the inner shell's
timeout 10 sh -c 'echo go >"$1"' sh "$SCRATCH/go" || fail "could not release the reader"
rrc=0
timeout 20 tail --pid="$READER" -f /dev/null || rrc=timeout
wait "$READER" || rrc=$?
check_eq "the reader read the whole file after SIGTERM ($(cat "$SCRATCH/reader.out"))" "$rrc" 0
wait_exit 5
check_eq "SIGTERM with an open file: exit 0 within 5 s of the reader closing" "$EXIT_RC" 0
if [ "$EXIT_RC" = running ]; then
	kill -KILL "$FG_PID" 2>/dev/null || true
fi
all_clean "SIGTERM with an open file"
