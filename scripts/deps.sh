#!/usr/bin/env bash
# Install what aiwgfs needs to build and test on Debian 12 (as root, or with
# sudo). Does nothing when everything is already there.
set -euo pipefail

packages=(build-essential cmake pkg-config git
	libfuse3-dev fuse3 libyaml-dev libmd4c-dev libxxhash-dev
	python3 ripgrep attr
	clang libclang-rt-14-dev
	dpkg-dev man-db groff-base systemd)
command -v node >/dev/null 2>&1 || packages+=(nodejs)

missing=()
for p in "${packages[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' ||
		missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
echo "installing: ${missing[*]}"
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends \
	"${missing[@]}" >/dev/null
