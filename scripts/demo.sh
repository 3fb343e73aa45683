#!/usr/bin/env bash
# Install, build, and mount the bundled example tree into a demo repository,
# then show what the AI tools would see there. Unmount with:
#   build/aiwgfs umount demo/repo
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"

scripts/deps.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build -j "$(nproc)" >/dev/null
aiwgfs=$top/build/aiwgfs
repo=$top/demo/repo

"$aiwgfs" umount "$repo" >/dev/null 2>&1 || true
rm -rf "$top/demo"
mkdir -p "$repo/.github/workflows"
git -C "$repo" init -q
printf 'name: ci\non: push\n' >"$repo/.github/workflows/ci.yml"
printf '# Demo project\n' >"$repo/README.md"
git -C "$repo" add -A
git -C "$repo" -c user.name=demo -c user.email=demo@example.invalid \
	commit -qm "A project with a workflow of its own"

say() { printf '\n\033[1m$ %s\033[0m\n' "$*"; }

say aiwgfs mount examples/aiwg demo/repo
"$aiwgfs" mount "$top/examples/aiwg" "$repo"
cd "$repo"

say ls .claude/agents .github
ls .claude/agents .github

say head -n 12 .github/agents/test-engineer.agent.md
head -n 12 .github/agents/test-engineer.agent.md

say cat .github/workflows/ci.yml "   # the repository's own file, passed through"
cat .github/workflows/ci.yml

say head -n 6 .claude/skills/release-notes/SKILL.md "   # name and description added"
head -n 6 .claude/skills/release-notes/SKILL.md

say git status --short "   # nothing: the views are not the repository's files"
git status --short

say aiwgfs status
"$aiwgfs" status

cat <<TXT

The views stay mounted. Edit the source under examples/aiwg and read the
view again; when done:
  build/aiwgfs umount demo/repo
TXT
