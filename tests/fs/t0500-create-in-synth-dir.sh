#!/usr/bin/env bash
# Files a tool writes inside a synthesized folder (.claude/agents/new.md, a
# new skill, .claude/settings.local.json) get a real folder underneath, are
# listed next to the synthesized files, and stay in the repository after
# unmount, while no synthesized file does.
. "$(dirname "$0")/lib.sh"

check "no .claude in the repository before mounting" [ ! -e "$REPO/.claude" ]
mount_views --platforms claude
C=$REPO/.claude
check ".claude is a mount" mountpoint -q "$C"

# The files a tool would write.
echo x >"$C/agents/new.md" || fail "write .claude/agents/new.md"
{ mkdir -p "$C/skills/mine" && echo y >"$C/skills/mine/SKILL.md"; } ||
	fail "create .claude/skills/mine/SKILL.md"
printf '{"permissions": {}}\n' >"$C/settings.local.json" ||
	fail "write .claude/settings.local.json"

check_eq "new agent readable" "$(cat "$C/agents/new.md" 2>&1)" x
check_eq "new skill readable" "$(cat "$C/skills/mine/SKILL.md" 2>&1)" y
check_eq "settings readable" "$(cat "$C/settings.local.json" 2>&1)" '{"permissions": {}}'

# Listed alongside the synthesized entries, which still read as the source
# (with its references rewritten: the default).
agents=$(ls "$C/agents")
check "new.md listed in agents" grep -qx new.md <<<"$agents"
n=0
for f in "$UNITS"/*/*/agents/*.md; do
	id=$(basename "$f" .md)
	[ "$id" = README ] && continue
	n=$((n + 1))
	check "agent $id still listed" grep -qx "$id.md" <<<"$agents"
	claude_view_of "$f" >"$SCRATCH/want"
	check "agent $id still the source" cmp -s "$SCRATCH/want" "$C/agents/$id.md"
done
check_eq "agents listed: the source's plus new.md" "$(wc -l <<<"$agents")" $((n + 1))
skills=$(ls "$C/skills")
check "mine listed in skills" grep -qx mine <<<"$skills"
for d in "$UNITS"/*/*/skills/*/; do
	[ -f "$d/SKILL.md" ] || continue
	check "skill $(basename "$d") still listed" grep -qx "$(basename "$d")" <<<"$skills"
done
top=$(ls -A "$C")
for e in agents commands skills rules settings.local.json; do
	check ".claude lists $e" grep -qx "$e" <<<"$top"
done
check "find sees the new files" [ "$(find "$C" -name new.md -o -name settings.local.json | wc -l)" -eq 2 ]

# What git sees while mounted: the new files only.
check_eq "git status shows the tool's files only" \
	"$(git -C "$REPO" status --porcelain --untracked-files=all)" \
	"?? .claude/agents/new.md
?? .claude/settings.local.json
?? .claude/skills/mine/SKILL.md"

aiwgfs umount "$REPO" >/dev/null || fail "umount failed"
check ".claude is no longer a mount" sh -c "! mountpoint -q '$C'"

check_eq "new.md kept" "$(cat "$C/agents/new.md" 2>&1)" x
check_eq "skill kept" "$(cat "$C/skills/mine/SKILL.md" 2>&1)" y
check_eq "settings kept" "$(cat "$C/settings.local.json" 2>&1)" '{"permissions": {}}'
check_eq "only the tool's files remain" "$(cd "$C" 2>/dev/null && find . -type f | sort | tr '\n' ' ')" \
	"./agents/new.md ./settings.local.json ./skills/mine/SKILL.md "
check_eq "only the folders they need remain" "$(cd "$C" 2>/dev/null && find . -type d | sort | tr '\n' ' ')" \
	". ./agents ./skills ./skills/mine "

# Mounted again, the real files merge with the synthesized ones.
mount_views --platforms claude
check_eq "new.md after remount" "$(cat "$C/agents/new.md" 2>&1)" x
claude_view_of "$UNITS/frameworks/sdlc-complete/agents/test-engineer.md" >"$SCRATCH/want"
check "synthesized agent after remount" cmp -s "$SCRATCH/want" "$C/agents/test-engineer.md"
aiwgfs umount "$REPO" >/dev/null || fail "second umount failed"
check ".claude kept after the second umount" [ -f "$C/agents/new.md" ]
