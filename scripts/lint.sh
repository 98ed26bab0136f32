#!/usr/bin/env bash
# ansible-lint with the production profile over the collection (playbooks, meta, tests).
set -euo pipefail
cd "$(dirname "$0")/.."
ansible-lint --profile production --offline "$@"
