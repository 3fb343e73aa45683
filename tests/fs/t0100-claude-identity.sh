#!/usr/bin/env bash
# With reference rewriting off, the claude view shows agents, commands and
# rules byte for byte as in the source, and st_size equals what cat, Node
# and mmap read.
. "$(dirname "$0")/lib.sh"

mount_views --platforms claude --no-rewrite-refs
check ".claude is a mount" mountpoint -q "$REPO/.claude"

n=0
for f in "$UNITS"/*/*/agents/*.md; do
	id=$(basename "$f" .md)
	[ "$id" = README ] && continue
	check "agent $id identical" cmp -s "$f" "$REPO/.claude/agents/$id.md"
	n=$((n + 1))
done
check "agents were compared" [ "$n" -gt 5 ]

check "nested command identical" cmp -s \
	"$UNITS/frameworks/sdlc-complete/commands/flow/flow-gate-check.md" \
	"$REPO/.claude/commands/flow-gate-check.md"
check "rules index identical" cmp -s \
	"$UNITS/frameworks/sdlc-complete/rules/RULES-INDEX.md" \
	"$REPO/.claude/rules/RULES-INDEX.md"
check "templates are not commands" [ ! -e "$REPO/.claude/commands/command-template.md" ]
check "README is not an agent" [ ! -e "$REPO/.claude/agents/README.md" ]

# Every file: stat size == bytes read by cat, Node and Python's mmap.
while IFS= read -r -d '' f; do
	size=$(stat -c %s "$f")
	check_eq "cat size of $f" "$(cat "$f" | wc -c)" "$size"
done < <(find "$REPO/.claude" -type f -print0)

node -e '
const fs = require("fs"), path = require("path");
let bad = 0, n = 0;
function walk(d) {
	for (const e of fs.readdirSync(d, { withFileTypes: true })) {
		const p = path.join(d, e.name);
		if (e.isDirectory()) { walk(p); continue; }
		const st = fs.statSync(p), buf = fs.readFileSync(p);
		n++;
		if (st.size !== buf.length) { bad++; console.error("size", p); }
	}
}
walk(process.argv[1]);
if (n < 20 || bad) { console.error(n, "files", bad, "bad"); process.exit(1); }
' "$REPO/.claude" || fail "node readFile sizes"

python3 - "$REPO/.claude" <<'PY' || fail "mmap sizes"
import mmap, os, sys
bad = n = 0
for root, dirs, files in os.walk(sys.argv[1]):
    for name in files:
        p = os.path.join(root, name)
        with open(p, "rb") as f:
            size = os.fstat(f.fileno()).st_size
            with mmap.mmap(f.fileno(), 0, prot=mmap.PROT_READ) as m:
                data = m[:]
            f.seek(0)
            if len(data) != size or data != f.read():
                bad += 1
                print("mismatch", p, file=sys.stderr)
        n += 1
sys.exit(1 if bad or n < 20 else 0)
PY

check "find and rg see the files" [ "$(rg --no-ignore -l . "$REPO/.claude/agents" | wc -l)" -eq "$n" ]
