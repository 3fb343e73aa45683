#!/usr/bin/env bash
# Where the log goes and how much of it: stderr with --foreground, syslog
# once detached, at the level AIWGFS_LOG sets. Syslog is caught by a Python
# listener on /dev/log, in a mount namespace of the test's own whose /dev
# is a fresh tmpfs holding the few devices the test needs.
. "$(dirname "$0")/lib.sh"

# A source file whose frontmatter never closes: the daemon warns of it.
bad=$UNITS/frameworks/sdlc-complete/agents/zz-unclosed.md
printf -- '---\nname: zz-unclosed\ndescription: never closed\n\nbody\n' >"$bad"
git -C "$REPO" commit -q --allow-empty -m initial

# --- the foreground: stderr --------------------------------------------------
# foreground LOGLEVEL OUT: mount in the foreground with AIWGFS_LOG set to
# LOGLEVEL (unset when empty), touch the source, stop with SIGTERM; the
# daemon's stderr ends up in OUT.
foreground() {
	local pid
	if [ -n "$1" ]; then
		AIWGFS_LOG=$1 "$AIWGFS" mount "$SRC" "$REPO" --platforms claude \
			--foreground >"$2" 2>&1 &
	else
		env -u AIWGFS_LOG "$AIWGFS" mount "$SRC" "$REPO" \
			--platforms claude --foreground >"$2" 2>&1 &
	fi
	pid=$!
	BG_PIDS+=("$pid")
	wait_until 20 test -e "$REPO/.claude/agents/zz-unclosed.md" ||
		fail "foreground mount ($1) did not come up"
	echo "# edited" >>"$UNITS/frameworks/sdlc-complete/agents/architecture-designer.md"
	sleep 0.5
	kill -TERM "$pid"
	wait "$pid" || fail "the foreground daemon ($1) exited $?"
}

foreground "" "$SCRATCH/fg-default.err"
check "foreground, default: the warning reaches stderr" \
	grep -q "^aiwgfs: warning: $bad:.*never closed" "$SCRATCH/fg-default.err"
check "foreground, default: info too" \
	grep -q "^aiwgfs: info: unmounting on signal 15" "$SCRATCH/fg-default.err"
check "foreground, default: no debug" \
	sh -c '! grep -q "^aiwgfs: debug:" "$1"' sh "$SCRATCH/fg-default.err"

foreground error "$SCRATCH/fg-error.err"
check "AIWGFS_LOG=error: no warning" \
	sh -c '! grep -q "warning:" "$1"' sh "$SCRATCH/fg-error.err"
check "AIWGFS_LOG=error: no info" \
	sh -c '! grep -q "info:" "$1"' sh "$SCRATCH/fg-error.err"

foreground debug "$SCRATCH/fg-debug.err"
check "AIWGFS_LOG=debug: the edit is logged" \
	grep -q "^aiwgfs: debug: source changed" "$SCRATCH/fg-debug.err"

AIWGFS_LOG=loud "$AIWGFS" ls "$SRC" >/dev/null 2>"$SCRATCH/loud.err" ||
	fail "ls with a bad AIWGFS_LOG"
check "a bad AIWGFS_LOG is named" grep -q "AIWGFS_LOG='loud' is not a level" "$SCRATCH/loud.err"

# --- detached: syslog ------------------------------------------------------
cat >"$SCRATCH/listen.py" <<'EOF'
import os, socket, sys
path, out = sys.argv[1], sys.argv[2]
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(path)
os.chmod(path, 0o666)
open(out + ".ready", "w").close()
with open(out, "ab", buffering=0) as f:
    while True:
        f.write(s.recv(65536) + b"\n")
EOF
cat >"$SCRATCH/inner.sh" <<'EOF'
set -uo pipefail
failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }
mkdir "$SCRATCH/dev.orig"
mount --bind /dev "$SCRATCH/dev.orig" || exit 3
mount -t tmpfs -o mode=755 tmpfs /dev || exit 3
for n in null zero full random urandom fuse; do
	touch "/dev/$n"
	mount --bind "$SCRATCH/dev.orig/$n" "/dev/$n" || exit 3
done
ln -s /proc/self/fd /dev/fd
python3 "$SCRATCH/listen.py" /dev/log "$SCRATCH/syslog" &
listener=$!
trap '"$AIWGFS" umount "$REPO" >/dev/null 2>&1; kill $listener' EXIT
for i in $(seq 100); do [ -e "$SCRATCH/syslog.ready" ] && break; sleep 0.05; done

AIWGFS_LOG=debug "$AIWGFS" mount "$SRC" "$REPO" --platforms claude \
	>"$SCRATCH/mount.out" 2>"$SCRATCH/mount.err" || fail "detached mount"
echo "# edited again" >>"$UNITS/frameworks/sdlc-complete/agents/architecture-designer.md"
sleep 1
"$AIWGFS" umount "$REPO" >/dev/null || fail "umount"
sleep 0.5
grep -q "aiwgfs\[[0-9]*\]: warning: $bad:.*never closed" "$SCRATCH/syslog" ||
	fail "the warning is in syslog, under aiwgfs[pid]"
grep -q "aiwgfs\[[0-9]*\]: debug: source changed" "$SCRATCH/syslog" ||
	fail "AIWGFS_LOG=debug reaches syslog"
grep -q "aiwgfs\[[0-9]*\]: info: every view was unmounted" "$SCRATCH/syslog" ||
	fail "the unmount is in syslog"
grep -q "warning" "$SCRATCH/mount.err" &&
	fail "the detached daemon wrote a warning to the terminal"
[ $failures -eq 0 ] || { echo "syslog:"; cat "$SCRATCH/syslog"; }
exit $((failures > 0))
EOF
in_namespace 120 "$SCRATCH/inner.sh" UNITS="$UNITS" bad="$bad"
