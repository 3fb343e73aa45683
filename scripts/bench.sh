#!/usr/bin/env bash
# Benchmark aiwgfs against the same files copied to a plain folder (ext4 on
# a usual machine): mount time, cold and warm full reads, stat walks,
# edit-to-visible latency, daemon memory, and what regenerating copies costs.
# Prints one table and writes the same rows as TSV. No pass/fail thresholds:
# it fails only when something breaks (build, mount, a read).
set -euo pipefail
export LC_ALL=C
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"

usage() {
	cat <<'EOF'
usage: scripts/bench.sh [SOURCE] [options]

Mount every platform's views of SOURCE into a scratch repository and measure,
side by side in one run, aiwgfs against the same files copied to a plain
folder in the same temp dir, alternating aiwgfs and copy rounds and taking
medians. SOURCE defaults to a corpus from scripts/gen-corpus.py (300 agents,
300 commands, 100 skills, 40 rules). SOURCE is copied into the temp dir first;
the edit test edits the copy, never your tree.

Measured:
  mount time                  median of a few mount/umount cycles
  mount + first full read     caches dropped before each round when root
  warm full read              every view file, aiwgfs vs copy, ratio
  stat walk                   lstat of every entry, aiwgfs vs copy, ratio
  edit-to-visible latency     append a line to one agent (in place, and by
                              write-temp-then-rename), poll .claude/agents/ID.md
                              and .github/agents/ID.agent.md; median, worst,
                              misses (per-edit timeout)
  daemon memory               VmRSS and VmHWM after a full read
  regeneration                a shell loop of 'aiwgfs render' over every file
                              (extrapolated from a sample), 'aiwgfs export'
                              (first run and re-run), 'cp -r' of the rendered
                              files, and rulesync when npm can get it

options:
  --rounds N          rounds per comparison (default 7)
  --mount-cycles N    mount/umount cycles for the mount time (default 5)
  --edits N           edits per save mode (default 20)
  --edit-timeout S    seconds before an edit counts as missed (default 5)
  --render-sample N   files rendered by the render loop, 0 = all (default 150)
  --no-rulesync       do not try rulesync (npm)
  -v, --verbose       also print every round's figure
  --tsv FILE          where to write the TSV (default build/bench-DATE.tsv)
  -h, --help          this help

Needs FUSE (/dev/fuse). Builds build/aiwgfs if it is missing. Runs
scripts/deps.sh first. Uses the network only for deps.sh and, unless
--no-rulesync, for 'npm view' / 'npm install rulesync'.
EOF
}

die() {
	echo "bench.sh: $*" >&2
	exit 3
}

rounds=7 cycles=5 edits=20 edit_timeout=5 sample=150 try_rulesync=yes tsv="" verbose=no
source_arg=""
while [ $# -gt 0 ]; do
	case $1 in
	-h | --help) usage; exit 0 ;;
	--rounds) rounds=${2:?}; shift 2 ;;
	--rounds=*) rounds=${1#*=}; shift ;;
	--mount-cycles) cycles=${2:?}; shift 2 ;;
	--mount-cycles=*) cycles=${1#*=}; shift ;;
	--edits) edits=${2:?}; shift 2 ;;
	--edits=*) edits=${1#*=}; shift ;;
	--edit-timeout) edit_timeout=${2:?}; shift 2 ;;
	--edit-timeout=*) edit_timeout=${1#*=}; shift ;;
	--render-sample) sample=${2:?}; shift 2 ;;
	--render-sample=*) sample=${1#*=}; shift ;;
	--no-rulesync) try_rulesync=no; shift ;;
	-v | --verbose) verbose=yes; shift ;;
	--tsv) tsv=${2:?}; shift 2 ;;
	--tsv=*) tsv=${1#*=}; shift ;;
	-*) echo "bench.sh: unknown option '$1' (see --help)" >&2; exit 2 ;;
	*)
		[ -z "$source_arg" ] || { echo "bench.sh: one SOURCE only" >&2; exit 2; }
		source_arg=$1; shift ;;
	esac
done
for v in "$rounds" "$cycles" "$edits" "$sample"; do
	[[ $v =~ ^[0-9]+$ ]] || { echo "bench.sh: '$v' is not a number" >&2; exit 2; }
done
[[ $edit_timeout =~ ^[0-9]+(\.[0-9]+)?$ ]] ||
	{ echo "bench.sh: --edit-timeout takes seconds" >&2; exit 2; }
[ "$rounds" -ge 1 ] && [ "$cycles" -ge 1 ] ||
	{ echo "bench.sh: --rounds and --mount-cycles must be at least 1" >&2; exit 2; }
if [ -n "$source_arg" ]; then
	[ -d "$source_arg" ] || { echo "bench.sh: SOURCE '$source_arg' is not a folder" >&2; exit 2; }
	source_arg=$(cd "$source_arg" && pwd)
fi

scripts/deps.sh
[ -e /dev/fuse ] || die "/dev/fuse is missing; aiwgfs needs FUSE"
aiwgfs=$top/build/aiwgfs
helper=$top/scripts/bench_helper.py
if [ ! -x "$aiwgfs" ]; then
	echo "building build/aiwgfs ..."
	cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
	cmake --build build -j "$(nproc)" >/dev/null
fi
[ -x "$aiwgfs" ] || die "build/aiwgfs is missing after the build"
[ -n "$tsv" ] || tsv=$top/build/bench-$(date +%Y%m%d-%H%M%S).tsv
mkdir -p "$(dirname "$tsv")"

btype=$(awk -F= '/^CMAKE_BUILD_TYPE:/ { print $2 }' build/CMakeCache.txt 2>/dev/null || true)

# --- scratch space, always cleaned --------------------------------------------
tmp=$(mktemp -d "${TMPDIR:-/tmp}/aiwgfs-bench.XXXXXX")
repo=$tmp/repo
copy=$tmp/copy
src=$tmp/src
cleanup() {
	local rc=$?
	trap - EXIT INT TERM
	"$aiwgfs" umount "$repo" >/dev/null 2>&1 || true
	if awk -v p="$tmp/" 'index($5, p) == 1 { found = 1 } END { exit !found }' \
		/proc/self/mountinfo; then
		echo "bench.sh: something is still mounted under $tmp; left in place" >&2
		rc=3
	else
		rm -rf "$tmp"
	fi
	exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
# One binary for the whole run, even if build/aiwgfs is rebuilt meanwhile.
bin_desc="build/aiwgfs${btype:+, $btype}, built $(date -r "$aiwgfs" '+%Y-%m-%d %H:%M')"
cp "$aiwgfs" "$tmp/aiwgfs"
aiwgfs=$tmp/aiwgfs

# --- small helpers ---------------------------------------------------------------
# Microsecond clock without a fork: t=${EPOCHREALTIME/./}
median() { printf '%s\n' "$@" | sort -n | awk '{ a[NR] = $1 }
	END { if (NR % 2) print a[(NR + 1) / 2]; else print int((a[NR / 2] + a[NR / 2 + 1]) / 2) }'; }
# µs -> ms with three significant digits
ms() { awk -v u="$1" 'BEGIN { m = u / 1000; if (m < 10) printf "%.2f", m;
	else if (m < 100) printf "%.1f", m; else printf "%.0f", m }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b <= 0) { print "-"; exit }
	r = a / b; if (r >= 100) printf "%.0f", r; else if (r >= 10) printf "%.1f", r; else printf "%.2f", r }'; }
# -v: one line per measure with every round, in ms
rounds_of() { # label us...
	[ "$verbose" = yes ] || return 0
	local label=$1 x
	shift
	printf '      %s:' "$label"
	for x in "$@"; do printf ' %s' "$(ms "$x")"; done
	echo " ms"
}
mib() { awk -v k="$1" 'BEGIN { printf "%.1f", k / 1024 }'; }
rows=()
row() { # measure unit aiwgfs copy ratio note
	local IFS=$'\t'
	rows+=("$*")
}
mount_views() { "$aiwgfs" mount "$src" "$repo" >"$tmp/mount.out" || {
	cat "$tmp/mount.out" >&2; die "aiwgfs mount failed"; }; }
umount_views() { "$aiwgfs" umount "$repo" >/dev/null || die "aiwgfs umount failed"; }
drop_caches() { if [ "$dropped" = yes ]; then sync; echo 3 >/proc/sys/vm/drop_caches; fi; }
py() { python3 "$helper" "$@"; }

dropped=no drop_why="not root"
if [ "$(id -u)" -eq 0 ]; then
	if sync && (echo 3 >/proc/sys/vm/drop_caches) 2>/dev/null; then
		dropped=yes drop_why=""
	else
		drop_why="/proc/sys/vm/drop_caches not writable"
	fi
fi

# --- source, repository, views -------------------------------------------------------
if [ -n "$source_arg" ]; then
	mkdir -p "$src"
	tar -C "$source_arg" --exclude=.git -cf - . | tar -C "$src" -xf -
	src_desc="copy of $source_arg"
else
	python3 scripts/gen-corpus.py "$src" >/dev/null
	src_desc="scripts/gen-corpus.py corpus (300 agents, 300 commands, 100 skills, 40 rules)"
fi
"$aiwgfs" ls "$src" >"$tmp/ls.txt" || die "aiwgfs ls failed"
nfiles=$(wc -l <"$tmp/ls.txt")
[ "$nfiles" -gt 0 ] || die "SOURCE gives no view files"
mapfile -t roots < <(cut -d/ -f1 "$tmp/ls.txt" | sort -u)
repo_roots=("${roots[@]/#/$repo/}")
copy_roots=("${roots[@]/#/$copy/}")
mkdir -p "$repo" "$copy"
git -C "$repo" init -q

cpu=$(awk -F': *' '/^model name/ { print $2; exit }' /proc/cpuinfo)
fsdesc=$(df -T "$tmp" | awk 'NR == 2 { print $2 }')
rev=$(git describe --always --dirty 2>/dev/null || echo unknown)
header=(
	"machine: $(nproc) CPUs${cpu:+ ($cpu)}, kernel $(uname -r), libfuse $(pkg-config --modversion fuse3 2>/dev/null || echo '?'), $(awk '/^MemTotal/ { printf "%.0f", $2 / 1024 }' /proc/meminfo) MiB RAM"
	"aiwgfs:  $bin_desc; work tree $rev"
	"source:  $src_desc"
	"views:   ${#roots[@]} roots, $nfiles files, every platform; compared with a copy in a plain folder on $fsdesc ($(dirname "$tmp"))"
	"rounds:  median of $rounds, aiwgfs and $fsdesc alternating; page cache dropped before cold rounds: $dropped${drop_why:+ ($drop_why)}"
)
echo "benchmarking in $tmp (about 3 minutes) ..."

# --- 1. mount time ----------------------------------------------------------------------
echo "[1/7] mount/umount x$cycles"
mt=() ut=()
for ((i = 0; i < cycles; i++)); do
	t0=${EPOCHREALTIME/./}
	mount_views
	t1=${EPOCHREALTIME/./}
	umount_views
	t2=${EPOCHREALTIME/./}
	mt+=($((t1 - t0))) ut+=($((t2 - t1)))
done
nviews=$(grep -c '^mounted' "$tmp/mount.out" || true)
rounds_of "mount" "${mt[@]}"
rounds_of "umount" "${ut[@]}"
m=$(median "${mt[@]}") u=$(median "${ut[@]}")
row "mount, all $nviews views (median of $cycles)" ms "$(ms "$m")" - - "umount $(ms "$u") ms"

# The plain copy, made from the mounted views.
mount_views
t0=${EPOCHREALTIME/./}
cp -a "${repo_roots[@]}" "$copy/"
t1=${EPOCHREALTIME/./}
umount_views
copy_us=$((t1 - t0))

# --- 2. cold: mount + first full read -------------------------------------------------
echo "[2/7] mount + first full read x$rounds"
ca=() cc=()
for ((i = 0; i < rounds; i++)); do
	drop_caches
	t0=${EPOCHREALTIME/./}
	mount_views
	t1=${EPOCHREALTIME/./}
	o=$(py read "${repo_roots[@]}")
	read -r us files bytes <<<"$o"
	umount_views
	ca+=($((t1 - t0 + us)))
	drop_caches
	o=$(py read "${copy_roots[@]}")
	read -r us cfiles cbytes <<<"$o"
	cc+=("$us")
done
[ "$files" = "$cfiles" ] && [ "$bytes" = "$cbytes" ] ||
	die "aiwgfs read $files files/$bytes bytes, the copy $cfiles/$cbytes"
rounds_of "aiwgfs" "${ca[@]}"
rounds_of "$fsdesc" "${cc[@]}"
a=$(median "${ca[@]}") c=$(median "${cc[@]}")
if [ "$dropped" = yes ]; then cold_note="page cache dropped each round; $fsdesc: read only"
else cold_note="page cache NOT dropped ($drop_why); $fsdesc: read only"; fi
row "mount + first full read" ms "$(ms "$a")" "$(ms "$c")" "$(ratio "$a" "$c")" "$cold_note"

# --- 3. warm full read --------------------------------------------------------------------
echo "[3/7] warm full read x$rounds"
mount_views
pid=$(getfattr --only-values -n user.aiwgfs.status "$repo/.claude" 2>/dev/null |
	awk '$1 == "pid" { print $2; exit }')
[ -n "$pid" ] && [ -r "/proc/$pid/status" ] || die "cannot find the daemon's pid"
py read "${repo_roots[@]}" >/dev/null
py read "${copy_roots[@]}" >/dev/null
wa=() wcp=()
for ((i = 0; i < rounds; i++)); do
	o=$(py read "${repo_roots[@]}")
	read -r us _ _ <<<"$o"
	wa+=("$us")
	o=$(py read "${copy_roots[@]}")
	read -r us _ _ <<<"$o"
	wcp+=("$us")
done
rounds_of "aiwgfs" "${wa[@]}"
rounds_of "$fsdesc" "${wcp[@]}"
a=$(median "${wa[@]}") c=$(median "${wcp[@]}")
row "warm full read ($files files, $(mib $((bytes / 1024))) MiB)" ms "$(ms "$a")" "$(ms "$c")" \
	"$(ratio "$a" "$c")" "one process, open+read+close each file"

rss=$(awk '/^VmRSS/ { print $2 }' "/proc/$pid/status")
hwm=$(awk '/^VmHWM/ { print $2 }' "/proc/$pid/status")
status=$(getfattr --only-values -n user.aiwgfs.status "$repo/.claude" 2>/dev/null || true)
cbytes=$(awk '$1 == "cache_bytes" { print $2; exit }' <<<"$status")
centries=$(awk '$1 == "cache_entries" { print $2; exit }' <<<"$status")
cache_note=""
[ -n "$cbytes" ] && cache_note="; render cache $(mib $((cbytes / 1024))) MiB in ${centries:-?} entries"
row "daemon VmRSS after full read" MiB "$(mib "$rss")" - - "pid $pid$cache_note"
row "daemon VmHWM after full read" MiB "$(mib "$hwm")" - - "views hold $(mib $((bytes / 1024))) MiB"

# --- 4. stat walk ---------------------------------------------------------------------------
echo "[4/7] stat walk x$rounds"
sa=() sc=()
for ((i = 0; i < rounds; i++)); do
	o=$(py stat "${repo_roots[@]}")
	read -r us entries <<<"$o"
	sa+=("$us")
	o=$(py stat "${copy_roots[@]}")
	read -r us _ <<<"$o"
	sc+=("$us")
done
rounds_of "aiwgfs" "${sa[@]}"
rounds_of "$fsdesc" "${sc[@]}"
a=$(median "${sa[@]}") c=$(median "${sc[@]}")
row "stat walk ($entries entries)" ms "$(ms "$a")" "$(ms "$c")" "$(ratio "$a" "$c")" "readdir + lstat of every entry"

# --- 5. edit-to-visible latency -----------------------------------------------------------------
echo "[5/7] edit-to-visible, $edits edits x 2 save modes"
id="" srcfile=""
while IFS= read -r p; do
	i=${p#.claude/agents/} && i=${i%.md}
	grep -qxF ".github/agents/$i.agent.md" "$tmp/ls.txt" || continue
	mapfile -t m < <(find "$src" -type f -path "*/agents/$i.md")
	if [ ${#m[@]} -eq 1 ]; then id=$i srcfile=${m[0]}; break; fi
done < <(grep '^\.claude/agents/[^/]*\.md$' "$tmp/ls.txt" | head -n 50)
edit_med=""
if [ -z "$id" ] || [ "$edits" -eq 0 ]; then
	row "edit -> visible" ms - - - "skipped: no agent shown in both .claude and .github, or --edits 0"
else
	views=("$repo/.claude/agents/$id.md" "$repo/.github/agents/$id.agent.md")
	echo "      agent: $id (${srcfile#"$src"/})"
	for mode in inplace rename; do
		label=$([ $mode = inplace ] && echo "saved in place" || echo "saved by rename")
		py edit --mode "$mode" --count "$edits" --timeout "$edit_timeout" \
			--raw "$tmp/latency.txt" "$srcfile" "${views[@]}" >"$tmp/edit-$mode.out"
		while IFS=$'\t' read -r v med worst misses n; do
			[ "$v" = all ] && continue
			short=${v#"$repo"/}
			short=${short%%/*}/agents
			[ "$med" = timeout ] && medv=timeout || medv=$(ms "$med")
			[ "$worst" = timeout ] && worstv=timeout || worstv=$(ms "$worst")
			note="$misses of $n edits missed (timeout ${edit_timeout} s)"
			[ "$n" -lt "$edits" ] && note="$note; stopped after 3 misses in a row"
			row "edit -> visible, $label, $short: median" ms "$medv" - - "$note"
			row "edit -> visible, $label, $short: worst" ms "$worstv" - - ""
		done <"$tmp/edit-$mode.out"
	done
	# Median over every edit and view; a miss counts as longer than any hit.
	edit_med=$(sed 's/^timeout$/999999999999/' "$tmp/latency.txt" | sort -n | awk '{ a[NR] = $1 } END { if (NR) print a[int((NR + 1) / 2)] }')
	[ "${edit_med:-999999999999}" = 999999999999 ] && edit_med=""
fi
vs_edit() { [ -n "$edit_med" ] && ratio "$1" "$edit_med" || echo -; }
vs_note="ratio: time / median edit->visible of aiwgfs"
[ -n "$edit_med" ] && vs_note="$vs_note ($(ms "$edit_med") ms)"
umount_views

# --- 6. regeneration by copying -------------------------------------------------------------------
echo "[6/7] regeneration: render loop, export, cp -r"
if [ "$sample" -eq 0 ] || [ "$sample" -ge "$nfiles" ]; then
	cp "$tmp/ls.txt" "$tmp/sample.txt"
else
	awk -v s=$(((nfiles + sample - 1) / sample)) 'NR % s == 1' "$tmp/ls.txt" >"$tmp/sample.txt"
fi
k=$(wc -l <"$tmp/sample.txt")
out=$tmp/regen-render
mkdir -p "$out"
t0=${EPOCHREALTIME/./}
while IFS= read -r p; do
	case $p in */*) mkdir -p "$out/${p%/*}" ;; esac
	"$aiwgfs" render "$src" "$p" >"$out/$p" || die "aiwgfs render failed for $p"
done <"$tmp/sample.txt"
t1=${EPOCHREALTIME/./}
per=$(((t1 - t0) / k))
est=$((per * nfiles))
if [ "$k" -eq "$nfiles" ]; then rnote="all $nfiles files"
else rnote="$k of $nfiles files timed ($(ms "$per") ms each), extrapolated"; fi
row "regenerate: 'aiwgfs render' loop, every file" ms "$(ms "$est")" - "$(vs_edit "$est")" "$rnote"
rm -rf "$out"

# aiwgfs export is a copying generator too, with the same renderers: the
# first run writes every file, a re-run after one edit compares them all.
t0=${EPOCHREALTIME/./}
"$aiwgfs" export "$src" "$tmp/regen-export" >/dev/null || die "aiwgfs export failed"
t1=${EPOCHREALTIME/./}
row "regenerate: 'aiwgfs export', first run" ms "$(ms $((t1 - t0)))" - "$(vs_edit $((t1 - t0)))" \
	"$nfiles files written"
t0=${EPOCHREALTIME/./}
"$aiwgfs" export "$src" "$tmp/regen-export" >/dev/null || die "aiwgfs export failed"
t1=${EPOCHREALTIME/./}
row "regenerate: 'aiwgfs export', re-run" ms "$(ms $((t1 - t0)))" - "$(vs_edit $((t1 - t0)))" \
	"every file rendered and compared, none written"
rm -rf "$tmp/regen-export"

t0=${EPOCHREALTIME/./}
cp -r "$copy" "$tmp/regen-cp"
t1=${EPOCHREALTIME/./}
rm -rf "$tmp/regen-cp"
row "regenerate: cp -r of the rendered files" ms "$(ms $((t1 - t0)))" - "$(vs_edit $((t1 - t0)))" \
	"$nfiles files, warm cache; cp -a from the mount took $(ms "$copy_us") ms"

# --- 7. rulesync -------------------------------------------------------------------------------------
echo "[7/7] regeneration: rulesync"
rs="" rs_why="" rs_ver=""
if [ "$try_rulesync" = no ]; then
	rs_why="--no-rulesync"
elif command -v rulesync >/dev/null 2>&1; then
	rs=$(command -v rulesync)
elif ! command -v npm >/dev/null 2>&1; then
	rs_why="npm not installed"
elif ! rs_ver=$(timeout 15 npm view rulesync version 2>/dev/null) || [ -z "$rs_ver" ]; then
	rs_why="npm registry not reachable within 15 s"
else
	t0=${EPOCHREALTIME/./}
	if timeout 120 npm install --prefix "$tmp/npm" --no-audit --no-fund --silent \
		"rulesync@$rs_ver" >"$tmp/npm.log" 2>&1 &&
		[ -x "$tmp/npm/node_modules/.bin/rulesync" ]; then
		rs=$tmp/npm/node_modules/.bin/rulesync
		echo "      installed rulesync $rs_ver in $(ms $((${EPOCHREALTIME/./} - t0))) ms"
	else
		rs_why="npm install rulesync@$rs_ver failed or took over 120 s"
	fi
fi
if [ -n "$rs" ]; then
	[ -n "$rs_ver" ] || rs_ver=$("$rs" --version 2>/dev/null | tail -n 1 || true)
	# rulesync reads its own .rulesync/ tree. Its claudecode importer rejects
	# the lenient frontmatter of real AIWG sources, so import from the clean
	# rendered views instead: copilot for rules, commands and skills, cursor
	# for subagents (its copilot importer does not convert agents).
	rsin=$tmp/rulesync-in rsout=$tmp/rulesync-out
	targets=claudecode,cursor,copilot,codexcli,warp,opencode,factorydroid,geminicli,kiro,cline,windsurf,agentsmd
	gen() { (cd "$rsout" && timeout 180 "$rs" generate -s -t "$targets" \
		-f rules,subagents,commands,skills --input-roots "$rsin/.rulesync" -o "$rsout") \
		>>"$tmp/rulesync.log" 2>&1; }
	mkdir -p "$rsin" "$rsout"
	cp -a "$copy/.github" "$copy/.cursor" "$rsin/" 2>/dev/null || true
	if ! (cd "$rsin" && timeout 60 "$rs" import -s -t copilot -f rules,commands,skills -o . &&
		timeout 60 "$rs" import -s -t cursor -f subagents -o .) >"$tmp/rulesync.log" 2>&1; then
		rs_why="rulesync import from the rendered views failed"
	elif ! edit=$(find "$rsin/.rulesync/subagents" -name '*.md' -type f 2>/dev/null | sort | head -n 1) ||
		[ -z "$edit" ]; then
		rs_why="rulesync imported no subagents to edit"
	else
		t0=${EPOCHREALTIME/./}
		if gen; then
			t1=${EPOCHREALTIME/./}
			printf '\nbench edit\n' >>"$edit"
			if gen; then
				t2=${EPOCHREALTIME/./}
				outn=$(find "$rsout" -type f | wc -l)
				inn=$(find "$rsin/.rulesync" -type f | wc -l)
				row "regenerate: rulesync generate after 1 edit" ms "$(ms $((t2 - t1)))" - \
					"$(vs_edit $((t2 - t1)))" \
					"rulesync $rs_ver, $inn inputs -> $outn files; first run $(ms $((t1 - t0))) ms"
			else
				rs_why="rulesync generate failed after the edit"
			fi
		else
			rs_why="rulesync generate failed"
		fi
	fi
fi
[ -z "$rs_why" ] || row "regenerate: rulesync" ms - - - "skipped: $rs_why"

# --- table ------------------------------------------------------------------------------------------
{
	printf 'measure\tunit\taiwgfs\t%s\tratio\tnote\n' "$fsdesc"
	printf '%s\n' "${rows[@]}"
} >"$tsv"
echo
printf '%s\n' "${header[@]}"
awk -F'\t' 'NR == FNR { for (i = 1; i <= NF; i++) if (length($i) > w[i]) w[i] = length($i); next }
	{
		line = sprintf("%-" w[1] "s  %-" w[2] "s  %" w[3] "s  %" w[4] "s  %" w[5] "s  %s",
			$1, $2, ($3 == "" ? "-" : $3), ($4 == "" ? "-" : $4), ($5 == "" ? "-" : $5), $6)
		sub(/ +$/, "", line); print line
		if (FNR == 1) { gsub(/./, "-", line); print line }
	}' "$tsv" "$tsv"
echo
echo "$fsdesc = the same files copied to a plain folder; ratio = aiwgfs/$fsdesc."
echo "On regenerate rows, $vs_note. Lower is better everywhere."
echo "TSV: $tsv"
