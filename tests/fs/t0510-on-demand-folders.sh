#!/usr/bin/env bash
# Folders that aiwgfs creates underneath because a tool wrote into a
# synthesized folder go again at unmount when the tool left them empty,
# also under a real view folder and after the daemon was killed; folders
# the user made and files the user wrote stay. A folder the view fills
# cannot be moved away from its synthesized half.
. "$(dirname "$0")/lib.sh"

mkdir -p "$REPO/.github/workflows"
echo "name: ci" >"$REPO/.github/workflows/ci.yml"
snapshot "$REPO" >"$SCRATCH/before"

mount_views --platforms claude,copilot
C=$REPO/.claude G=$REPO/.github

# Written and removed again: nothing may stay.
echo x >"$C/agents/tmp.md" && rm "$C/agents/tmp.md" || fail "write and remove in .claude/agents"
echo x >"$G/agents/tmp.md" && rm "$G/agents/tmp.md" || fail "write and remove in .github/agents"
mkdir "$C/skills/scratch" && rmdir "$C/skills/scratch" || fail "mkdir and rmdir in .claude/skills"

# A union folder cannot be renamed away from what the view puts in it.
echo keep >"$C/commands/mine.md" || fail "write .claude/commands/mine.md"
python3 - "$C/commands" "$C/commands-moved" <<'PY' || fail "rename of a filled folder"
import errno, os, sys
try:
    os.rename(sys.argv[1], sys.argv[2])
except OSError as e:
    sys.exit(0 if e.errno == errno.EROFS else 1)
sys.exit(1)
PY
check "renamed folder not created" [ ! -e "$C/commands-moved" ]

"$AIWGFS" umount "$REPO" >/dev/null || fail "umount"
check_eq "the user's command stays" "$(cat "$REPO/.claude/commands/mine.md" 2>&1)" keep
rm "$REPO/.claude/commands/mine.md"
rmdir "$REPO/.claude/commands" "$REPO/.claude" 2>/dev/null || true
check_as_before "repository as before (no empty folders left)"

# After a kill, umount removes what the daemon had created and left empty.
mount_views --platforms claude
echo x >"$C/rules/tmp.md" && rm "$C/rules/tmp.md" || fail "write and remove in .claude/rules"
mkdir -p "$C/skills/mine" || fail "user mkdir"
pid=$(daemon_pid)
kill -9 "$pid"
wait_until 10 gone "$pid" || fail "daemon did not die"
"$AIWGFS" umount "$REPO" >/dev/null || fail "umount after kill"
check "rules folder removed" [ ! -e "$C/rules" ]
check "user's own folder kept" [ -d "$C/skills/mine" ]
