# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""A running sandbox tenant (a separate process on loopback) and a way to run playbooks at it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from sandbox.testing import SandboxProcess

REPO = Path(__file__).resolve().parents[2]
PLAYBOOKS = Path(__file__).resolve().parent / 'playbooks'
COLLECTIONS = REPO / '.build' / 'collections'

# Enough users that listing them all takes more than one page of 1000.
SANDBOX_USERS = 1005
SANDBOX_SHARED = 4
# The provider's tenant above and two small customer tenants (the multi-tenant walk and tests).
SANDBOX_TENANTS = 3
SANDBOX_TENANT_USERS = 5


@pytest.fixture(scope='session')
def sandbox_process(tmp_path_factory):
    """One sandbox for the whole session; tests reset its state and faults before use."""
    with SandboxProcess().start(tmp_path_factory.mktemp('sandbox'), users=SANDBOX_USERS,
                                shared=SANDBOX_SHARED, tenants=SANDBOX_TENANTS,
                                tenant_users=SANDBOX_TENANT_USERS) as running:
        yield running


@pytest.fixture
def sandbox(sandbox_process):
    """The session's sandbox, back at its seeded state with zero counters and no faults."""
    sandbox_process.reset(state=True)
    return sandbox_process


class PlaybookRunner(object):
    """Runs ansible-playbook the way a user does, with the sandbox's environment."""

    def __init__(self, sandbox, cache_dir):
        self.sandbox = sandbox
        self.env = dict(os.environ)
        self.env.update(sandbox.env)
        self.env.update(
            ANSIBLE_COLLECTIONS_PATH=str(COLLECTIONS),
            ANSIBLE_LOCALHOST_WARNING='False',
            ANSIBLE_INVENTORY_UNPARSED_WARNING='False',
            ANSIBLE_NOCOLOR='1',
            ANSIBLE_FORCE_COLOR='0',
            XDG_CACHE_HOME=str(cache_dir),
        )

    def run(self, playbook, *args, extra_vars=None, env=None, check=True, timeout=600):
        variables = dict(sandbox_url=self.sandbox.url, sandbox_ca=self.sandbox.ca_path)
        variables.update(extra_vars or {})
        command = [str(Path(sys.executable).with_name('ansible-playbook')), str(PLAYBOOKS / playbook)]
        for name, value in variables.items():
            command += ['-e', '%s=%s' % (name, value)]
        command += list(args)
        run_env = dict(self.env)
        run_env.update(env or {})
        result = subprocess.run(command, env=run_env, cwd=str(REPO), capture_output=True, text=True,
                                stdin=subprocess.DEVNULL, timeout=timeout, check=False)
        if check and result.returncode != 0:
            pytest.fail('%s failed (rc=%s):\n%s\n%s' % (playbook, result.returncode,
                                                        result.stdout[-20000:], result.stderr[-5000:]))
        return result


@pytest.fixture
def seeded():
    """How many user and shared mailboxes the session's sandbox was seeded with."""
    return {'expected_users': SANDBOX_USERS, 'expected_shared': SANDBOX_SHARED}


@pytest.fixture
def playbook(sandbox, tmp_path):
    """A PlaybookRunner with a token cache of its own."""
    return PlaybookRunner(sandbox, tmp_path / 'cache')
