#!/bin/sh
# Lint the OpenAPI spec in the current repository.
set -eu
for spec in openapi.yaml openapi.json api/openapi.yaml; do
    if [ -f "$spec" ]; then
        exec npx --yes @redocly/cli lint "$spec"
    fi
done
echo "lint.sh: no OpenAPI spec found" >&2
exit 2
