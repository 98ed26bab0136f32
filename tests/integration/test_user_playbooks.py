# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The playbooks users copy, against the sandbox: check mode first (no write), then for real,
then again (nothing left to change)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

PLAYBOOKS = Path(__file__).resolve().parents[2] / 'playbooks'


def recap(output):
    match = re.search(r'^localhost\s+:\s+(ok=.*)$', output, re.MULTILINE)
    return {k: int(v) for k, v in re.findall(r'(\w+)=(\d+)', match.group(1))}


# leaver.yml has its own walk, with a seeded tenant: tests/integration/test_leaver.py; joiner.yml
# too, under a provisioning delay: tests/integration/test_joiner.py.
@pytest.mark.parametrize('name', ['shared_mailbox.yml'])
def test_check_mode_then_apply_then_converged(playbook, sandbox, name):
    path = str(PLAYBOOKS / name)
    sandbox.reset()
    audit = playbook.run(path, '--check', '--diff')
    assert recap(audit.stdout)['changed'] > 0, 'check mode reports what would change'
    assert sandbox.stats()['writes'] == 0, 'check mode sends no write'

    applied = playbook.run(path, '--diff')
    assert recap(applied.stdout)['failed'] == 0
    assert sandbox.stats()['writes'] > 0

    sandbox.reset()
    again = playbook.run(path)
    assert recap(again.stdout)['changed'] == 0, again.stdout
    assert sandbox.stats()['writes'] == 0
