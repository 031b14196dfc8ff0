#!/usr/bin/env bash
# Copies the example spec repository into a fresh git repository and runs spec-hooks over it.
# Usage: bash examples/demo.sh   (with spec-hooks on PATH)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cp -R "$here/spec-repo/." "$work/"
cd "$work"
export GIT_AUTHOR_NAME=Demo GIT_AUTHOR_EMAIL=demo@example.com GIT_COMMITTER_NAME=Demo GIT_COMMITTER_EMAIL=demo@example.com
git init -q -b main
git add .
GIT_AUTHOR_DATE=2025-03-04T10:00:00Z GIT_COMMITTER_DATE=2025-03-04T10:00:00Z git commit -q -m "Example specs"
echo "\$ spec-hooks headers    # in a copy of examples/spec-repo"
status=0
spec-hooks headers || status=$?
echo "(exit status $status)"
exit "$status"
