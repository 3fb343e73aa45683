#!/usr/bin/env bash
# aiwgfs export writes what the mount shows, byte for byte and with the same
# execute bits, on the example tree and on a large generated one. --check
# finds an edited, a missing and an extra file; export and --clean never
# replace or remove a hand-written or edited file without --force.
. "$(dirname "$0")/lib.sh"

: "${AIWGFS_SCRIPTS:?set AIWGFS_SCRIPTS to the scripts folder}"

# same_as_mount TREE OUT: every file `ls` lists reads the same in $REPO
# (mounted) and in OUT (exported), and OUT holds nothing else.
same_as_mount() {
	python3 - "$REPO" "$2" "$SCRATCH/ls" <<'PY'
import os, stat, sys
repo, out, listing = sys.argv[1:]
paths = open(listing).read().split("\n")[:-1]
bad = 0
for p in paths:
    a, b = os.path.join(repo, p), os.path.join(out, p)
    with open(a, "rb") as f:
        da = f.read()
    try:
        st = os.lstat(b)
        with open(b, "rb") as f:
            db = f.read()
    except OSError as e:
        print("not exported:", p, e, file=sys.stderr)
        bad += 1
        continue
    xa = bool(os.stat(a).st_mode & stat.S_IXUSR)
    xb = bool(st.st_mode & stat.S_IXUSR)
    if da != db or xa != xb or not stat.S_ISREG(st.st_mode):
        print("differs:", p, len(da), len(db), xa, xb, file=sys.stderr)
        bad += 1
found = set()
for d, dirs, files in os.walk(out):
    dirs[:] = [x for x in dirs if x != ".git"]
    for f in files:
        found.add(os.path.relpath(os.path.join(d, f), out))
extra = found - set(paths) - {".aiwgfs-manifest"}
for p in sorted(extra):
    print("extra file:", p, file=sys.stderr)
print(len(paths), "files compared", file=sys.stderr)
sys.exit(1 if bad or extra or not paths else 0)
PY
}

# --- the example tree, every platform -------------------------------------
OUT=$SCRATCH/out
git -C "$REPO" commit -q --allow-empty -m initial
mount_views
aiwgfs ls "$SRC" >"$SCRATCH/ls" || fail "ls"
aiwgfs export "$SRC" "$OUT" >"$SCRATCH/export.out" 2>&1 || {
	cat "$SCRATCH/export.out" >&2
	fail "export of the example tree"
}
check "export equals the mount on the example tree" same_as_mount "$SRC" "$OUT"
check "export says how many it wrote" \
	grep -q "^$(wc -l <"$SCRATCH/ls") files: $(wc -l <"$SCRATCH/ls") written" \
	"$SCRATCH/export.out"
check "a skill script is executable" \
	sh -c 'find "$1" -path "*/skills/*" -type f -perm -u+x | grep -q .' sh "$OUT"
set +e
aiwgfs export "$SRC" "$REPO" >/dev/null 2>"$SCRATCH/mounted.err"
rc=$?
set -e
check_eq "export refuses a repository with views mounted" "$rc" 2
check "it says to unmount first" grep -q "run 'aiwgfs umount' first" "$SCRATCH/mounted.err"
check "it wrote no manifest there" [ ! -e "$REPO/.aiwgfs-manifest" ]
aiwgfs umount "$REPO" >/dev/null || fail "umount"

# A second export writes nothing, and --check finds nothing.
aiwgfs export "$SRC" "$OUT" >"$SCRATCH/again.out" || fail "export again"
check "a second export writes nothing" grep -q " 0 written, 0 removed" "$SCRATCH/again.out"
check "--check on a fresh export exits 0" aiwgfs export "$SRC" "$OUT" --check

# --- drift: an edited, a missing and an extra file -------------------------
edited=$(grep -m1 '^\.claude/agents/' "$SCRATCH/ls")
missing=AGENTS.md
victim=$(grep '^\.claude/agents/' "$SCRATCH/ls" | sed -n 2p)
victim_id=$(basename "$victim" .md)
echo "hand edit" >>"$OUT/$edited"
rm "$OUT/$missing"
rm "$(find "$SRC" -path "*/agents/$victim_id.md" | head -1)"
set +e
aiwgfs export "$SRC" "$OUT" --check >"$SCRATCH/check.out" 2>&1
rc=$?
set -e
check_eq "--check exits 1 on drift" "$rc" 1
check "--check names the edited file" grep -qx "changed $edited" "$SCRATCH/check.out"
check "--check names the missing file" grep -qx "missing $missing" "$SCRATCH/check.out"
check "--check names the file no longer shown" grep -qx "extra $victim" "$SCRATCH/check.out"
check "--check says how many differ" grep -q "differ from what aiwgfs export would write" "$SCRATCH/check.out"
check "--check wrote nothing" [ ! -e "$OUT/$missing" ]
check "--check left the edit" grep -q "hand edit" "$OUT/$edited"

# export brings it up to date but keeps the edit (exit 1 naming it),
# writes the missing file and removes the one no longer shown.
set +e
aiwgfs export "$SRC" "$OUT" >"$SCRATCH/sync.out" 2>&1
rc=$?
set -e
check_eq "export exits 1 when it leaves a file alone" "$rc" 1
check "export names the edited file it kept" \
	grep -q "^kept $edited: edited since it was exported" "$SCRATCH/sync.out"
check "the edit survives" grep -q "hand edit" "$OUT/$edited"
check "the missing file is back" [ -s "$OUT/$missing" ]
check "the file no longer shown is gone" [ ! -e "$OUT/$victim" ]
aiwgfs export "$SRC" "$OUT" --force >/dev/null || fail "export --force"
check "--force replaced the edited file" sh -c '! grep -q "hand edit" "$1"' sh "$OUT/$edited"
check "--check is clean after --force" aiwgfs export "$SRC" "$OUT" --check

# --- hand-written files where a view's file would go ------------------------
HAND=$SCRATCH/hand
mkdir -p "$HAND/.claude/agents"
printf 'my own words\n' >"$HAND/$edited"
printf 'mine\n' >"$HAND/.claude/agents/zz-mine.md"
printf 'my agents page\n' >"$HAND/AGENTS.md"
set +e
aiwgfs export "$SRC" "$HAND" >"$SCRATCH/hand.out" 2>&1
rc=$?
set -e
check_eq "the repository's own files win, as in the mount: exit 0" "$rc" 0
check "export names the repository's own file" \
	grep -q "^own $edited: the repository's own file" "$SCRATCH/hand.out"
check "and the repository's own AGENTS.md" grep -q "^own AGENTS.md: " "$SCRATCH/hand.out"
aiwgfs export "$SRC" "$HAND" --check >"$SCRATCH/handcheck.out" ||
	fail "--check counts the repository's own files as differences"
check "--check names the repository's own file" grep -q "^own $edited: " "$SCRATCH/handcheck.out"
check_eq "the hand-written file is intact" "$(cat "$HAND/$edited")" "my own words"
check_eq "the hand-written AGENTS.md is intact" "$(cat "$HAND/AGENTS.md")" "my agents page"
check "a hand-written file is not in the manifest" \
	sh -c '! grep -q " $1\$" "$2/.aiwgfs-manifest"' sh "$edited" "$HAND"

# --clean removes what export wrote and nothing else.
echo "edited after export" >>"$HAND/.claude/commands/$(ls "$HAND/.claude/commands" | head -1)"
set +e
aiwgfs export "$HAND" --clean >"$SCRATCH/clean.out" 2>&1
rc=$?
set -e
check_eq "--clean exits 1 when it spares an edited file" "$rc" 1
check_eq "hand-written files survive --clean" \
	"$(cat "$HAND/$edited" "$HAND/.claude/agents/zz-mine.md" "$HAND/AGENTS.md")" \
	"$(printf 'my own words\nmine\nmy agents page')"
check "the edited file survives --clean" \
	sh -c 'grep -rq "edited after export" "$1/.claude/commands"' sh "$HAND"
check "--clean removed every file it wrote" \
	sh -c 'test "$(find "$1" -type f | grep -v -e zz-mine -e AGENTS.md -e .aiwgfs-manifest -e "$2" -e /commands/ | wc -l)" = 0' \
	sh "$HAND" "$edited"
check "the manifest now lists only the kept file" \
	sh -c 'test "$(grep -c "^F " "$1/.aiwgfs-manifest")" = 1' sh "$HAND"
aiwgfs export "$HAND" --clean --force >/dev/null || fail "--clean --force"
check "--clean --force removes the edited file too" \
	sh -c '! grep -rqs "edited after export" "$1/.claude/commands"' sh "$HAND"
check "--clean --force spares hand-written files" [ -f "$HAND/.claude/agents/zz-mine.md" ]
check "no manifest is left when nothing is" [ ! -e "$HAND/.aiwgfs-manifest" ]

# --- a large generated tree --------------------------------------------------
BIG=$SCRATCH/big
python3 "$AIWGFS_SCRIPTS/gen-corpus.py" "$BIG" >/dev/null || fail "gen-corpus"
aiwgfs mount "$BIG" "$REPO" >/dev/null || fail "mount the large tree"
aiwgfs ls "$BIG" >"$SCRATCH/ls" || fail "ls of the large tree"
aiwgfs export "$BIG" "$SCRATCH/bigout" >/dev/null || fail "export the large tree"
check "export equals the mount on the large tree" same_as_mount "$BIG" "$SCRATCH/bigout"
check "hundreds of files exported" [ "$(wc -l <"$SCRATCH/ls")" -gt 1500 ]
aiwgfs umount "$REPO" >/dev/null || fail "umount the large tree"
