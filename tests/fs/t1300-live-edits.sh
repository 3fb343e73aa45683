#!/usr/bin/env bash
# The views follow edits of the source while mounted: every kind of change an
# editor, a git checkout or a user makes shows in .claude, .github and .codex
# (and the index pages AGENTS.md and .github/copilot-instructions.md) within
# a generous deadline, although the kernel may cache names and attributes for
# a day: the watcher must tell it what changed. A reader must see the new
# bytes AND the exact size (stat size == bytes read == expected). Readers
# that hold an mmap or an open descriptor across an edit must not crash and
# must see one whole version.
. "$(dirname "$0")/lib.sh"

# Seconds an edit may take to show. Generous: machines are noisy, and the
# sanitizer build is slow. Every wait polls; none is a fixed sleep.
DEADLINE=3
PLATFORMS=claude,copilot,codex
SDLC=$UNITS/frameworks/sdlc-complete
MEDIA=$UNITS/frameworks/media-curator
WQ=$UNITS/addons/writing-quality

export LIVE_REPO=$REPO LIVE_SRC=$SRC LIVE_PLATFORMS=$PLATFORMS
LIVE=$SCRATCH/live.py
cat >"$LIVE" <<'PY'
"""Readers of the views for t1300. Paths are relative to $LIVE_REPO.

await DEADLINE [--contains S]... [--lacks S]... SPEC...
    Poll until every SPEC holds at once; on the deadline print what each
    failing SPEC showed and exit 1. SPEC is
      REL          the view file shows what `aiwgfs render` makes of the
                   current source, with the exact size
      REL=FILE     the view file shows the bytes of FILE, exact size
      REL!         stat fails with ENOENT
      agent:ID=FILE  the claude view of agent ID is FILE byte for byte, its
                   copilot and codex views what `aiwgfs render` makes
    --contains/--lacks: every file SPEC must (not) contain the text (also
    checked against what is wanted, so a wrong test is caught).
ls DEADLINE DIR [+NAME|-NAME]...
    Poll until listing DIR shows every +NAME and no -NAME.
mmap-edit REL SRCFILE NEWFILE
    Map REL, rename-save NEWFILE over SRCFILE, wait until a fresh open reads
    the new version, then read the whole old mapping; report what it showed.
fd-edit stat|read REL SRCFILE NEWFILE
    Open REL, read half, rename-save NEWFILE over SRCFILE, wait until stat
    shows the new size (stat) or a fresh open reads the new version (read),
    read the rest from the same descriptor; the whole must be one version.
    Then a fresh open must read the new version.
"""
import errno, hashlib, mmap, os, signal, sys, time

sys.path.insert(0, os.environ["TESTS_FS"])
import viewcheck
from viewcheck import read_all

REPO = os.environ["LIVE_REPO"]
SRC = os.environ["LIVE_SRC"]
PLAT = os.environ["LIVE_PLATFORMS"]


def render(rel):
    return viewcheck.render(SRC, rel, PLAT)


def observe(path):
    """("err", errno) or ("ok", stat size, bytes, fstat size after reading)."""
    try:
        size = os.stat(path).st_size
        fd = os.open(path, os.O_RDONLY)
    except OSError as e:
        return ("err", e.errno)
    try:
        data = read_all(fd)
        fsize = os.fstat(fd).st_size
    except OSError as e:
        return ("err", e.errno)
    finally:
        os.close(fd)
    return ("ok", size, data, fsize)


def sha(b):
    return hashlib.sha256(b).hexdigest()[:12]


def first_line(b):
    return b.split(b"\n", 2)[:2]


def describe(rel, obs, want, contains, lacks):
    if want is None:
        if obs[0] == "err":
            return "%s: stat fails with %s, want ENOENT" % (rel, errno.errorcode.get(obs[1], obs[1]))
        return "%s: still there (stat size %d), want ENOENT" % (rel, obs[1])
    if obs[0] == "err":
        return "%s: %s, want %d bytes" % (rel, os.strerror(obs[1]), len(want))
    _, size, data, fsize = obs
    diff = next((i for i in range(min(len(data), len(want))) if data[i] != want[i]),
                min(len(data), len(want)))
    return ("%s: want %d bytes (sha %s); stat size %d, read %d bytes (sha %s), "
            "fstat size %d, first difference at byte %d%s; read starts %r, wanted %r"
            % (rel, len(want), sha(want), size, len(data), sha(data), fsize,
               diff, "" if data == want else " (bytes differ)",
               data[max(0, diff - 20):diff + 40], want[max(0, diff - 20):diff + 40]))


def good(obs, want, contains, lacks):
    if want is None:
        return obs[0] == "err" and obs[1] == errno.ENOENT
    return (obs[0] == "ok" and obs[1] == len(want) and obs[3] == len(want)
            and obs[2] == want)


def cmd_await(args):
    deadline = time.monotonic() + float(args.pop(0))
    contains, lacks, specs = [], [], []
    while args and args[0] in ("--contains", "--lacks"):
        (contains if args.pop(0) == "--contains" else lacks).append(args.pop(0).encode())
    expanded = []
    for spec in args:
        if spec.startswith("agent:"):
            i, f = spec[6:].split("=", 1)
            expanded += [".claude/agents/%s.md=%s" % (i, f), ".github/agents/%s.agent.md" % i,
                         ".codex/agents/%s.toml" % i]
        else:
            expanded.append(spec)
    for spec in expanded:
        if spec.endswith("!"):
            specs.append((spec[:-1], None))
        elif "=" in spec:
            rel, f = spec.split("=", 1)
            specs.append((rel, open(f, "rb").read()))
        else:
            specs.append((spec, render(spec)))
    bad = 0
    for rel, want in specs:
        if want is None:
            continue
        for c in contains:
            if c not in want:
                print("test error: the wanted %s lacks %r" % (rel, c), file=sys.stderr)
                bad = 1
        for c in lacks:
            if c in want:
                print("test error: the wanted %s holds %r" % (rel, c), file=sys.stderr)
                bad = 1
    if bad:
        return 1
    while True:
        obs = [(rel, observe(os.path.join(REPO, rel)), want) for rel, want in specs]
        wrong = [(rel, o, w) for rel, o, w in obs if not good(o, w, contains, lacks)]
        if not wrong:
            return 0
        if time.monotonic() > deadline:
            for rel, o, w in wrong:
                print("  " + describe(rel, o, w, contains, lacks), file=sys.stderr)
            return 1
        time.sleep(0.02)


def cmd_ls(args):
    deadline = time.monotonic() + float(args.pop(0))
    d = os.path.join(REPO, args.pop(0))
    while True:
        try:
            names = set(os.listdir(d))
        except OSError as e:
            names, err = set(), e
        else:
            err = None
        missing = [a[1:] for a in args if a[0] == "+" and a[1:] not in names]
        extra = [a[1:] for a in args if a[0] == "-" and a[1:] in names]
        if not missing and not extra and not err:
            return 0
        if time.monotonic() > deadline:
            print("  ls %s: %s missing %s, unexpected %s; listing: %s" % (
                d, err or "", missing, extra, " ".join(sorted(names))), file=sys.stderr)
            return 1
        time.sleep(0.02)


def want_of(rel, newfile):
    return open(newfile, "rb").read() if rel.startswith(".claude/agents/") else None


def rename_save(srcfile, data):
    viewcheck.rename_save(srcfile, data, ".tmp")


def wait_fresh(path, want, deadline):
    while True:
        obs = observe(path)
        if good(obs, want, [], []):
            return True
        if time.monotonic() > deadline:
            print("  fresh open: " + describe(path, obs, want, [], []), file=sys.stderr)
            return False
        time.sleep(0.02)


def which(seen, old, new):
    n = len(seen)
    if seen == old:
        return "old"
    if seen == new:
        return "new"
    if n < len(new) and seen == new[:n]:
        return "the first %d bytes of the new version" % n
    if n > len(new) and seen[:len(new)] == new and not seen[len(new):].strip(b"\0"):
        return "new, zero-filled to the old size"
    if n == len(new):
        p = next((i for i in range(min(n, len(old))) if seen[i] != old[i]), min(n, len(old)))
        q = next((i for i in range(n, 0, -1) if seen[i - 1] != new[i - 1]), 0)
        if q <= p:
            return ("a mix: the old version's bytes, then the new version's from "
                    "byte %d (somewhere in %d..%d) to the end" % (p, q, p))
    if n < len(old) and seen == old[:n]:
        return "the first %d bytes of the old version only" % n
    return "neither version (%d bytes, sha %s)" % (n, sha(seen))


def cmd_mmap_edit(args):
    rel, srcfile, newfile = args
    path = os.path.join(REPO, rel)
    old = render(rel)
    new_src = open(newfile, "rb").read()
    r_ready, w_ready = os.pipe()
    r_go, w_go = os.pipe()
    r_res, w_res = os.pipe()
    pid = os.fork()
    if pid == 0:
        for fd in (r_ready, w_go, r_res):
            os.close(fd)
        fd = os.open(path, os.O_RDONLY)
        m = mmap.mmap(fd, 0, prot=mmap.PROT_READ)
        seen = m[:]
        os.write(w_ready, b"ok" if seen == old else b"bad")
        os.read(r_go, 1)
        seen = m[:]  # every page of the old length
        os.write(w_res, seen)
        os.close(w_res)
        m.close()
        os._exit(0)
    for fd in (w_ready, r_go, w_res):
        os.close(fd)
    rc = 0
    if os.read(r_ready, 3) != b"ok":
        print("  the mapping did not show the old version before the edit", file=sys.stderr)
        rc = 1
    rename_save(srcfile, new_src)
    new = render(rel)
    if not wait_fresh(path, new, time.monotonic() + DEADLINE):
        print("  %s: a fresh open+read did not show the new version in time" % rel,
              file=sys.stderr)
        rc = 1
    os.write(w_go, b"g")
    chunks = []
    while True:
        b = os.read(r_res, 65536)
        if not b:
            break
        chunks.append(b)
    _, status = os.waitpid(pid, 0)
    if os.WIFSIGNALED(status):
        print("  %s: the reader of the old mapping died of %s (old %d bytes, new %d)"
              % (rel, signal.Signals(os.WTERMSIG(status)).name, len(old), len(new)),
              file=sys.stderr)
        print("mmap of %s: the reader was killed by %s" %
              (rel, signal.Signals(os.WTERMSIG(status)).name))
        return 1
    seen = b"".join(chunks)
    print("mmap of %s (old %d bytes, new %d): the mapping showed %s" %
          (rel, len(old), len(new), which(seen, old, new)))
    if not wait_fresh(path, new, time.monotonic() + DEADLINE):
        rc = 1
    return rc


def wait_size(path, size, deadline):
    while True:
        try:
            got = os.stat(path).st_size
        except OSError as e:
            got = e.strerror
        if got == size:
            return True
        if time.monotonic() > deadline:
            print("  %s: stat size %s, want %d" % (path, got, size), file=sys.stderr)
            return False
        time.sleep(0.02)


def cmd_fd_edit(args):
    mode, rel, srcfile, newfile = args
    path = os.path.join(REPO, rel)
    old = render(rel)
    fd = os.open(path, os.O_RDONLY)
    head = b""
    while len(head) < len(old) // 2:
        b = os.read(fd, len(old) // 2 - len(head))
        if not b:
            break
        head += b
    rename_save(srcfile, open(newfile, "rb").read())
    new = render(rel)
    rc = 0
    if len(new) == len(old) or new[:len(head)] == head:
        print("test error: the new version must differ in size and in the "
              "first half", file=sys.stderr)
        rc = 1
    if mode == "stat":
        ok = wait_size(path, len(new), time.monotonic() + DEADLINE)
    else:
        ok = wait_fresh(path, new, time.monotonic() + DEADLINE)
    if not ok:
        print("  %s: the edit did not show in time" % rel, file=sys.stderr)
        rc = 1
    whole = head + read_all(fd)
    fsize = os.fstat(fd).st_size
    os.close(fd)
    got = which(whole, old, new)
    print("open descriptor on %s (old %d bytes, new %d; %d read before the edit, "
          "the rest once %s): read %s; fstat size then %d"
          % (rel, len(old), len(new), len(head),
             "stat showed the new size" if mode == "stat" else
             "another open read the new version", got, fsize))
    if whole not in (old, new):
        print("  %s: the descriptor opened before the edit read %s: %d bytes "
              "after %d before the edit; want all %d bytes of the old version or "
              "all %d of the new; read ends %r"
              % (rel, got, len(whole) - len(head), len(head), len(old), len(new),
                 whole[-60:]), file=sys.stderr)
        rc = 1
    if not wait_fresh(path, new, time.monotonic() + DEADLINE):
        rc = 1
    return rc


DEADLINE = float(os.environ.get("LIVE_DEADLINE", "3"))
cmd, args = sys.argv[1], sys.argv[2:]
sys.exit({"await": cmd_await, "ls": cmd_ls, "mmap-edit": cmd_mmap_edit,
          "fd-edit": cmd_fd_edit}[cmd](args))
PY
export LIVE_DEADLINE=$DEADLINE

live() {
	python3 "$LIVE" "$@"
}

# views WHAT SPEC...: fail WHAT unless the views show every SPEC within the
# deadline (see live.py await).
views() {
	local what=$1
	shift
	live await "$DEADLINE" "$@" || fail "$what"
}

# listed WHAT DIR [+NAME|-NAME]...: DIR of the repository lists every +NAME
# and no -NAME within the deadline.
listed() {
	local what=$1
	shift
	live ls "$DEADLINE" "$@" || fail "$what"
}

# rename_save FILE: write standard input to a temporary file in FILE's folder
# and move it over FILE, as vim and most editors save.
rename_save() {
	local tmp
	tmp="$(dirname "$1")/.$(basename "$1").swp"
	cat >"$tmp" && mv -f "$tmp" "$1"
}

# frontmatter FILE: the frontmatter block of FILE, both --- lines included.
frontmatter() {
	awk 'NR == 1 { print; next } { print } /^---$/ { exit }' "$1"
}

# views_as_source WHEN: every agent's views and the index pages show what
# the source makes of them ("agent ID WHEN" and "index pages WHEN" fail).
views_as_source() {
	local f id
	for f in "$UNITS"/*/*/agents/*.md; do
		id=$(basename "$f" .md)
		[ "$id" = README ] && continue
		views "agent $id $1" "agent:$id=$f"
	done
	views "index pages $1" "${INDEXES[@]}"
}

mount_views --platforms "$PLATFORMS" --no-rewrite-refs
INDEXES=(AGENTS.md .github/copilot-instructions.md)

# The views before any edit: read them all once, so the kernel caches their
# names, sizes and pages.
views_as_source "before any edit"

# In-place save: open with O_TRUNC and write, as `cat > file` does.
A=$SDLC/agents/test-engineer.md
{ sed 's/^# Test Engineer$/# Test Engineer, saved in place/' "$A"
	echo "Marker line of the in-place save."; } >"$SCRATCH/new"
cat "$SCRATCH/new" >"$A"
views "in-place save shows in every view" --contains "Marker line of the in-place save." \
	"agent:test-engineer=$A"
# The same size, other bytes: only the pages may tell.
sed 's/Marker line of the/MARKER LINE OF THE/' "$A" >"$SCRATCH/new"
check_eq "test edit keeps the size" "$(stat -c %s "$SCRATCH/new")" "$(stat -c %s "$A")"
cat "$SCRATCH/new" >"$A"
views "in-place save of the same size shows" --contains "MARKER LINE OF THE in-place save." \
	--lacks "Marker line of the" "agent:test-engineer=$A"

# Rename save: a temporary file in the same folder moved over the source.
A=$SDLC/agents/architecture-designer.md
{ sed 's/^# Architecture Designer$/# Architecture Designer, saved by rename/' "$A"
	echo "Marker line of the rename save."; } | rename_save "$A"
views "rename save shows in every view" --contains "Marker line of the rename save." \
	"agent:architecture-designer=$A"
check "the temporary file is gone" [ ! -e "$SDLC/agents/.architecture-designer.md.swp" ]

# Append.
A=$SDLC/agents/change-gatekeeper.md
echo "Marker line of the append." >>"$A"
views "append shows in every view" --contains "Marker line of the append." \
	"agent:change-gatekeeper=$A"

# A new agent. Look it up first: the kernel then caches that it is absent.
A=$SDLC/agents/live-agent.md
views "the new agent is absent before" .claude/agents/live-agent.md! \
	.github/agents/live-agent.agent.md! .codex/agents/live-agent.toml!
listed "agents listed before the new agent" .claude/agents -live-agent.md
listed "copilot agents listed before the new agent" .github/agents -live-agent.agent.md
cat >"$A" <<'EOF'
---
name: Live Agent
description: Appears while mounted, marker of the new agent.
model: sonnet
tools: Read, Grep
---

# Live agent

Created while the views were mounted.
EOF
views "the new agent shows in every view" --contains "Created while the views were mounted." \
	"agent:live-agent=$A"
listed "the new agent is listed in .claude/agents" .claude/agents +live-agent.md +test-engineer.md
listed "the new agent is listed in .github/agents" .github/agents +live-agent.agent.md
listed "the new agent is listed in .codex/agents" .codex/agents +live-agent.toml
views "the new agent is in the index pages" \
	--contains '- `live-agent` — Appears while mounted, marker of the new agent.' "${INDEXES[@]}"

# A deleted agent, in the kernel's caches and held open by a reader.
A=$WQ/agents/prose-editor.md
cp "$A" "$SCRATCH/prose-editor.old"
exec 7<"$REPO/.claude/agents/prose-editor.md"
rm "$A"
views "the deleted agent is gone from every view" .claude/agents/prose-editor.md! \
	.github/agents/prose-editor.agent.md! .codex/agents/prose-editor.toml!
listed "the deleted agent is not listed in .claude/agents" .claude/agents -prose-editor.md +live-agent.md
listed "the deleted agent is not listed in .github/agents" .github/agents -prose-editor.agent.md
listed "the deleted agent is not listed in .codex/agents" .codex/agents -prose-editor.toml
views "the deleted agent is gone from the index pages" --lacks '`prose-editor`' "${INDEXES[@]}"
check "a descriptor opened before the delete reads the old version" \
	cmp -s - "$SCRATCH/prose-editor.old" <&7
exec 7<&-

# A new skill folder with SKILL.md and a file in a folder of its own.
views "the new skill is absent before" .claude/skills/live-skill! .github/skills/live-skill! \
	.agents/skills/live-skill!
D=$MEDIA/skills/live-skill
mkdir "$D"
cat >"$D/SKILL.md" <<'EOF'
---
name: live-skill
description: Appears while mounted, marker of the new skill.
---

# Live skill

See references/notes.md.
EOF
mkdir "$D/references"
printf 'Notes of the live skill.\n' >"$D/references/notes.md"
for v in .claude/skills .github/skills .agents/skills; do
	views "the new skill shows in $v" --contains "Live skill" \
		"$v/live-skill/SKILL.md=$D/SKILL.md" "$v/live-skill/SKILL.md"
	views "the new skill's nested file shows in $v" \
		"$v/live-skill/references/notes.md=$D/references/notes.md"
	listed "the new skill is listed in $v" "$v" +live-skill +exif-audit
	listed "the new skill's files are listed in $v" "$v/live-skill" +SKILL.md +references
done
views "the new skill is in the index pages" \
	--contains '- `live-skill` — Appears while mounted, marker of the new skill.' "${INDEXES[@]}"

# A new folder inside an existing skill.
D=$SDLC/skills/test-coverage
listed "test-coverage listed before" .claude/skills/test-coverage +SKILL.md -examples
views "the new folder is absent before" .claude/skills/test-coverage/examples!
mkdir "$D/examples"
printf 'A sample of the test-coverage skill.\n' >"$D/examples/sample.md"
for v in .claude/skills .github/skills .agents/skills; do
	views "the new nested file shows in $v" \
		"$v/test-coverage/examples/sample.md=$D/examples/sample.md"
	listed "the new folder is listed in $v" "$v/test-coverage" +examples +SKILL.md +scripts
	listed "the new nested file is listed in $v" "$v/test-coverage/examples" +sample.md
done

# A whole unit moved away, and back.
WQ_AGENTS=(content-diversifier technical-writer)
mv "$WQ" "$SCRATCH/writing-quality.away"
for id in "${WQ_AGENTS[@]}"; do
	views "$id gone with its unit" ".claude/agents/$id.md!" ".github/agents/$id.agent.md!" \
		".codex/agents/$id.toml!"
	listed "$id not listed once its unit is gone" .claude/agents "-$id.md" +test-engineer.md
	listed "$id not listed in .github once its unit is gone" .github/agents "-$id.agent.md"
done
for s in readability voice-profiles; do
	views "skill $s gone with its unit" ".claude/skills/$s!" ".github/skills/$s!" \
		".agents/skills/$s!"
done
listed "commands of the gone unit not listed" .claude/commands -style-audit.md \
	-rewrite-section.md +doc-review.md
views "the gone unit's agents left the index pages" --lacks '`technical-writer`' \
	--lacks '`content-diversifier`' --lacks '`readability`' "${INDEXES[@]}"
mv "$SCRATCH/writing-quality.away" "$WQ"
for id in "${WQ_AGENTS[@]}"; do
	views "$id back with its unit" "agent:$id=$WQ/agents/$id.md"
	listed "$id listed again" .claude/agents "+$id.md"
	listed "$id listed again in .github" .github/agents "+$id.agent.md"
done
views "skill readability back with its unit" \
	".claude/skills/readability/SKILL.md=$WQ/skills/readability/SKILL.md" \
	".github/skills/readability/scripts/score.sh=$WQ/skills/readability/scripts/score.sh"
views "the unit's agents are back in the index pages" --contains '`technical-writer`' \
	--contains '`content-diversifier`' --contains '`readability`' "${INDEXES[@]}"
views "the deleted agent stays deleted" .claude/agents/prose-editor.md!

# A change that an index shows: the description of an agent.
A=$SDLC/agents/security-auditor.md
old_desc=$(sed -n 's/^description: //p' "$A")
sed 's/^description: /description: LIVE-DESC-1 /' "$A" | rename_save "$A"
views "the new description shows in the agent files" --contains "LIVE-DESC-1" \
	"agent:security-auditor=$A"
views "the new description shows in the index pages" \
	--contains "- \`security-auditor\` — LIVE-DESC-1 $old_desc" \
	--lacks "- \`security-auditor\` — $old_desc" "${INDEXES[@]}"

# Touching a source file changes no bytes: nothing the views show changes,
# the inode numbers neither.
A=$SDLC/agents/test-engineer.md
T=(.claude/agents/test-engineer.md .github/agents/test-engineer.agent.md
	.codex/agents/test-engineer.toml AGENTS.md .github/copilot-instructions.md)
before=$(cd "$REPO" && stat -c '%n %i %s %f' "${T[@]}" && sha256sum "${T[@]}")
touch "$A" "$SDLC/agents"
# An edit after the touch: once it shows, the watcher has seen the touch.
echo "Marker line after the touch." >>"$SDLC/agents/executive-orchestrator.md"
views "the edit after the touch shows" --contains "Marker line after the touch." \
	"agent:executive-orchestrator=$SDLC/agents/executive-orchestrator.md"
views "the touched agent reads the same" "agent:test-engineer=$A"
after=$(cd "$REPO" && stat -c '%n %i %s %f' "${T[@]}" && sha256sum "${T[@]}")
check_eq "touch changes no name, inode, size, mode or content" "$after" "$before"

# A reader holding an mmap across an edit must not crash. Shrinking is the
# hard case: pages past the new end of file. Each new version differs from
# the old one from its heading on, so a mix of both shows.
A=$MEDIA/agents/metadata-curator.md
{ cat "$A"; for i in $(seq 300); do echo "Line $i of a long metadata curator."; done; } |
	rename_save "$A"
views "the long metadata curator shows" "agent:metadata-curator=$A"
{ frontmatter "$A"; echo; echo "# Metadata curator, shrunk"; echo; echo "Marker line of the shrunk version."; } \
	>"$SCRATCH/new"
live mmap-edit .claude/agents/metadata-curator.md "$A" "$SCRATCH/new" ||
	fail "a reader's mmap of .claude/agents/metadata-curator.md across a shrinking edit"
A=$MEDIA/agents/archive-planner.md
{ sed 's/^# Archive Planner$/# Archive planner, grown/' "$A"
	for i in $(seq 200); do echo "Grown line $i of the archive planner."; done; } >"$SCRATCH/new"
live mmap-edit .github/agents/archive-planner.agent.md "$A" "$SCRATCH/new" ||
	fail "a reader's mmap of .github/agents/archive-planner.agent.md across a growing edit"

# An open descriptor across a rename save reads one whole version: the
# rest read once stat shows the edit, and once another reader has read the
# new version (the kernel's page cache is one per inode).
for how in stat read; do
	for v in .claude/agents/media-cataloger.md .github/agents/test-engineer.agent.md; do
		id=$(basename "$v" | sed 's/\..*//')
		A=$(ls "$UNITS"/*/*/agents/"$id".md)
		for change in grown shrunk; do
			{ frontmatter "$A"; echo; echo "# $id $change, rest read after a $how"; echo
				lines=12
				[ $change = shrunk ] || lines=300
				for i in $(seq $lines); do
					echo "Line $i of the $change $id, rest read after a $how."
				done; } >"$SCRATCH/new"
			live fd-edit $how "$v" "$A" "$SCRATCH/new" ||
				fail "an open descriptor of $v across a rename save ($change, rest read after a $how)"
		done
	done
done

# At the end every view still equals the source, and the daemon serves.
views_as_source "at the end"
check "the daemon still serves" serving
