#!/usr/bin/env bash
# Start the sandbox tenant, run the shared-mailbox playbook against it twice (the second run
# must report nothing to change), print the sandbox's request counters after each run, stop.
set -euo pipefail
cd "$(dirname "$0")/.."
state_dir=.build/demo-sandbox
rm -rf "$state_dir"
mkdir -p "$state_dir"
python -m sandbox serve --background --state-dir "$state_dir"
trap 'python -m sandbox stop --state-dir "$state_dir" >/dev/null' EXIT

set -a
# shellcheck disable=SC1090,SC1091
. "$state_dir/sandbox.env"
set +a
export XDG_CACHE_HOME="$PWD/$state_dir/cache"

stats() {
  python - "$SANDBOX_URL" "$EXO_CA_PATH" "$1" <<'PY'
import json, sys, requests
url, ca, label = sys.argv[1:]
s = requests.get(url + "/_sandbox/stats", verify=ca, timeout=10).json()
keys = ("requests", "reads", "writes", "tokens", "throttled")
print(f"sandbox stats after {label}: " + ", ".join(f"{k}={s[k]}" for k in keys))
print("  cmdlets: " + json.dumps(s["cmdlets"], sort_keys=True))
requests.post(url + "/_sandbox/reset", verify=ca, timeout=10)
PY
}

echo "== run 1: grant the sales team access to the Sales shared mailbox"
ansible-playbook playbooks/shared_mailbox_access.yml --diff
stats "run 1"
echo
echo "== run 2: the same playbook again; nothing is left to change"
ansible-playbook playbooks/shared_mailbox_access.yml --diff
stats "run 2"
