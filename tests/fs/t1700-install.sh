#!/usr/bin/env bash
# What `cmake --install` and the Debian package put on a system: the binary,
# the man page, the bash and zsh completions, the systemd user unit with the
# installed binary's path filled in, and the documentation, each where the
# tools that read it look. Installs with DESTDIR into the scratch folder and
# builds the package from the build folder under test; the files that both
# write into the build folder (the install manifest, the configured unit)
# are put back as they were.
. "$(dirname "$0")/lib.sh"

# The build folder: the one holding the binary under test, or a parent.
BUILD=$(dirname "$(realpath "$AIWGFS")")
while [ ! -e "$BUILD/CMakeCache.txt" ]; do
	[ "$BUILD" != / ] || { fail "no CMakeCache.txt above $AIWGFS"; exit 1; }
	BUILD=$(dirname "$BUILD")
done
cache_value() {
	sed -n "s/^$1:[A-Z]*=//p" "$BUILD/CMakeCache.txt"
}
TOP=$(cache_value CMAKE_HOME_DIRECTORY)
CMAKE=$(cache_value CMAKE_COMMAND)
CPACK=$(cache_value CMAKE_CPACK_COMMAND)
VERSION=$(cache_value CMAKE_PROJECT_VERSION)
ROOT=$SCRATCH/root

mkdir -p "$SCRATCH/saved"
for f in install_manifest.txt aiwgfs@.service; do
	if [ -e "$BUILD/$f" ]; then
		cp -p "$BUILD/$f" "$SCRATCH/saved/"
		CLEANUPS+=("cp -p '$SCRATCH/saved/$f' '$BUILD/$f'")
	else
		CLEANUPS+=("rm -f '$BUILD/$f'")
	fi
done

# Every file an install under /usr holds, and the source it is a copy of
# ("-" for the binary, "unit" for the configured unit).
declare -A FROM=(
	[usr/bin/aiwgfs]=-
	[usr/lib/systemd/user/aiwgfs@.service]=unit
	[usr/share/doc/aiwgfs/README.md]=README.md
)
if [ -f "$TOP/man/aiwgfs.1" ]; then
	FROM[usr/share/man/man1/aiwgfs.1]=man/aiwgfs.1
fi
if [ -f "$TOP/completion/aiwgfs.bash" ]; then
	FROM[usr/share/bash-completion/completions/aiwgfs]=completion/aiwgfs.bash
fi
if [ -f "$TOP/completion/_aiwgfs" ]; then
	FROM[usr/share/zsh/vendor-completions/_aiwgfs]=completion/_aiwgfs
fi
for doc in "$TOP"/docs/*.md; do
	FROM[usr/share/doc/aiwgfs/docs/${doc##*/}]=docs/${doc##*/}
done
printf '%s\n' "${!FROM[@]}" | sort >"$SCRATCH/want.list"
sed 's|@BINDIR@|/usr/bin|g' "$TOP/dist/aiwgfs@.service" >"$SCRATCH/unit"

# check_tree DIR WHAT: DIR holds exactly the files of an install under /usr,
# each a copy of its source, and its binary runs.
check_tree() {
	local dir=$1 what=$2 f src
	(cd "$dir" && find . ! -type d -printf '%P\n' | sort) >"$SCRATCH/got.list"
	if ! cmp -s "$SCRATCH/want.list" "$SCRATCH/got.list"; then
		diff "$SCRATCH/want.list" "$SCRATCH/got.list" >&2 || true
		fail "$what: the files are not the expected ones"
	fi
	for f in "${!FROM[@]}"; do
		src=${FROM[$f]}
		case $src in
		-) ;;
		unit) check "$what: $f has the real bindir" \
			cmp -s "$SCRATCH/unit" "$dir/$f" ;;
		*) check "$what: $f is $src" cmp -s "$TOP/$src" "$dir/$f" ;;
		esac
	done
	check_eq "$what: aiwgfs --version" \
		"$(timeout 60 "$dir/usr/bin/aiwgfs" --version 2>&1)" "aiwgfs $VERSION"
	check "$what: aiwgfs is executable by all" \
		[ "$(stat -c %a "$dir/usr/bin/aiwgfs")" = 755 ]
}

# (a) cmake --install into a scratch root.
if ! DESTDIR=$ROOT timeout 120 "$CMAKE" --install "$BUILD" --prefix /usr \
	>"$SCRATCH/install.out" 2>&1; then
	cat "$SCRATCH/install.out" >&2
	fail "cmake --install failed"
	exit 1
fi
check_tree "$ROOT" "cmake --install"
UNIT=$ROOT/usr/lib/systemd/user/aiwgfs@.service
check "the unit starts the installed binary" \
	grep -qx 'ExecStart=/usr/bin/aiwgfs mount' "$UNIT"
check "the unit unmounts after a stop" \
	grep -qx 'ExecStopPost=/usr/bin/aiwgfs umount %f' "$UNIT"
check "the unit runs in the repository" grep -qx 'WorkingDirectory=%f' "$UNIT"
check "the unit starts at login" grep -qx 'WantedBy=default.target' "$UNIT"

# (b) man renders the installed page, without a warning from groff.
MAN_PAGE=$ROOT/usr/share/man/man1/aiwgfs.1
if [ ! -f "$MAN_PAGE" ]; then
	echo "$TEST_NAME: man/aiwgfs.1 is missing, no man page to render"
elif command -v man >/dev/null; then
	if LC_ALL=C.UTF-8 MANWIDTH=80 timeout 60 man --warnings -l "$MAN_PAGE" \
		>"$SCRATCH/man.out" 2>"$SCRATCH/man.err"; then
		check "man warns about nothing" [ ! -s "$SCRATCH/man.err" ]
		check "man shows the page's name" grep -q '^NAME' "$SCRATCH/man.out"
		check "man shows a synopsis" grep -q '^SYNOPSIS' "$SCRATCH/man.out"
	else
		fail "man -l failed"
	fi
	if [ -s "$SCRATCH/man.err" ]; then cat "$SCRATCH/man.err" >&2; fi
else
	echo "$TEST_NAME: man is missing, the man page is not rendered" \
		"(scripts/deps.sh installs man-db)"
fi

# (c) systemd-analyze verify on an instance of the installed unit. With
# --user it wants a runtime folder (given a scratch one here, as there may
# be no user session) and the binary at the path ExecStart names: the copy
# verified names the binary in the scratch root, nothing else changed.
# MANPATH lets it find the installed page that Documentation= names. A
# problem it finds is a warning on its output, not an exit status.
if command -v systemd-analyze >/dev/null; then
	unit=$SCRATCH/aiwgfs@$(systemd-escape --path "$REPO").service
	sed "s|=/usr/bin/aiwgfs |=$ROOT/usr/bin/aiwgfs |" "$UNIT" >"$unit"
	mkdir -m 700 "$SCRATCH/run" "$SCRATCH/config" "$SCRATCH/data"
	man_check=--man=yes
	if ! command -v man >/dev/null || [ ! -f "$MAN_PAGE" ]; then
		man_check=--man=no
	fi
	if ! XDG_RUNTIME_DIR=$SCRATCH/run XDG_CONFIG_HOME=$SCRATCH/config \
		XDG_DATA_HOME=$SCRATCH/data MANPATH=$ROOT/usr/share/man \
		SYSTEMD_LOG_LEVEL=notice timeout 60 systemd-analyze --user \
		verify $man_check "$unit" >"$SCRATCH/verify.out" 2>&1; then
		fail "systemd-analyze verify failed"
	fi
	if [ -s "$SCRATCH/verify.out" ]; then
		cat "$SCRATCH/verify.out" >&2
		fail "systemd-analyze verify found problems in the unit"
	fi
else
	echo "$TEST_NAME: systemd-analyze is missing, the unit is not verified" \
		"(scripts/deps.sh installs systemd)"
fi

# (d) The Debian package: its control fields, its file list, and the same
# files as the install once unpacked.
if ! timeout 120 "$CPACK" -G DEB --config "$BUILD/CPackConfig.cmake" \
	-B "$SCRATCH/pkg" >"$SCRATCH/cpack.out" 2>&1; then
	cat "$SCRATCH/cpack.out" >&2
	fail "cpack -G DEB failed"
	exit 1
fi
debs=("$SCRATCH"/pkg/aiwgfs_"$VERSION"_*.deb)
if [ ! -f "${debs[0]}" ]; then
	ls "$SCRATCH/pkg" >&2
	fail "cpack made no aiwgfs_${VERSION}_*.deb"
	exit 1
fi
deb=${debs[0]}
field() {
	dpkg-deb -f "$deb" "$1"
}
check_eq "the package's name" "$(field Package)" aiwgfs
check_eq "the package's version" "$(field Version)" "$VERSION"
check_eq "the package's section" "$(field Section)" utils
check "the package has a maintainer" [ -n "$(field Maintainer)" ]
check "the package has a description" [ -n "$(field Description)" ]
# The dependencies, one name a line.
field Depends | tr ',' '\n' | sed 's/^ *//; s/ .*//' >"$SCRATCH/depends"
for dep in fuse3 libfuse3-3 libyaml-0-2 libmd4c0 libxxhash0 libc6; do
	check "the package depends on $dep" grep -qx "$dep" "$SCRATCH/depends"
done
check "dpkg-deb -I describes the package" \
	grep -q '^ Depends: .*fuse3' <(dpkg-deb -I "$deb")
dpkg-deb -c "$deb" | awk '$1 !~ /^d/ { sub(/^\.\//, "", $6); print $6 }' |
	sort >"$SCRATCH/deb.list"
check "dpkg-deb -c lists the files of the install" \
	cmp -s "$SCRATCH/want.list" "$SCRATCH/deb.list"
check "dpkg-deb -c: nothing is owned by other than root" \
	[ -z "$(dpkg-deb -c "$deb" | awk '$2 != "root/root"')" ]
if ! dpkg -x "$deb" "$SCRATCH/debroot"; then
	fail "dpkg -x failed"
	exit 1
fi
check_tree "$SCRATCH/debroot" "the package"

# The bash completion, as bash loads it: "aiwgfs mo<TAB>" gives mount.
if [ -f "$TOP/completion/aiwgfs.bash" ]; then
	got=$(bash --norc --noprofile -c '
		. "$1" || exit 1
		spec=$(complete -p aiwgfs) || exit 1
		fn=$(sed -n "s/.* -F \([^ ]*\) .*/\1/p" <<<"$spec")
		[ -n "$fn" ] || { echo "no -F function in: $spec"; exit 1; }
		COMP_WORDS=(aiwgfs mo)
		COMP_CWORD=1
		COMP_LINE="aiwgfs mo"
		COMP_POINT=${#COMP_LINE}
		COMPREPLY=()
		"$fn" aiwgfs mo aiwgfs
		printf "%s\n" "${COMPREPLY[@]}"' _ \
		"$ROOT/usr/share/bash-completion/completions/aiwgfs" 2>&1) || true
	check_eq "bash completes 'aiwgfs mo' to" "$got" mount
fi
