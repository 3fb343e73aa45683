#!/usr/bin/env bash
# While mounted, git status stays clean because the synthesized paths are
# listed in a marked block of .git/info/exclude; unmounting removes the block
# and leaves the file byte for byte as before. Also for a git worktree, whose
# exclude file is the main repository's.
. "$(dirname "$0")/lib.sh"

echo hello >"$REPO/README.md"
mkdir -p "$REPO/src"
echo 'int main(void) { return 0; }' >"$REPO/src/main.c"
git -C "$REPO" add -A
git -C "$REPO" commit -qm initial
EXCLUDE=$(git -C "$REPO" rev-parse --git-path info/exclude)
case $EXCLUDE in /*) ;; *) EXCLUDE=$REPO/$EXCLUDE ;; esac
# A line of the user's own must survive.
printf '# mine\n*.log\n' >>"$EXCLUDE"
cp "$EXCLUDE" "$SCRATCH/exclude.before"

mount_views
check ".claude is a mount" mountpoint -q "$REPO/.claude"
check ".github is a mount" mountpoint -q "$REPO/.github"
check_eq "git status clean while mounted" \
	"$(git -C "$REPO" status --porcelain --untracked-files=all)" ""
block=$(exclude_block "$REPO" "$EXCLUDE")
check "exclude block present" [ -n "$block" ]
check "the user's lines are kept while mounted" grep -qx '\*\.log' "$EXCLUDE"
# Every synthesized file is covered by the exclude file, and only those.
while IFS= read -r f; do
	check "git ignores $f" git -C "$REPO" check-ignore -q --no-index "$f"
done < <(aiwgfs ls "$SRC")
check "git does not ignore the real README" sh -c "! git -C '$REPO' check-ignore -q --no-index README.md"
# A file a user creates in a view is not hidden from git.
echo '{}' >"$REPO/.claude/settings.local.json"
check_eq "a new real file shows in git status" \
	"$(git -C "$REPO" status --porcelain --untracked-files=all)" "?? .claude/settings.local.json"
rm "$REPO/.claude/settings.local.json"

aiwgfs umount "$REPO" >/dev/null || fail "umount failed"
check "no exclude block after umount" [ -z "$(exclude_block "$REPO" "$EXCLUDE")" ]
check "exclude file byte-identical after umount" cmp -s "$SCRATCH/exclude.before" "$EXCLUDE"
check_eq "git status clean after umount" \
	"$(git -C "$REPO" status --porcelain --untracked-files=all)" ""

# A worktree: its exclude file is the main repository's info/exclude.
WT=$SCRATCH/worktree
EXTRA_REPOS+=("$WT")
git -C "$REPO" worktree add -q "$WT" -b wt
check_eq "git agrees the worktree uses the common exclude file" \
	"$(cd "$WT" && realpath "$(git rev-parse --git-path info/exclude)")" "$(realpath "$EXCLUDE")"
cp "$EXCLUDE" "$SCRATCH/exclude.before"

# Mount the main repository and the worktree, each separately.
mount_views
if ! aiwgfs mount "$SRC" "$WT" >"$SCRATCH/wt.out" 2>&1; then
	cat "$SCRATCH/wt.out" >&2
	fail "mount of the worktree failed"
fi
check "worktree .claude is a mount" mountpoint -q "$WT/.claude"
check_eq "worktree git status clean while mounted" \
	"$(git -C "$WT" status --porcelain --untracked-files=all)" ""
check_eq "main git status clean while both are mounted" \
	"$(git -C "$REPO" status --porcelain --untracked-files=all)" ""
check "worktree block in the common exclude file" [ -n "$(exclude_block "$WT" "$EXCLUDE")" ]
check "main block in the common exclude file" [ -n "$(exclude_block "$REPO" "$EXCLUDE")" ]
check "no info/exclude in the worktree's own git dir" \
	[ ! -e "$(git -C "$WT" rev-parse --absolute-git-dir)/info/exclude" ]

aiwgfs umount "$WT" >/dev/null || fail "umount of the worktree failed"
check "worktree no longer mounted" nothing_mounted "$WT"
check "main still mounted after the worktree's umount" mountpoint -q "$REPO/.claude"
check "worktree block gone" [ -z "$(exclude_block "$WT" "$EXCLUDE")" ]
check "main block kept" [ -n "$(exclude_block "$REPO" "$EXCLUDE")" ]
check_eq "main git status still clean" \
	"$(git -C "$REPO" status --porcelain --untracked-files=all)" ""

aiwgfs umount "$REPO" >/dev/null || fail "umount failed"
check "exclude file byte-identical after both umounts" cmp -s "$SCRATCH/exclude.before" "$EXCLUDE"
check_eq "worktree git status clean after umount" \
	"$(git -C "$WT" status --porcelain --untracked-files=all)" ""
check "worktree has no placeholder left" [ ! -e "$WT/.claude" ] && [ ! -e "$WT/.github" ]

# An exclude file whose last line has no newline gets it back as it was.
printf '# mine, no final newline\n*.tmp' >>"$EXCLUDE"
cp "$EXCLUDE" "$SCRATCH/exclude.before"
mount_views --platforms claude
check "block added after a last line without newline" [ -n "$(exclude_block "$REPO" "$EXCLUDE")" ]
check "that last line still ignores *.tmp" git -C "$REPO" check-ignore -q --no-index x.tmp
aiwgfs umount "$REPO" >/dev/null || fail "umount failed"
check "exclude file without a final newline byte-identical after umount" \
	cmp "$SCRATCH/exclude.before" "$EXCLUDE"

# An artifact added to the source while mounted joins the block at once,
# and one removed leaves it: git status stays clean throughout.
cp "$EXCLUDE" "$SCRATCH/exclude.before"
mount_views --platforms claude,copilot
new=$UNITS/frameworks/sdlc-complete/agents/zz-late-arrival.md
printf -- '---\nname: zz-late-arrival\ndescription: added while mounted\n---\nHello.\n' >"$new"
check "the new agent shows" wait_until 10 test -e "$REPO/.github/agents/zz-late-arrival.agent.md"
check "the new agent joins the exclude block" \
	wait_until 10 grep -qx "/.github/agents/zz-late-arrival.agent.md" "$EXCLUDE"
check_eq "git status clean after an artifact was added" \
	"$(git -C "$REPO" status --porcelain --untracked-files=all)" ""
rm "$new"
check "the removed agent leaves the exclude block" \
	wait_until 10 sh -c '! grep -q zz-late-arrival "$1"' sh "$EXCLUDE"
aiwgfs umount "$REPO" >/dev/null || fail "umount failed"
check "exclude file byte-identical after the live changes" cmp -s "$SCRATCH/exclude.before" "$EXCLUDE"
