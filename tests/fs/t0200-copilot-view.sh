#!/usr/bin/env bash
# The copilot view (.github) follows Copilot's formats: agents, prompts and
# instructions carry frontmatter that a YAML parser reads, with the fields the
# format rules ask for and values derived from the source; bodies are the
# source bodies; skills follow the Agent Skills format; the index stays small.
. "$(dirname "$0")/lib.sh"

# The checker: compares the mounted .github with what the source files and
# the format rules say it must hold. Mode "rewrite" (the default mount) skips
# body comparisons of sources that hold references aiwgfs may rewrite; mode
# "norewrite" (--no-rewrite-refs) compares every body.
cat >"$SCRATCH/check_copilot.py" <<'PY'
import os
import re
import stat
import sys

import yaml

sys.path.insert(0, os.environ["TESTS_FS"])
from viewcheck import (artifacts, err, files_under, finish, read,
                       skill_name, source_meta, split_fm)

view, units_root, mode = sys.argv[1:4]

# References that reference rewriting may change in a body.
REFS = re.compile(rb"@agentic/|\$AIWG_ROOT|\{AIWG_ROOT\}|"
                  rb"~/\.local/share/ai-writing-guide|@\.claude/")
# Copilot's tool aliases and the mapping from Claude tool names.
ALIASES = {"read", "edit", "search", "execute", "web", "agent", "todo"}
TOOL_MAP = {"Read": "read", "Write": "edit", "Edit": "edit",
            "MultiEdit": "edit", "Grep": "search", "Glob": "search",
            "Bash": "execute", "WebFetch": "web", "WebSearch": "web",
            "Task": "agent", "TodoWrite": "todo"}
SKILL_NAME = re.compile(r"^[a-z0-9-]{1,64}$")


def rendered_meta(path, data):
    """The frontmatter of a view file, which must be valid YAML."""
    fm, body = split_fm(data)
    if fm is None:
        err(f"{path}: no frontmatter")
        return None, body
    try:
        d = yaml.safe_load(fm)
    except yaml.YAMLError as e:
        err(f"{path}: frontmatter is not valid YAML: {e}")
        return None, body
    if not isinstance(d, dict):
        err(f"{path}: frontmatter is not a mapping: {d!r}")
        return None, body
    return d, body


def one_line_field(path, fm_text, key):
    """The raw entry of `key` spans exactly one line."""
    lines = fm_text.splitlines()
    for i, line in enumerate(lines):
        if line.startswith(key + ":"):
            nxt = lines[i + 1] if i + 1 < len(lines) else None
            if nxt is not None and (nxt[:1] in (" ", "\t", "-") or nxt == ""):
                err(f"{path}: '{key}' continues past its line")
            return
    err(f"{path}: no '{key}' line")


def check_body(path, body, src_body):
    if mode == "rewrite" and REFS.search(src_body):
        return
    if body != src_body:
        err(f"{path}: body differs from the source body")


def check_description(path, meta, src_meta=None):
    d = meta.get("description")
    if not isinstance(d, str) or not d.strip():
        err(f"{path}: description missing or empty: {d!r}")
        return
    if "\n" in d or len(d) > 1024:
        err(f"{path}: description not one line of at most 1024 characters")
    s = (src_meta or {}).get("description")
    if isinstance(s, str) and s.strip() and not re.search(r"[`*_\[\]<>#]", s):
        want = " ".join(s.split())
        if len(want) <= 1024 and d != want:
            err(f"{path}: description {d!r}, source says {want!r}")


def listing(d, suffix):
    if not os.path.isdir(d):
        err(f"{d}: missing")
        return set()
    return {n for n in os.listdir(d)}


def rendered_files(kind, sub, suffix):
    """The files of folder `sub` of the view, one per artifact of `kind`
    named id + suffix: the listing must be exactly those. Each file's body
    is checked against its source's; yields id, path, fields and the
    source's fields of each file whose frontmatter is a YAML mapping."""
    d = os.path.join(view, sub)
    want = {i + suffix for i in arts[kind]}
    got = listing(d, suffix)
    if got != want:
        err(f"{sub}: extra {sorted(got - want)}, missing {sorted(want - got)}")
    for aid, src in sorted(arts[kind].items()):
        p = os.path.join(d, aid + suffix)
        if not os.path.isfile(p):
            continue
        meta, body = rendered_meta(p, read(p))
        src_fm, src_body = split_fm(read(src))
        smeta = source_meta(src_fm)
        check_body(p, body, src_body)
        if meta is not None:
            yield aid, p, meta, smeta


arts = artifacts(units_root)
for kind in arts:
    if not arts[kind]:
        err(f"the source has no {kind}s (test setup?)")

# Every file: st_size equals the bytes read.
for dirpath, dirs, files in os.walk(view):
    for n in files:
        p = os.path.join(dirpath, n)
        if os.stat(p).st_size != len(read(p)):
            err(f"{p}: st_size differs from the bytes read")

# Agents.
for aid, p, meta, smeta in rendered_files("agent", "agents", ".agent.md"):
    if meta.get("name") != aid:
        err(f"{p}: name {meta.get('name')!r}, want {aid!r}")
    check_description(p, meta, smeta)
    st = smeta.get("tools", [])
    if isinstance(st, str):
        st = st.split(",")
    expected = {TOOL_MAP[t.strip()] for t in st if t.strip() in TOOL_MAP}
    tools = meta.get("tools")
    if expected or tools is not None:
        if not isinstance(tools, list):
            err(f"{p}: tools is not a list: {tools!r}")
            continue
        bad = [t for t in tools if t not in ALIASES]
        if bad:
            err(f"{p}: tools not among Copilot's aliases: {bad}")
        if len(set(tools)) != len(tools):
            err(f"{p}: duplicate tools: {tools}")
        if set(tools) != expected:
            err(f"{p}: tools {tools}, source {st} maps to {sorted(expected)}")

# The read-only agent: Read, Grep, Glob.
p = os.path.join(view, "agents", "security-auditor.agent.md")
if os.path.isfile(p):
    meta, _ = rendered_meta(p, read(p))
    if meta is not None and meta.get("tools") != ["read", "search"]:
        err(f"{p}: tools {meta.get('tools')!r}, want ['read', 'search']")
else:
    err(f"{p}: missing")

# Prompts.
for cid, p, meta, smeta in rendered_files("command", "prompts", ".prompt.md"):
    check_description(p, meta, smeta)
    if meta.get("agent") != "agent":
        err(f"{p}: agent {meta.get('agent')!r}, want 'agent'")
    hint = smeta.get("argument-hint")
    has_hint = isinstance(hint, str) and hint != ""
    if has_hint != ("argument-hint" in meta):
        err(f"{p}: argument-hint present: {'argument-hint' in meta}, "
            f"in source: {has_hint}")
    elif has_hint and meta["argument-hint"] != hint:
        err(f"{p}: argument-hint {meta['argument-hint']!r}, source {hint!r}")

# Instructions.
for rid, p, meta, smeta in rendered_files("rule", "instructions",
                                         ".instructions.md"):
    check_description(p, meta)
    paths = smeta.get("paths") or []
    if isinstance(paths, str):
        paths = [paths]
    apply_to = ",".join(paths) if paths else "**"
    if meta.get("applyTo") != apply_to:
        err(f"{p}: applyTo {meta.get('applyTo')!r}, want {apply_to!r}")

# Skills.
sdir = os.path.join(view, "skills")
want = {skill_name(i) for i in arts["skill"]}
got = listing(sdir, "")
if got != want:
    err(f"skills: extra {sorted(got - want)}, missing {sorted(want - got)}")
for sid, src in sorted(arts["skill"].items()):
    name = skill_name(sid)
    d = os.path.join(sdir, name)
    if not os.path.isdir(d):
        continue
    src_files, view_files = files_under(src), files_under(d)
    if src_files != view_files:
        err(f"{d}: files {sorted(view_files)}, source has "
            f"{sorted(src_files)}")
    for rel in sorted(src_files & view_files):
        sp, vp = os.path.join(src, rel), os.path.join(d, rel)
        smode, vmode = os.stat(sp).st_mode, os.stat(vp).st_mode
        if (smode & 0o111 != 0) != (vmode & 0o111 != 0):
            err(f"{vp}: mode {stat.filemode(vmode)}, source "
                f"{stat.filemode(smode)}")
        if rel.startswith("scripts/") and rel.endswith(".sh") and \
                not os.access(vp, os.X_OK):
            err(f"{vp}: script is not executable")
        if rel != "SKILL.md":
            if read(vp) != read(sp):
                err(f"{vp}: differs from the source")
            continue
        data = read(vp)
        meta, body = rendered_meta(vp, data)
        src_fm, src_body = split_fm(read(sp))
        check_body(vp, body, src_body)
        if meta is None:
            continue
        fm_text = split_fm(data)[0]
        if meta.get("name") != name or not SKILL_NAME.match(str(name)):
            err(f"{vp}: name {meta.get('name')!r}, want {name!r}")
        one_line_field(vp, fm_text, "name")
        one_line_field(vp, fm_text, "description")
        desc = meta.get("description")
        if not isinstance(desc, str) or not desc.strip() or \
                "\n" in desc or len(desc) > 1024:
            err(f"{vp}: bad description {desc!r}")
        # Every other field of the source is kept.
        smeta = source_meta(src_fm)
        for k, v in smeta.items():
            if k not in ("name", "description") and meta.get(k) != v:
                err(f"{vp}: field {k} is {meta.get(k)!r}, source {v!r}")
        if src_fm is None and set(meta) != {"name", "description"}:
            err(f"{vp}: prepended fields {sorted(meta)}, want name and "
                "description")

# A skill without frontmatter: a block prepended, the file kept after it.
src = arts["skill"].get("release-notes")
vp = os.path.join(sdir, "release-notes", "SKILL.md")
if not src or split_fm(read(os.path.join(src, "SKILL.md")))[0] is not None:
    err("the source's release-notes skill should have no frontmatter")
elif os.path.isfile(vp):
    data, sdata = read(vp), read(os.path.join(src, "SKILL.md"))
    fm, rest = split_fm(data)
    if fm is None or not data.startswith(b"---\n"):
        err(f"{vp}: no frontmatter block prepended")
    elif mode == "norewrite" or not REFS.search(sdata):
        if rest != sdata:
            err(f"{vp}: the file after the prepended block differs from "
                "the source")
else:
    err(f"{vp}: missing")

# The index.
p = os.path.join(view, "copilot-instructions.md")
if not os.path.isfile(p):
    err(f"{p}: missing")
else:
    data = read(p)
    if len(data) >= 32 * 1024:
        err(f"{p}: {len(data)} bytes, not under 32 KiB")
    text = data.decode()
    for aid in arts["agent"]:
        if not re.search(r"(?<![\w-])" + re.escape(aid) + r"(?![\w-])",
                         text):
            err(f"{p}: does not mention agent {aid}")

finish()
PY

mount_views --platforms copilot
check ".github is a mount" mountpoint -q "$REPO/.github"
check "copilot alone mounts no .claude" [ ! -e "$REPO/.claude" ]
python3 "$SCRATCH/check_copilot.py" "$REPO/.github" "$UNITS" rewrite ||
	fail "copilot view (default options) does not match the source"

aiwgfs umount "$REPO" >/dev/null || fail "umount failed"

# Without reference rewriting every body is the source body.
mount_views --platforms copilot --no-rewrite-refs
python3 "$SCRATCH/check_copilot.py" "$REPO/.github" "$UNITS" norewrite ||
	fail "copilot view (--no-rewrite-refs) does not match the source"
