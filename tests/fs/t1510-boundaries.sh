#!/usr/bin/env bash
# Files never cross the boundary between a view and the rest of the
# repository in a way that loses data. rename(2) and link(2) from a view to
# the repository, or between two views, fail with EXDEV (each view is a
# mount of its own), so mv copies and the source stays until the copy is
# whole; a rename onto a synthesized name fails with EROFS (a link with
# EEXIST) and both files keep their bytes; a real folder that the view also
# fills cannot be renamed away from its synthesized half. A real symlink inside a view that
# points out of the repository is shown as the link it is: the daemon never
# follows it (readlink gives the target, reading goes through the kernel
# like any link).
. "$(dirname "$0")/lib.sh"

commit_baseline hello
mkdir -p "$REPO/.claude/notes"
echo "a real note" >"$REPO/.claude/notes/real.md"
mount_views --platforms claude,copilot
agent=$(cd "$REPO/.claude/agents" && ls | head -1)
[ -n "$agent" ] || fail "no agent in the claude view"

# errno_of PYTHON-STATEMENT: the errno name the statement raises, or "ok".
errno_of() {
	python3 - "$@" <<'PY'
import errno, os, sys
try:
    exec(sys.argv[1], {"os": os, "R": os.environ["T_REPO"]})
    print("ok")
except OSError as e:
    print(errno.errorcode.get(e.errno, e.errno))
PY
}
export T_REPO=$REPO

check_eq "rename from a view to the repository root gives EXDEV" \
	"$(errno_of 'os.rename(R + "/.claude/notes/real.md", R + "/moved.md")')" EXDEV
check_eq "rename from the repository into a view gives EXDEV" \
	"$(errno_of 'os.rename(R + "/README.md", R + "/.claude/notes/README.md")')" EXDEV
check_eq "rename between two views gives EXDEV" \
	"$(errno_of 'os.rename(R + "/.claude/notes/real.md", R + "/.github/real.md")')" EXDEV
check_eq "link from a view to the repository gives EXDEV" \
	"$(errno_of 'os.link(R + "/.claude/notes/real.md", R + "/linked.md")')" EXDEV
check_eq "rename of a real file onto a synthesized one gives EROFS" \
	"$(errno_of "os.rename(R + '/.claude/notes/real.md', R + '/.claude/agents/$agent')")" EROFS
check_eq "link onto a synthesized name gives EEXIST" \
	"$(errno_of "os.link(R + '/.claude/notes/real.md', R + '/.claude/agents/$agent')")" EEXIST
check_eq "rename of a synthesized file gives EROFS" \
	"$(errno_of "os.rename(R + '/.claude/agents/$agent', R + '/.claude/notes/x.md')")" EROFS
check "the real note is whole" [ "$(cat "$REPO/.claude/notes/real.md")" = "a real note" ]
check "the synthesized agent still reads" [ -s "$REPO/.claude/agents/$agent" ]

# mv across the boundary copies, then removes: nothing is lost.
check "mv from a view to the repository" mv "$REPO/.claude/notes/real.md" "$REPO/moved.md"
check "the moved file has its bytes" [ "$(cat "$REPO/moved.md")" = "a real note" ]
check "and left the view" [ ! -e "$REPO/.claude/notes/real.md" ]
check "mv back into the view" mv "$REPO/moved.md" "$REPO/.claude/notes/real.md"
check "the file is back whole" [ "$(cat "$REPO/.claude/notes/real.md")" = "a real note" ]

# A real folder the view also fills: .claude/agents made real by a file.
echo "mine" >"$REPO/.claude/agents/mine.md"
check_eq "rename of a folder the view also fills gives EROFS" \
	"$(errno_of 'os.rename(R + "/.claude/agents", R + "/.claude/agents-old")')" EROFS
check "the real file in it stays" [ "$(cat "$REPO/.claude/agents/mine.md")" = mine ]

# A symlink out of the repository, made by the user inside a view.
ln -s /etc/hostname "$REPO/.claude/notes/host-link"
check_eq "the link reads back as a link" "$(readlink "$REPO/.claude/notes/host-link")" /etc/hostname
check "find sees a symlink, not a file" [ "$(find "$REPO/.claude/notes/host-link" -printf '%y')" = l ]
check "reading it reads its target, as without aiwgfs" \
	cmp -s "$REPO/.claude/notes/host-link" /etc/hostname

aiwgfs umount "$REPO" >/dev/null || fail "umount"
check "the real note survives unmount" [ "$(cat "$REPO/.claude/notes/real.md")" = "a real note" ]
check "the real agent survives unmount" [ "$(cat "$REPO/.claude/agents/mine.md")" = mine ]
check "the user's link survives unmount" [ "$(readlink "$REPO/.claude/notes/host-link")" = /etc/hostname ]
