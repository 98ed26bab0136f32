# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""scripts/exchange_roles.py: the guide's module -> cmdlet -> role table cannot go stale."""

from __future__ import annotations

import yaml

from scripts import exchange_roles as er

from ansible_collections.mailops.exchange.plugins.module_utils.transport.exchange_roles import ROLE_MANAGEMENT, role_of

BOOTSTRAP = er.ROOT / 'playbooks' / 'bootstrap_least_privilege.yml'


def test_the_guide_holds_the_table_the_code_gives():
    assert er.guide_table(er.GUIDE.read_text()) == er.table(), 'run: python scripts/exchange_roles.py --write'


def test_every_cmdlet_a_module_calls_has_a_role():
    missing = dict((name, [c for c in er.module_cmdlets(name) if role_of(c) is None]) for name in er.exchange_modules())
    assert not dict((name, cmdlets) for name, cmdlets in missing.items() if cmdlets), \
        'add them to plugins/module_utils/transport/exchange_roles.py (and the sandbox\'s sandbox/rbac.py)'


def test_the_collector_finds_declared_written_and_built_names():
    assert {'Get-Recipient', 'New-MailContact', 'Set-Contact', 'Remove-MailContact'} <= set(er.module_cmdlets('exo_mail_contact'))
    assert {'Add-DistributionGroupMember', 'Remove-DistributionGroupMember'} <= set(er.module_cmdlets('exo_distribution_group_member'))
    assert {'Add-RecipientPermission', 'Remove-MailboxPermission'} <= set(er.module_cmdlets('exo_mailbox_permission'))
    assert {'Enable-Mailbox', 'Get-RetentionPolicy'} <= set(er.module_cmdlets('exo_mailbox'))
    assert 'New-Mailbox' not in er.module_cmdlets('exo_mail_contact')
    assert 'exo_app_registration' not in er.table() and 'onprem_exchange_mailbox' not in er.exchange_modules()


def test_the_least_privilege_bootstrap_assigns_exactly_the_roles_the_modules_use():
    play = yaml.safe_load(BOOTSTRAP.read_text())[0]
    used = set(role_of(c) for name in er.exchange_modules() for c in er.module_cmdlets(name)) - {ROLE_MANAGEMENT}
    assert set(play['vars']['app_exchange_roles']) == used
