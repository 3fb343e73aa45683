#!/usr/bin/env bash
# Faults that must fail a request, never the daemon, and never lose a byte:
#
#  - the canonical tree deleted under a running mount: the views turn empty,
#    an error is logged, the daemon goes on and unmounts cleanly;
#  - a full disk (a 1 MiB tmpfs holds the repository): a write through the
#    union gets ENOSPC, the bytes that write() accepted are exactly what the
#    file holds, a real file that sed -i cannot rewrite keeps its bytes, and
#    once space is freed writes work again;
#  - no file descriptors left (the daemon's RLIMIT_NOFILE cut to what it
#    uses): lookups of real files fail with EMFILE, the daemon answers on,
#    and once the kernel forgets the inodes every file reads again;
#  - no memory left (RLIMIT_AS cut to what the daemon has mapped): rendering
#    a large agent fails with ENOMEM, and once the limit is lifted it is
#    served whole. Not under AddressSanitizer, which needs its own mappings.
#
#  - SIGKILL at any moment: during the start (at random points of mount)
#    and while readers hammer the views: readers fail rather than hang, and
#    `aiwgfs umount` leaves nothing mounted and the repository as it was.
#
# SIGKILL of an idle daemon is t0700's, SIGTERM with open readers t1000's.
. "$(dirname "$0")/lib.sh"

# pid_of REPO: the pid of the daemon serving REPO's .claude view.
pid_of() {
	getfattr --only-values -n user.aiwgfs.status "$1/.claude" 2>/dev/null |
		awk '$1 == "pid" { print $2 }'
}

# alive REPO PID: the daemon of REPO answers, with that pid.
alive() {
	[ "$(pid_of "$1")" = "$2" ] && kill -0 "$2" 2>/dev/null
}

# One agent of the example tree, by file name.
AGENT=$(basename "$(find "$SRC"/agentic/code/frameworks/*/agents -name '*.md' | sort | head -1)")

new_repo() {
	mkdir -p "$1"
	git -C "$1" init -q
	EXTRA_REPOS+=("$1")
}

# --- The canonical tree disappears ----------------------------------------
R=$SCRATCH/gone-repo
new_repo "$R"
GONE_SRC=$SCRATCH/gone-src
cp -a "$SRC" "$GONE_SRC"
"$AIWGFS" mount "$GONE_SRC" "$R" --platforms claude --foreground \
	>"$SCRATCH/gone.out" 2>"$SCRATCH/gone.err" &
fg=$!
BG_PIDS+=("$fg")
wait_until 20 alive "$R" "$fg" || fail "the foreground mount did not come up"
n=$(find "$R/.claude" -type f | wc -l)
check "the claude view shows files before ($n)" [ "$n" -gt 3 ]
rm -rf "$GONE_SRC"
check "the views turn empty once the source is deleted" \
	wait_until 10 eval '[ -z "$(find "$R/.claude" -type f 2>/dev/null)" ]'
check "the daemon is alive after the source vanished" alive "$R" "$fg"
check "an error names the missing source" \
	wait_until 5 grep -q "error:.*gone-src" "$SCRATCH/gone.err"
check "umount after the source vanished" aiwgfs umount "$R" >/dev/null
check "the foreground mount ends" wait_until 10 gone "$fg"
check "nothing of it stays mounted" nothing_mounted "$R"

# --- A full disk -------------------------------------------------------------
SMALL=$SCRATCH/small
mkdir -p "$SMALL"
mount -t tmpfs -o size=1m aiwgfs-test "$SMALL"
CLEANUPS+=("umount -l '$SMALL'")
R=$SMALL/repo
new_repo "$R"
mkdir -p "$R/.claude/notes"
printf 'kept line one\nkept line two\n' >"$R/.claude/notes/keep.md"
aiwgfs mount "$SRC" "$R" --platforms claude --no-git-exclude >/dev/null ||
	fail "mount on the small file system"
pid=$(pid_of "$R")
keep_sum=$(sha256sum <"$R/.claude/notes/keep.md")
out=$(python3 - "$R/.claude/notes/big.bin" <<'PY'
import errno, os, sys
path = sys.argv[1]
fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
done, err = 0, None
chunk = b"x" * 65536
try:
    for _ in range(64):          # 4 MiB into 1 MiB
        done += os.write(fd, chunk)
except OSError as e:
    err = e.errno
try:
    os.close(fd)
except OSError as e:
    err = err or e.errno
size = os.stat(path).st_size
print("%s %d %d" % (errno.errorcode.get(err, err), done, size))
PY
)
read -r what done size <<<"$out"
check_eq "a write past the free space fails with ENOSPC" "$what" ENOSPC
check "some bytes were written before ($done)" [ "$done" -gt 0 ]
check_eq "the file holds exactly the bytes write() accepted" "$size" "$done"
check "the data on the disk is the data written" \
	eval '[ "$(tr -d x <"$SMALL/repo/.claude/notes/big.bin" | wc -c)" -eq 0 ]'
rc=0
sed -i 's/kept/changed/' "$R/.claude/notes/keep.md" 2>"$SCRATCH/sed.err" || rc=$?
check "sed -i on a full disk fails ($rc)" [ "$rc" -ne 0 ]
check_eq "the file sed could not rewrite keeps its bytes" \
	"$(sha256sum <"$R/.claude/notes/keep.md")" "$keep_sum"
check "dd reports ENOSPC too" \
	eval '! dd if=/dev/zero of="$R/.claude/notes/dd.bin" bs=64k count=64 2>"$SCRATCH/dd.err"'
check "dd's error is ENOSPC" grep -q "No space left" "$SCRATCH/dd.err"
check "the daemon is alive after ENOSPC" alive "$R" "$pid"
rm -f "$R/.claude/notes/big.bin" "$R/.claude/notes/dd.bin"
check "with space again, writes work" \
	eval 'echo again >"$R/.claude/notes/new.md" && [ "$(cat "$R/.claude/notes/new.md")" = again ]'
check "synthesized files still read" [ -s "$R/.claude/agents/$AGENT" ]
check "umount of the small repository" aiwgfs umount "$R" >/dev/null
check "the real files are still there" [ -f "$R/.claude/notes/keep.md" ] &&
	[ "$(cat "$R/.claude/notes/new.md")" = again ]

# --- No file descriptors left ----------------------------------------------
R=$SCRATCH/fd-repo
new_repo "$R"
mkdir -p "$R/.claude/notes"
for i in $(seq 200); do echo "note $i" >"$R/.claude/notes/n$i.md"; done
aiwgfs mount "$SRC" "$R" --platforms claude >/dev/null || fail "mount for the fd test"
pid=$(pid_of "$R")
used=$(ls "/proc/$pid/fd" | wc -l)
limit=$((used + 20))
prlimit --pid "$pid" --nofile="$limit:$(ulimit -Hn)"
rc=0
(cd "$R/.claude/notes" && cat n*.md >/dev/null 2>"$SCRATCH/cat.err") || rc=$?
check "reading 200 real files with $limit descriptors fails some ($rc)" [ "$rc" -ne 0 ]
check "the error is EMFILE" grep -q "Too many open files" "$SCRATCH/cat.err"
check "the daemon is alive after EMFILE" alive "$R" "$pid"
# The kernel forgets unused inodes; the daemon closes what it held for them.
sync
echo 2 >/proc/sys/vm/drop_caches
check "the daemon's descriptors are back to $used once the inodes are forgotten" \
	wait_until 10 eval '[ "$(ls "/proc/$pid/fd" | wc -l)" -le "$used" ]'
check "real files read again" \
	eval '[ "$(cd "$R/.claude/notes" && cat n1.md n2.md n3.md)" = "$(printf "note 1\nnote 2\nnote 3")" ]'
check "a synthesized file reads after EMFILE" [ -s "$R/.claude/agents/$AGENT" ]
check "umount after EMFILE" aiwgfs umount "$R" >/dev/null

# --- No memory left ------------------------------------------------------------
if ldd "$AIWGFS" 2>/dev/null | grep -q 'libasan\|libtsan'; then
	echo "$TEST_NAME: skipping the memory limit under a sanitizer"
else
	R=$SCRATCH/mem-repo
	new_repo "$R"
	MEM_SRC=$SCRATCH/mem-src
	mkdir -p "$MEM_SRC/agents"
	python3 - "$MEM_SRC/agents/large.md" <<'PY'
import sys
with open(sys.argv[1], "w") as f:
    f.write("---\nname: large\ndescription: A large agent.\n---\n\n")
    i = 0
    while f.tell() < 900 * 1024:
        f.write("Paragraph %d of a large agent, with @agentic/code/x/y.md.\n\n" % i)
        i += 1
PY
	aiwgfs mount "$MEM_SRC" "$R" --platforms claude >/dev/null || fail "mount for the memory test"
	pid=$(pid_of "$R")
	vm=$(awk '/^VmSize:/ { print $2 }' "/proc/$pid/status")
	# The soft limit only: raising a hard limit again may not be allowed.
	prlimit --pid "$pid" --as=$(((vm + 256) * 1024)):unlimited
	rc=0
	cat "$R/.claude/agents/large.md" >/dev/null 2>"$SCRATCH/mem.err" || rc=$?
	check "rendering past the memory limit fails ($rc)" [ "$rc" -ne 0 ]
	check "the error is ENOMEM" grep -q "Cannot allocate memory" "$SCRATCH/mem.err"
	check "the daemon is alive after ENOMEM" alive "$R" "$pid"
	prlimit --pid "$pid" --as=unlimited:unlimited
	check "with memory again, the large agent is served whole" \
		cmp -s "$R/.claude/agents/large.md" <(aiwgfs render "$MEM_SRC" .claude/agents/large.md 2>/dev/null)
	check "umount after ENOMEM" aiwgfs umount "$R" >/dev/null
fi

# --- a daemon that does not answer (stopped): status and umount go on ----------
R=$SCRATCH/stop-repo
new_repo "$R"
aiwgfs mount "$SRC" "$R" --platforms claude >/dev/null || fail "mount for the stop"
pid=$(getfattr --only-values -n user.aiwgfs.status "$R/.claude" | awk '$1 == "pid" { print $2 }')
kill -STOP "$pid"
set +e
timeout 20 "$AIWGFS" status "$R" >"$SCRATCH/stop-status.out" 2>&1
rc=$?
set -e
check_eq "status of a stopped daemon exits 1, not hanging" "$rc" 1
check "status says it does not answer" grep -q "not answering (Connection timed out)" "$SCRATCH/stop-status.out"
set +e
timeout 20 "$AIWGFS" status "$R" --json >"$SCRATCH/stop-status.json"
rc=$?
set -e
check_eq "status --json of a stopped daemon exits 1" "$rc" 1
check "status --json says it is not serving" grep -q '"serving": false' "$SCRATCH/stop-status.json"
check "umount of a stopped daemon" timeout 30 "$AIWGFS" umount "$R"
check "nothing mounted after umount of a stopped daemon" nothing_mounted "$R"
kill -CONT "$pid"
check "the daemon ends once it runs again" wait_until 10 gone "$pid"

# --- SIGKILL during the start and under load -----------------------------------
R=$SCRATCH/kill-repo
new_repo "$R"
mkdir -p "$R/.github/workflows"
echo "name: ci" >"$R/.github/workflows/ci.yml"
git -C "$R" add -A
git -C "$R" -c user.email=t@example.invalid -c user.name=t commit -qm base
snapshot "$R" >"$SCRATCH/kill.before"
cp "$R/.git/info/exclude" "$SCRATCH/kill.exclude"
no_mounter() {
	! pkill -KILL -f "aiwgfs mount $SRC $R"
}
for round in $(seq 8); do
	"$AIWGFS" mount "$SRC" "$R" >/dev/null 2>&1 &
	mounter=$!
	sleep "0.0$((round * 3))"
	pkill -KILL -f "aiwgfs mount $SRC $R" || true
	wait "$mounter" 2>/dev/null || true
	# a daemon forked just as pkill read the process list escapes it
	wait_until 5 no_mounter || fail "start round $round: a daemon survived"
	check "start round $round: umount exits 0" aiwgfs umount "$R" >/dev/null 2>&1
	if ! nothing_mounted "$R"; then
		fail "start round $round: still mounted after umount: $(mounted_under "$R" | tr '\n' ' ')"
		ps -eo pid,ppid,stat,wchan:24,args | grep -E '[a]iwgfs|[f]usermount' >&2 || true
	fi
done
aiwgfs mount "$SRC" "$R" >"$SCRATCH/kill-mount.out" 2>&1 ||
	fail "mount for the kill under load: $(cat "$SCRATCH/kill-mount.out")"
pid=$(pid_of "$R")
for i in 1 2 3; do
	timeout -k 2 30 bash -c 'end=$((SECONDS + 4)); while ((SECONDS < end)); do
		find "$1" -type f -print0 2>/dev/null | xargs -0 -r cat >/dev/null 2>&1
		done; exit 0' _ "$R" &
	readers+=($!)
done
sleep 1
kill -KILL "$pid"
for p in "${readers[@]}"; do
	rc=0
	wait "$p" || rc=$?
	check "a reader of the killed daemon ends, not hangs (rc $rc)" [ "$rc" -ne 124 ] && [ "$rc" -ne 137 ]
done
check "umount after SIGKILL under load exits 0" aiwgfs umount "$R" >/dev/null 2>&1
check "nothing mounted after SIGKILL under load" nothing_mounted "$R"
snapshot "$R" >"$SCRATCH/kill.after"
check "the repository is as before the kills" diff "$SCRATCH/kill.before" "$SCRATCH/kill.after" >&2
check "git's exclude file is as before the kills" cmp -s "$SCRATCH/kill.exclude" "$R/.git/info/exclude"
