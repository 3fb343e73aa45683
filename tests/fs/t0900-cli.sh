#!/usr/bin/env bash
# The command line: help, exit codes of usage errors, messages that name what
# is wrong, status/ls/render agreeing with the mounted views, unit selection
# and the flat source shape.
. "$(dirname "$0")/lib.sh"

OUT=$SCRATCH/out
ERR=$SCRATCH/err

# run_rc ARGS...: run aiwgfs with stdout in $OUT and stderr in $ERR; print
# the exit code.
run_rc() {
	local rc=0
	aiwgfs "$@" >"$OUT" 2>"$ERR" </dev/null || rc=$?
	echo "$rc"
}

# Help.
check_eq "aiwgfs --help exits 0" "$(run_rc --help)" 0
check "aiwgfs --help prints usage" grep -q usage "$OUT"
# The commands the main help lists, each with its own --help.
mapfile -t cmds < <(awk '/^commands:/ { on = 1; next } on && /^  [a-z]/ { print $1 } on && /^$/ { on = 0 }' "$OUT")
check "the help lists commands" [ "${#cmds[@]}" -ge 5 ]
for c in "${cmds[@]}"; do
	check_eq "aiwgfs $c --help exits 0" "$(run_rc "$c" --help)" 0
	check "aiwgfs $c --help prints its usage" grep -q "usage: aiwgfs $c" "$OUT"
	check_eq "aiwgfs $c -h exits 0" "$(run_rc "$c" -h)" 0
done
for c in mount umount status ls render platforms; do
	check "the help lists $c" grep -qx "$c" < <(printf '%s\n' "${cmds[@]}")
done

# Usage errors exit 2.
check_eq "no command" "$(run_rc)" 2
check_eq "unknown command" "$(run_rc frobnicate)" 2
check "unknown command named" grep -q frobnicate "$ERR"
check_eq "unknown option of mount" "$(run_rc mount --bogus "$SRC" "$REPO")" 2
check_eq "unknown option of ls" "$(run_rc ls "$SRC" --bogus)" 2
check_eq "unknown option of umount" "$(run_rc umount --bogus "$REPO")" 2
check_eq "unknown option of render" "$(run_rc render "$SRC" .claude/agents/test-engineer.md --bogus)" 2
check_eq "option of another command (ls -o)" "$(run_rc ls "$SRC" -o ro)" 2
check_eq "missing SOURCE" "$(run_rc mount)" 2
check_eq "too many arguments" "$(run_rc mount "$SRC" "$REPO" extra)" 2
check "nothing mounted by the failed commands" nothing_mounted "$SCRATCH"

# A source that does not exist.
check_eq "mount of a missing source exits 2" "$(run_rc mount "$SCRATCH/no-such-source" "$REPO")" 2
check "the message names the missing source" grep -qF "$SCRATCH/no-such-source" "$ERR"
check "no placeholder after a failed mount" [ ! -e "$REPO/.claude" ] && [ ! -e "$REPO/.github" ]
check_eq "mount into a missing repository exits 2" "$(run_rc mount "$SRC" "$SCRATCH/no-such-repo")" 2
check "the message names the missing repository" grep -qF "$SCRATCH/no-such-repo" "$ERR"

# Unknown platforms: exit 2, and the known ones are named.
mapfile -t known < <(aiwgfs platforms | awk '/^[a-z]/ { print $1 }')
check "platforms lists claude and copilot" [ "${#known[@]}" -ge 2 ]
for c in "mount $SRC $REPO" "ls $SRC" "render $SRC .claude/agents/test-engineer.md"; do
	# shellcheck disable=SC2086 # word splitting wanted: the paths have no spaces
	check_eq "$c --platforms nosuch exits 2" "$(run_rc $c --platforms claude,nosuch)" 2
	check "$c: the unknown platform is named" grep -q nosuch "$ERR"
	for p in "${known[@]}"; do
		check "$c: known platform $p is named" grep -qw "$p" "$ERR"
	done
done
check "nothing mounted for an unknown platform" nothing_mounted "$SCRATCH"
check "no placeholder for an unknown platform" [ ! -e "$REPO/.claude" ]

# Mounted (every platform, the default): a second mount is refused; status,
# ls and render agree with it. The views are the ones mount printed.
mount_views
mapfile -t views < <(awk '$1 == "mounted" { print $2 }' "$SCRATCH/mount.out")
check "mount printed the claude and copilot views" \
	sh -c 'printf "%s\n" "$@" | grep -qx .claude && printf "%s\n" "$@" | grep -qx .github' sh "${views[@]}"
check_eq "one mount per view mount printed" "$(mounted_under "$SCRATCH" | sort)" \
	"$(printf '%s\n' "${views[@]/#/$REPO/}" | sort)"
check_eq "status exits 0" "$(run_rc status "$REPO")" 0
for v in "${views[@]}"; do
	check "status lists $v" grep -qxF "$REPO/$v" "$OUT"
	# The lines after a view's line, up to the next view, hold its figures.
	fig=$(awk -v v="$REPO/$v" '$0 == v { on = 1; next } /^[^ ]/ { on = 0 } on' "$OUT")
	check "status shows the source for $v" grep -qF "$SRC" <<<"$fig"
	check "status shows the daemon pid for $v" grep -qw "pid $(daemon_pid "$v")" <<<"$fig"
done
# The cache is the daemon's, shared by its views: shown at least once.
check "status shows cache figures" grep -qi 'cache.*[0-9]' "$OUT"
check_eq "status from inside the repository" "$(cd "$REPO" && aiwgfs status >/dev/null; echo $?)" 0

rc=$(run_rc mount "$SRC" "$REPO")
check "a second mount exits non-zero" [ "$rc" -ne 0 ]
check "the second mount says 'already'" grep -q already "$ERR"
check_eq "still exactly the mounts of the views mount printed" \
	"$(mounted_under "$SCRATCH" | wc -l)" "${#views[@]}"

check_eq "ls exits 0" "$(run_rc ls "$SRC")" 0
cp "$OUT" "$SCRATCH/ls"
check "ls lists files" [ "$(wc -l <"$SCRATCH/ls")" -gt 20 ]
while IFS= read -r f; do
	check "ls path $f is a file in the view" [ -f "$REPO/$f" ]
done <"$SCRATCH/ls"
check_eq "ls lists exactly the files of the mounted views" \
	"$(sort "$SCRATCH/ls")" "$(cd "$REPO" && find "${views[@]}" -type f | sort)"
# Every view of ls is mounted (AGENTS.md and GEMINI.md are files: no "/").
check_eq "ls and mount name the same views" "$(cut -d/ -f1 "$SCRATCH/ls" | sort -u)" \
	"$(printf '%s\n' "${views[@]}" | sort)"
check_eq "ls -l exits 0" "$(run_rc ls -l "$SRC")" 0
while read -r size f; do
	check_eq "ls -l size of $f" "$size" "$(stat -c %s "$REPO/$f")"
done <"$OUT"
check_eq "ls --platforms copilot exits 0" "$(run_rc ls "$SRC" --platforms copilot)" 0
check_eq "ls --platforms copilot lists .github only" "$(sort "$OUT")" \
	"$(grep '^\.github/' "$SCRATCH/ls" | sort)"

for f in .github/agents/test-engineer.agent.md .github/copilot-instructions.md \
	.claude/agents/test-engineer.md .claude/skills/release-notes/SKILL.md; do
	check_eq "render $f exits 0" "$(run_rc render "$SRC" "$f")" 0
	check "render $f equals the mounted file" cmp -s "$OUT" "$REPO/$f"
done
check_eq "render of a non-view path exits 2" "$(run_rc render "$SRC" README.md)" 2
check_eq "render of a missing view file exits 2" "$(run_rc render "$SRC" .github/agents/nosuch.agent.md)" 2
check_eq "render of a view folder exits 2" "$(run_rc render "$SRC" .github/agents)" 2
check "render names the path it cannot render" grep -qF .github/agents "$ERR"

aiwgfs umount "$REPO" >/dev/null || fail "umount failed"
check_eq "status with nothing mounted exits 0" "$(run_rc status "$REPO")" 0

# --frameworks sdlc (an alias) keeps the sdlc-complete framework only.
mount_views --frameworks sdlc --platforms claude
for f in "$UNITS"/frameworks/sdlc-complete/agents/*.md; do
	id=$(basename "$f" .md)
	# the source, with its references rewritten (the default)
	claude_view_of "$f" >"$SCRATCH/want"
	check "sdlc agent $id present" cmp -s "$SCRATCH/want" "$REPO/.claude/agents/$id.md"
done
for f in "$UNITS"/frameworks/media-curator/agents/*.md; do
	id=$(basename "$f" .md)
	check "media-curator agent $id absent" [ ! -e "$REPO/.claude/agents/$id.md" ]
done
for d in "$UNITS"/frameworks/media-curator/skills/*/; do
	check "media-curator skill $(basename "$d") absent" [ ! -e "$REPO/.claude/skills/$(basename "$d")" ]
done
for f in "$UNITS"/frameworks/media-curator/rules/*.md; do
	check "media-curator rule $(basename "$f") absent" [ ! -e "$REPO/.claude/rules/$(basename "$f")" ]
done
# status is in both frameworks; without media-curator, sdlc-complete's shows.
check "status command comes from sdlc-complete" cmp -s \
	"$UNITS/frameworks/sdlc-complete/commands/status.md" "$REPO/.claude/commands/status.md"
aiwgfs umount "$REPO" >/dev/null || fail "umount failed"
check_eq "--frameworks with an unknown name exits 2" "$(run_rc ls "$SRC" --frameworks nosuch)" 2
check "the unknown framework is named" grep -q nosuch "$ERR"

# The flat shape: agents/, commands/, skills/, rules/ at the top.
FLAT=$SCRATCH/flat
cp -a "$AIWGFS_EXAMPLES/flat" "$FLAT"
if aiwgfs mount "$FLAT" "$REPO" >"$OUT" 2>"$ERR"; then
	n=0
	for f in "$FLAT"/agents/*.md; do
		id=$(basename "$f" .md)
		n=$((n + 1))
		check "flat agent $id in .claude" cmp -s "$f" "$REPO/.claude/agents/$id.md"
		check "flat agent $id in .github" [ -f "$REPO/.github/agents/$id.agent.md" ]
	done
	check "the flat tree has agents" [ "$n" -ge 2 ]
	check_eq "flat agents listed" "$(find "$REPO/.claude/agents/" -mindepth 1 -maxdepth 1 | wc -l)" "$n"
	for d in "$FLAT"/skills/*/; do
		check "flat skill $(basename "$d")" [ -f "$REPO/.claude/skills/$(basename "$d")/SKILL.md" ]
	done
	aiwgfs umount "$REPO" >/dev/null || fail "umount of the flat mount failed"
else
	cat "$ERR" >&2
	fail "mount of the flat tree failed"
fi
