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

# Every view (the default: all platforms): the folders and the single-file
# views AGENTS.md and GEMINI.md, which ls lists without a "/".
"$AIWGFS" ls "$SRC" >"$SCRATCH/ls" || fail "ls"
mapfile -t views < <(cut -d/ -f1 "$SCRATCH/ls" | sort -u)
check_eq "the views of ls are the views mount printed" "${views[*]}" \
	"$(awk '$1 == "mounted" { print $2 }' "$SCRATCH/mount.out" | sort | tr '\n' ' ' | sed 's/ $//')"
check_eq "one mount per view" "$(mounted_under "$REPO" | wc -l)" "${#views[@]}"
check "the claude and copilot views are among them" \
	sh -c 'printf "%s\n" "$@" | grep -qx .claude && printf "%s\n" "$@" | grep -qx .github' sh "${views[@]}"

count=$(cd "$REPO" && find "${views[@]}" -type f | wc -l)
want=$(wc -l <"$SCRATCH/ls")
check_eq "files in the views" "$count" "$want"
check "hundreds of files" [ "$count" -gt 1500 ]

python3 - "$REPO" "$want" "${views[@]}" <<'PY' || fail "sizes and bytes"
import os, sys
repo, want, views, bad, n = sys.argv[1], int(sys.argv[2]), sys.argv[3:], 0, 0

def check(p):
    global bad, n
    size = os.stat(p).st_size
    with open(p, "rb") as f:
        data = f.read()
    n += 1
    if len(data) != size:
        bad += 1
        print("size", p, size, len(data), file=sys.stderr)

for view in views:
    top = os.path.join(repo, view)
    if os.path.isfile(top):
        check(top)
    for root, dirs, files in os.walk(top):
        for name in files:
            check(os.path.join(root, name))
print(n, "files read", file=sys.stderr)
if n != want:
    bad += 1
    print("read", n, "files, ls lists", want, file=sys.stderr)
sys.exit(1 if bad else 0)
PY

# A sample of files equals what `render` writes without a mount.
while read -r path; do
	"$AIWGFS" render "$SRC" "$path" >"$SCRATCH/rendered" ||
		fail "render $path"
	check "$path as rendered" cmp -s "$SCRATCH/rendered" "$REPO/$path"
done < <(awk 'NR % 97 == 1' "$SCRATCH/ls")
