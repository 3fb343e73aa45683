"""What the Python checks of the mount tests share.

The scripts the tests embed import it after putting the folder of lib.sh
first on their path:

    sys.path.insert(0, os.environ["TESTS_FS"])
    import viewcheck

It reads a source tree the way the scanner does (DESIGN.md: units, kinds,
frontmatter), collects the errors a checker finds, and runs and reads the
views for the live tests.
"""
import os
import re
import subprocess
import sys

# --- Errors ---------------------------------------------------------------
errors = []


def err(msg):
    errors.append(msg)


def finish(summary=None):
    """Print the errors (and `summary`) to stderr; exit 1 if there were any."""
    for e in errors:
        print("  " + e, file=sys.stderr)
    if summary is not None:
        print(summary, file=sys.stderr)
    sys.exit(1 if errors else 0)


# --- Files and frontmatter --------------------------------------------------
def read(path):
    with open(path, "rb") as f:
        return f.read()


def split_fm(data):
    """(frontmatter text or None, body bytes): a file has frontmatter when
    its first line is --- and a later line is exactly ---."""
    text = data[3:] if data.startswith(b"\xef\xbb\xbf") else data
    lines = text.splitlines(keepends=True)
    if not lines or lines[0].rstrip(b"\r\n") != b"---":
        return None, data
    for i in range(1, len(lines)):
        if lines[i].rstrip(b"\r\n") == b"---":
            return b"".join(lines[1:i]).decode(), b"".join(lines[i + 1:])
    return None, data


def lenient(fm):
    """Top-level key: value lines and - item lists, for sources that are
    not valid YAML."""
    d, key = {}, None
    for line in fm.splitlines():
        m = re.match(r"^([A-Za-z0-9_-]+):\s*(.*)$", line)
        if m:
            key, v = m.group(1), m.group(2).strip()
            if len(v) >= 2 and v[0] == v[-1] and v[0] in "\"'":
                v = v[1:-1]
            d[key] = v if v else []
        elif key and isinstance(d.get(key), list) and \
                re.match(r"^\s*-\s+", line):
            d[key].append(re.sub(r"^\s*-\s+", "", line).strip().strip("\"'"))
    return d


def strict_meta(fm):
    """The YAML mapping `fm` holds; None when it is not one."""
    import yaml

    try:
        d = yaml.safe_load(fm)
    except yaml.YAMLError:
        return None
    return d if isinstance(d, dict) else None


def source_meta(fm):
    """The fields of a source's frontmatter: YAML, else read leniently."""
    if fm is None:
        return {}
    d = strict_meta(fm)
    return d if d is not None else lenient(fm)


# --- The source tree ----------------------------------------------------------
EXCLUDED = {"README.md", "manifest.md", "agent-template.md",
            "DEVELOPMENT_GUIDE.md", "openai-compat.md", "factory-compat.md",
            "windsurf-compat.md"}


def units_of(root):
    """The units under `root` (its agentic/code), in selection order; a
    tree without frameworks and addons is one unit itself."""
    us = []
    for sub in ("frameworks", "addons"):
        d = os.path.join(root, sub)
        if os.path.isdir(d):
            us += [os.path.join(d, n) for n in sorted(os.listdir(d))
                   if os.path.isdir(os.path.join(d, n))]
    return us or [root]


def md_files(d):
    if not os.path.isdir(d):
        return []
    return [n for n in sorted(os.listdir(d)) if n.endswith(".md")
            and n not in EXCLUDED and os.path.isfile(os.path.join(d, n))]


def artifacts(root):
    """{kind: {id: path}}, the first artifact of each id in unit order."""
    out = {"agent": {}, "command": {}, "skill": {}, "rule": {}}
    for u in units_of(root):
        for n in md_files(os.path.join(u, "agents")):
            out["agent"].setdefault(n[:-3], os.path.join(u, "agents", n))
        for dirpath, dirs, files in os.walk(os.path.join(u, "commands")):
            dirs[:] = sorted(d for d in dirs if d != "templates")
            for n in sorted(files):
                if n.endswith(".md") and n not in EXCLUDED:
                    out["command"].setdefault(n[:-3],
                                              os.path.join(dirpath, n))
        sk = os.path.join(u, "skills")
        if os.path.isdir(sk):
            for n in sorted(os.listdir(sk)):
                if os.path.isfile(os.path.join(sk, n, "SKILL.md")):
                    out["skill"].setdefault(n, os.path.join(sk, n))
        rules = os.path.join(u, "rules")
        if os.path.isfile(os.path.join(rules, "RULES-INDEX.md")):
            out["rule"].setdefault("RULES-INDEX",
                                   os.path.join(rules, "RULES-INDEX.md"))
        else:
            for n in md_files(rules):
                out["rule"].setdefault(n[:-3], os.path.join(rules, n))
    return out


def files_under(d):
    """The paths of the files below folder `d`, relative to it."""
    acc = set()
    for dirpath, dirs, files in os.walk(d):
        for n in files:
            acc.add(os.path.relpath(os.path.join(dirpath, n), d))
    return acc


def skill_name(folder):
    """A skill folder's name as a skill name: lower case, runs to one "-"."""
    n = re.sub(r"[^a-z0-9]+", "-", folder.lower()).strip("-")
    return n[:64] or "skill"


# --- Live views ---------------------------------------------------------------
def render(src, rel, platforms):
    """What `aiwgfs render` makes of view file `rel` of the source `src`,
    without reference rewriting; exits when it fails."""
    r = subprocess.run([os.environ["AIWGFS"], "render", src, rel,
                        "--platforms", platforms, "--no-rewrite-refs"],
                       capture_output=True, timeout=60)
    if r.returncode:
        sys.exit("render %s failed: %s" % (rel, r.stderr.decode(errors="replace")))
    return r.stdout


def read_all(fd):
    """Read an open descriptor to its end."""
    chunks = []
    while True:
        b = os.read(fd, 65536)
        if not b:
            return b"".join(chunks)
        chunks.append(b)


def rename_save(path, data, suffix):
    """Save `data` as an editor does: write ".NAME<suffix>" next to `path`
    and rename it over `path`."""
    tmp = os.path.join(os.path.dirname(path),
                       "." + os.path.basename(path) + suffix)
    with open(tmp, "wb") as f:
        f.write(data)
    os.rename(tmp, path)
