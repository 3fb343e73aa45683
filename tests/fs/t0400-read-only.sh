#!/usr/bin/env bash
# Synthesized files are read-only, also for root: every change fails with
# EROFS and leaves the file as it was; synthesized folders cannot be
# removed; an exclusive create of a synthesized name fails with EEXIST.
# With zero-message open the kernel lets root open a synthesized file for
# writing when nothing is truncated; the first write then fails with EROFS.
. "$(dirname "$0")/lib.sh"

check "the test runs as root (the kernel's permission check lets it through)" \
	[ "$(id -u)" -eq 0 ]

mount_views

python3 - "$REPO" <<'PY' || fail "changes to synthesized entries"
import errno, os, sys
repo = sys.argv[1]
bad = []
files = [".claude/agents/test-engineer.md",
         ".claude/skills/test-coverage/SKILL.md",
         ".claude/skills/test-coverage/scripts/check.sh",
         ".github/agents/test-engineer.agent.md",
         ".github/copilot-instructions.md",
         ".codex/agents/test-engineer.toml",
         ".agents/skills/test-coverage/SKILL.md"]

def expect_err(what, want, fn, *args):
    try:
        fn(*args)
    except OSError as e:
        if e.errno != want:
            bad.append(f"{what}: errno {e.errno} ({os.strerror(e.errno)}), "
                       f"want {want} ({os.strerror(want)})")
        return
    bad.append(f"{what}: succeeded, want errno {want} ({os.strerror(want)})")

def open_mode(p, m):
    # A write must fail: at open, or at the first write (then EROFS too).
    with open(p, m) as f:
        f.write("x" if "b" not in m else b"x")

def open_write(p, flags):
    fd = os.open(p, flags)
    try:
        os.write(fd, b"x")
    finally:
        os.close(fd)

for rel in files:
    p = os.path.join(repo, rel)
    before = open(p, "rb").read()
    st = os.stat(p)
    if not before:
        bad.append(f"{rel}: empty before the test")
    for m in ("w", "a", "r+", "wb", "ab", "x"):
        want = errno.EEXIST if m == "x" else errno.EROFS
        expect_err(f"open({rel}, {m!r})", want, open_mode, p, m)
    for flags, name in ((os.O_WRONLY, "O_WRONLY"), (os.O_RDWR, "O_RDWR"),
                        (os.O_RDONLY | os.O_TRUNC, "O_RDONLY|O_TRUNC"),
                        (os.O_WRONLY | os.O_CREAT, "O_WRONLY|O_CREAT")):
        expect_err(f"os.open({rel}, {name}) and write", errno.EROFS,
                   open_write, p, flags)
    expect_err(f"os.open({rel}, O_CREAT|O_EXCL)", errno.EEXIST, os.open, p,
               os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
    expect_err(f"truncate({rel})", errno.EROFS, os.truncate, p, 0)
    expect_err(f"unlink({rel})", errno.EROFS, os.unlink, p)
    expect_err(f"rename({rel}) away", errno.EROFS, os.rename, p, p + ".moved")
    expect_err(f"chmod({rel})", errno.EROFS, os.chmod, p, 0o666)
    expect_err(f"chown({rel})", errno.EROFS, os.chown, p, 1, 1)
    expect_err(f"utime({rel})", errno.EROFS, os.utime, p, (0, 0))
    expect_err(f"setxattr({rel})", errno.EROFS, os.setxattr, p,
               "user.test", b"1")
    after = open(p, "rb").read()
    st2 = os.stat(p)
    if after != before:
        bad.append(f"{rel}: content changed")
    if (st.st_mode, st.st_size, st.st_mtime_ns, st.st_ino) != \
            (st2.st_mode, st2.st_size, st2.st_mtime_ns, st2.st_ino):
        bad.append(f"{rel}: attributes changed")
    if os.path.exists(p + ".moved"):
        bad.append(f"{rel}.moved exists after a failed rename")

# Synthesized folders (no real folder underneath yet) cannot be removed or
# renamed.
for rel in (".claude/agents", ".claude/skills/test-coverage",
            ".claude/skills/test-coverage/scripts", ".github/prompts"):
    p = os.path.join(repo, rel)
    try:
        os.rmdir(p)
        bad.append(f"rmdir({rel}) succeeded")
    except OSError:
        pass
    try:
        os.rename(p, p + "-moved")
        bad.append(f"rename({rel}) succeeded")
    except OSError:
        pass
    if not os.path.isdir(p) or not os.listdir(p):
        bad.append(f"{rel}: gone or empty after rmdir/rename")

# A real file renamed over a synthesized one must not replace it.
victim = os.path.join(repo, ".claude/agents/security-auditor.md")
before = open(victim, "rb").read()
real = os.path.join(repo, ".claude/agents/mine.md")
with open(real, "w") as f:
    f.write("mine\n")
try:
    os.rename(real, victim)
    bad.append("rename of a real file over a synthesized one succeeded")
except OSError as e:
    if e.errno != errno.EROFS:
        bad.append(f"rename over a synthesized file: errno {e.errno}, "
                   f"want EROFS")
if open(victim, "rb").read() != before:
    bad.append("security-auditor.md changed by a rename over it")
if not os.path.exists(real):
    bad.append("the real file vanished in a failed rename")
os.unlink(real)

# A hard link to a synthesized file cannot be made.
try:
    os.link(victim, os.path.join(repo, ".claude/agents/linked.md"))
    bad.append("link of a synthesized file succeeded")
except OSError:
    pass

for b in bad:
    print("  " + b, file=sys.stderr)
sys.exit(1 if bad else 0)
PY

# Shell tools fail too, and the file keeps its bytes: the source's, with
# its references rewritten (mounted with the default, rewriting on).
f=$REPO/.claude/agents/test-engineer.md
src=$UNITS/frameworks/sdlc-complete/agents/test-engineer.md
claude_view_of "$src" >"$SCRATCH/want"
check "the rewritten source differs from the source" sh -c "! cmp -s '$src' '$SCRATCH/want'"
check "shell redirect into a synthesized file fails" sh -c "! echo x 2>/dev/null >'$f'"
check "shell append to a synthesized file fails" sh -c "! echo x 2>/dev/null >>'$f'"
check "rm -f of a synthesized file fails" sh -c "! rm -f '$f' 2>/dev/null"
check "rm -rf of a synthesized folder fails" sh -c "! rm -rf '$REPO/.claude/skills' 2>/dev/null"
check "file is still the source" cmp -s "$SCRATCH/want" "$f"
check "skills survived rm -rf" cmp -s "$UNITS/frameworks/sdlc-complete/skills/test-coverage/scripts/check.sh" \
	"$REPO/.claude/skills/test-coverage/scripts/check.sh"
check "the source is untouched" cmp -s "$src" "$AIWGFS_EXAMPLES/aiwg/agentic/code/frameworks/sdlc-complete/agents/test-engineer.md"

aiwgfs umount "$REPO" >/dev/null || fail "umount failed"

# The daemon says which source file to edit instead.
"$AIWGFS" mount "$SRC" "$REPO" --platforms claude --foreground \
	>"$SCRATCH/fg.out" 2>"$SCRATCH/fg.err" &
BG_PIDS+=($!)
if wait_until 10 serving; then
	python3 -c 'import sys
with open(sys.argv[1], "a") as f:
    f.write("x")' "$f" 2>/dev/null &&
		fail "append succeeded in the foreground mount"
	check "the log names the source to edit" \
		wait_until 5 grep -qF "$src" "$SCRATCH/fg.err"
else
	fail "foreground mount did not come up"
fi
