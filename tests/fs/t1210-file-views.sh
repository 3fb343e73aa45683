#!/usr/bin/env bash
# The file views AGENTS.md and GEMINI.md. With none in the repository they are
# mounted as regular files, read-only (EROFS), listed in git's exclude file
# while mounted and gone after umount, with no empty placeholder left. A
# repository's own committed AGENTS.md is left alone: mount and status say it
# was skipped, it keeps its bytes and stays editable, and GEMINI.md is still
# mounted. After the daemon is killed with SIGKILL, `aiwgfs umount` removes
# the placeholder files too. A user's own empty AGENTS.md or GEMINI.md is
# skipped and never taken for a placeholder.
. "$(dirname "$0")/lib.sh"

EXCLUDE=$REPO/.git/info/exclude

# in_block REPO NAME: whether the aiwgfs block of REPO's exclude file lists
# NAME (as "/NAME" or "NAME").
in_block() {
	exclude_block "$1" "$1/.git/info/exclude" | grep -xE -- "/?$2" >/dev/null
}

# write_errno PATH MODE: the errno name that opening PATH in python MODE
# and writing a byte gives ("ok" if both work). Root may open a
# synthesized file for writing without truncation (zero-message open, see
# docs/KNOWN_ISSUES.md); the write must then fail.
write_errno() {
	python3 - "$1" "$2" <<'PY'
import errno
import os
import sys
path, how = sys.argv[1:3]
try:
    if how == "truncate":
        os.truncate(path, 0)
    elif how == "O_WRONLY|O_TRUNC":
        os.close(os.open(path, os.O_WRONLY | os.O_TRUNC))
    else:
        with open(path, how) as f:
            f.write("x")
    print("ok")
except OSError as e:
    print(errno.errorcode.get(e.errno, str(e.errno)))
PY
}

commit_baseline "# the user's readme"

# --- No AGENTS.md or GEMINI.md in the repository ---------------------------
mount_views
for f in AGENTS.md GEMINI.md; do
	p=$REPO/$f
	check "$f: a line of the mount output names it" grep -qwF "$f" "$SCRATCH/mount.out"
	check_eq "$f: stat says a regular file" "$(stat -c %F "$p")" "regular file"
	check "$f: test -f" [ -f "$p" ]
	check "$f: mountpoint -q" mountpoint -q "$p"
	check "$f: has content" [ -s "$p" ]
	sum=$(sha256sum <"$p")
	for how in w a r+ w+ truncate "O_WRONLY|O_TRUNC"; do
		check_eq "$f: python open/truncate ($how)" "$(write_errno "$p" "$how")" EROFS
	done
	check_eq "$f: content unchanged by the refused writes" "$(sha256sum <"$p")" "$sum"
	check "$f: readable by python" python3 -c "open('$p', 'rb').read()"
	check "$f: listed in the aiwgfs block of .git/info/exclude" in_block "$REPO" "$f"
	check "$f: git ignores it through .git/info/exclude" \
		sh -c "git -C '$REPO' check-ignore -v --no-index '$f' | grep -q 'info/exclude'"
done
check_eq "git status while mounted" \
	"$(git -C "$REPO" status --porcelain --untracked-files=all)" ""

aiwgfs umount "$REPO" >/dev/null || fail "umount failed"
check "nothing mounted after umount" nothing_mounted "$SCRATCH"
for f in AGENTS.md GEMINI.md; do
	check "$f: no placeholder left after umount" [ ! -e "$REPO/$f" ] && [ ! -L "$REPO/$f" ]
done
check_eq "no aiwgfs block left in the exclude file" "$(exclude_block "$REPO" "$EXCLUDE")" ""
check "the exclude file is as before" cmp -s "$SCRATCH/exclude.before" "$EXCLUDE"
check_as_before "the repository is as before"

# --- The repository's own committed AGENTS.md ------------------------------
printf '# Our agents\n\nHand-written; aiwgfs must not hide it.\n' >"$REPO/AGENTS.md"
git -C "$REPO" add AGENTS.md
git -C "$REPO" commit -qm 'own AGENTS.md'
cp "$REPO/AGENTS.md" "$SCRATCH/own"
cp "$EXCLUDE" "$SCRATCH/exclude.before"
snapshot "$REPO" >"$SCRATCH/before"

mount_views
line=$(grep -F AGENTS.md "$SCRATCH/mount.out" || true)
check "mount prints a line for AGENTS.md (output: $(cat "$SCRATCH/mount.out"))" [ -n "$line" ]
check "mount says AGENTS.md was skipped (line: $line)" grep -qi skip <<<"$line"
check "mount says the repository has its own (line: $line)" grep -qiw own <<<"$line"
check "the own AGENTS.md is not a mount point" sh -c "! mountpoint -q '$REPO/AGENTS.md'"
check "the own AGENTS.md keeps its bytes" cmp -s "$SCRATCH/own" "$REPO/AGENTS.md"
check_eq "the own AGENTS.md is a regular file" "$(stat -c %F "$REPO/AGENTS.md")" "regular file"
if in_block "$REPO" AGENTS.md; then
	fail "the own AGENTS.md is listed in the aiwgfs exclude block"
fi
aiwgfs status "$REPO" >"$SCRATCH/status" 2>&1 || fail "status failed"
check "status says AGENTS.md was skipped ($(cat "$SCRATCH/status"))" \
	sh -c "grep -F AGENTS.md '$SCRATCH/status' | grep -qi skipped"
check "GEMINI.md is still mounted" mountpoint -q "$REPO/GEMINI.md"
check_eq "GEMINI.md is a regular file" "$(stat -c %F "$REPO/GEMINI.md")" "regular file"
check "the mount output names GEMINI.md as mounted" \
	sh -c "grep -F GEMINI.md '$SCRATCH/mount.out' | grep -qv skip"
# Editable while mounted.
if printf 'An edit.\n' >>"$REPO/AGENTS.md" 2>"$SCRATCH/edit.err"; then
	check_eq "the edit is in the file" "$(tail -n 1 "$REPO/AGENTS.md")" "An edit."
	check_eq "git sees the edit" "$(git -C "$REPO" status --porcelain)" " M AGENTS.md"
	git -C "$REPO" checkout -q -- AGENTS.md
else
	fail "the own AGENTS.md cannot be edited: $(cat "$SCRATCH/edit.err")"
fi
check "the own AGENTS.md is back to its bytes" cmp -s "$SCRATCH/own" "$REPO/AGENTS.md"
check_eq "git status while mounted" \
	"$(git -C "$REPO" status --porcelain --untracked-files=all)" ""

aiwgfs umount "$REPO" >/dev/null || fail "umount failed"
check "nothing mounted after umount" nothing_mounted "$SCRATCH"
check "the own AGENTS.md is still there" cmp -s "$SCRATCH/own" "$REPO/AGENTS.md"
check "no GEMINI.md placeholder left" [ ! -e "$REPO/GEMINI.md" ]
check "the exclude file is as before" cmp -s "$SCRATCH/exclude.before" "$EXCLUDE"
check_as_before "the repository is as before"

# --- SIGKILL, then umount removes the placeholder files --------------------
R2=$SCRATCH/repo2
EXTRA_REPOS+=("$R2")
mkdir -p "$R2"
git -C "$R2" init -q
cp "$R2/.git/info/exclude" "$SCRATCH/exclude2.before"
for round in now settled; do
	if ! aiwgfs mount "$SRC" "$R2" >"$SCRATCH/mount2.out" 2>&1; then
		cat "$SCRATCH/mount2.out" >&2
		fail "$round: mount into repo2 failed"
		break
	fi
	check "$round: AGENTS.md mounted" mountpoint -q "$R2/AGENTS.md"
	check "$round: GEMINI.md mounted" mountpoint -q "$R2/GEMINI.md"
	pid=$(getfattr --only-values -n user.aiwgfs.status "$R2/.claude" 2>/dev/null |
		awk '$1 == "pid" { print $2 }')
	if [ -z "$pid" ]; then
		fail "$round: no daemon pid from user.aiwgfs.status"
		break
	fi
	kill -KILL "$pid"
	check "$round: daemon gone after SIGKILL" wait_until 5 gone "$pid"
	if [ "$round" = settled ]; then
		# Let fusermount3's auto_unmount take the dead mounts away first.
		wait_until 5 nothing_mounted "$R2" || true
		sleep 0.5
	fi
	rc=0
	out=$(aiwgfs umount "$R2" 2>&1) || rc=$?
	check_eq "$round: umount after SIGKILL exits 0 (output: $out)" "$rc" 0
	check "$round: nothing mounted" nothing_mounted "$R2"
	for f in AGENTS.md GEMINI.md .claude .github .agents; do
		if [ -e "$R2/$f" ] || [ -L "$R2/$f" ]; then
			fail "$round: placeholder $f left after umount ($(stat -c '%F, %s bytes' "$R2/$f" 2>&1))"
		fi
	done
	check "$round: exclude file as before" cmp -s "$SCRATCH/exclude2.before" "$R2/.git/info/exclude"
	check_eq "$round: repo2 holds only .git" "$(ls -A "$R2")" ".git"
	# Start the next round from a clean folder even if this one failed.
	aiwgfs umount "$R2" >/dev/null 2>&1 || true
	rm -f "$R2/AGENTS.md" "$R2/GEMINI.md" 2>/dev/null || true
done

# --- An empty AGENTS.md of the user's own is not a placeholder -----------------
# Placeholders are removed at unmount when still empty; the user's own empty
# file (committed, or untracked) must survive mount, umount, and a SIGKILL of
# the daemon followed by umount.
R3=$SCRATCH/repo3
EXTRA_REPOS+=("$R3")
mkdir -p "$R3"
git -C "$R3" init -q
: >"$R3/AGENTS.md"
git -C "$R3" add AGENTS.md
git -C "$R3" -c user.email=test@example.invalid -c user.name=test commit -qm 'empty AGENTS.md'
: >"$R3/GEMINI.md" # untracked
for round in umount kill; do
	if ! aiwgfs mount "$SRC" "$R3" >"$SCRATCH/mount3.out" 2>&1; then
		cat "$SCRATCH/mount3.out" >&2
		fail "$round: mount into repo3 failed"
		break
	fi
	for f in AGENTS.md GEMINI.md; do
		check "$round: the own empty $f is skipped" \
			sh -c "grep -F '$f' '$SCRATCH/mount3.out' | grep -qi skip"
		check "$round: the own empty $f is not a mount point" sh -c "! mountpoint -q '$R3/$f'"
	done
	if [ $round = kill ]; then
		pid=$(getfattr --only-values -n user.aiwgfs.status "$R3/.claude" 2>/dev/null |
			awk '$1 == "pid" { print $2 }')
		if [ -n "$pid" ]; then
			kill -KILL "$pid"
			check "$round: daemon gone after SIGKILL" wait_until 5 gone "$pid"
		else
			fail "$round: no daemon pid from user.aiwgfs.status"
		fi
	fi
	aiwgfs umount "$R3" >/dev/null 2>&1 || fail "$round: umount of repo3 failed"
	check "$round: nothing mounted in repo3" nothing_mounted "$R3"
	for f in AGENTS.md GEMINI.md; do
		check "$round: the own empty $f survives" [ -f "$R3/$f" ]
	done
	check_eq "$round: git status of repo3" "$(git -C "$R3" status --porcelain)" "?? GEMINI.md"
done
