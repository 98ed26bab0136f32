# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""One data file with every recipient kind issue 16 adds (mail contacts, mail users, Microsoft 365
groups, dynamic distribution groups): the audit writes nothing and its drift report shows each
kind's objects to be created, the run converges them from scratch, the re-run writes nothing and
the report after it shows every object in sync."""

from __future__ import annotations

import json

import yaml
from conftest import REPO
from desired_state_data import MAIL_USER_PASSWORD, external_recipients

KINDS = ('contact', 'mail_user', 'unified_group', 'dynamic_group')


def data():
    sections = external_recipients(contacts=2, mail_users=1)
    sections['unified_groups'] = [{'group': 'ds-kinds-m365', 'display_name': 'DS kinds', 'access_type': 'private',
                                   'owners': ['bob@contoso.com'], 'members': ['bob@contoso.com', 'carol@contoso.com']}]
    sections['dynamic_groups'] = [{'group': 'DS kinds shared', 'notes': 'every shared mailbox',
                                   'recipient_filter': "RecipientTypeDetails -eq 'SharedMailbox'"}]
    return sections


def audit(playbook, sandbox, data_file, report_dir):
    sandbox.reset()
    playbook.run(str(REPO / 'playbooks' / 'audit.yml'), '--check', '--diff', extra_vars={
        'desired_state_file': data_file, 'report_dir': report_dir,
        'desired_state_initial_password': MAIL_USER_PASSWORD})
    assert sandbox.stats()['writes'] == 0
    return json.loads((report_dir / 'drift.json').read_text())


def test_every_new_kind_in_one_data_file(playbook, sandbox, tmp_path):
    data_file = tmp_path / 'tenant.yml'
    data_file.write_text(yaml.safe_dump(data(), sort_keys=False))

    before = audit(playbook, sandbox, data_file, tmp_path / 'before')
    by_kind = before['summary']['by_kind']
    # Every object of the data file is new: counted to create, none drifted.
    assert dict((kind, (by_kind[kind]['to_create'], by_kind[kind]['drifted'], by_kind[kind]['failed'])) for kind in KINDS) == {
        'contact': (2, 0, 0), 'mail_user': (1, 0, 0), 'unified_group': (1, 0, 0), 'dynamic_group': (1, 0, 0)}
    assert before['summary']['properties'] == 0, "a new object's values are not drifted properties"

    results = tmp_path / 'results.json'
    run = dict(desired_state_file=data_file, results_path=results, desired_state_initial_password=MAIL_USER_PASSWORD)
    sandbox.reset()
    playbook.run('desired_state_run.yml', extra_vars=run)
    written = dict((k, v) for k, v in sandbox.stats()['cmdlets'].items() if not k.startswith('Get-'))
    for cmdlet in ('New-MailContact', 'New-MailUser', 'New-UnifiedGroup', 'New-DynamicDistributionGroup'):
        assert written.get(cmdlet) == (2 if cmdlet == 'New-MailContact' else 1), written
    assert json.loads(results.read_text())['summary']['changed'] == 5

    sandbox.reset()
    playbook.run('desired_state_run.yml', extra_vars=run)
    assert sandbox.stats()['writes'] == 0
    assert json.loads(results.read_text())['summary']['changed'] == 0

    after = audit(playbook, sandbox, data_file, tmp_path / 'after')
    by_kind = after['summary']['by_kind']
    assert dict((kind, (by_kind[kind]['in_sync'], by_kind[kind]['drifted'], by_kind[kind]['to_create'])) for kind in KINDS) == {
        'contact': (2, 0, 0), 'mail_user': (1, 0, 0), 'unified_group': (1, 0, 0), 'dynamic_group': (1, 0, 0)}
