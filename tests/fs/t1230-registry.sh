#!/usr/bin/env bash
# The platform registry is data: `aiwgfs platforms` lists the twelve
# platforms of the design, `platforms --yaml` is the registry as YAML, and
# `--registry FILE` adds a platform (a new folder, no new code) and overrides
# one model id of another. An invalid registry file (bad YAML, an unknown
# key, an unknown renderer, a path without {id}) makes mount and ls exit 2
# with a message that names the file and line, and mounts nothing.
. "$(dirname "$0")/lib.sh"

OUT=$SCRATCH/out
ERR=$SCRATCH/err
# The platforms of DESIGN.md, "Views".
PLATFORMS="claude codex copilot cursor warp openclaw windsurf opencode factory gemini kiro cline"
RENDERERS="identity body skill command-skill cursor-agent cursor-rule copilot-agent
copilot-prompt copilot-instructions codex-agent windsurf-rule windsurf-workflow
opencode-agent opencode-command factory-droid factory-command gemini-command
kiro-agent kiro-steering cline-rule index"

# run_rc ARGS...: run aiwgfs with stdout in $OUT and stderr in $ERR; print
# the exit code.
run_rc() {
	local rc=0
	aiwgfs "$@" >"$OUT" 2>"$ERR" </dev/null || rc=$?
	echo "$rc"
}

# names_in_listing: the platform names `aiwgfs platforms` prints in $OUT
# (lines that start at the first column), sorted, one line.
names_in_listing() {
	awk '/^[a-z]/ { print $1 }' "$OUT" | sort | tr '\n' ' ' | sed 's/ $//'
}
sorted() { tr ' ' '\n' <<<"$1" | sort | tr '\n' ' ' | sed 's/ $//'; }

# check_yaml WANT-NAMES: $OUT is a YAML registry holding exactly those
# platforms, each path with {id} and each renderer a known one.
check_yaml() {
	python3 - "$OUT" "$1" "$RENDERERS" <<'PY'
import sys
import yaml
path, want, renderers = sys.argv[1], sys.argv[2].split(), sys.argv[3].split()
errs = []
try:
    doc = yaml.safe_load(open(path))
except yaml.YAMLError as e:
    print(f"  not valid YAML: {e}", file=sys.stderr)
    sys.exit(1)
ps = doc.get("platforms") if isinstance(doc, dict) else None
if not isinstance(ps, list):
    print(f"  no platforms list: {doc!r:.200}", file=sys.stderr)
    sys.exit(1)
names = [p.get("name") for p in ps]
if sorted(names) != sorted(want):
    errs.append(f"platforms {names}, want {sorted(want)}")
for p in ps:
    for kind in ("agents", "commands", "skills", "rules"):
        k = p.get(kind)
        if k is None:
            continue
        if "{id}" not in str(k.get("path")):
            errs.append(f"{p['name']}.{kind}: path {k.get('path')!r}")
        if k.get("renderer") not in renderers:
            errs.append(f"{p['name']}.{kind}: renderer {k.get('renderer')!r}")
    for f in p.get("files") or []:
        if f.get("renderer") not in renderers:
            errs.append(f"{p['name']}.files: renderer {f.get('renderer')!r}")
for e in errs:
    print("  " + e, file=sys.stderr)
sys.exit(1 if errs else 0)
PY
}

# --- The built-in registry --------------------------------------------------
check_eq "platforms exits 0" "$(run_rc platforms)" 0
check_eq "platforms lists the 12 platforms" "$(names_in_listing)" "$(sorted "$PLATFORMS")"
check_eq "platforms --yaml exits 0" "$(run_rc platforms --yaml)" 0
check "platforms --yaml is YAML with the 12 platforms" check_yaml "$PLATFORMS"
REGISTRY_SRC=$(dirname "$0")/../../core/platforms.yaml
if [ -f "$REGISTRY_SRC" ]; then
	check "platforms --yaml is core/platforms.yaml" python3 -c '
import sys, yaml
sys.exit(yaml.safe_load(open(sys.argv[1])) != yaml.safe_load(open(sys.argv[2])))' \
		"$OUT" "$REGISTRY_SRC"
fi

# --- A registry file: a new platform, one model id changed ------------------
REG=$SCRATCH/registry.yaml
cat >"$REG" <<'EOF'
platforms:
  - name: codex
    models: { opus: gpt-6-codex }
  - name: mytool
    summary: My tool
    agents: { path: ".mytool/agents/{id}.md", renderer: identity }
    skills: { path: ".mytool/skills/{id}", renderer: skill }
EOF
check_eq "platforms --registry exits 0" "$(run_rc platforms --registry "$REG")" 0
check_eq "platforms --registry lists 13 platforms" "$(names_in_listing)" \
	"$(sorted "$PLATFORMS mytool")"

# The source's agents and skills, and the agents' models (first unit wins).
python3 - "$UNITS" >"$SCRATCH/agents" <<'PY'
import os, re, sys
units = sys.argv[1]
seen = set()
for g in ("frameworks", "addons"):
    for u in sorted(os.listdir(os.path.join(units, g))):
        d = os.path.join(units, g, u, "agents")
        for f in sorted(os.listdir(d)) if os.path.isdir(d) else []:
            if f.endswith(".md") and f != "README.md" and f not in seen:
                seen.add(f)
                m = re.search(r"^model: *(\S+)", open(os.path.join(d, f)).read(), re.M)
                print(f[:-3], os.path.join(d, f), m.group(1) if m else "-")
PY
check "the source has opus agents" grep -q ' opus$' "$SCRATCH/agents"
check "the source has haiku agents" grep -q ' haiku$' "$SCRATCH/agents"

check_eq "ls --registry --platforms mytool exits 0" \
	"$(run_rc ls "$SRC" --registry "$REG" --platforms mytool)" 0
sort "$OUT" >"$SCRATCH/ls.mytool"
check "ls --registry lists only .mytool files" sh -c "! grep -v '^\.mytool/' '$SCRATCH/ls.mytool'"

mount_views --registry "$REG" --platforms mytool,codex --no-rewrite-refs
check "mount names .mytool" grep -qwF .mytool "$SCRATCH/mount.out"
check ".mytool is a mount point" mountpoint -q "$REPO/.mytool"
check ".codex is a mount point" mountpoint -q "$REPO/.codex"
check "no .claude (not enabled)" [ ! -e "$REPO/.claude" ]
check_eq "the files of .mytool are what ls listed" \
	"$(cd "$REPO" && find .mytool -type f | sort)" "$(cat "$SCRATCH/ls.mytool")"
n=0
while read -r id src model; do
	n=$((n + 1))
	check "mytool agent $id is the source byte for byte" cmp -s "$src" "$REPO/.mytool/agents/$id.md"
	case $model in
	opus) want=gpt-6-codex ;;
	haiku) want=gpt-5-codex-mini ;;
	sonnet) want=codex-mini-latest ;;
	*) continue ;;
	esac
	got=$(python3 -c 'import sys, tomllib; print(tomllib.load(open(sys.argv[1], "rb")).get("model"))' \
		"$REPO/.codex/agents/$id.toml" 2>&1) || true
	check_eq "codex agent $id ($model) model" "$got" "$want"
done <"$SCRATCH/agents"
check_eq "mytool shows every agent" "$(find "$REPO/.mytool/agents" -type f | wc -l)" "$n"
for d in "$UNITS"/*/*/skills/*/; do
	[ -f "$d/SKILL.md" ] || continue
	id=$(basename "$d")
	check_eq "mytool skill $id has the source's files" \
		"$(cd "$REPO/.mytool/skills/$id" 2>/dev/null && find . -type f | sort)" \
		"$(cd "$d" && find . -type f | sort)"
done
check_eq "git status while mounted" \
	"$(git -C "$REPO" status --porcelain --untracked-files=all)" ""
aiwgfs umount "$REPO" >/dev/null || fail "umount failed"
check "no .mytool left" [ ! -e "$REPO/.mytool" ]

# With reference rewriting, "@.claude/agents/<id>.md" follows the new path.
mount_views --registry "$REG" --platforms mytool
check "mytool: @.claude/agents/ becomes @.mytool/agents/" \
	grep -qF "(@.mytool/agents/architecture-designer.md)" "$REPO/.mytool/agents/test-engineer.md"
aiwgfs umount "$REPO" >/dev/null || fail "umount failed"

# --- Invalid registry files ---------------------------------------------------
# bad_registry WHAT LINE-PATTERN TEXT: mount and ls with it exit 2, name the
# file and a line matching LINE-PATTERN, and mount nothing.
bad_registry() {
	local what=$1 line=$2 file=$SCRATCH/bad-$((++nbad)).yaml c rc
	printf '%s' "$3" >"$file"
	for c in mount ls; do
		if [ $c = mount ]; then
			rc=$(run_rc mount "$SRC" "$REPO" --registry "$file")
		else
			rc=$(run_rc ls "$SRC" --registry "$file")
		fi
		check_eq "$what: $c exits 2 ($(cat "$ERR"))" "$rc" 2
		check "$what: $c names the file and line ($(cat "$ERR"))" \
			grep -qE -- "$(sed 's/[.[\*^$]/\\&/g' <<<"$file"):$line:" "$ERR"
	done
	check "$what: nothing mounted" nothing_mounted "$SCRATCH"
	check_eq "$what: no placeholder in the repository" "$(ls -A "$REPO")" ".git"
}
nbad=0
bad_registry "bad YAML (mapping in a plain value)" 3 'platforms:
  - name: mytool
    summary: a: b
    agents: { path: ".mytool/agents/{id}.md", renderer: identity }
'
bad_registry "bad YAML (unclosed flow sequence)" "[23]" 'platforms:
  - name: [mytool
'
bad_registry "unknown key" 4 'platforms:
  - name: mytool
    agents: { path: ".mytool/agents/{id}.md", renderer: identity }
    bogus: 1
'
bad_registry "unknown renderer" 3 'platforms:
  - name: mytool
    agents: { path: ".mytool/agents/{id}.md", renderer: nosuch }
'
bad_registry "path without {id}" 4 'platforms:
  - name: mytool
    summary: My tool
    skills: { path: ".mytool/skills/all", renderer: skill }
'
bad_registry "unknown renderer of a known platform" 3 'platforms:
  - name: codex
    agents: { path: ".codex/agents/{id}.toml", renderer: codex-agnet }
'
