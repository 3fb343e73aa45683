#!/usr/bin/env bash
# After the daemon is killed with SIGKILL, `aiwgfs umount` cleans up: exit 0,
# nothing mounted, no placeholder left, the repository as before, git's
# exclude file as before; a second umount also exits 0. Run many times, with
# umount right after the kill (racing fusermount3's auto_unmount, which takes
# the dead mounts away on its own) and, in some rounds, after a pause.
. "$(dirname "$0")/lib.sh"

commit_baseline hello

for round in $(seq 20); do
	mount_views
	check "round $round: .claude mounted" mountpoint -q "$REPO/.claude"
	pid=$(daemon_pid)
	check_eq "round $round: both views served by one daemon" "$(daemon_pid .github)" "$pid"
	if [ -z "$pid" ]; then
		fail "round $round: no daemon pid from user.aiwgfs.status"
		break
	fi
	check "round $round: the pid is an aiwgfs process" \
		grep -q aiwgfs "/proc/$pid/cmdline"
	kill -KILL "$pid"
	# Most rounds unmount at once; every tenth after the dust settles.
	if [ $((round % 10)) -eq 0 ]; then
		check "round $round: daemon gone after SIGKILL" wait_until 5 gone "$pid"
		sleep 1
	fi
	rc=0
	out=$(aiwgfs umount "$REPO" 2>&1) || rc=$?
	check_eq "round $round: umount after kill exits 0 (output: $out)" "$rc" 0
	check "round $round: daemon gone after SIGKILL" wait_until 5 gone "$pid"
	check "round $round: nothing mounted" nothing_mounted "$SCRATCH"
	check "round $round: no .claude placeholder left" [ ! -e "$REPO/.claude" ]
	check "round $round: no .github placeholder left" [ ! -e "$REPO/.github" ]
	check_as_before "round $round: repository as before"
	check "round $round: exclude file as before" cmp -s "$SCRATCH/exclude.before" "$EXCLUDE"
	check_eq "round $round: git status clean" "$(git -C "$REPO" status --porcelain)" ""
	rc=0
	out=$(aiwgfs umount "$REPO" 2>&1) || rc=$?
	check_eq "round $round: second umount exits 0 (output: $out)" "$rc" 0
done
