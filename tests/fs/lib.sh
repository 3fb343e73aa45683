# lib.sh - shared setup of the mount tests. Source it from a tNNNN-*.sh.
#
# Gives each test a fresh scratch folder with a git repository ($REPO) and a
# private copy of the example tree ($SRC), and unmounts everything at exit,
# failing the test if anything stays mounted.
set -euo pipefail

: "${AIWGFS:?set AIWGFS to the aiwgfs binary}"
: "${AIWGFS_EXAMPLES:?set AIWGFS_EXAMPLES to the examples folder}"

TEST_NAME=$(basename "$0" .sh)
SCRATCH=$(mktemp -d "/tmp/aiwgfs-$TEST_NAME.XXXXXX")
REPO=$SCRATCH/repo
SRC=$SCRATCH/src
failures=0

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

teardown() {
	local rc=$?
	"$AIWGFS" umount "$REPO" >/dev/null 2>&1 || true
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
	if ! "$AIWGFS" mount "$SRC" "$REPO" "$@" >"$SCRATCH/mount.out" 2>&1; then
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
