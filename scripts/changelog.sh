#!/usr/bin/env bash
# Renders CHANGELOG.rst and changelogs/changelog.yaml for the version in galaxy.yml with
# antsibull-changelog: every fragment in changelogs/fragments, and the plugins and modules whose
# version_added is that version.
#
#   bash scripts/changelog.sh           # write both files (then commit them)
#   bash scripts/changelog.sh --check   # fail when they differ from what would be written
#
# Until the version is tagged its entry is made again from scratch on every run, so fragments
# added or edited since the last run are picked up; the fragments stay in place (plain
# `antsibull-changelog release` would delete them and refuse to redo a release). When tagging the
# release: run this, then `git rm changelogs/fragments/*.yml`, commit, tag.
#
# The release date is the one already recorded for the version (today's, UTC, the first time), so
# --check gives the same answer on any day.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON="${PYTHON:-python}"

check=false
case "${1:-}" in
  --check) check=true ;;
  '') ;;
  *) echo "usage: $0 [--check]" >&2; exit 2 ;;
esac

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/changelogs"
cp -r galaxy.yml meta plugins "$work/"
cp -r changelogs/config.yaml changelogs/fragments "$work/changelogs/"

# The committed changelog without the version being made, and the date to release it with.
read -r version date < <("$PYTHON" - changelogs/changelog.yaml "$work/changelogs/changelog.yaml" <<'PY'
import datetime
import sys

import yaml

with open('galaxy.yml') as handle:
    version = str(yaml.safe_load(handle)['version'])
with open(sys.argv[1]) as handle:
    changes = yaml.safe_load(handle) or {}
releases = changes.get('releases') or {}
entry = releases.pop(version, None) or {}
date = entry.get('release_date') or datetime.datetime.now(datetime.timezone.utc).strftime('%Y-%m-%d')
changes['releases'] = releases
changes.setdefault('ancestor', None)
with open(sys.argv[2], 'w') as handle:
    handle.write('---\n')
    yaml.safe_dump(changes, handle, default_flow_style=False)
print(version, date)
PY
)

(cd "$work" && antsibull-changelog release --version "$version" --date "$date" >/dev/null)

if $check; then
  status=0
  for file in CHANGELOG.rst changelogs/changelog.yaml; do
    if ! diff -u "$file" "$work/$file"; then
      status=1
    fi
  done
  if [ "$status" -ne 0 ]; then
    echo "CHANGELOG.rst or changelogs/changelog.yaml is not current: run bash scripts/changelog.sh" >&2
  fi
  exit "$status"
fi
cp "$work/CHANGELOG.rst" CHANGELOG.rst
cp "$work/changelogs/changelog.yaml" changelogs/changelog.yaml
echo "CHANGELOG.rst and changelogs/changelog.yaml: version $version of $date"
