#!/usr/bin/env bash
# Mounting, reading everything and unmounting leaves the repository exactly
# as it was: real folders under views, their files, an empty real .claude
# folder (which is the user's, not aiwgfs's placeholder), and git's files.
. "$(dirname "$0")/lib.sh"

# read_all DIR: read every file under DIR (following nothing), fail on error.
read_all() {
	local n
	n=$(find "$1" -path "$1/.git" -prune -o -type f -print0 | xargs -0 -r cat | wc -c)
	check "read something under $1" [ "$n" -gt 0 ]
	check "find and cat under $1 succeed" sh -c \
		"find '$1' -path '$1/.git' -prune -o -type f -print0 | xargs -0 -r cat >/dev/null"
}

# Mount all views, read everything through them, unmount, compare.
round_trip() {
	local what=$1
	snapshot "$REPO" >"$SCRATCH/before"
	# Every file in .git but the index, which git status may refresh.
	(cd "$REPO/.git" && find . -type f ! -path ./index -print0 | sort -z | xargs -0 sha256sum) >"$SCRATCH/git.before"
	mount_views
	check "$what: .claude mounted" mountpoint -q "$REPO/.claude"
	check "$what: .github mounted" mountpoint -q "$REPO/.github"
	read_all "$REPO"
	ls -laR "$REPO" >/dev/null || fail "$what: ls -laR"
	check_eq "$what: git status clean" "$(git -C "$REPO" status --porcelain --untracked-files=all)" ""
	aiwgfs umount "$REPO" >/dev/null || fail "$what: umount failed"
	check "$what: nothing mounted" nothing_mounted "$SCRATCH"
	check_as_before "$what: repository changed"
	(cd "$REPO/.git" && find . -type f ! -path ./index -print0 | sort -z | xargs -0 sha256sum) >"$SCRATCH/git.after"
	if ! cmp -s "$SCRATCH/git.before" "$SCRATCH/git.after"; then
		diff "$SCRATCH/git.before" "$SCRATCH/git.after" >&2 || true
		fail "$what: files in .git changed"
	fi
}

# A repository with content under both views and outside them.
mkdir -p "$REPO/.github/workflows" "$REPO/.claude" "$REPO/docs"
printf 'name: ci\non: push\n' >"$REPO/.github/workflows/ci.yml"
printf '# Project\n' >"$REPO/README.md"
printf 'guide\n' >"$REPO/docs/guide.md"
printf '{"model": "sonnet"}\n' >"$REPO/.claude/settings.json"
git -C "$REPO" add -A
git -C "$REPO" commit -qm initial
# Something untracked and an executable, too.
printf 'notes\n' >"$REPO/.claude/notes.txt"
printf '#!/bin/sh\n' >"$REPO/.github/hook.sh"
chmod 755 "$REPO/.github/hook.sh"
echo notes.txt >"$REPO/.claude/.gitignore"
echo hook.sh >"$REPO/.github/.gitignore"
git -C "$REPO" add -A
git -C "$REPO" commit -qm ignores

round_trip "real .claude and .github"
check "settings.json kept" [ "$(cat "$REPO/.claude/settings.json")" = '{"model": "sonnet"}' ]

# An empty real .claude folder: it must still exist afterwards.
rm -rf "$REPO/.claude"
mkdir "$REPO/.claude"
git -C "$REPO" add -A
git -C "$REPO" commit -qm 'empty .claude'
round_trip "empty real .claude"
check "the empty .claude folder still exists" [ -d "$REPO/.claude" ]
check "the empty .claude folder is still empty" [ -z "$(ls -A "$REPO/.claude")" ]
# Umount again (nothing mounted) must not take the user's empty folder either.
aiwgfs umount "$REPO" >/dev/null || fail "umount with nothing mounted"
check "the empty .claude folder survives a second umount" [ -d "$REPO/.claude" ]
