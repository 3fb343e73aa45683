#!/usr/bin/env bash
# mount(8) mounts aiwgfs: "mount -t fuse.aiwgfs SOURCE REPO -o ..." and an
# /etc/fstab line, both through Debian's mount.fuse3, which runs
# "aiwgfs SOURCE REPO -o OPTIONS" with a fixed PATH. The test runs in a
# mount namespace of its own, where a scratch folder holding the binary is
# bound over /usr/local/bin and a scratch fstab over /etc/fstab, so nothing
# outside the namespace sees either.
. "$(dirname "$0")/lib.sh"

for tool in unshare mount /sbin/mount.fuse3; do
	if ! command -v "$tool" >/dev/null; then
		echo "skip: $TEST_NAME: $tool is missing" >&2
		exit 0
	fi
done

mkdir "$SCRATCH/bin"
ln -s "$AIWGFS" "$SCRATCH/bin/aiwgfs"
git -C "$REPO" commit -q --allow-empty -m initial

cat >"$SCRATCH/inner.sh" <<'EOF'
set -uo pipefail
failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }
views() {
	awk -v d="$REPO/" '$0 ~ / - fuse\.aiwgfs / && index($5, d) == 1 {
		print substr($5, length(d) + 1) }' /proc/self/mountinfo | sort | tr '\n' ' '
}
trap '"$AIWGFS" umount "$REPO" >/dev/null 2>&1' EXIT

mount --bind "$SCRATCH/bin" /usr/local/bin || exit 3

# mount -t, with a list whose commas mount(8) splits
if ! timeout 60 mount -t fuse.aiwgfs "$SRC" "$REPO" \
	-o platforms=claude,copilot >"$SCRATCH/m1.out" 2>&1; then
	cat "$SCRATCH/m1.out"
	fail "mount -t fuse.aiwgfs"
fi
[ "$(views)" = ".claude .github " ] || fail "mount -t: views are '$(views)'"
first=$(ls "$REPO/.github/agents" | head -1)
[ -n "$first" ] && cmp -s "$REPO/.github/agents/$first" \
	<("$AIWGFS" render "$SRC" ".github/agents/$first") ||
	fail "mount -t: a file reads as rendered"
grep -q aiwgfs "$REPO/.git/info/exclude" || fail "mount -t: git exclusion is on"
"$AIWGFS" umount "$REPO" >/dev/null || fail "umount after mount -t"
[ -z "$(views)" ] || fail "umount left '$(views)'"

# an fstab line, with ':' between names and a flag option
printf '%s %s fuse.aiwgfs noauto,platforms=cursor:codex,no_git_exclude 0 0\n' \
	"$SRC" "$REPO" >"$SCRATCH/fstab"
mount --bind "$SCRATCH/fstab" /etc/fstab || exit 3
if ! timeout 60 mount "$REPO" >"$SCRATCH/m2.out" 2>&1; then
	cat "$SCRATCH/m2.out"
	fail "mount REPO from fstab"
fi
[ "$(views)" = ".agents .codex .cursor AGENTS.md " ] ||
	fail "fstab: views are '$(views)'"
grep -q aiwgfs "$REPO/.git/info/exclude" && fail "fstab: no_git_exclude ignored"
[ -s "$REPO/AGENTS.md" ] || fail "fstab: AGENTS.md is empty"
"$AIWGFS" umount "$REPO" >/dev/null || fail "umount after fstab"

# a bad option fails the mount, saying why, and leaves nothing mounted
if timeout 60 mount -t fuse.aiwgfs "$SRC" "$REPO" -o platforms=nosuch \
	>"$SCRATCH/m3.out" 2>&1; then
	fail "an unknown platform mounted"
fi
grep -q "unknown platform 'nosuch'" "$SCRATCH/m3.out" ||
	fail "the bad option's message: $(cat "$SCRATCH/m3.out")"
[ -z "$(views)" ] || fail "a failed mount left '$(views)'"
exit $((failures > 0))
EOF

in_namespace 240 "$SCRATCH/inner.sh"
