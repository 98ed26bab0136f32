# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The bulk path of exo_mailbox that no sandbox walk reaches (a New-Mailbox refused as already
existing), and the FakeExo the modules' unit tests share."""

from __future__ import annotations

from ansible_collections.mailops.exchange.plugins.module_utils.runners import fanout

import itertools

import pytest

from ansible_collections.mailops.exchange.plugins.module_utils.engine.core import argument_spec
from ansible_collections.mailops.exchange.plugins.module_utils.transport.errors import CmdletError, ExchangeError
from ansible_collections.mailops.exchange.plugins.modules import exo_mailbox

NOT_FOUND = CmdletError("couldn't be found", kind='not_found', exception_type='ManagementObjectNotFoundException')


class FakeExo(object):
    """An ExoModule stand-in whose runner answers from ``answers`` (cmdlet, identity) -> rows or
    error, recording single calls and batches apart."""

    check_mode = False
    page_size = 1000

    def __init__(self, answers, params=None):
        self.answers = answers
        self.params = params or {'parallel': 4}
        self.single = []
        self.batches = []
        self.runner = self

    @property
    def parallel(self):
        return self.params.get('parallel') or 1

    def _answer(self, cmdlet, parameters):
        answer = self.answers.get((cmdlet, parameters.get('Identity')), NOT_FOUND)
        return answer() if callable(answer) else answer

    def invoke(self, cmdlet, parameters=None, **unused):
        self.single.append((cmdlet, parameters.get('Identity')))
        answer = self._answer(cmdlet, parameters)
        if isinstance(answer, ExchangeError):
            raise answer
        return answer

    def pages(self, cmdlet, unused_parameters=None, select=None):
        """The organisation-wide read: every row answered for ``cmdlet``, on one page."""
        yield [row for (name, unused), rows in self.answers.items() if name == cmdlet
               and isinstance(rows, list) for row in rows]

    def invoke_all(self, calls, idempotent=None, parallel=1, each=None):
        return fanout.invoke_all(self.invoke_many, calls, idempotent, parallel, each=each)

    def invoke_many(self, calls, idempotent=None):
        self.batches.append([(cmdlet, parameters.get('Identity')) for cmdlet, parameters in calls])
        return [self._answer(*call) for call in calls]


SALES_EU = {'Guid': 'GS', 'Name': 'sales-eu', 'PrimarySmtpAddress': 'sales-eu@contoso.com',
            'RecipientTypeDetails': 'SharedMailbox'}
PARAMETERS = {'Name': 'sales-eu', 'PrimarySmtpAddress': 'sales-eu@contoso.com', 'Shared': True}
EXISTS = CmdletError("The proxy address 'SMTP:sales-eu@contoso.com' is already being used", kind='already_exists',
                     exception_type='ProxyAddressExistsException')


def test_a_new_mailbox_refused_as_existing_is_this_runs_when_the_reread_finds_it_by_name():
    from engine_fakes import EngineExo  # pylint: disable=import-outside-toplevel
    exo = EngineExo({('New-Mailbox', None): EXISTS, ('Get-Mailbox', 'sales-eu@contoso.com'): [SALES_EU],
                     ('Get-Mailbox', 'gs'): [SALES_EU]}, params={'parallel': 1, 'organization': 'contoso.com'})
    reads = iter([NOT_FOUND, [SALES_EU]])
    exo.answers[('Get-Mailbox', 'sales-eu@contoso.com')] = lambda: next(reads)
    result = exo.converge(exo_mailbox.Mailbox, [new_entry()], 'mailboxes')
    assert result['results'][0]['mailbox']['name'] == 'sales-eu'
    assert [call for call in exo.single if call[0] != 'Get-Recipient'] == [
        ('Get-Mailbox', 'sales-eu@contoso.com'), ('New-Mailbox', None), ('Get-Mailbox', 'sales-eu@contoso.com'),
        ('Get-Mailbox', 'gs')]


@pytest.mark.parametrize('found', [NOT_FOUND, [dict(SALES_EU, Name='someone-else')]])
def test_a_new_mailbox_refused_as_existing_fails_when_the_address_is_someone_elses(found):
    from engine_fakes import EngineExo, TaskFailed  # pylint: disable=import-outside-toplevel
    exo = EngineExo({('New-Mailbox', None): EXISTS}, params={'parallel': 1, 'organization': 'contoso.com'})
    reads = itertools.chain([NOT_FOUND], itertools.repeat(found))
    exo.answers[('Get-Mailbox', 'sales-eu@contoso.com')] = lambda: next(reads)
    with pytest.raises(TaskFailed) as caught:
        exo.converge(exo_mailbox.Mailbox, [new_entry()], 'mailboxes')
    assert caught.value.args[1]['results'][0]['msg'] == str(EXISTS)


def new_entry():
    entry = dict.fromkeys(exo_mailbox.Mailbox.options)
    entry.update(mailbox='sales-eu@contoso.com', state='present', type='shared', email_addresses_mode='add',
                 excluded_domains=[], archive_disable_confirm=False)
    return entry


def test_per_mailbox_options_are_given_per_entry_only_and_the_others_are_task_defaults():
    spec = argument_spec(exo_mailbox.Mailbox)
    entry = spec['argument_spec']['mailboxes']['options']
    assert set(entry) == set(exo_mailbox.Mailbox.options) | {'mailbox', 'state'}
    assert entry['mailbox']['aliases'] == ['identity'] == spec['argument_spec']['mailbox']['aliases']
    assert all('default' not in option for option in entry.values())
    assert ('mailboxes', 'display_name') in spec['mutually_exclusive']
    assert ('mailboxes', 'hidden_from_address_lists') not in spec['mutually_exclusive']
