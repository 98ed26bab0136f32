# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""What a new user meets first: the getting-started guide's sandbox block run as a script, and a
real credential kept off loopback when the sandbox's variables are left behind."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

from conftest import COLLECTIONS, REPO

GUIDE = REPO / 'docs' / 'docsite' / 'rst' / 'getting_started.rst'
SANDBOX_VARIABLES = re.compile(r'^(AZURE|EXO|SANDBOX)_')


def guide_block(containing):
    """The shell code block of the getting-started guide that contains ``containing``."""
    blocks = re.findall(r'\.\. code-block:: sh\n\n((?:   .*\n|\n)+)', GUIDE.read_text())
    found = [block for block in blocks if containing in block]
    assert len(found) == 1, 'one block of the guide runs %r' % containing
    return '\n'.join(line[3:] for line in found[0].splitlines())


def clean_environment(tmp_path, **extra):
    env = {k: v for k, v in os.environ.items() if not SANDBOX_VARIABLES.match(k)}
    env.update(ANSIBLE_COLLECTIONS_PATH=str(COLLECTIONS), ANSIBLE_NOCOLOR='1',
               XDG_CACHE_HOME=str(tmp_path / 'cache'), **extra)
    return env


def test_the_guides_sandbox_block_runs_pasted_as_a_script(tmp_path):
    """Sourcing sandbox.env on the line after `serve` works only if `serve` returned once ready."""
    state = tmp_path / 'tenant'
    script = guide_block('sandbox serve --background').replace('/tmp/tenant', str(state))
    result = subprocess.run(['bash', '-euo', 'pipefail', '-c', script], cwd=str(REPO),
                            env=clean_environment(tmp_path), capture_output=True, text=True,
                            stdin=subprocess.DEVNULL, timeout=300, check=False)
    assert result.returncode == 0, result.stdout[-5000:] + result.stderr[-3000:]
    assert 'sandbox ready at https://127.0.0.1:' in result.stdout
    assert re.search(r'localhost\s+: ok=\d+\s+changed=[1-9]', result.stdout), result.stdout[-3000:]
    assert 'sandbox: stopped' in result.stdout
    assert not (state / 'sandbox.env').exists(), 'stop waits until the server is gone'


def test_serve_background_refuses_a_second_server_and_reports_one_that_cannot_start(tmp_path, sandbox):
    python = sys.executable
    taken = sandbox.url.rsplit(':', 1)[1]
    failed = subprocess.run([python, '-m', 'sandbox', 'serve', '--background', '--state-dir',
                             str(tmp_path / 'busy'), '--port', taken, '--users', '1', '--shared', '0'],
                            cwd=str(REPO), capture_output=True, text=True, stdin=subprocess.DEVNULL,
                            timeout=120, check=False)
    assert failed.returncode == 1
    assert 'exited with' in failed.stderr and 'Address already in use' in failed.stderr
    stopped = subprocess.run([python, '-m', 'sandbox', 'stop', '--state-dir', str(tmp_path / 'busy')],
                             cwd=str(REPO), capture_output=True, text=True, timeout=60, check=False)
    assert stopped.returncode == 0 and 'none running' in stopped.stdout


def _module(env, tmp_path):
    ansible = Path(sys.executable).with_name('ansible')
    return subprocess.run([str(ansible), 'localhost', '-m', 'mailops.exchange.exo_mailbox_info', '-a',
                           'identity=alice'], env=clean_environment(tmp_path, **env), cwd=str(REPO),
                          capture_output=True, text=True, stdin=subprocess.DEVNULL, timeout=300, check=False)


def test_a_real_credential_is_not_sent_to_a_loopback_endpoint(sandbox, tmp_path):
    """Left-over sandbox endpoints with a real tenant's credential: refused before any request."""
    left_over = {k: v for k, v in sandbox.env.items() if k.startswith(('EXO_', 'AZURE_'))}
    real_tenant = dict(left_over, AZURE_TENANT_ID='fabrikam.onmicrosoft.com',
                       AZURE_CLIENT_ID='0d5c3a52-8d4c-4f3b-9a61-3c2a3a7e1b11')
    no_marker = {k: v for k, v in left_over.items() if k != 'EXO_SANDBOX_TENANTS'}
    for env in (real_tenant, no_marker):
        result = _module(env, tmp_path)
        assert result.returncode != 0
        assert "is on this machine's loopback interface" in result.stdout, result.stdout
        assert 'unset EXO_AUTHORITY_HOST, EXO_EXCHANGE_URL, EXO_GRAPH_URL and EXO_CA_PATH' in result.stdout
        assert sandbox.env['AZURE_CLIENT_SECRET'] not in result.stdout + result.stderr
    stats = sandbox.stats()
    assert (stats['requests'], stats['tokens']) == (0, 0)
    # With the sandbox's own marker the same call goes through.
    assert _module(left_over, tmp_path).returncode == 0
