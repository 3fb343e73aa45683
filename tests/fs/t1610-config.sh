#!/usr/bin/env bash
# The repository's .aiwgfs.yaml: `aiwgfs init` writes one that the other
# commands read; `aiwgfs mount` with no SOURCE mounts what it says; flags
# win over it; a bad one fails naming its file and line. `status --json`
# describes the mount for scripts.
. "$(dirname "$0")/lib.sh"

CONFIG=$REPO/.aiwgfs.yaml

# --- init --------------------------------------------------------------------
(cd "$REPO" && aiwgfs init --source ../src --platforms claude,cursor) \
	>"$SCRATCH/init.out" || fail "init"
check "init says what it wrote" grep -qx "wrote $CONFIG" "$SCRATCH/init.out"
check "init writes the source" grep -qx "source: \"../src\"" "$CONFIG"
check "init writes the platforms" grep -qx "platforms: \[claude, cursor\]" "$CONFIG"
check "the starting config explains itself" grep -q "^# options:" "$CONFIG"
cp "$CONFIG" "$SCRATCH/config.before"
set +e
(cd "$REPO" && aiwgfs init --source elsewhere) 2>"$SCRATCH/init2.err"
rc=$?
set -e
check_eq "init refuses to replace a config" "$rc" 2
check "init says how to replace it" grep -q "pass --force" "$SCRATCH/init2.err"
check "the config is untouched" cmp -s "$CONFIG" "$SCRATCH/config.before"
set +e
aiwgfs init "$REPO" --platforms nosuch --force 2>"$SCRATCH/init3.err"
rc=$?
set -e
check_eq "init refuses an unknown platform" "$rc" 2
check "the config is still untouched" cmp -s "$CONFIG" "$SCRATCH/config.before"

# From another folder, a relative --source is made absolute, since the
# config reads relative paths from its own folder.
mkdir "$SCRATCH/other-repo"
(cd "$SCRATCH" && aiwgfs init other-repo --source src) >/dev/null || fail "init elsewhere"
check "a relative --source from elsewhere is written absolute" \
	grep -qx "source: \"$SRC\"" "$SCRATCH/other-repo/.aiwgfs.yaml"
(cd "$SCRATCH/other-repo" && aiwgfs ls) >"$SCRATCH/other.ls" || fail "ls in the other repository"
check "that config serves" [ -s "$SCRATCH/other.ls" ]
(cd "$SCRATCH/other-repo" && aiwgfs init --force --source ../nowhere) \
	>/dev/null 2>"$SCRATCH/nowhere.err" || fail "init with a source not there yet"
check "a source not there is warned of" grep -q "source '../nowhere' is not a folder" "$SCRATCH/nowhere.err"

# --- the config as written serves ls, mount and export ----------------------
(cd "$REPO" && aiwgfs ls) >"$SCRATCH/ls" || fail "ls with the config"
check_eq "ls shows the config's platforms" \
	"$(cut -d/ -f1 "$SCRATCH/ls" | sort -u | tr '\n' ' ')" ".claude .cursor "
(cd "$REPO" && aiwgfs ls --platforms copilot) >"$SCRATCH/ls2" || fail "ls --platforms"
check_eq "--platforms wins over the config" \
	"$(cut -d/ -f1 "$SCRATCH/ls2" | sort -u | tr '\n' ' ')" ".github "

git -C "$REPO" add .aiwgfs.yaml
git -C "$REPO" commit -qm config
(cd "$REPO" && timeout 60 "$AIWGFS" mount) >"$SCRATCH/mount.out" 2>&1 || {
	cat "$SCRATCH/mount.out" >&2
	fail "mount with no SOURCE"
}
check_eq "mount with no SOURCE mounts the config's views" \
	"$(mounted_under "$REPO" | sort | tr '\n' ' ')" "$REPO/.claude $REPO/.cursor "
first=.claude/agents/$(ls "$REPO/.claude/agents" | head -1)
check "the config's source is what is shown" \
	cmp -s "$REPO/$first" <(aiwgfs render "$SRC" "$first")

# status --json, read by a JSON parser.
aiwgfs status "$REPO" --json >"$SCRATCH/status.json" || fail "status --json"
python3 - "$SCRATCH/status.json" "$REPO" "$(daemon_pid)" <<'PY' || fail "status --json content"
import json, sys
doc = json.load(open(sys.argv[1]))
repo, pid = sys.argv[2], int(sys.argv[3])
assert doc["repo"] == repo, doc["repo"]
points = sorted(m["mountpoint"] for m in doc["mounts"])
assert points == [repo + "/.claude", repo + "/.cursor"], points
for m in doc["mounts"]:
    assert m["serving"] is True
    assert m["pid"] == pid, (m["pid"], pid)
    assert m["files"] > 0
    assert set(m["cache"]) == {"entries", "bytes", "limit", "hits",
                               "misses", "evictions"}, m["cache"]
    assert m["cache"]["limit"] == 64 << 20
    assert m["skipped"] == []
PY
aiwgfs umount "$REPO" >/dev/null || fail "umount"
aiwgfs status "$REPO" --json >"$SCRATCH/status2.json" || fail "status --json, nothing mounted"
check "status --json with nothing mounted" python3 -c '
import json, sys
doc = json.load(open(sys.argv[1]))
assert doc["mounts"] == [], doc' "$SCRATCH/status2.json"

# Options from the config: no git exclusion, a cache bound.
cat >>"$CONFIG" <<'EOF'
options:
  git_exclude: false
  cache_size: 8M
EOF
(cd "$REPO" && aiwgfs mount) >/dev/null 2>&1 || fail "mount with options"
check "git_exclude: false keeps git's exclude file as it was" \
	sh -c '! grep -q aiwgfs "$1/.git/info/exclude"' sh "$REPO"
check "cache_size reaches the daemon" sh -c \
	'"$AIWGFS" status "$1" --json | grep -q "\"limit\": 8388608"' sh "$REPO"
aiwgfs umount "$REPO" >/dev/null || fail "umount"
(cd "$REPO" && aiwgfs mount --cache-size 4M) >/dev/null 2>&1 || fail "mount --cache-size"
check "--cache-size wins over the config" sh -c \
	'"$AIWGFS" status "$1" --json | grep -q "\"limit\": 4194304"' sh "$REPO"
aiwgfs umount "$REPO" >/dev/null || fail "umount"

# --- errors name the file and the line ---------------------------------------
# bad_config DESCRIPTION TEXT PATTERN: a config of TEXT fails with exit 2
# and a message matching PATTERN; nothing is mounted.
bad_config() {
	printf '%s\n' "$2" >"$CONFIG"
	set +e
	(cd "$REPO" && timeout 60 "$AIWGFS" mount) >"$SCRATCH/bad.out" 2>&1
	local rc=$?
	set -e
	check_eq "$1: exit code" "$rc" 2
	if ! grep -qE "$3" "$SCRATCH/bad.out"; then
		cat "$SCRATCH/bad.out" >&2
		fail "$1: message"
	fi
	check "$1: nothing mounted" nothing_mounted "$REPO"
}
bad_config "unknown key" "$(printf 'source: ../src\n# a comment\nplatfroms: [claude]')" \
	"^aiwgfs: $CONFIG:3: unknown key 'platfroms' \(accepted: source, platforms, frameworks, addons, registry, models, options\)$"
bad_config "wrong type" "$(printf 'source: ../src\nplatforms:\n  claude: yes')" \
	"^aiwgfs: $CONFIG:3: 'platforms' must be a list of names$"
bad_config "a bad boolean" "$(printf 'source: ../src\noptions:\n  rewrite_refs: maybe')" \
	"^aiwgfs: $CONFIG:3: 'rewrite_refs' must be true or false$"
bad_config "an unknown option" "$(printf 'source: ../src\noptions:\n  colour: red')" \
	"^aiwgfs: $CONFIG:3: unknown option 'colour' \(accepted: rewrite_refs, git_exclude, cache_size\)$"
bad_config "not YAML" "$(printf 'source: ../src\nplatforms: [claude\n')" \
	"^aiwgfs: $CONFIG:[0-9]+: "
bad_config "an unknown platform" "$(printf 'source: ../src\n\nplatforms: [claude, nosuch]')" \
	"^aiwgfs: $CONFIG:3: unknown platform 'nosuch'"
bad_config "models of an unknown platform" \
	"$(printf 'source: ../src\nmodels:\n  nosuch: {opus: x}')" \
	"^aiwgfs: $CONFIG:3: 'models' names unknown platform 'nosuch'"
bad_config "no source" "platforms: [claude]" \
	"no SOURCE given, and '$CONFIG' names no 'source'"
rm "$CONFIG"
set +e
(cd "$REPO" && timeout 60 "$AIWGFS" mount) >"$SCRATCH/none.out" 2>&1
rc=$?
set -e
check_eq "mount with neither SOURCE nor config" "$rc" 2
check "it says to run init" grep -q "aiwgfs init --source" "$SCRATCH/none.out"

# --- models and --config ------------------------------------------------------
cat >"$SCRATCH/other.yaml" <<EOF
source: src
platforms: codex
models:
  codex: {opus: my-opus-model, "*": my-default-model}
EOF
opus_agent=$(grep -l '^model: opus' "$UNITS"/*/*/agents/*.md | head -1)
check "the example tree has an agent on opus" [ -n "$opus_agent" ]
id=$(basename "$opus_agent" .md)
(cd / && aiwgfs render --config "$SCRATCH/other.yaml" ".codex/agents/$id.toml") \
	>"$SCRATCH/agent.toml" 2>"$SCRATCH/render.err" || {
	cat "$SCRATCH/render.err" >&2
	fail "render with --config"
}
check "models: in the config maps the model" grep -q '^model = "my-opus-model"' "$SCRATCH/agent.toml"
set +e
aiwgfs ls --config "$SCRATCH/nosuch.yaml" 2>"$SCRATCH/noconf.err"
rc=$?
set -e
check_eq "a missing --config file is an error" "$rc" 2
check "it names the file" grep -q "cannot read config '$SCRATCH/nosuch.yaml'" "$SCRATCH/noconf.err"
