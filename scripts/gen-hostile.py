#!/usr/bin/env python3
"""Generate a hostile canonical tree for aiwgfs.

The tree has the AIWG shape and holds a few good artifacts next to every
kind of file that a scanner or renderer can trip over: frontmatter that is
not YAML or never closes, duplicate keys, a YAML alias bomb, binary junk,
empty files, a 20 MB agent, CRLF and BOM line ends, names with a space, a
newline or bytes that are not UTF-8, a name too long once a view appends
its suffix, FIFOs, a unix socket, device files (only when run as root),
symlinks to /etc/passwd and to folders outside the source, symlink loops,
commands nested 60 folders deep, and a file that nobody may read.

Layout written under OUT_DIR (which must be empty or not exist):

    src/                 SOURCE: agentic/code/frameworks/fw/{agents,commands,
                         skills,rules}, plus an addons folder and a unit that
                         are symlinks out of SOURCE
    outside/             a folder outside SOURCE that symlinks point into;
                         every file in it holds OUTSIDE_MARKER
    GOOD.txt             the good artifacts, one view path under .claude a line
                         (".claude/agents/good-one.md")
    MANIFEST.json        what a test needs: the good files with their source,
                         the files that must be served although unusual, the
                         hostile paths (relative to src/, non-UTF-8 bytes kept
                         as surrogate escapes) with their case, what is
                         expected of them and a regular expression a reason
                         given for them should match, names no view may
                         show, and the cases that could not be made here

Output depends only on the arguments: the same command writes the same
bytes (file modes and special files aside, which need the same user).
"""

import argparse
import json
import os
import random
import socket
import stat
import sys

OUTSIDE_MARKER = "AIWGFS-OUTSIDE-MARKER-5c0d1e"
SEED = 20250314
HUGE_BYTES = 20 * 1024 * 1024
DEEP_LEVELS = 60
LONG_NAME_BYTES = 250  # with ".md"; NAME_MAX is 255

# Words a reason given for each case should contain (case-insensitive);
# broad on purpose: any honest wording of the problem matches.
REASONS = {
    "not-yaml": r"yaml|lenient|line by line|frontmatter",
    "unclosed": r"clos|never end|unterminated|no end|not end|missing|---",
    "duplicate-keys": r"duplicate|twice|more than once|repeated|again",
    "alias-bomb": r"alias|anchor|expan|bomb",
    "binary": r"binary|not text|utf-?8|nul|encoding|control",
    "empty": r"empty|no content|0 bytes|nothing",
    "huge": r"large|big|size|bytes|limit|mb|mib",
    "name-newline": r"name|newline|line break|control|character",
    "name-invalid-utf8": r"name|utf-?8|encoding|character|byte",
    "name-too-long": r"long|name_max|255|suffix|bytes|length",
    "fifo": r"fifo|pipe|not a (regular|plain) file|special|type",
    "socket": r"socket|not a (regular|plain) file|special|type",
    "device": r"device|not a (regular|plain) file|special|type",
    "symlink-out-file": r"link|outside|out of|escape",
    "symlink-out-dir": r"link|outside|out of|escape",
    "symlink-loop": r"loop|link|too many levels",
    "deep": r"deep|depth|level|nest",
    "unreadable": r"read|permission|access|denied",
    "skill-name": r"name",
}

AGENT_GOOD = """---
name: {name}
description: {desc}
model: sonnet
tools: Read, Grep, Glob
---

# {title}

You are a good agent. You read code and report what you find.

## How you work

1. Read the files you are asked about.
2. Report what you found, with paths.
"""

COMMAND_GOOD = """---
description: {desc}
argument-hint: "[path]"
allowed-tools: Read, Grep
---

# {title}

Look at $ARGUMENTS and summarize it in three lines.
"""


def die(msg):
    print("gen-hostile: " + msg, file=sys.stderr)
    sys.exit(2)


class Tree:
    def __init__(self, out):
        self.out = os.path.abspath(out)
        self.src = os.path.join(self.out, "src")
        self.unit = os.path.join(self.src, "agentic", "code", "frameworks", "fw")
        self.outside = os.path.join(self.out, "outside")
        self.good = []      # {"view", "source"}
        self.served = []    # {"view", "source", "case", "absent"}
        self.hostile = []   # {"path", "case", "expect", "reason"}
        self.never_shown = []
        self.not_made = []  # {"case", "why"}

    # --- paths -------------------------------------------------------------
    def upath(self, rel):
        """Absolute path (bytes) of `rel` (str or bytes) inside the unit."""
        if isinstance(rel, str):
            rel = os.fsencode(rel)
        return os.path.join(os.fsencode(self.unit), rel)

    def srcrel(self, rel):
        """`rel` (inside the unit) as a path relative to src/, a str."""
        full = self.upath(rel)
        return os.fsdecode(os.path.relpath(full, os.fsencode(self.src)))

    # --- writers -----------------------------------------------------------
    def write(self, rel, data, mode=None):
        p = self.upath(rel)
        os.makedirs(os.path.dirname(p), exist_ok=True)
        if isinstance(data, str):
            data = data.encode()
        with open(p, "wb") as f:
            f.write(data)
        if mode is not None:
            os.chmod(p, mode)
        return p

    def hostile_case(self, rel, case, expect="named", shown_name=None):
        self.hostile.append({"path": self.srcrel(rel), "case": case,
                             "expect": expect, "reason": REASONS[case]})
        if shown_name:
            self.never_shown.append(shown_name)

    def good_file(self, view, rel):
        self.good.append({"view": view, "source": self.srcrel(rel)})


def make_good(t):
    t.write("agents/good-one.md", AGENT_GOOD.format(
        name="good-one", desc="The first good agent.", title="Good One"))
    t.good_file(".claude/agents/good-one.md", "agents/good-one.md")
    t.write("agents/good-two.md", AGENT_GOOD.format(
        name="Good Two", desc="The second good agent, with a display name.",
        title="Good Two"))
    t.good_file(".claude/agents/good-two.md", "agents/good-two.md")
    t.write("commands/good-cmd.md", COMMAND_GOOD.format(
        desc="A good command.", title="Good command"))
    t.good_file(".claude/commands/good-cmd.md", "commands/good-cmd.md")
    t.write("commands/nested/good-nested.md", COMMAND_GOOD.format(
        desc="A good command one folder down.", title="Good nested"))
    t.good_file(".claude/commands/good-nested.md",
                "commands/nested/good-nested.md")
    t.write("skills/good-skill/SKILL.md",
            "---\nname: good-skill\ndescription: A good skill with a script "
            "and a binary asset.\n---\n\n# Good skill\n\nRun scripts/run.sh.\n")
    t.good_file(".claude/skills/good-skill/SKILL.md",
                "skills/good-skill/SKILL.md")
    t.write("skills/good-skill/scripts/run.sh",
            "#!/bin/sh\necho good skill\n", mode=0o755)
    t.good_file(".claude/skills/good-skill/scripts/run.sh",
                "skills/good-skill/scripts/run.sh")
    # Binary content inside a skill folder is fine: served byte for byte.
    rng = random.Random(SEED + 1)
    t.write("skills/good-skill/assets/blob.bin",
            bytes(rng.randrange(256) for _ in range(4096)) + b"\0\xff\xfe")
    t.good_file(".claude/skills/good-skill/assets/blob.bin",
                "skills/good-skill/assets/blob.bin")
    t.write("skills/mixed-skill/SKILL.md",
            "---\nname: mixed-skill\ndescription: A good skill whose folder "
            "also holds things that must not be served.\n---\n\n"
            "# Mixed skill\n\nOnly this file is served.\n")
    t.good_file(".claude/skills/mixed-skill/SKILL.md",
                "skills/mixed-skill/SKILL.md")
    t.write("rules/good-rule.md",
            "---\npaths:\n  - \"src/**\"\n---\n\n# Good rule\n\n"
            "Keep functions short.\n")
    t.good_file(".claude/rules/good-rule.md", "rules/good-rule.md")


def make_served(t):
    """Unusual files that a careful tool still serves correctly."""
    t.write("agents/crlf-bom.md",
            "\ufeff---\r\nname: crlf-bom\r\ndescription: CRLF and BOM agent\r\n"
            "model: sonnet\r\ncategory: crlf-category-marker\r\n---\r\n\r\n"
            "# CRLF\r\n\r\nA body with CRLF line ends.\r\n".encode("utf-8"))
    t.served.append({"view": ".claude/agents/crlf-bom.md",
                     "source": t.srcrel("agents/crlf-bom.md"),
                     "case": "crlf-bom",
                     # frontmatter recognized: the cursor agent keeps only
                     # its own fields, so the category is not in its text
                     "absent": {".cursor/agents/crlf-bom.md":
                                "crlf-category-marker"},
                     "present": {".cursor/agents/crlf-bom.md":
                                 "CRLF and BOM agent"}})
    t.write("agents/with space.md", AGENT_GOOD.format(
        name="with space", desc="An agent whose file name has a space.",
        title="With space"))
    t.served.append({"view": ".claude/agents/with space.md",
                     "source": t.srcrel("agents/with space.md"),
                     "case": "name-space", "absent": {}, "present": {}})


def alias_bomb(levels=9, width=9):
    lines = ['a0: &a0 "lol"']
    for i in range(1, levels + 1):
        refs = ", ".join("*a%d" % (i - 1) for _ in range(width))
        lines.append("a%d: &a%d [%s]" % (i, i, refs))
    return lines, "*a%d" % levels


def make_frontmatter_cases(t):
    t.write("agents/not-yaml.md",
            '---\nname: "Not "YAML" at all\ndescription: [a] [b] c: d\n'
            'tools: Read, Write\n\tbad-indent: {{{ ]]]\n---\n\n# Not YAML\n\n'
            'Body of an agent whose frontmatter is not YAML.\n')
    t.hostile_case("agents/not-yaml.md", "not-yaml")
    t.write("agents/unclosed.md",
            "---\nname: unclosed\ndescription: Frontmatter that never closes\n"
            "model: opus\n\n# Unclosed\n\nThe block above never ends.\n")
    t.hostile_case("agents/unclosed.md", "unclosed")
    t.write("agents/dup-keys.md",
            "---\nname: dup-keys\ndescription: first description\n"
            "model: sonnet\ndescription: second description\nmodel: opus\n"
            "---\n\n# Duplicate keys\n\nBody.\n")
    t.hostile_case("agents/dup-keys.md", "duplicate-keys")
    lines, top = alias_bomb()
    fm = "\n".join(lines)
    t.write("agents/alias-bomb.md",
            "---\nname: alias-bomb\ndescription: Billion laughs\n" + fm +
            "\ntools: " + top + "\nmodel: " + top + "\n---\n\n# Alias bomb\n\n"
            "Nine levels of nine aliases each.\n")
    t.hostile_case("agents/alias-bomb.md", "alias-bomb")
    # The same in a skill and a command: their renderers write frontmatter.
    t.write("skills/bomb-skill/SKILL.md",
            "---\nname: bomb-skill\n" + fm + "\ndescription: " + top +
            "\nextra: " + top + "\n---\n\n# Bomb skill\n\nBody.\n")
    t.hostile_case("skills/bomb-skill/SKILL.md", "alias-bomb")
    t.write("commands/bomb-cmd.md",
            "---\n" + fm + "\ndescription: " + top + "\nargument-hint: " + top +
            "\n---\n\n# Bomb command\n\nRun $ARGUMENTS.\n")
    t.hostile_case("commands/bomb-cmd.md", "alias-bomb")


def make_content_cases(t):
    rng = random.Random(SEED)
    junk = bytearray(rng.randrange(256) for _ in range(64 * 1024))
    junk[0:4] = b"\x7fELF"
    junk[100:110] = b"\0" * 10
    t.write("agents/binary.md", bytes(junk))
    t.hostile_case("agents/binary.md", "binary")
    t.write("agents/empty.md", b"")
    t.hostile_case("agents/empty.md", "empty")
    t.write("skills/empty-skill/SKILL.md", b"")
    t.hostile_case("skills/empty-skill/SKILL.md", "empty")
    t.write("rules/empty-rule.md", b"")
    t.hostile_case("rules/empty-rule.md", "empty")
    # 20 MB: valid frontmatter, then Markdown sections to the size.
    head = ("---\nname: huge\ndescription: An agent of 20 MB\nmodel: haiku\n"
            "---\n\n# Huge\n\n").encode()
    para = ("This paragraph repeats to make a very large agent. " * 12 +
            "\n\n").encode()
    parts, size, n = [head], len(head), 0
    while size < HUGE_BYTES:
        sec = b"## Section %d\n\n" % n + para * 8
        parts.append(sec)
        size += len(sec)
        n += 1
    data = b"".join(parts)[:HUGE_BYTES]
    t.write("agents/huge.md", data)
    t.hostile_case("agents/huge.md", "huge")


def make_name_cases(t):
    t.write(b"agents/nl\nbreak.md", AGENT_GOOD.format(
        name="nl-break", desc="A newline in the file name.", title="NL"))
    t.hostile_case(b"agents/nl\nbreak.md", "name-newline")
    t.write(b"agents/bad-utf8-\xff\xfe.md", AGENT_GOOD.format(
        name="bad-utf8", desc="Invalid UTF-8 in the file name.", title="UTF8"))
    t.hostile_case(b"agents/bad-utf8-\xff\xfe.md", "name-invalid-utf8")
    long_id = "long-" + "x" * (LONG_NAME_BYTES - 3 - 5)
    assert len(long_id + ".md") == LONG_NAME_BYTES
    assert len(long_id + ".agent.md") > 255
    t.write("agents/" + long_id + ".md", AGENT_GOOD.format(
        name="long", desc="A name too long for .agent.md.", title="Long"))
    t.hostile_case("agents/" + long_id + ".md", "name-too-long")
    long_cmd = "longcmd-" + "y" * (LONG_NAME_BYTES - 3 - 8)
    t.write("commands/" + long_cmd + ".md", COMMAND_GOOD.format(
        desc="A name too long for .prompt.md.", title="Long command"))
    t.hostile_case("commands/" + long_cmd + ".md", "name-too-long")
    # A skill folder name that is not UTF-8 (views must normalize it).
    t.write(b"skills/Bad\xffSkill/SKILL.md",
            "# Bad skill name\n\nA skill whose folder name is not UTF-8.\n")
    t.hostile_case(b"skills/Bad\xffSkill", "skill-name")


def make_special_files(t):
    for rel in ["agents/fifo-agent.md", "commands/fifo-cmd.md",
                "rules/fifo-rule.md", "skills/mixed-skill/fifo-file",
                "skills/fifo-skill/SKILL.md"]:
        p = t.upath(rel)
        os.makedirs(os.path.dirname(p), exist_ok=True)
        os.mkfifo(p, 0o644)
        name = os.path.basename(rel)
        t.hostile_case(rel, "fifo", shown_name="fifo-skill"
                       if name == "SKILL.md" else name.replace(".md", ""))
    # A unix socket; bound by a relative name (sun_path is short).
    cwd = os.getcwd()
    try:
        os.chdir(t.upath("agents"))
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        s.bind("socket-agent.md")
        s.close()
    finally:
        os.chdir(cwd)
    t.hostile_case("agents/socket-agent.md", "socket",
                   shown_name="socket-agent")
    if os.geteuid() == 0:
        for rel, minor in [("agents/devnull-agent.md", 3),
                           ("commands/devzero-cmd.md", 5)]:
            try:
                os.mknod(t.upath(rel), stat.S_IFCHR | 0o666,
                         os.makedev(1, minor))
            except OSError as e:
                t.not_made.append({"case": "device",
                                   "why": "mknod %s: %s" % (rel, e)})
                continue
            t.hostile_case(rel, "device",
                           shown_name=os.path.basename(rel)[:-3])
    else:
        t.not_made.append({"case": "device", "why": "not root"})


def make_outside(t):
    m = OUTSIDE_MARKER
    files = {
        "cmds/leak-cmd.md": "---\ndescription: %s command\n---\n\n# Leak\n\n%s\n",
        "skill/SKILL.md": "---\nname: leak-skill\ndescription: %s skill\n---\n\n%s\n",
        "skill/leak-data.txt": "%s data %s\n",
        "unit/agents/leak-unit-agent.md": "---\ndescription: %s unit\n---\n\n%s\n",
        "addons/leak-addon/agents/leak-addon-agent.md":
            "---\ndescription: %s addon\n---\n\n%s\n",
        "agents/leak-agent.md": "---\ndescription: %s agent\n---\n\n%s\n",
        "rules/leak-rule.md": "# Leak rule\n\n%s %s\n",
    }
    for rel, text in files.items():
        p = os.path.join(t.outside, rel)
        os.makedirs(os.path.dirname(p), exist_ok=True)
        with open(p, "w") as f:
            f.write(text % (m, m))
    t.never_shown += ["leak-cmd", "leak-skill", "leak-data", "leak-unit-agent",
                      "leak-addon-agent", "leak-agent", "leak-rule"]


def rel_link(t, rel, target_abs):
    """Make unit path `rel` a relative symlink to absolute `target_abs`."""
    p = os.fsdecode(t.upath(rel))
    os.makedirs(os.path.dirname(p), exist_ok=True)
    os.symlink(os.path.relpath(target_abs, os.path.dirname(p)), p)


def make_symlinks(t):
    for rel in ["agents/passwd.md", "commands/passwd-cmd.md",
                "rules/passwd-rule.md", "skills/mixed-skill/passwd-link"]:
        p = t.upath(rel)
        os.makedirs(os.path.dirname(p), exist_ok=True)
        os.symlink("/etc/passwd", p)
        t.hostile_case(rel, "symlink-out-file",
                       shown_name=os.path.basename(rel).replace(".md", ""))
    rel_link(t, "agents/leak-agent.md",
             os.path.join(t.outside, "agents", "leak-agent.md"))
    t.hostile_case("agents/leak-agent.md", "symlink-out-file")
    rel_link(t, "rules/leak-rule.md",
             os.path.join(t.outside, "rules", "leak-rule.md"))
    t.hostile_case("rules/leak-rule.md", "symlink-out-file")
    # Folders outside SOURCE, as a command folder, a skill, a whole unit,
    # the addons folder, and a folder inside a skill.
    rel_link(t, "commands/outside-cmds", os.path.join(t.outside, "cmds"))
    t.hostile_case("commands/outside-cmds", "symlink-out-dir")
    rel_link(t, "skills/outside-skill", os.path.join(t.outside, "skill"))
    t.hostile_case("skills/outside-skill", "symlink-out-dir",
                   shown_name="outside-skill")
    rel_link(t, "skills/mixed-skill/outside-dir", os.path.join(t.outside, "skill"))
    t.hostile_case("skills/mixed-skill/outside-dir", "symlink-out-dir",
                   shown_name="outside-dir")
    frameworks = os.path.dirname(t.unit)
    os.symlink(os.path.relpath(os.path.join(t.outside, "unit"), frameworks),
               os.path.join(frameworks, "evil-unit"))
    t.hostile.append({"path": "agentic/code/frameworks/evil-unit",
                      "case": "symlink-out-dir", "expect": "named",
                      "reason": REASONS["symlink-out-dir"]})
    code = os.path.dirname(frameworks)
    os.symlink(os.path.relpath(os.path.join(t.outside, "addons"), code),
               os.path.join(code, "addons"))
    t.hostile.append({"path": "agentic/code/addons",
                      "case": "symlink-out-dir", "expect": "named",
                      "reason": REASONS["symlink-out-dir"]})
    # Loops: two files pointing at each other, one at itself, a folder at
    # itself, and a folder at its parent (a cycle in the tree).
    os.symlink("loop-b.md", t.upath("agents/loop-a.md"))
    os.symlink("loop-a.md", t.upath("agents/loop-b.md"))
    os.symlink("loop-self.md", t.upath("rules/loop-self.md"))
    os.symlink("loop-dir", t.upath("skills/loop-dir"))
    os.symlink("..", t.upath("commands/nested/up-loop"))
    for rel, name in [("agents/loop-a.md", "loop-a"),
                      ("agents/loop-b.md", "loop-b"),
                      ("rules/loop-self.md", "loop-self"),
                      ("skills/loop-dir", "loop-dir"),
                      ("commands/nested/up-loop", "up-loop")]:
        t.hostile_case(rel, "symlink-loop", shown_name=name)


def make_deep(t):
    parts = ["d%02d" % i for i in range(1, DEEP_LEVELS + 1)]
    rel = "commands/" + "/".join(parts) + "/deep-cmd.md"
    t.write(rel, COMMAND_GOOD.format(desc="A command 60 folders deep.",
                                     title="Deep"))
    # Fine if a view serves it; if one leaves it out, check must say so.
    t.hostile_case(rel, "deep", expect="named-unless-served")
    t.deep_view = ".claude/commands/deep-cmd.md"


def make_unreadable(t):
    t.write("agents/unreadable.md", AGENT_GOOD.format(
        name="unreadable", desc="Nobody may read this.", title="Unreadable"),
        mode=0)
    # Root reads it anyway; a test running as root checks it as another user.
    t.hostile_case("agents/unreadable.md", "unreadable",
                   expect="named-unless-root")


def main():
    ap = argparse.ArgumentParser(
        description="Write a hostile AIWG-shaped canonical tree for aiwgfs "
                    "into OUT_DIR (SOURCE is OUT_DIR/src; see the top of "
                    "this file for the layout).")
    ap.add_argument("out_dir", metavar="OUT_DIR",
                    help="folder to create; must be empty or not exist")
    a = ap.parse_args()
    out = a.out_dir
    if os.path.lexists(out):
        if not os.path.isdir(out) or os.path.islink(out):
            die("%s exists and is not a folder" % out)
        if os.listdir(out):
            die("%s is not empty; refusing to write into it" % out)
    os.makedirs(out, exist_ok=True)
    os.umask(0o022)
    t = Tree(out)
    for d in ["agents", "commands", "skills", "rules"]:
        os.makedirs(t.upath(d), exist_ok=True)
    make_good(t)
    make_served(t)
    make_frontmatter_cases(t)
    make_content_cases(t)
    make_name_cases(t)
    make_outside(t)
    make_special_files(t)
    make_symlinks(t)
    make_deep(t)
    make_unreadable(t)
    with open(os.path.join(t.out, "GOOD.txt"), "w") as f:
        for g in t.good:
            f.write(g["view"] + "\n")
    manifest = {
        "source": "src",
        "outside": "outside",
        "outside_marker": OUTSIDE_MARKER,
        "good": t.good,
        "served": t.served,
        "hostile": t.hostile,
        "never_shown": sorted(set(t.never_shown)),
        "deep_view": t.deep_view,
        "not_made": t.not_made,
    }
    with open(os.path.join(t.out, "MANIFEST.json"), "w") as f:
        json.dump(manifest, f, indent=1, sort_keys=True)
        f.write("\n")
    print("wrote %d good, %d served, %d hostile paths into %s"
          % (len(t.good), len(t.served), len(t.hostile), out))


if __name__ == "__main__":
    main()
