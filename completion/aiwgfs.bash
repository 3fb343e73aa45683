# bash completion for aiwgfs(1)
#
# Installed as share/bash-completion/completions/aiwgfs. Completes the
# commands, each command's options, platform names for --platforms (asked of
# `aiwgfs platforms` at completion time, so a --registry given earlier on
# the line counts), unit names for --frameworks and --addons, folders for
# SOURCE, REPO and DIR, files for --registry and --config, and view paths
# for `render` (asked of `aiwgfs ls`).

# The aiwgfs being completed, as a command to run.
_aiwgfs_cmd()
{
	local cmd=${COMP_WORDS[0]}

	printf '%s' "${cmd/#\~\//$HOME/}"
}

# The value of option $1 given earlier on the line, if any.
_aiwgfs_opt_value()
{
	local i w

	for ((i = 1; i < COMP_CWORD; i++)); do
		w=${COMP_WORDS[i]}
		if [[ $w == "$1" ]]; then
			if [[ ${COMP_WORDS[i + 1]} == "=" ]]; then
				printf '%s' "${COMP_WORDS[i + 2]}"
			else
				printf '%s' "${COMP_WORDS[i + 1]}"
			fi
			return
		fi
		if [[ $w == "$1="* ]]; then
			printf '%s' "${w#*=}"
			return
		fi
	done
}

# The platform names: the first word of each line of `aiwgfs platforms`
# that is not empty and does not start with a space.
_aiwgfs_platforms()
{
	local cmd reg

	cmd=$(_aiwgfs_cmd)
	reg=$(_aiwgfs_opt_value --registry)
	reg=${reg/#\~\//$HOME/}
	if [[ -n $reg && -f $reg ]]; then
		"$cmd" platforms --registry "$reg" 2>/dev/null
	else
		"$cmd" platforms 2>/dev/null
	fi | while IFS= read -r line; do
		[[ -z $line || $line == " "* ]] && continue
		printf '%s\n' "${line%% *}"
	done
}

# The positional arguments given before the current word.
_aiwgfs_args()
{
	local i w skip=0

	for ((i = 2; i < COMP_CWORD; i++)); do
		w=${COMP_WORDS[i]}
		if ((skip)); then
			skip=0
			[[ $w == "=" ]] && skip=1
			continue
		fi
		case $w in
		--platforms | --frameworks | --addons | --registry | --config | \
			--cache-size | --source | -o)
			skip=1
			;;
		=) skip=1 ;;
		-*) ;;
		*) printf '%s\n' "$w" ;;
		esac
	done
}

# Framework or addon folder names of the SOURCE on the line ($1: frameworks
# or addons), and the aliases.
_aiwgfs_units()
{
	local src base d

	src=$(_aiwgfs_args | head -n 1)
	src=${src/#\~\//$HOME/}
	for base in "$src/agentic/code/$1" "$src/$1"; do
		[[ -n $src && -d $base ]] || continue
		for d in "$base"/*/; do
			[[ -d $d ]] && basename -- "$d"
		done
		break
	done
	[[ $1 == frameworks ]] && printf '%s\n' sdlc marketing mmk research
}

# Complete the last item of a comma-separated list in $cur from words $1,
# leaving out the items already in the list.
_aiwgfs_complete_list()
{
	local prefix="" last=$cur w
	local -a have words=()

	if [[ $cur == *,* ]]; then
		prefix=${cur%,*},
		last=${cur##*,}
	fi
	IFS=, read -ra have <<<"${prefix%,}"
	for w in $1; do
		[[ " ${have[*]} " == *" $w "* ]] || words+=("$w")
	done
	mapfile -t COMPREPLY < <(compgen -P "$prefix" -W "${words[*]}" -- "$last")
}

_aiwgfs_complete_dirs()
{
	compopt -o filenames 2>/dev/null
	mapfile -t COMPREPLY < <(compgen -d -- "$cur")
}

_aiwgfs_complete_files()
{
	compopt -o filenames 2>/dev/null
	mapfile -t COMPREPLY < <(compgen -f -- "$cur")
}

# View paths for `render`: the files `aiwgfs ls [SOURCE]` lists, added to
# COMPREPLY. Without SOURCE, ls takes it from the configuration.
_aiwgfs_complete_views()
{
	local cmd src=$1 reg plat conf
	local -a opts=() views

	cmd=$(_aiwgfs_cmd)
	reg=$(_aiwgfs_opt_value --registry)
	plat=$(_aiwgfs_opt_value --platforms)
	conf=$(_aiwgfs_opt_value --config)
	[[ -n $reg ]] && opts+=(--registry "${reg/#\~\//$HOME/}")
	[[ -n $plat ]] && opts+=(--platforms "$plat")
	[[ -n $conf ]] && opts+=(--config "${conf/#\~\//$HOME/}")
	[[ -n $src ]] && opts=("$src" "${opts[@]}")
	mapfile -t views < <(compgen -W \
		"$("$cmd" ls "${opts[@]}" 2>/dev/null)" -- "$cur")
	COMPREPLY+=("${views[@]}")
}

# Complete the value of option $1 from $cur; 1 when $1 takes no value.
_aiwgfs_complete_value()
{
	case $1 in
	--platforms) _aiwgfs_complete_list "$(_aiwgfs_platforms)" ;;
	--frameworks | --addons)
		_aiwgfs_complete_list "$(_aiwgfs_units "${1#--}")"
		;;
	--registry | --config) _aiwgfs_complete_files ;;
	--source) _aiwgfs_complete_dirs ;;
	--cache-size | -o) ;;
	*) return 1 ;;
	esac
	return 0
}

_aiwgfs()
{
	local cur prev command opts nargs i src
	local scan="--platforms --frameworks --addons --registry --config"
	local IFS=$' \t\n'

	COMPREPLY=()
	cur=${COMP_WORDS[COMP_CWORD]}
	prev=${COMP_WORDS[COMP_CWORD - 1]}
	if ((COMP_CWORD == 1)); then
		mapfile -t COMPREPLY < <(compgen -W "mount umount status ls
			render check export init platforms --help --version" \
			-- "$cur")
		return
	fi
	command=${COMP_WORDS[1]}

	# --opt=value: bash splits the word at '=' when COMP_WORDBREAKS has
	# it (the usual case), else the whole word is to be replaced.
	if [[ $cur == "=" ]]; then
		cur=
		_aiwgfs_complete_value "$prev"
		return
	elif [[ $prev == "=" ]] && ((COMP_CWORD > 2)); then
		_aiwgfs_complete_value "${COMP_WORDS[COMP_CWORD - 2]}"
		return
	elif [[ $cur == --*=* ]]; then
		prev=${cur%%=*}
		cur=${cur#*=}
		if _aiwgfs_complete_value "$prev"; then
			for i in "${!COMPREPLY[@]}"; do
				COMPREPLY[i]=$prev=${COMPREPLY[i]}
			done
		fi
		return
	fi
	_aiwgfs_complete_value "$prev" && return

	case $command in
	mount)
		opts="$scan --foreground --debug --no-rewrite-refs
			--no-git-exclude --cache-size -o --help"
		;;
	umount | unmount) opts="--registry --config --help" ;;
	status) opts="--json --help" ;;
	ls) opts="-l $scan --help" ;;
	render) opts="$scan --no-rewrite-refs --help" ;;
	check) opts="$scan --help" ;;
	export)
		opts="$scan --no-rewrite-refs --check --clean --force -l --help"
		;;
	init) opts="--source --platforms --force --help" ;;
	platforms) opts="--registry --yaml --help" ;;
	*) return ;;
	esac

	if [[ $cur == -* ]]; then
		mapfile -t COMPREPLY < <(compgen -W "$opts" -- "$cur")
		return
	fi

	nargs=$(_aiwgfs_args | wc -l)
	case $command in
	mount | export)
		((nargs < 2)) && _aiwgfs_complete_dirs
		;;
	umount | unmount | status | ls | check | init)
		((nargs < 1)) && _aiwgfs_complete_dirs
		;;
	render)
		# SOURCE VIEW_PATH, or VIEW_PATH alone with a configuration
		if ((nargs == 0)); then
			_aiwgfs_complete_dirs
			if [[ -f .aiwgfs.yaml || -n $(_aiwgfs_opt_value --config) ]]
			then
				_aiwgfs_complete_views ""
			fi
		elif ((nargs == 1)); then
			src=$(_aiwgfs_args | head -n 1)
			src=${src/#\~\//$HOME/}
			[[ -d $src ]] && _aiwgfs_complete_views "$src"
		fi
		;;
	esac
}

complete -F _aiwgfs aiwgfs
