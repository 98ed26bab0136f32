#!/usr/bin/env bash
# Build the release tarball from the files git tracks, never from whatever else lies in the
# checkout (a user's own playbook, a drift report with tenant data, a stray key): they are copied
# into a staging directory first, and ansible-galaxy builds from there (galaxy.yml's build_ignore
# still leaves out the development files).
#   bash scripts/build_collection.sh [OUTPUT_DIR]     # default .build/dist; prints the tarball's path
#   bash scripts/build_collection.sh --ee             # and copies it to extensions/ee for ansible-builder
set -euo pipefail
cd "$(dirname "$0")/.."
ee=false
if [ "${1:-}" = "--ee" ]; then ee=true; shift; fi
out=$(mkdir -p "${1:-.build/dist}" && cd "${1:-.build/dist}" && pwd)
if ! git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
  echo "build_collection: $(pwd) is not a git checkout; build from a clone of the repository" >&2
  exit 2
fi
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
# Tracked files as they are in the working tree; a tracked file deleted but not yet committed is skipped.
git ls-files -z --cached | while IFS= read -r -d '' file; do
  if [ -e "$file" ] || [ -L "$file" ]; then printf '%s\0' "$file"; fi
done | tar --null -T - -cf - | tar -xf - -C "$stage"
ansible-galaxy collection build --force --output-path "$out" "$stage" >/dev/null
tarball="$out/mailops-exchange-$(sed -n 's/^version: *//p' galaxy.yml).tar.gz"
[ -f "$tarball" ] || { echo "build_collection: $tarball was not written" >&2; exit 1; }
if $ee; then
  cp "$tarball" extensions/ee/mailops-exchange.tar.gz
  echo "copied to extensions/ee/mailops-exchange.tar.gz"
fi
echo "$tarball"
