#!/usr/bin/env bash
# Every platform at once (no --platforms) in one repository: `mount` prints
# one line per view; every file of every view reads whole with st_size equal
# to the bytes read; the files are exactly what `aiwgfs ls` lists and what
# the platform table of the design says; each file follows its tool's format
# as real parsers read it (YAML frontmatter, TOML also for bodies full of
# quotes, backslashes and control characters, the Agent Skills rules that
# OpenClaw's strict line reader applies, Windsurf's size limits, the model,
# tool and read-only mappings); the index pages stay under 32 KiB and name
# every agent; git status stays clean; unmounting leaves the repository as it
# was. Then the same with --no-rewrite-refs, where every body must be the
# source body byte for byte.
. "$(dirname "$0")/lib.sh"

WQ=$UNITS/addons/writing-quality

# Additions to the private copy of the example tree, so that the size limits
# and the "a real skill wins over a command" rule have something to act on.
# A 20 KB rule with many headings: Windsurf must split it under 6,000
# characters a part.
python3 - "$WQ/rules/big-style-guide.md" <<'PY'
import sys
out = ['---\npaths:\n  - "docs/**/*.md"\n---\n\n# Big style guide\n\n',
       'Long guidance that no single Windsurf rule can hold.\n']
for i in range(1, 21):
    out.append(f"\n## Section {i}\n\n")
    para = " ".join(f"word{i}x{j}" for j in range(110))
    out.append(para[:900] + ".\n")
open(sys.argv[1], "w").write("".join(out))
PY
# A 14 KB command: Windsurf's workflow limit (12,000 characters) cuts it.
python3 - "$WQ/commands/long-workflow.md" <<'PY'
import sys
out = ['---\ndescription: A very long workflow that Windsurf cannot hold whole\n'
       'argument-hint: <target>\n---\n\n# Long workflow\n\n',
       'Run the long workflow on $ARGUMENTS. This first section is what a cut\n'
       'workflow keeps.\n']
for i in range(1, 15):
    out.append(f"\n## Step {i}\n\n")
    para = " ".join(f"step{i}y{j}" for j in range(120))
    out.append(para[:960] + ".\n")
open(sys.argv[1], "w").write("".join(out))
PY
# A command with the id of a real skill: the skill wins in .agents/skills and
# .warp/skills.
cat >"$WQ/commands/test-coverage.md" <<'EOF'
---
description: Command that has the same id as the test-coverage skill
---

Measure coverage of $ARGUMENTS. This command text must not replace the skill.
EOF
# Text that TOML and YAML must escape: triple quotes, backslashes, control
# characters (ESC, DEL), a trailing quote; a description full of YAML syntax.
python3 - "$WQ" <<'PY'
import sys
wq = sys.argv[1]
tricky = ("'Handles \"quotes\", colons: like this, # hashes, [brackets], "
          "{braces}, & anchors, * stars and a trailing colon:'")
body = ('\n# TOML torture\n\nTriple quotes: """ and \'\'\' and """"" five.\n'
        'Backslashes: C:\\new\\table \\u0041 \\"\n'
        'Control: [\x1b] escape, [\x7f] delete, [\t] tab.\n'
        'Ends with a quote: "')
open(f"{wq}/agents/toml-torture.md", "w").write(
    "---\nname: TOML Torture\ndescription: " + tricky + "\nmodel: opus\n"
    "tools: Read, Write\n---\n" + body)
open(f"{wq}/commands/toml-torture-cmd.md", "w").write(
    "---\ndescription: " + tricky + "\n---\n" + body +
    "\nArguments: $ARGUMENTS and $ARGUMENTS again.\n")
# A skill whose description is over the 1,024-character limit of skills.
long = " ".join(f"word{i}" for i in range(300))
import os
os.makedirs(f"{wq}/skills/long-desc", exist_ok=True)
open(f"{wq}/skills/long-desc/SKILL.md", "w").write(
    "---\nname: long-desc\ndescription: " + long + "\n---\n\n# Long\n\nText.\n")
PY
check "the added rule is over 6,000 characters" [ "$(wc -c <"$WQ/rules/big-style-guide.md")" -gt 18000 ]
check "the added command is over 12,000 characters" [ "$(wc -c <"$WQ/commands/long-workflow.md")" -gt 13000 ]

# The checker. Arguments: repo, SOURCE, mode ("rewrite": references in
# bodies may be rewritten as refs.h says; "norewrite": every body is the
# source body exactly).
cat >"$SCRATCH/check_all.py" <<'PY'
import os
import re
import stat
import sys
import tomllib

sys.path.insert(0, os.environ["TESTS_FS"])
from viewcheck import (artifacts, err, errors, files_under, finish, read,
                       skill_name, source_meta, split_fm, strict_meta)

repo, source, mode = sys.argv[1:4]
units_root = os.path.join(source, "agentic", "code")
SOURCES = {source, os.path.realpath(source)}

# The platform table of DESIGN.md ("Views"), in registry order.
PLATFORMS = [
    ("claude", {"agent": ".claude/agents/{id}.md",
                "command": ".claude/commands/{id}.md",
                "skill": ".claude/skills/{id}",
                "rule": ".claude/rules/{id}.md"}, []),
    ("codex", {"agent": ".codex/agents/{id}.toml",
               "command": ".agents/skills/{id}",
               "skill": ".agents/skills/{id}"}, ["AGENTS.md"]),
    ("copilot", {"agent": ".github/agents/{id}.agent.md",
                 "command": ".github/prompts/{id}.prompt.md",
                 "skill": ".github/skills/{id}",
                 "rule": ".github/instructions/{id}.instructions.md"},
     [".github/copilot-instructions.md"]),
    ("cursor", {"agent": ".cursor/agents/{id}.md",
                "command": ".cursor/commands/{id}.md",
                "skill": ".cursor/skills/{id}",
                "rule": ".cursor/rules/{id}.mdc"}, []),
    ("warp", {"command": ".warp/skills/{id}",
              "skill": ".warp/skills/{id}"}, ["AGENTS.md"]),
    ("openclaw", {"command": ".agents/skills/{id}",
                  "skill": ".agents/skills/{id}"}, ["AGENTS.md"]),
    ("windsurf", {"command": ".windsurf/workflows/{id}.md",
                  "skill": ".windsurf/skills/{id}",
                  "rule": ".windsurf/rules/{id}.md"}, ["AGENTS.md"]),
    ("opencode", {"agent": ".opencode/agents/{id}.md",
                  "command": ".opencode/commands/{id}.md",
                  "skill": ".opencode/skills/{id}"}, ["AGENTS.md"]),
    ("factory", {"agent": ".factory/droids/{id}.md",
                 "command": ".factory/commands/{id}.md",
                 "skill": ".factory/skills/{id}"}, ["AGENTS.md"]),
    ("gemini", {"command": ".gemini/commands/{id}.toml",
                "skill": ".gemini/skills/{id}"}, ["GEMINI.md"]),
    ("kiro", {"agent": ".kiro/agents/{id}.md",
              "command": ".kiro/prompts/{id}.md",
              "skill": ".kiro/skills/{id}",
              "rule": ".kiro/steering/{id}.md"}, []),
    ("cline", {"command": ".clinerules/workflows/{id}.md",
               "skill": ".cline/skills/{id}",
               "rule": ".clinerules/{id}.md"}, ["AGENTS.md"]),
]
PLATFORM = {n: kinds for n, kinds, _ in PLATFORMS}
# Which platform renders the files under a view (the first one that has it).
OWNER = {}
for n, kinds, files in PLATFORMS:
    for p in list(kinds.values()) + files:
        OWNER.setdefault(p.split("/")[0], n)
VIEWS = sorted(OWNER)

ANTHROPIC = {"opus": "anthropic/claude-opus-4-20250514",
             "sonnet": "anthropic/claude-sonnet-4-20250514",
             "haiku": "anthropic/claude-haiku-4-20250514"}
CODEX = {"opus": "gpt-5.3-codex", "haiku": "gpt-5-codex-mini"}
FACTORY_TOOLS = {"Bash": "Execute", "Write": "Create", "Edit": "Edit",
                 "MultiEdit": "Edit", "WebFetch": "FetchUrl",
                 "WebSearch": "WebSearch", "Read": "Read", "Grep": "Grep",
                 "Glob": "Glob", "LS": "LS", "Task": "Task",
                 "TodoWrite": "TodoWrite"}
WRITERS = {"Write", "Edit", "MultiEdit", "Bash"}
SKILL_NAME = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")


def tools_of(meta):
    t = meta.get("tools", [])
    if isinstance(t, str):
        t = t.split(",")
    return [x.strip() for x in t if isinstance(x, str) and x.strip()]


ARTS = artifacts(units_root)

# --- References (refs.h) -------------------------------------------------
# A body matches its source when it is the source with each reference either
# kept or rewritten to what refs.h says (t1220 checks which ones must be).
REF = re.compile(
    r"(?<![A-Za-z0-9\u0080-\U0010ffff\-_./~@$%+\\])"
    r"(@agentic/|\$AIWG_ROOT/|\$\{AIWG_ROOT\}/|\{AIWG_ROOT\}/|"
    r"~/\.local/share/ai-writing-guide/|@\.claude/)"
    r"([^\s\"'`<>()\[\]*]*)")


def ref_alternatives(prefix, rest, platform):
    orig = prefix + rest
    alts = [orig]
    if ".." in rest.split("/"):
        return alts
    if prefix == "@.claude/":
        m = re.match(r"^(agents|commands|rules)/([^/]+)\.md$", rest) or \
            re.match(r"^(skills)/([^/]+)(/.*)?$", rest)
        if not m:
            return alts
        kind = {"agents": "agent", "commands": "command", "rules": "rule",
                "skills": "skill"}[m.group(1)]
        aid = m.group(2)
        path = PLATFORM.get(platform, {}).get(kind)
        if path and aid in ARTS[kind]:
            p = path.format(id=aid)
            if kind == "skill":
                p += m.group(3) or ""
            alts += ["@" + p, "@" + p + "/SKILL.md"]
        return alts
    rel = ("agentic/" + rest) if prefix == "@agentic/" else rest
    if os.path.exists(os.path.join(source, rel)):
        at = "@" if prefix == "@agentic/" else ""
        alts += [at + s + "/" + rel for s in SOURCES]
    return alts


def body_pattern(text, platform):
    if mode == "norewrite":
        return re.compile(re.escape(text), re.S)
    parts, pos = [], 0
    for m in REF.finditer(text):
        rest = m.group(2).rstrip(".,:;!?")
        start, end = m.start(), m.start(1) + len(m.group(1)) + len(rest)
        parts.append(re.escape(text[pos:start]))
        alts = sorted(set(ref_alternatives(m.group(1), rest, platform)),
                      key=len, reverse=True)
        parts.append("(?:" + "|".join(re.escape(a) for a in alts) + ")")
        pos = end
    parts.append(re.escape(text[pos:]))
    return re.compile("".join(parts), re.S)


def same_body(path, got, want, platform, strip=True):
    """got, want: str. strip: blank lines at the start are not content."""
    if strip:
        got, want = got.lstrip("\n"), want.lstrip("\n")
    if not body_pattern(want, platform).fullmatch(got):
        err(f"{path}: body differs from the source body"
            f" (got {got[:120]!r}..., want {want[:120]!r}...)")


# --- Every file reads whole -----------------------------------------------
def walk_view(v):
    p = os.path.join(repo, v)
    if os.path.isfile(p):
        return [v]
    out = []
    for dirpath, dirs, files in os.walk(p):
        for n in files:
            out.append(os.path.relpath(os.path.join(dirpath, n), repo))
    return out


ALL = {}
for v in VIEWS:
    if not os.path.exists(os.path.join(repo, v)):
        err(f"{v}: missing")
        continue
    for rel in walk_view(v):
        p = os.path.join(repo, rel)
        try:
            st = os.stat(p)
            data = read(p)
        except OSError as e:
            err(f"{rel}: cannot read: {e}")
            continue
        if st.st_size != len(data):
            err(f"{rel}: st_size {st.st_size}, read {len(data)} bytes")
        ALL[rel] = data

# --- The file list the platform table gives ---------------------------------
want = set()
split_rules = {}
for n, kinds, files in PLATFORMS:
    want.update(files)
    for kind, tmpl in kinds.items():
        for aid, src in ARTS[kind].items():
            if kind == "skill":
                d = tmpl.format(id=skill_name(aid))
                want.update(os.path.join(d, f) for f in files_under(src))
            elif kind == "command" and tmpl.endswith("{id}"):
                if aid not in ARTS["skill"]:
                    want.add(tmpl.format(id=aid) + "/SKILL.md")
            elif n == "windsurf" and kind == "rule" and \
                    len(read(src).decode()) > 6000:
                split_rules[aid] = src
            else:
                want.add(tmpl.format(id=aid))
got = set(ALL)
for aid in split_rules:
    parts = sorted((f for f in got if re.fullmatch(
        re.escape(f".windsurf/rules/{aid}-") + r"[0-9]+\.md", f)),
        key=lambda f: int(f.rsplit("-", 1)[1][:-3]))
    nums = [int(f.rsplit("-", 1)[1][:-3]) for f in parts]
    if nums != list(range(1, len(nums) + 1)) or len(nums) < 4:
        err(f".windsurf/rules/{aid}: a rule of "
            f"{len(read(split_rules[aid]))} bytes should be split into at "
            f"least 4 parts numbered from 1, got {parts}")
    want.update(parts)
    split_rules[aid] = (split_rules[aid], parts)
if got != want:
    err(f"the views' files are not what the platform table gives: extra "
        f"{sorted(got - want)}, missing {sorted(want - got)}")

# --- YAML frontmatter of every .md and .mdc ---------------------------------
identity_src = {}
for kind, d in (("agent", ".claude/agents/{id}.md"),
                ("command", ".claude/commands/{id}.md"),
                ("rule", ".claude/rules/{id}.md")):
    for aid, src in ARTS[kind].items():
        identity_src[d.format(id=aid)] = src
for rel, data in sorted(ALL.items()):
    if not rel.endswith((".md", ".mdc")) or not data.startswith(b"---"):
        continue
    fm, _ = split_fm(data)
    if fm is None:
        err(f"{rel}: starts with --- but has no closing --- line")
        continue
    if strict_meta(fm) is not None:
        continue
    # Identity renderers keep the source's frontmatter bytes: invalid YAML
    # there is the source's, and passes only if it is exactly the source's.
    src = identity_src.get(rel)
    sfm = split_fm(read(src))[0] if src else None
    if src and sfm == fm and strict_meta(sfm) is None:
        continue
    err(f"{rel}: frontmatter is not a YAML mapping: {fm[:200]!r}")


def meta_body(rel):
    fm, body = split_fm(ALL.get(rel, b""))
    return (strict_meta(fm) if fm is not None else None), body.decode()


def yaml_meta_body(rel):
    """meta_body(), an error recorded when there is no YAML frontmatter."""
    meta, body = meta_body(rel)
    if meta is None:
        err(f"{rel}: no YAML frontmatter")
    return meta, body


def toml_of(rel):
    """The table of a TOML view file; None, an error recorded, when it is
    not valid TOML."""
    try:
        return tomllib.loads(ALL[rel].decode())
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as e:
        err(f"{rel}: not valid TOML: {e}")
        return None


def check_name(rel, meta, want):
    if meta.get("name") != want:
        err(f"{rel}: name {meta.get('name')!r}, want {want!r}")


def check_desc(rel, meta, smeta, limit=None):
    d = meta.get("description")
    if not isinstance(d, str) or not d.strip() or "\n" in d:
        err(f"{rel}: description missing, empty or not one line: {d!r}")
        return
    s = smeta.get("description")
    if isinstance(s, str) and s.strip():
        w = " ".join(s.split())
        if (limit is None or len(w) <= limit) and d != w:
            err(f"{rel}: description {d!r}, source says {w!r}")


def agent_meta_body(rel, aid, smeta, named=True):
    """meta_body() of an agent file; with YAML frontmatter, its name (if
    `named`) and description checked against the source's."""
    meta, body = meta_body(rel)
    if meta is not None:
        if named:
            check_name(rel, meta, aid)
        check_desc(rel, meta, smeta)
    return meta, body


# --- Agents -----------------------------------------------------------------
readonly_want = set()
readonly_got = set()
for aid, src in sorted(ARTS["agent"].items()):
    sfm, sbody = split_fm(read(src))
    smeta = source_meta(sfm)
    sbody = sbody.decode()
    tools = tools_of(smeta)
    model = smeta.get("model")
    if not WRITERS & set(tools):
        readonly_want.add(aid)

    # codex: TOML with name, description, model, developer_instructions.
    rel = f".codex/agents/{aid}.toml"
    if rel in ALL:
        t = toml_of(rel)
        if t is not None:
            check_name(rel, t, aid)
            check_desc(rel, t, smeta)
            if model in ("opus", "haiku", "sonnet"):
                wm = CODEX.get(model, "codex-mini-latest")
                if t.get("model") != wm:
                    err(f"{rel}: model {t.get('model')!r}, source {model} "
                        f"maps to {wm!r}")
            elif model == "inherit" and \
                    t.get("model") not in (None, "codex-mini-latest"):
                err(f"{rel}: model {t.get('model')!r} for inherit")
            di = t.get("developer_instructions")
            if not isinstance(di, str):
                err(f"{rel}: no developer_instructions string")
            else:
                same_body(rel, di, sbody, "codex", strip=False)

    # cursor: name, description, model, readonly.
    rel = f".cursor/agents/{aid}.md"
    meta, body = agent_meta_body(rel, aid, smeta)
    if meta is not None:
        wm = {"haiku": "fast"}.get(model, "inherit")
        if meta.get("model") != wm:
            err(f"{rel}: model {meta.get('model')!r}, want {wm!r}")
        ro = meta.get("readonly", False)
        if ro is True:
            readonly_got.add(aid)
        elif ro is not False:
            err(f"{rel}: readonly is {ro!r}, not a boolean")
        same_body(rel, body, sbody, "cursor")

    # opencode: description, mode, model, tools.
    rel = f".opencode/agents/{aid}.md"
    meta, body = agent_meta_body(rel, aid, smeta, named=False)
    if meta is not None:
        wmode = "primary" if smeta.get("orchestration") is True else \
            "subagent"
        if meta.get("mode") != wmode:
            err(f"{rel}: mode {meta.get('mode')!r}, want {wmode!r}")
        if meta.get("model") != ANTHROPIC.get(model):
            err(f"{rel}: model {meta.get('model')!r}, source {model!r} "
                f"maps to {ANTHROPIC.get(model)!r}")
        tm = meta.get("tools") or {}
        for k, grant in (("write", {"Write"}), ("edit", {"Edit", "MultiEdit"}),
                         ("bash", {"Bash"})):
            if not isinstance(tm, dict):
                err(f"{rel}: tools is not a map: {tm!r}")
                break
            if not grant & set(tools) and tm.get(k) is not False:
                err(f"{rel}: tools.{k} is {tm.get(k)!r}, source tools "
                    f"{tools} do not grant it")
            if grant & set(tools) and tm.get(k) is False:
                err(f"{rel}: tools.{k} turned off, source tools {tools}")
        same_body(rel, body, sbody, "opencode")

    # factory: name, description, model, tools.
    rel = f".factory/droids/{aid}.md"
    meta, body = agent_meta_body(rel, aid, smeta)
    if meta is not None:
        wm = ANTHROPIC.get(model, "inherit")
        if meta.get("model") != wm:
            err(f"{rel}: model {meta.get('model')!r}, want {wm!r}")
        wt = {FACTORY_TOOLS[t] for t in tools if t in FACTORY_TOOLS}
        gt = meta.get("tools")
        if wt and (not isinstance(gt, list) or set(gt) != wt or
                   len(gt) != len(set(gt))):
            err(f"{rel}: tools {gt!r}, source {tools} maps to {sorted(wt)}")
        same_body(rel, body, sbody, "factory")

    # kiro: name, description.
    rel = f".kiro/agents/{aid}.md"
    meta, body = agent_meta_body(rel, aid, smeta)
    if meta is not None:
        same_body(rel, body, sbody, "kiro")

if readonly_want != {"security-auditor"}:
    err(f"test setup: read-only agents in the source {sorted(readonly_want)}")
if readonly_got != readonly_want:
    err(f"cursor agents with readonly: true: {sorted(readonly_got)}, want "
        f"{sorted(readonly_want)}")

# --- Commands ---------------------------------------------------------------
for cid, src in sorted(ARTS["command"].items()):
    sfm, sbody = split_fm(read(src))
    smeta = source_meta(sfm)
    sbody = sbody.decode()

    # gemini: TOML with description and prompt ({{args}}).
    rel = f".gemini/commands/{cid}.toml"
    if rel in ALL:
        t = toml_of(rel)
        if t is not None:
            check_desc(rel, t, smeta)
            pr = t.get("prompt")
            if not isinstance(pr, str):
                err(f"{rel}: no prompt string")
            else:
                if "$ARGUMENTS" in pr:
                    err(f"{rel}: prompt still holds $ARGUMENTS")
                if "$ARGUMENTS" in sbody and "{{args}}" not in pr:
                    err(f"{rel}: prompt has no {{{{args}}}}")
                same_body(rel, pr, sbody.replace("$ARGUMENTS", "{{args}}"),
                          "gemini")
            if set(t) - {"description", "prompt"}:
                err(f"{rel}: keys {sorted(t)}")

    # Commands as skills, unless a real skill has the same id.
    for plat, d in (("codex", ".agents/skills"), ("warp", ".warp/skills")):
        rel = f"{d}/{cid}/SKILL.md"
        if cid in ARTS["skill"]:
            sk = ARTS["skill"][cid]
            if files_under(os.path.join(repo, d, cid)) != files_under(sk):
                err(f"{d}/{cid}: not the real skill's files")
            if sbody.strip()[:60] in ALL.get(rel, b"").decode():
                err(f"{rel}: holds the command's text, the real skill "
                    "should win")
            continue
        meta, body = yaml_meta_body(rel)
        if meta is None:
            continue
        check_name(rel, meta, cid)
        check_desc(rel, meta, smeta, 1024)
        same_body(rel, body, sbody, plat)

    # Frontmatter + body renderers, and body-only ones.
    for plat, tmpl in (("copilot", ".github/prompts/{id}.prompt.md"),
                       ("opencode", ".opencode/commands/{id}.md"),
                       ("factory", ".factory/commands/{id}.md")):
        rel = tmpl.format(id=cid)
        meta, body = yaml_meta_body(rel)
        if meta is None:
            continue
        check_desc(rel, meta, smeta)
        same_body(rel, body, sbody, plat)
    for plat, tmpl in (("cursor", ".cursor/commands/{id}.md"),
                       ("kiro", ".kiro/prompts/{id}.md"),
                       ("cline", ".clinerules/workflows/{id}.md")):
        rel = tmpl.format(id=cid)
        if rel in ALL:
            same_body(rel, ALL[rel].decode(), sbody, plat)

    # windsurf workflow: at most 12,000 characters; a longer one keeps its
    # first section and points at the full text by absolute path.
    rel = f".windsurf/workflows/{cid}.md"
    if rel in ALL:
        text = ALL[rel].decode()
        if len(ALL[rel]) > 12000:
            err(f"{rel}: {len(ALL[rel])} bytes, over Windsurf's 12,000")
        meta, body = yaml_meta_body(rel)
        if meta is not None:
            check_desc(rel, meta, smeta)
        if len(sbody) > 11000:
            first = sbody.split("\n## ", 1)[0]
            if first.strip() not in text:
                err(f"{rel}: the first section is not kept")
            last = text.rstrip("\n").rsplit("\n", 1)[-1]
            if not any(s + "/" in last and
                       os.path.relpath(src, source) in last for s in SOURCES):
                err(f"{rel}: last line {last!r} does not point at {src}")
        elif meta is not None:
            same_body(rel, body, sbody, "windsurf")

# --- Rules ------------------------------------------------------------------
for rid, src in sorted(ARTS["rule"].items()):
    sfm, sbody = split_fm(read(src))
    smeta = source_meta(sfm)
    sbody = sbody.decode()
    paths = smeta.get("paths") or []
    if isinstance(paths, str):
        paths = [paths]

    rel = f".cursor/rules/{rid}.mdc"
    meta, body = yaml_meta_body(rel)
    if meta is not None:
        if paths and meta.get("globs") != ",".join(paths):
            err(f"{rel}: globs {meta.get('globs')!r}, want "
                f"{','.join(paths)!r}")
        if not paths and meta.get("alwaysApply") is not True:
            err(f"{rel}: alwaysApply {meta.get('alwaysApply')!r}")
        same_body(rel, body, sbody, "cursor")

    rel = f".kiro/steering/{rid}.md"
    meta, body = yaml_meta_body(rel)
    if meta is not None:
        winc = "fileMatch" if paths else "always"
        if meta.get("inclusion") != winc:
            err(f"{rel}: inclusion {meta.get('inclusion')!r}, want {winc!r}")
        same_body(rel, body, sbody, "kiro")

    rel = f".clinerules/{rid}.md"
    if rel in ALL:
        if paths:
            meta, body = meta_body(rel)
            if meta is None or meta.get("paths") != paths:
                err(f"{rel}: paths {meta and meta.get('paths')!r}, want "
                    f"{paths!r}")
            same_body(rel, body, sbody, "cline")
        else:
            if ALL[rel].startswith(b"---"):
                err(f"{rel}: a rule without paths has frontmatter")
            same_body(rel, ALL[rel].decode(), sbody, "cline")

    # windsurf: each rule at most 6,000 bytes; a longer one split at
    # headings, nothing lost.
    parts = split_rules.get(rid, (None, [f".windsurf/rules/{rid}.md"]))[1]
    joined = []
    for rel in parts:
        if rel not in ALL:
            continue
        if len(ALL[rel]) > 6000:
            err(f"{rel}: {len(ALL[rel])} bytes, over Windsurf's 6,000")
        meta, body = yaml_meta_body(rel)
        if meta is None:
            continue
        wt = "glob" if paths else "always_on"
        if meta.get("trigger") != wt:
            err(f"{rel}: trigger {meta.get('trigger')!r}, want {wt!r}")
        if len(parts) > 1 and rel != parts[0] and \
                not body.lstrip().startswith("#"):
            err(f"{rel}: a split part does not start at a heading")
        joined.append(body)
    if len(parts) > 1:
        if " ".join("".join(joined).split()) != " ".join(sbody.split()):
            err(f".windsurf/rules/{rid}-*.md: the parts together are not "
                "the rule")
    elif joined:
        same_body(parts[0], joined[0], sbody, "windsurf")

# --- Skills: the Agent Skills format, as OpenClaw's line reader sees it ----
SKILL_DIRS = [".agents/skills", ".warp/skills", ".claude/skills",
              ".cursor/skills", ".gemini/skills", ".kiro/skills",
              ".cline/skills", ".windsurf/skills", ".opencode/skills",
              ".factory/skills", ".github/skills"]
for d in SKILL_DIRS:
    full = os.path.join(repo, d)
    if not os.path.isdir(full):
        err(f"{d}: missing")
        continue
    for folder in sorted(os.listdir(full)):
        rel = f"{d}/{folder}/SKILL.md"
        if rel not in ALL:
            err(f"{rel}: missing")
            continue
        text = ALL[rel].decode()
        fm, body = split_fm(ALL[rel])
        if fm is None or not text.startswith("---\n"):
            err(f"{rel}: no frontmatter block at the start")
            continue
        meta = strict_meta(fm)
        if meta is None:
            err(f"{rel}: frontmatter is not valid YAML")
            continue
        if not SKILL_NAME.match(folder) or len(folder) > 64:
            err(f"{rel}: folder name {folder!r} is not a valid skill name")
        lines = fm.split("\n")
        for key in ("name", "description"):
            idx = [i for i, ln in enumerate(lines) if ln.startswith(key + ":")]
            if len(idx) != 1:
                err(f"{rel}: {len(idx)} '{key}:' lines")
                continue
            line = lines[idx[0]]
            raw = line[len(key) + 1:].strip()
            nxt = lines[idx[0] + 1] if idx[0] + 1 < len(lines) else ""
            if nxt[:1] in (" ", "\t") or raw[:1] in ("|", ">", ""):
                err(f"{rel}: '{key}' is not on a single line: {line!r}")
                continue
            one = strict_meta(line)
            if one is None or one.get(key) != meta.get(key):
                err(f"{rel}: the '{key}' line alone does not give the "
                    f"value: {line!r}")
        if meta.get("name") != folder or lines.count(f"name: {folder}") != 1:
            err(f"{rel}: name line is not 'name: {folder}' "
                f"(name {meta.get('name')!r})")
        desc = meta.get("description")
        if not isinstance(desc, str) or not desc.strip() or len(desc) > 1024:
            err(f"{rel}: description {desc!r} empty or over 1024")

def first_paragraph(body):
    """The first paragraph after any headings, whitespace collapsed; None
    when it holds Markdown markup (its plain text is then not the raw
    text)."""
    para = []
    for line in body.split("\n"):
        if not para and (not line.strip() or line.startswith("#")):
            continue
        if not line.strip():
            break
        para.append(line)
    text = " ".join(" ".join(para).split())
    return None if re.search(r"[`*_\[\]<>#\\]", text) else text


def check_skill_desc(rel, desc, smeta, sbody):
    """A skill's description: the source's, else its first paragraph; over
    1,024 characters cut at a word boundary."""
    if not isinstance(desc, str):
        return
    sd = smeta.get("description")
    want = " ".join(sd.split()) if isinstance(sd, str) and sd.strip() \
        else first_paragraph(sbody)
    if not want:
        return
    if len(want) <= 1024:
        if desc != want:
            err(f"{rel}: description {desc!r}, want {want!r}")
        return
    cut = desc[:-1] if desc.endswith("\u2026") else \
        desc[:-3] if desc.endswith("...") else desc
    cut = cut.rstrip()
    if not want.startswith(cut) or want[len(cut):len(cut) + 1] != " " or \
            len(cut) < 900:
        err(f"{rel}: description of {len(desc)} characters is not the "
            f"source's cut at a word boundary near 1,024: ...{desc[-40:]!r}")


# Real skills: every file of the folder, the SKILL.md fields kept.
for sid, src in sorted(ARTS["skill"].items()):
    name = skill_name(sid)
    for plat, kinds in PLATFORM.items():
        if "skill" not in kinds:
            continue
        d = kinds["skill"].format(id=name)
        if OWNER[d.split("/")[0]] != plat:
            continue
        for f in sorted(files_under(src)):
            rel = f"{d}/{f}"
            if rel not in ALL:
                continue
            sdata = read(os.path.join(src, f))
            if (os.stat(os.path.join(src, f)).st_mode & 0o111 != 0) != \
                    (os.stat(os.path.join(repo, rel)).st_mode & 0o111 != 0):
                err(f"{rel}: executable bit differs from the source")
            if f != "SKILL.md":
                if f.endswith(".md"):
                    same_body(rel, ALL[rel].decode(), sdata.decode(), plat,
                              strip=False)
                elif ALL[rel] != sdata:
                    err(f"{rel}: differs from the source")
                continue
            sfm, sbody = split_fm(sdata)
            smeta = source_meta(sfm)
            meta, body = meta_body(rel)
            if meta is None:
                continue
            for k, v in smeta.items():
                if k not in ("name", "description") and meta.get(k) != v:
                    err(f"{rel}: field {k} is {meta.get(k)!r}, source {v!r}")
            check_desc(rel, meta, smeta, 1024)
            check_skill_desc(rel, meta.get("description"), smeta,
                             sbody.decode())
            same_body(rel, body, sbody.decode(), plat, strip=sfm is None)

# --- Index pages --------------------------------------------------------------
for rel in ("AGENTS.md", "GEMINI.md", ".github/copilot-instructions.md"):
    p = os.path.join(repo, rel)
    if rel not in ALL:
        continue
    if not stat.S_ISREG(os.lstat(p).st_mode):
        err(f"{rel}: not a regular file")
    if len(ALL[rel]) >= 32 * 1024:
        err(f"{rel}: {len(ALL[rel])} bytes, not under 32 KiB")
    text = ALL[rel].decode()
    for kind in ("agent", "skill", "command"):
        for aid in ARTS[kind]:
            if not re.search(r"(?<![\w-])" + re.escape(aid) + r"(?![\w-])",
                             text):
                err(f"{rel}: does not mention {kind} {aid}")

finish(f"{len(ALL)} files checked, {len(errors)} errors")
PY

# The views the platform table gives (DESIGN.md, "Views").
VIEWS=(.claude .cursor .github .codex .agents AGENTS.md .warp .windsurf
	.opencode .factory .gemini GEMINI.md .kiro .clinerules .cline)

# check_mounted WHAT: the mount output and the mount points.
check_mounted() {
	local v n
	check_eq "$1: mount prints one line per view" \
		"$(grep -c . "$SCRATCH/mount.out")" "${#VIEWS[@]}"
	for v in "${VIEWS[@]}"; do
		n=$(grep -cwF -- "$v" "$SCRATCH/mount.out" || true)
		check_eq "$1: lines of the mount output naming $v" "$n" 1
		check "$1: $v is a mount point" mountpoint -q "$REPO/$v"
	done
	check_eq "$1: mounts under the repository" \
		"$(mounted_under "$REPO/" | wc -l)" "${#VIEWS[@]}"
}

# check_listing WHAT: the files in the views are what `aiwgfs ls` lists.
check_listing() {
	local rc=0
	aiwgfs ls "$SRC" >"$SCRATCH/ls" 2>"$SCRATCH/ls.err" || rc=$?
	check_eq "$1: aiwgfs ls exits 0 ($(cat "$SCRATCH/ls.err"))" "$rc" 0
	(cd "$REPO" && find "${VIEWS[@]}" -type f | sort) >"$SCRATCH/found"
	if ! diff <(sort "$SCRATCH/ls") "$SCRATCH/found" >"$SCRATCH/ls.diff"; then
		head -20 "$SCRATCH/ls.diff" >&2
		fail "$1: the files of the views differ from aiwgfs ls"
	fi
}

commit_baseline "# the user's file"

mount_views
check_mounted "default"
check_listing "default"
timeout 120 python3 "$SCRATCH/check_all.py" "$REPO" "$SRC" rewrite ||
	fail "the views (default options) break their formats or differ from the source"
for f in AGENTS.md GEMINI.md; do
	check_eq "$f is a regular file" "$(stat -c %F "$REPO/$f")" "regular file"
done
check_eq "git status while mounted" \
	"$(git -C "$REPO" status --porcelain --untracked-files=all)" ""

aiwgfs umount "$REPO" >/dev/null || fail "umount failed"
check "nothing mounted after umount" nothing_mounted "$SCRATCH"
check_as_before "the repository changed"
check "the exclude file is as before" cmp -s "$SCRATCH/exclude.before" "$EXCLUDE"

# Without reference rewriting, every body is the source body exactly.
mount_views --no-rewrite-refs
check_mounted "--no-rewrite-refs"
timeout 120 python3 "$SCRATCH/check_all.py" "$REPO" "$SRC" norewrite ||
	fail "the views (--no-rewrite-refs) break their formats or differ from the source"
check_eq "git status while mounted (--no-rewrite-refs)" \
	"$(git -C "$REPO" status --porcelain --untracked-files=all)" ""
aiwgfs umount "$REPO" >/dev/null || fail "umount failed"
check_as_before "the repository is as before (--no-rewrite-refs)"
check "the exclude file is as before (--no-rewrite-refs)" cmp -s "$SCRATCH/exclude.before" "$EXCLUDE"
