#!/bin/sh
# List capture date, camera and GPS presence for each image under a folder.
set -eu
dir=${1:-.}
command -v exiftool >/dev/null || { echo "audit.sh: exiftool not found" >&2; exit 2; }
exiftool -r -q -T -filename -datetimeoriginal -model -gpslatitude \
    -ext jpg -ext jpeg -ext heic -ext png "$dir"
