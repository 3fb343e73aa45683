#!/usr/bin/env bash
# A view mounted over a real folder (.github with workflows) passes the real
# entries through for every operation, git keeps working on them, changes
# persist after unmount, and a real file wins over a synthesized one.
. "$(dirname "$0")/lib.sh"

# The repository before mounting: a committed workflow, and a hand-written
# agent file with the name of a synthesized one.
mkdir -p "$REPO/.github/workflows" "$REPO/.github/agents"
cat >"$REPO/.github/workflows/ci.yml" <<'EOF'
name: ci
on: [push, pull_request]
jobs:
  test:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - run: make test
EOF
printf 'hand-written test engineer\n' >"$REPO/.github/agents/test-engineer.agent.md"
git -C "$REPO" add -A
git -C "$REPO" commit -qm initial
git -C "$REPO" show HEAD:.github/workflows/ci.yml >"$SCRATCH/ci.committed"
cp "$REPO/.github/agents/test-engineer.agent.md" "$SCRATCH/te.real"

mount_views
G=$REPO/.github
check ".github is a mount" mountpoint -q "$G"

# Real and synthesized entries side by side.
check "workflow visible with the same bytes" cmp -s "$SCRATCH/ci.committed" "$G/workflows/ci.yml"
check "agents synthesized next to workflows" [ -f "$G/agents/security-auditor.agent.md" ]
check "prompts synthesized" [ -d "$G/prompts" ]
listing=$(ls -A "$G")
for e in workflows agents prompts skills instructions copilot-instructions.md; do
	check ".github lists $e" grep -qx "$e" <<<"$listing"
done
check_eq "git sees no change right after mounting" "$(git -C "$REPO" status --porcelain)" ""

# A real file of the same name wins over the synthesized one; the others stay.
check "real agent file wins" cmp -s "$SCRATCH/te.real" "$G/agents/test-engineer.agent.md"
check_eq "real agent file size" "$(stat -c %s "$G/agents/test-engineer.agent.md")" \
	"$(stat -c %s "$SCRATCH/te.real")"
check "the real agents folder is merged with synthesized agents" \
	[ -f "$G/agents/architecture-designer.agent.md" ]
check_eq "test-engineer listed once" \
	"$(find "$G/agents/" -maxdepth 1 -name test-engineer.agent.md | wc -l)" 1

# Edit the workflow through the mount: append, then sed -i (which writes a
# temporary file and renames it over the original).
echo '# appended' >>"$G/workflows/ci.yml"
check "append seen" [ "$(tail -n 1 "$G/workflows/ci.yml")" = "# appended" ]
sed -i 's/make test/make check/' "$G/workflows/ci.yml"
check "sed -i result seen" grep -q 'make check' "$G/workflows/ci.yml"
{ sed 's/make test/make check/' "$SCRATCH/ci.committed"; echo '# appended'; } >"$SCRATCH/ci.want"
check "edited workflow has the expected bytes" cmp -s "$SCRATCH/ci.want" "$G/workflows/ci.yml"
check "no sed temporary file left" [ "$(ls -A "$G/workflows")" = ci.yml ]
diff=$(git -C "$REPO" diff -- .github/workflows/ci.yml)
check "git diff shows the sed edit" grep -q '^+      - run: make check' <<<"$diff"
check "git diff shows the append" grep -q '^+# appended' <<<"$diff"
check_eq "git status shows only the workflow" "$(git -C "$REPO" status --porcelain)" \
	" M .github/workflows/ci.yml"
git -C "$REPO" commit -qam 'ci: make check' || fail "git commit through the mount"
check_eq "committed bytes" "$(git -C "$REPO" show HEAD:.github/workflows/ci.yml | sha256sum)" \
	"$(sha256sum <"$SCRATCH/ci.want")"
check_eq "clean after commit" "$(git -C "$REPO" status --porcelain)" ""

# Every kind of change to real files under .github, through the mount.
python3 - "$G" <<'PY' || fail "operations on real files through the mount"
import errno, os, stat, sys
g = sys.argv[1]
w = os.path.join(g, "workflows")
bad = []
def expect(what, cond):
    if not cond:
        bad.append(what)

# create + write + fsync
p = os.path.join(w, "new.yml")
fd = os.open(p, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
os.write(fd, b"created\n")
os.fsync(fd)
os.fdatasync(fd)
os.close(fd)
expect("create", open(p, "rb").read() == b"created\n")
# O_EXCL on an existing real file
try:
    os.open(p, os.O_WRONLY | os.O_CREAT | os.O_EXCL)
    expect("O_EXCL on existing real file fails", False)
except OSError as e:
    expect(f"O_EXCL EEXIST (got {e.errno})", e.errno == errno.EEXIST)
# mkdir, a file inside, rename across folders
os.mkdir(os.path.join(g, "ISSUE_TEMPLATE"))
q = os.path.join(g, "ISSUE_TEMPLATE", "bug.md")
with open(q, "w") as f:
    f.write("bug report\n")
    f.flush()
    os.fsync(f.fileno())
os.rename(q, os.path.join(g, "ISSUE_TEMPLATE", "bug_report.md"))
expect("rename: old name gone", not os.path.exists(q))
os.rename(os.path.join(w, "new.yml"), os.path.join(w, "renamed.yml"))
expect("rename in place", os.path.exists(os.path.join(w, "renamed.yml")))
# a real file moved into a synthesized folder makes it real underneath
os.rename(os.path.join(w, "renamed.yml"), os.path.join(g, "prompts", "mine.prompt.md"))
expect("rename into synthesized folder",
       open(os.path.join(g, "prompts", "mine.prompt.md"), "rb").read() == b"created\n")
# unlink
with open(os.path.join(w, "gone.yml"), "w") as f:
    f.write("x")
os.unlink(os.path.join(w, "gone.yml"))
expect("unlink", not os.path.exists(os.path.join(w, "gone.yml")))
# symlink
os.symlink("workflows/ci.yml", os.path.join(g, "ci-link"))
expect("readlink", os.readlink(os.path.join(g, "ci-link")) == "workflows/ci.yml")
expect("symlink resolves", open(os.path.join(g, "ci-link"), "rb").read() ==
       open(os.path.join(w, "ci.yml"), "rb").read())
# truncate by path and by descriptor
t = os.path.join(w, "trunc.yml")
with open(t, "wb") as f:
    f.write(b"0123456789")
os.truncate(t, 4)
expect("truncate by path", open(t, "rb").read() == b"0123")
with open(t, "r+b") as f:
    f.truncate(2)
expect("truncate by fd", open(t, "rb").read() == b"01")
expect("truncate size", os.stat(t).st_size == 2)
# chmod
s = os.path.join(w, "script.sh")
with open(s, "w") as f:
    f.write("#!/bin/sh\necho hi\n")
os.chmod(s, 0o755)
expect("chmod", stat.S_IMODE(os.stat(s).st_mode) == 0o755)
# rmdir of a real empty folder
os.mkdir(os.path.join(g, "empty"))
os.rmdir(os.path.join(g, "empty"))
expect("rmdir", not os.path.exists(os.path.join(g, "empty")))
# writing the real agent file that shadows a synthesized one
with open(os.path.join(g, "agents", "test-engineer.agent.md"), "a") as f:
    f.write("more\n")
for b in bad:
    print("  " + b, file=sys.stderr)
sys.exit(1 if bad else 0)
PY

check "script runs through the mount" [ "$("$G/workflows/script.sh")" = hi ]

aiwgfs umount "$REPO" >/dev/null || fail "umount failed"
check ".github is no longer a mount" sh -c "! mountpoint -q '$G'"

# Everything done through the mount is in the real folder, and nothing else.
check "workflow edit persists" cmp -s "$SCRATCH/ci.want" "$G/workflows/ci.yml"
check "renamed file persists" [ "$(cat "$G/ISSUE_TEMPLATE/bug_report.md")" = "bug report" ]
check "moved file persists in the new real prompts folder" \
	[ "$(cat "$G/prompts/mine.prompt.md")" = created ]
check "symlink persists" [ "$(readlink "$G/ci-link")" = workflows/ci.yml ]
check "truncated file persists" [ "$(cat "$G/workflows/trunc.yml")" = 01 ]
check_eq "chmod persists" "$(stat -c %a "$G/workflows/script.sh")" 755
check "unlinked file stays gone" [ ! -e "$G/workflows/gone.yml" ]
check "real agent kept, appended" cmp -s <(cat "$SCRATCH/te.real"; echo more) \
	"$G/agents/test-engineer.agent.md"
got=$(cd "$G" && find . -type f | sort | tr '\n' ' ')
check_eq "real files after unmount" "$got" \
	"./ISSUE_TEMPLATE/bug_report.md ./agents/test-engineer.agent.md ./prompts/mine.prompt.md ./workflows/ci.yml ./workflows/script.sh ./workflows/trunc.yml "
check_eq "HEAD still has the commit made through the mount" \
	"$(git -C "$REPO" log -1 --format=%s)" "ci: make check"
check "committed workflow clean" git -C "$REPO" diff --quiet -- .github/workflows/ci.yml
