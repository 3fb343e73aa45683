#!/bin/sh
# Print average words per sentence for each paragraph of a Markdown file.
set -eu
[ $# -eq 1 ] || { echo "usage: score.sh FILE" >&2; exit 2; }

awk '
/^```/ { in_code = !in_code; next }
in_code || /^\|/ { next }
/^[[:space:]]*$/ {
    if (words > 0) printf "%d\t%.1f\n", para, words / (sentences ? sentences : 1)
    words = 0; sentences = 0; para++; next
}
{ words += NF; sentences += gsub(/[.!?]( |$)/, "&") }
END { if (words > 0) printf "%d\t%.1f\n", para, words / (sentences ? sentences : 1) }
' "$1"
