#!/usr/bin/env bash
# A tree of realistic size (scripts/gen-corpus.py: 300 agents, 300
# commands, 100 skills, 40 rules over 7 units) mounts, and every file of
# every view reads whole, with st_size equal to the bytes read, as the
# same file rendered without a mount.
. "$(dirname "$0")/lib.sh"

: "${AIWGFS_SCRIPTS:?set AIWGFS_SCRIPTS to the scripts folder}"
rm -rf "$SRC"
python3 "$AIWGFS_SCRIPTS/gen-corpus.py" "$SRC" >/dev/null || fail "gen-corpus"
mount_views

count=$(find "$REPO/.claude" "$REPO/.github" -type f | wc -l)
want=$("$AIWGFS" ls "$SRC" | wc -l)
check_eq "files in the views" "$count" "$want"
check "hundreds of files" [ "$count" -gt 1500 ]

python3 - "$REPO" <<'PY' || fail "sizes and bytes"
import os, sys
repo, bad, n = sys.argv[1], 0, 0
for view in (".claude", ".github"):
    for root, dirs, files in os.walk(os.path.join(repo, view)):
        for name in files:
            p = os.path.join(root, name)
            size = os.stat(p).st_size
            with open(p, "rb") as f:
                data = f.read()
            n += 1
            if len(data) != size:
                bad += 1
                print("size", p, size, len(data), file=sys.stderr)
print(n, "files read", file=sys.stderr)
sys.exit(1 if bad else 0)
PY

# A sample of files equals what `render` writes without a mount.
while read -r path; do
	"$AIWGFS" render "$SRC" "$path" >"$SCRATCH/rendered" ||
		fail "render $path"
	check "$path as rendered" cmp -s "$SCRATCH/rendered" "$REPO/$path"
done < <("$AIWGFS" ls "$SRC" | awk 'NR % 97 == 1')
