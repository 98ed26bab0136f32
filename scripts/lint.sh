#!/usr/bin/env bash
# ansible-lint with the production profile over the collection (playbooks, roles, meta, tests),
# every documented call of the collection's modules against their options (module EXAMPLES,
# guides, playbooks, roles, extensions), antsibull-docs over every plugin's documentation,
# antsibull-changelog over the fragments, and whether CHANGELOG.rst is what the fragments give.
set -euo pipefail
cd "$(dirname "$0")/.."
ansible-lint --profile production --offline "$@"
python scripts/check_examples.py
collection="${ANSIBLE_COLLECTIONS_PATH%%:*}/ansible_collections/mailops/exchange"
(cd "$collection" && antsibull-docs lint-collection-docs --plugin-docs .)
antsibull-changelog lint
bash scripts/changelog.sh --check
