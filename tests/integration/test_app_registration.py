# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""exo_app_registration end to end: ansible-playbook against the sandbox's Graph and Entra ID."""

from __future__ import annotations

import re
import secrets
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def recap(output):
    """{ok, changed, failed, ...} of localhost from the PLAY RECAP."""
    line = re.search(r'^localhost\s+:\s+(ok=.*)$', output, re.MULTILINE).group(1)
    return {k: int(v) for k, v in re.findall(r'(\w+)=(\d+)', line)}


def test_lifecycle_and_the_secret_is_never_shown(playbook, tmp_path):
    work = tmp_path / 'work'
    work.mkdir()
    pfx_password = secrets.token_urlsafe(12)
    result = playbook.run('app_registration_lifecycle.yml', '-vvvv', extra_vars={'work_dir': str(work)},
                          env={'TEST_PFX_PASSWORD': pfx_password})
    secret = (work / 'secret.txt').read_text()
    assert len(secret) > 20
    for where, text in (('stdout', result.stdout), ('stderr', result.stderr)):
        assert secret not in text, 'the client secret appears in %s' % where
        assert pfx_password not in text, 'the PFX password appears in %s' % where
    assert "the output has been hidden due to the fact that 'no_log: true'" in result.stdout
    assert (work / 'secret.txt').stat().st_mode & 0o077 == 0


def test_bad_input_fails_clearly_and_writes_nothing(playbook, tmp_path):
    playbook.run('app_registration_failures.yml', extra_vars={'work_dir': str(tmp_path)})


def test_exchange_access_needs_both_consent_and_role(playbook, tmp_path):
    playbook.run('app_registration_chain.yml', extra_vars={'work_dir': str(tmp_path)})


def test_replication_delay_is_waited_out_or_explained(playbook):
    playbook.run('app_registration_replication.yml')


def test_consent_waits_out_not_a_valid_reference_update(playbook):
    playbook.run('app_registration_reference_replication.yml')


def test_bootstrap_playbook_from_nothing_to_a_managed_mailbox(playbook, sandbox, tmp_path):
    extra = {'app_certificate_path': str(tmp_path / 'certs' / 'exchange-app')}
    first = playbook.run(str(REPO / 'playbooks' / 'bootstrap_app.yml'), extra_vars=extra)
    assert recap(first.stdout)['failed'] == 0
    state = sandbox.mailbox_state('sales')
    assert {'User': 'alice@contoso.com', 'AccessRights': ['FullAccess'], 'IsInherited': False}.items() <= next(
        p for p in state['mailbox_permissions'] if p['User'] == 'alice@contoso.com').items()
    assert 'client_id: ' in first.stdout and (tmp_path / 'certs' / 'exchange-app.pem').exists()
    sandbox.reset()
    second = playbook.run(str(REPO / 'playbooks' / 'bootstrap_app.yml'), extra_vars=extra)
    assert recap(second.stdout)['changed'] == 0
    assert sandbox.stats()['writes'] == 0
