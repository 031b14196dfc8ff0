#!/usr/bin/env bash
# Copies the example spec repository into a fresh git repository with a little history, and runs
# `spec-hooks check` over it: header, link and date findings.
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
# A later content change whose author forgot to bump Updated:
printf '\nRetries stop after 24 hours.\n' >> specs/rest/webhooks-v2.md
git add specs/rest/webhooks-v2.md
GIT_AUTHOR_DATE=2025-06-30T10:00:00Z GIT_COMMITTER_DATE=2025-06-30T10:00:00Z git commit -q -m "Webhooks: retry window"
echo "\$ spec-hooks check    # in a copy of examples/spec-repo"
status=0
spec-hooks check || status=$?
echo "(exit status $status)"
exit "$status"
