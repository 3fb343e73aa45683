#!/usr/bin/env bash
# Reference rewriting (include/aiwgfs/refs.h) in the mounted views. Prose
# references to the AIWG root become absolute paths into SOURCE when the
# target exists; references in code spans, fenced and indented code blocks
# and raw HTML, references to missing targets, references glued to a word
# and paths with ".." stay as written; "@.claude/<kind>/<id>..." becomes the
# same artifact's path in the view being read (.claude, .github, .cursor).
# Every other byte is the source's: undoing the expected substitutions gives
# the source back. With --no-rewrite-refs the claude view is the source.
. "$(dirname "$0")/lib.sh"

SDLC=$UNITS/frameworks/sdlc-complete

# A test agent with every form of reference. Line labels (P1, M1, ...) make
# each line unique so that the checker can name it.
cat >"$SDLC/agents/ref-probe.md" <<'EOF'
---
name: Ref Probe
description: Carries every form of reference that aiwgfs rewrites or keeps.
model: sonnet
tools: Read, Grep
notes: see @agentic/code/frameworks/sdlc-complete/templates/adr.md
---

# Ref probe

P1 @agentic/code/frameworks/sdlc-complete/templates/test-plan.md
P2 $AIWG_ROOT/agentic/code/frameworks/sdlc-complete/docs/phase-overview.md
P3 ${AIWG_ROOT}/agentic/code/frameworks/sdlc-complete/templates/adr.md
P4 {AIWG_ROOT}/agentic/code/addons/writing-quality/docs/banned-phrases.md
P5 ~/.local/share/ai-writing-guide/agentic/code/frameworks/media-curator/templates/archive-plan.md
P6 the folder @agentic/code/frameworks/sdlc-complete/templates holds them all.
P7 ends a sentence @agentic/code/frameworks/sdlc-complete/templates/adr.md. Next.
P8 (@agentic/code/frameworks/sdlc-complete/templates/adr.md), then "@agentic/code/frameworks/sdlc-complete/templates/test-plan.md".
P9 *@agentic/code/frameworks/sdlc-complete/templates/release-notes.md* in emphasis.
M1 @agentic/code/frameworks/sdlc-complete/templates/no-such-file.md
M2 $AIWG_ROOT/agentic/code/frameworks/sdlc-complete/no-such-dir/x.md
W1 foo@agentic/code/frameworks/sdlc-complete/templates/adr.md
D1 @agentic/code/frameworks/../frameworks/sdlc-complete/templates/adr.md
A1 @.claude/agents/test-engineer.md
A2 @.claude/agents/no-such-agent.md
C1 @.claude/commands/flow-gate-check.md
S1 @.claude/skills/test-coverage/references/guide.md
R1 @.claude/rules/RULES-INDEX.md

> Q1 quoted @agentic/code/frameworks/sdlc-complete/templates/adr.md

- L1 listed @agentic/code/frameworks/sdlc-complete/templates/adr.md
- L2 an item with a fenced block:

  ```
  L3 @agentic/code/frameworks/sdlc-complete/templates/adr.md
  ```

## G1 heading @agentic/code/frameworks/sdlc-complete/templates/adr.md

K3 a code span `that crosses
K4 @agentic/code/frameworks/sdlc-complete/templates/adr.md a line` ends here.

U1 a lone ` backtick, then @agentic/code/frameworks/sdlc-complete/templates/adr.md

K1 inline `@agentic/code/frameworks/sdlc-complete/templates/test-plan.md` and `$AIWG_ROOT/agentic/code/frameworks/sdlc-complete/docs/phase-overview.md`.
K2 inline ``@.claude/agents/test-engineer.md`` and `{AIWG_ROOT}/agentic/code/frameworks/sdlc-complete/templates/adr.md`.

```text
F1 @agentic/code/frameworks/sdlc-complete/templates/test-plan.md
F2 {AIWG_ROOT}/agentic/code/frameworks/sdlc-complete/docs/phase-overview.md
F3 @.claude/agents/test-engineer.md
```

~~~
F4 $AIWG_ROOT/agentic/code/frameworks/sdlc-complete/templates/adr.md
~~~

An indented code block:

    I1 @agentic/code/frameworks/sdlc-complete/templates/adr.md
    I2 @.claude/agents/test-engineer.md

<div>
H1 @agentic/code/frameworks/sdlc-complete/templates/adr.md
</div>

Z1 last line @agentic/code/frameworks/sdlc-complete/templates/adr.md
EOF

# The checker. Arguments: SOURCE FILE VIEW-FILE VIEW PART, where PART is
# "whole" (the view file is the source file with references rewritten) or
# "body" (the view file's body after its frontmatter is the source body with
# references rewritten). The expected substitutions are written out below,
# per source file and view: (a text that names one line, old, new).
cat >"$SCRATCH/refcheck.py" <<'PY'
import os
import sys

source, src_file, view_file, view, part = sys.argv[1:6]
name = os.path.basename(src_file)
T = "agentic/code/frameworks/sdlc-complete/templates"
D = "agentic/code/frameworks/sdlc-complete/docs"


def subs(S):
    """(line marker, old, new) for the file `name` in `view`, SOURCE = S."""
    agent = {".claude": ".claude/agents/{}.md",
             ".github": ".github/agents/{}.agent.md",
             ".cursor": ".cursor/agents/{}.md"}[view]
    a = lambda i: "@" + agent.format(i)
    if name == "ref-probe.md":
        out = [
            ("P1 ", f"@{T}/test-plan.md", f"@{S}/{T}/test-plan.md"),
            ("P2 ", f"$AIWG_ROOT/{D}/phase-overview.md",
             f"{S}/{D}/phase-overview.md"),
            ("P3 ", f"${{AIWG_ROOT}}/{T}/adr.md", f"{S}/{T}/adr.md"),
            ("P4 ", "{AIWG_ROOT}/agentic/code/addons/writing-quality/docs/"
             "banned-phrases.md", f"{S}/agentic/code/addons/writing-quality/"
             "docs/banned-phrases.md"),
            ("P5 ", "~/.local/share/ai-writing-guide/agentic/code/frameworks/"
             "media-curator/templates/archive-plan.md",
             f"{S}/agentic/code/frameworks/media-curator/templates/"
             "archive-plan.md"),
            ("P6 ", f"@{T} ", f"@{S}/{T} "),
            ("P7 ", f"@{T}/adr.md.", f"@{S}/{T}/adr.md."),
            ("P8 ", f"(@{T}/adr.md)", f"(@{S}/{T}/adr.md)"),
            ("P8 ", f"\"@{T}/test-plan.md\"", f"\"@{S}/{T}/test-plan.md\""),
            ("P9 ", f"*@{T}/release-notes.md*", f"*@{S}/{T}/release-notes.md*"),
            ("Z1 ", f"@{T}/adr.md", f"@{S}/{T}/adr.md"),
            ("Q1 ", f"@{T}/adr.md", f"@{S}/{T}/adr.md"),
            ("L1 ", f"@{T}/adr.md", f"@{S}/{T}/adr.md"),
            ("G1 ", f"@{T}/adr.md", f"@{S}/{T}/adr.md"),
            ("U1 ", f"@{T}/adr.md", f"@{S}/{T}/adr.md"),
        ]
        other = {
            ".claude": [],
            ".github": [
                ("A1 ", "@.claude/agents/test-engineer.md",
                 "@.github/agents/test-engineer.agent.md"),
                ("C1 ", "@.claude/commands/flow-gate-check.md",
                 "@.github/prompts/flow-gate-check.prompt.md"),
                ("S1 ", "@.claude/skills/test-coverage/references/guide.md",
                 "@.github/skills/test-coverage/references/guide.md"),
                ("R1 ", "@.claude/rules/RULES-INDEX.md",
                 "@.github/instructions/RULES-INDEX.instructions.md")],
            ".cursor": [
                ("A1 ", "@.claude/agents/test-engineer.md",
                 "@.cursor/agents/test-engineer.md"),
                ("C1 ", "@.claude/commands/flow-gate-check.md",
                 "@.cursor/commands/flow-gate-check.md"),
                ("S1 ", "@.claude/skills/test-coverage/references/guide.md",
                 "@.cursor/skills/test-coverage/references/guide.md"),
                ("R1 ", "@.claude/rules/RULES-INDEX.md",
                 "@.cursor/rules/RULES-INDEX.mdc")],
        }
        return out + other[view]
    if name == "flow-gate-check.md":
        # The prose reference only; the fenced block stays as written.
        return [("phase-overview.md.", f"@{D}/phase-overview.md",
                 f"@{S}/{D}/phase-overview.md")]
    if name == "test-engineer.md":
        out = [("   from @", f"@{T}/test-plan.md", f"@{S}/{T}/test-plan.md")]
        if view != ".claude":
            out.append(("architecture designer (",
                        "@.claude/agents/architecture-designer.md",
                        a("architecture-designer")))
        return out
    if name == "generate-tests.md":
        # The code span on the next line stays.
        out = []
        if view != ".claude":
            out.append(("hand the work to", "@.claude/agents/test-engineer.md",
                        a("test-engineer")))
        return out
    if name == "RULES-INDEX.md":
        # deployment-plan.md does not exist: it stays.
        R = "agentic/code/frameworks/sdlc-complete/rules"
        out = [("rules/no-secrets.md", f"@{R}/no-secrets.md",
                f"@{S}/{R}/no-secrets.md"),
               ("rules/test-before-merge.md", f"@{R}/test-before-merge.md",
                f"@{S}/{R}/test-before-merge.md")]
        if view != ".claude":
            out.append(("(@.claude/agents/executive-orchestrator.md)",
                        "@.claude/agents/executive-orchestrator.md",
                        a("executive-orchestrator")))
        return out
    raise SystemExit(f"no expectations for {name}")


def split_fm(text):
    lines = text.splitlines(keepends=True)
    if lines and lines[0].rstrip("\r\n") == "---":
        for i in range(1, len(lines)):
            if lines[i].rstrip("\r\n") == "---":
                return "".join(lines[:i + 1]), "".join(lines[i + 1:])
    return "", text


def check(S):
    """Errors when SOURCE is spelled S."""
    errs = []
    src = open(src_file, encoding="utf-8").read()
    got = open(view_file, encoding="utf-8").read()
    if part == "body":
        src, got = split_fm(src)[1], split_fm(got)[1]
    src_lines = src.split("\n")
    new_lines = list(src_lines)
    for marker, old, new in subs(S):
        idx = [i for i, ln in enumerate(src_lines) if marker in ln]
        if len(idx) != 1:
            raise SystemExit(f"test bug: marker {marker!r} on {len(idx)} "
                             f"lines of {name}")
        i = idx[0]
        if new_lines[i].count(old) != 1:
            raise SystemExit(f"test bug: {old!r} not once on line {i + 1}")
        new_lines[i] = new_lines[i].replace(old, new)
    got_lines = got.split("\n")
    # Each expected rewrite is there.
    for i, (o, n) in enumerate(zip(src_lines, new_lines)):
        if o != n and n not in got_lines:
            errs.append(f"line {i + 1}: want {n!r}")
    # Undoing the substitutions gives the source back, byte for byte.
    undone = list(got_lines)
    for i, (o, n) in enumerate(zip(src_lines, new_lines)):
        if o != n:
            hits = [j for j, ln in enumerate(undone) if ln == n]
            if len(hits) == 1:
                undone[hits[0]] = o
    if "\n".join(undone) != src:
        for i in range(max(len(undone), len(src_lines))):
            u = undone[i] if i < len(undone) else None
            s = src_lines[i] if i < len(src_lines) else None
            if u != s:
                errs.append(f"line {i + 1}: got {got_lines[i] if i < len(got_lines) else None!r}"
                            f", want {new_lines[i] if i < len(new_lines) else None!r}")
        errs.append("with the expected rewrites undone, the text is not "
                    "the source")
    return errs


tries = [check(source)]
if os.path.realpath(source) != source:
    tries.append(check(os.path.realpath(source)))
best = min(tries, key=len)
for e in best:
    print(f"  {view_file}: {e}", file=sys.stderr)
sys.exit(1 if best else 0)
PY

# refs SOURCE-FILE VIEW-FILE VIEW PART: run the checker.
refs() {
	check "references in $2 ($4)" python3 "$SCRATCH/refcheck.py" "$SRC" "$@"
}

A=$SDLC/agents
C=$SDLC/commands
mount_views --platforms claude,copilot,cursor

# .claude: identity, the whole file (frontmatter included: a reference
# there is not in the body and stays).
refs "$A/ref-probe.md" "$REPO/.claude/agents/ref-probe.md" .claude whole
refs "$A/test-engineer.md" "$REPO/.claude/agents/test-engineer.md" .claude whole
refs "$C/flow/flow-gate-check.md" "$REPO/.claude/commands/flow-gate-check.md" .claude whole
refs "$C/generate-tests.md" "$REPO/.claude/commands/generate-tests.md" .claude whole
refs "$SDLC/rules/RULES-INDEX.md" "$REPO/.claude/rules/RULES-INDEX.md" .claude whole
# Spot checks, spelled out.
f=$REPO/.claude/agents/ref-probe.md
check "claude: prose @agentic/ becomes @SOURCE/agentic/" \
	grep -qxF "P1 @$SRC/agentic/code/frameworks/sdlc-complete/templates/test-plan.md" "$f"
check "claude: the frontmatter reference stays" \
	grep -qxF "notes: see @agentic/code/frameworks/sdlc-complete/templates/adr.md" "$f"
check "claude: a missing target stays" \
	grep -qxF "M1 @agentic/code/frameworks/sdlc-complete/templates/no-such-file.md" "$f"
check "claude: @.claude/agents/<id>.md stays" grep -qxF "A1 @.claude/agents/test-engineer.md" "$f"
check "claude: a fenced block stays" \
	grep -qxF "F1 @agentic/code/frameworks/sdlc-complete/templates/test-plan.md" "$f"
check "claude: an indented code block stays" \
	grep -qxF "    I1 @agentic/code/frameworks/sdlc-complete/templates/adr.md" "$f"
check "claude: a code span across lines stays" \
	grep -qxF "K4 @agentic/code/frameworks/sdlc-complete/templates/adr.md a line\` ends here." "$f"
check "claude: a code span stays" grep -qF '`@agentic/code/frameworks/sdlc-complete/templates/test-plan.md`' "$f"

# .github and .cursor: the bodies; "@.claude/..." becomes the view's path.
refs "$A/ref-probe.md" "$REPO/.github/agents/ref-probe.agent.md" .github body
refs "$A/test-engineer.md" "$REPO/.github/agents/test-engineer.agent.md" .github body
refs "$C/flow/flow-gate-check.md" "$REPO/.github/prompts/flow-gate-check.prompt.md" .github body
refs "$C/generate-tests.md" "$REPO/.github/prompts/generate-tests.prompt.md" .github body
refs "$SDLC/rules/RULES-INDEX.md" "$REPO/.github/instructions/RULES-INDEX.instructions.md" .github body
refs "$A/ref-probe.md" "$REPO/.cursor/agents/ref-probe.md" .cursor body
refs "$A/test-engineer.md" "$REPO/.cursor/agents/test-engineer.md" .cursor body
refs "$C/flow/flow-gate-check.md" "$REPO/.cursor/commands/flow-gate-check.md" .cursor body
refs "$C/generate-tests.md" "$REPO/.cursor/commands/generate-tests.md" .cursor body
check "copilot: @.claude/agents/<id>.md becomes @.github/agents/<id>.agent.md" \
	grep -qxF "A1 @.github/agents/test-engineer.agent.md" "$REPO/.github/agents/ref-probe.agent.md"
check "cursor: @.claude/agents/<id>.md becomes @.cursor/agents/<id>.md" \
	grep -qxF "A1 @.cursor/agents/test-engineer.md" "$REPO/.cursor/agents/ref-probe.md"
check "copilot: the fenced block of flow-gate-check stays" \
	grep -qxF "Owner: @.claude/agents/test-engineer.md" "$REPO/.github/prompts/flow-gate-check.prompt.md"
aiwgfs umount "$REPO" >/dev/null || fail "umount failed"

# --no-rewrite-refs: the claude view is the source byte for byte.
mount_views --platforms claude,copilot --no-rewrite-refs
python3 - "$UNITS" "$REPO/.claude" <<'PY' || fail "--no-rewrite-refs: the claude view differs from the source"
import os
import sys

import yaml

units, view = sys.argv[1:3]
SKIP = {"README.md", "manifest.md", "agent-template.md", "DEVELOPMENT_GUIDE.md",
        "openai-compat.md", "factory-compat.md", "windsurf-compat.md"}
seen = {"agents": set(), "commands": set(), "rules": set(), "skills": set()}
bad, n = [], 0


def compare(src, dst):
    global n
    n += 1
    if not os.path.isfile(dst):
        bad.append(f"{dst}: missing")
    elif open(src, "rb").read() != open(dst, "rb").read():
        bad.append(f"{dst}: differs from {src}")


def complete_skill_fm(path):
    """Whether SKILL.md already carries name and description: then the view
    must not touch it."""
    text = open(path, encoding="utf-8").read()
    if not text.startswith("---\n") or "\n---\n" not in text[3:]:
        return False
    try:
        d = yaml.safe_load(text[4:text.index("\n---\n", 3)])
    except yaml.YAMLError:
        return False
    return isinstance(d, dict) and \
        d.get("name") == os.path.basename(os.path.dirname(path)) and \
        isinstance(d.get("description"), str)


for group in ("frameworks", "addons"):
    for u in sorted(os.listdir(os.path.join(units, group))):
        u = os.path.join(units, group, u)
        d = os.path.join(u, "agents")
        for f in sorted(os.listdir(d)) if os.path.isdir(d) else []:
            if f.endswith(".md") and f not in SKIP and f not in seen["agents"]:
                seen["agents"].add(f)
                compare(os.path.join(d, f), os.path.join(view, "agents", f))
        for dp, dirs, files in os.walk(os.path.join(u, "commands")):
            dirs[:] = sorted(x for x in dirs if x != "templates")
            for f in sorted(files):
                if f.endswith(".md") and f not in SKIP and \
                        f not in seen["commands"]:
                    seen["commands"].add(f)
                    compare(os.path.join(dp, f),
                            os.path.join(view, "commands", f))
        d = os.path.join(u, "rules")
        rules = ["RULES-INDEX.md"] if os.path.isfile(
            os.path.join(d, "RULES-INDEX.md")) else \
            sorted(os.listdir(d)) if os.path.isdir(d) else []
        for f in rules:
            if f.endswith(".md") and f not in SKIP and f not in seen["rules"]:
                seen["rules"].add(f)
                compare(os.path.join(d, f), os.path.join(view, "rules", f))
        d = os.path.join(u, "skills")
        for s in sorted(os.listdir(d)) if os.path.isdir(d) else []:
            if not os.path.isfile(os.path.join(d, s, "SKILL.md")) or \
                    s in seen["skills"]:
                continue
            seen["skills"].add(s)
            for dp, dirs, files in os.walk(os.path.join(d, s)):
                for f in files:
                    src = os.path.join(dp, f)
                    rel = os.path.relpath(src, d)
                    if f == "SKILL.md" and not complete_skill_fm(src):
                        continue
                    compare(src, os.path.join(view, "skills", rel))
for b in bad:
    print("  " + b, file=sys.stderr)
if n < 30:
    print(f"  only {n} files compared (test setup?)", file=sys.stderr)
sys.exit(1 if bad or n < 30 else 0)
PY
check "--no-rewrite-refs: the probe's copilot body is the source body" python3 - \
	"$A/ref-probe.md" "$REPO/.github/agents/ref-probe.agent.md" <<'PY'
import sys
def body(p):
    t = open(p, encoding="utf-8").read()
    return t[t.index("\n---\n", 3) + 5:]
sys.exit(0 if body(sys.argv[1]) == body(sys.argv[2]) else 1)
PY
