#!/usr/bin/env bash
# `aiwgfs check SOURCE` lints the canonical tree: frontmatter that needed the
# lenient reader (a warning, with file and line), ids hidden by an earlier
# unit (a problem: the view loses content; both paths named), skill folder
# names that had to be normalized, Windsurf's limits (a cut workflow is a
# problem, a split rule a warning). Exit 1 when a view would lose content,
# 0 when there are only warnings. Windsurf's limits are in characters, so
# non-ASCII text under them is neither cut nor split.
. "$(dirname "$0")/lib.sh"

OUT=$SCRATCH/out

# run_check SOURCE: `aiwgfs check SOURCE`, stdout and stderr both in $OUT;
# print the exit code.
run_check() {
	local rc=0
	aiwgfs check "$1" >"$OUT" 2>&1 </dev/null || rc=$?
	echo "$rc"
}

# has WHAT ERE...: some line of $OUT matches every ERE (case-insensitive).
has() {
	local what=$1 l
	shift
	l=$(cat "$OUT")
	for re in "$@"; do
		l=$(grep -iE -- "$re" <<<"$l" || true)
	done
	if [ -z "$l" ]; then
		fail "check output: $what; output was:"
		sed 's/^/    /' "$OUT" >&2
	fi
}

# hasnt WHAT ERE: no line of $OUT matches ERE.
hasnt() {
	if grep -qiE -- "$2" "$OUT"; then
		fail "check output: $1: $(grep -iE -- "$2" "$OUT" | head -3)"
	fi
}

q() { sed 's/[.[\*^$+?(){}|]/\\&/g' <<<"$1"; }

# --- The example tree ---------------------------------------------------------
rc=$(run_check "$SRC")
check_eq "check of the example tree exits 1 (shadowing hides content)" "$rc" 1
has "change-gatekeeper.md with its line (3) as a warning" \
	"(^|/)sdlc-complete/agents/change-gatekeeper\.md:3:" "warning"
has "the shadowed command status, with both paths" \
	"$(q "$UNITS/frameworks/sdlc-complete/commands/status.md")" \
	"$(q "$UNITS/frameworks/media-curator/commands/status.md")"
has "the shadowed command doc-review, with both paths" \
	"$(q "$UNITS/addons/writing-quality/commands/doc-review.md")" \
	"$(q "$UNITS/frameworks/sdlc-complete/commands/doc-review.md")"
has "shadowing is a problem" "commands/status\.md" "problem|error"
# The files that are fine are not named.
for f in test-engineer.md security-auditor.md flow-gate-check.md RULES-INDEX.md; do
	hasnt "$f is fine" "/$f"
done

# --- The flat example tree: nothing to report ---------------------------------
FLAT=$SCRATCH/flat
cp -a "$AIWGFS_EXAMPLES/flat" "$FLAT"
rc=$(run_check "$FLAT")
check_eq "check of the flat example exits 0 ($(cat "$OUT"))" "$rc" 0
hasnt "the flat example has no warnings or problems" "warning:|problem:"

# scratch NAME: a fresh copy of the flat example at $SCRATCH/NAME.
scratch() {
	rm -rf "${SCRATCH:?}/$1"
	cp -a "$AIWGFS_EXAMPLES/flat" "$SCRATCH/$1"
	echo "$SCRATCH/$1"
}

# --- A skill folder whose name is not a valid skill name ----------------------
T=$(scratch badname)
mkdir -p "$T/skills/My_Skill"
cat >"$T/skills/My_Skill/SKILL.md" <<'EOF'
---
name: My_Skill
description: A skill in a folder whose name is not a valid skill name.
---

# My skill

Steps.
EOF
rc=$(run_check "$T")
has "My_Skill is named with its normalized name my-skill" "My_Skill" "(^|[^a-z-])my-skill([^a-z-]|$)"
has "the normalized name is a warning" "My_Skill" "warning"
check_eq "a normalized name loses nothing: exit 0 ($(cat "$OUT"))" "$rc" 0

# --- A 14 KB command: Windsurf cuts the workflow (a problem) --------------------
T=$(scratch longcmd)
python3 - "$T/commands/huge-workflow.md" <<'PY'
import sys
out = ["---\ndescription: A command longer than a Windsurf workflow\n---\n\n"
       "# Huge workflow\n\nRun it on $ARGUMENTS.\n"]
for i in range(14):
    out.append(f"\n## Step {i}\n\n" + "lorem ipsum dolor " * 53 + "\n")
open(sys.argv[1], "w").write("".join(out))
PY
check "the command is about 14 KB" [ "$(wc -c <"$T/commands/huge-workflow.md")" -gt 13500 ]
rc=$(run_check "$T")
check_eq "a cut workflow exits 1 ($(cat "$OUT"))" "$rc" 1
has "the cut is named for the command" "$(q "$T/commands/huge-workflow.md")" "windsurf" "problem"
has "the cut is about the workflow" "huge-workflow\.md" "workflow"

# --- A 20 KB rule with many headings: Windsurf splits it (a warning) -----------
T=$(scratch longrule)
python3 - "$T/rules/big-rule.md" <<'PY'
import sys
out = ["---\npaths:\n  - \"src/**\"\n---\n\n# Big rule\n\nIntro.\n"]
for i in range(20):
    out.append(f"\n## Part {i}\n\n" + "lorem ipsum dolor " * 54 + "\n")
open(sys.argv[1], "w").write("".join(out))
PY
check "the rule is about 20 KB" [ "$(wc -c <"$T/rules/big-rule.md")" -gt 19000 ]
rc=$(run_check "$T")
has "the split is named for the rule" "$(q "$T/rules/big-rule.md")" "windsurf" "warning"
hasnt "a split rule is not a problem" "big-rule\.md.*problem"
check_eq "a split rule loses nothing: exit 0 ($(cat "$OUT"))" "$rc" 0

# --- Non-ASCII text: the limits count characters, not bytes ---------------------
# A command of about 8,500 characters (12,700 bytes) and a rule of about 4,200
# characters (6,300 bytes) fit Windsurf's limits of 12,000 and 6,000
# characters: the workflow is not cut, the rule not split, check says nothing.
T=$(scratch accents)
python3 - "$T" <<'PY'
import sys
t = sys.argv[1]
out = ["---\ndescription: Une commande accentuée\n---\n\n# Accents\n\n"
       "Première section, $ARGUMENTS.\n"]
for i in range(8):
    out.append(f"\n## Étape {i}\n\n" + "déjà éé " * 130 + "\n")
s = "".join(out)
assert len(s) < 11000 < 12000 < len(s.encode())
open(f"{t}/commands/accents.md", "w", encoding="utf-8").write(s)
out = ["# Règle\n\nIntro.\n"]
for i in range(4):
    out.append(f"\n## Partie {i}\n\n" + "déjà éé " * 130 + "\n")
s = "".join(out)
assert len(s) < 5000 < 6000 < len(s.encode())
open(f"{t}/rules/regle.md", "w", encoding="utf-8").write(s)
PY
rc=$(run_check "$T")
hasnt "an 8,500-character command is not cut" "accents\.md"
hasnt "a 4,300-character rule is not split" "regle\.md"
check_eq "non-ASCII text under the limits: exit 0 ($(cat "$OUT"))" "$rc" 0
aiwgfs ls "$T" --platforms windsurf >"$SCRATCH/ls" 2>&1 || fail "ls of the accents tree failed"
check "the rule regle is one windsurf rule ($(grep regle "$SCRATCH/ls" | tr '\n' ' '))" \
	grep -qx '\.windsurf/rules/regle\.md' "$SCRATCH/ls"
if aiwgfs render "$T" .windsurf/workflows/accents.md >"$SCRATCH/wf" 2>&1; then
	check "the workflow accents keeps its last section" grep -q "Étape 7" "$SCRATCH/wf"
else
	fail "render of .windsurf/workflows/accents.md failed: $(cat "$SCRATCH/wf")"
fi
