# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The remoting runner's pure parts: CLIXML lists, object conversion, error records, parameters;
and what it does when a connection breaks during a command (against a fake pypsrp)."""

from __future__ import annotations

import uuid
from types import SimpleNamespace

import pytest
import requests
from pypsrp.complex_objects import GenericComplexObject
from pypsrp.exceptions import WSManFaultError
from pypsrp.serializer import TaggedValue

from ansible_collections.mailops.exchange.plugins.module_utils.runners import remoting_runner
from ansible_collections.mailops.exchange.plugins.module_utils.runners.remoting_runner import (
    error_from_records,
    parse_clixml_list,
    to_python,
    wire_value,
)
from ansible_collections.mailops.exchange.plugins.module_utils.engine.onprem_module import runner_settings
from ansible_collections.mailops.exchange.plugins.module_utils.transport.errors import ExchangeError
from ansible_collections.mailops.exchange.plugins.module_utils.transport.values import CLEAR, Secret


def test_clixml_list_items_in_order_nil_dropped():
    text = '<LST><S>SMTP:a@contoso.com</S><S>X500:/o=Contoso/cn=a</S><Nil /><S>smtp:b@contoso.com</S></LST>'
    assert parse_clixml_list(text) == ['SMTP:a@contoso.com', 'X500:/o=Contoso/cn=a', 'smtp:b@contoso.com']


def test_clixml_list_inside_an_object_and_unparsable_text():
    assert parse_clixml_list('<Obj><LST><S>x</S></LST></Obj>') == ['x']
    assert parse_clixml_list('not <xml') == ['not <xml']


def _object(adapted=None, extended=None, property_sets=(), to_string=None):
    obj = GenericComplexObject()
    obj.adapted_properties.update(adapted or {})
    obj.extended_properties.update(extended or {})
    obj.property_sets.extend(property_sets)
    obj.to_string = to_string
    return obj


def test_exchange_object_becomes_a_dict_with_its_address_list():
    addresses = _object(property_sets=['<LST><S>SMTP:a@contoso.com</S><S>smtp:b@contoso.com</S></LST>'])
    guid = uuid.UUID('11111111-2222-3333-4444-555555555555')
    row = to_python(_object(adapted={'Name': 'a', 'EmailAddresses': addresses, 'Guid': guid},
                            extended={'Name': 'shadowed', 'Extra': 1}))
    assert row == {'Name': 'a', 'EmailAddresses': ['SMTP:a@contoso.com', 'smtp:b@contoso.com'],
                   'Guid': '11111111-2222-3333-4444-555555555555', 'Extra': 1}


def test_value_without_properties_is_its_string():
    assert to_python(_object(to_string='DB01')) == 'DB01'
    assert to_python(_object()) is None


def _record(types, message, fq_error='', reason=None):
    exception = SimpleNamespace(types=types, adapted_properties={'Message': message})
    return SimpleNamespace(exception=exception, fq_error=fq_error, reason=reason)


def test_not_found_record_is_classified_from_the_exception_type():
    record = _record(['Deserialized.Microsoft.Exchange.Configuration.Tasks.ManagementObjectNotFoundException',
                      'System.Exception', 'System.Object'],
                     "The operation couldn't be performed because object 'x' couldn't be found on 'DC01'.",
                     '[Server=EXCH01] [FailureCategory=Cmdlet-ManagementObjectNotFoundException] 6F9304,Get')
    error = error_from_records('Get-Mailbox', [record], terminated=False)
    assert (error.kind, error.exception_type, error.cmdlet) == (
        'not_found', 'ManagementObjectNotFoundException', 'Get-Mailbox')
    assert error.terminated is False


def test_failure_category_used_when_the_exception_has_no_type_names():
    record = _record([], 'matches multiple entries.',
                     '[Server=EXCH01] [FailureCategory=Cmdlet-ManagementObjectNotFoundException] 1,Get')
    assert error_from_records('Get-User', [record, record], True).kind == 'ambiguous'
    assert '(and 1 more errors)' in error_from_records('Get-User', [record, record], True).message


def test_scripts_not_allowed_is_invalid_argument():
    record = _record(['System.Management.Automation.PSInvalidOperationException'],
                     'The syntax is not supported by this runspace.', 'ScriptsNotAllowed')
    assert error_from_records('x', [record], True).kind == 'invalid_argument'


def test_already_exists_and_binding_errors():
    exists = _record(['Microsoft.Exchange.Data.Directory.ADObjectAlreadyExistsException'], 'exists')
    binding = _record(['System.Management.Automation.ParameterBindingException'], 'bad parameter')
    assert error_from_records('New-Mailbox', [exists], False).kind == 'already_exists'
    assert error_from_records('New-Mailbox', [binding], True).kind == 'invalid_argument'


def test_secret_is_a_secure_string_and_never_shown():
    value = wire_value({'Password': Secret('p@ss'), 'List': ['a', Secret('b')], 'Flag': True})
    assert isinstance(value['Password'], TaggedValue) and value['Password'].tag == 'SS'
    assert value['Password'].value == 'p@ss'
    assert value['List'][0] == 'a' and value['List'][1].tag == 'SS'
    assert value['Flag'] is True
    assert 'p@ss' not in repr(Secret('p@ss'))


def test_clear_is_sent_as_null():
    # Dropping it instead would leave the property as it is: $null is what clears it.
    assert wire_value(CLEAR) is None
    assert wire_value({'CustomAttribute1': CLEAR}) == {'CustomAttribute1': None}


def _params(**overrides):
    params = dict(server='exch01.contoso.local', port=None, use_ssl=False, path='PowerShell',
                  configuration_name='Microsoft.Exchange', auth='kerberos', username=None, password=None,
                  validate_certs=True, ca_path=None, encryption='auto', connection_timeout=30,
                  operation_timeout=60)
    params.update(overrides)
    return params


def test_default_ports_follow_use_ssl():
    assert runner_settings(_params())['port'] == 80
    assert runner_settings(_params(use_ssl=True))['port'] == 443
    assert runner_settings(_params(port=5985))['port'] == 5985


@pytest.mark.parametrize('overrides, message', [
    ({'server': None}, 'server is required'),
    ({'auth': 'ntlm'}, 'auth: ntlm needs username and password'),
    ({'port': 70000}, 'port: 70000 is not a TCP port'),
    ({'operation_timeout': 0}, 'operation_timeout: 0 must be 1 or more'),
])
def test_bad_settings_name_the_option(overrides, message):
    with pytest.raises(ExchangeError) as caught:
        runner_settings(_params(**overrides))
    assert message in str(caught.value)
    assert caught.value.kind == 'invalid_argument'


class _Server(object):
    """Fake pypsrp: ``breaks`` is how many pipelines in a row lose their connection (``break_at``:
    at their Command or, by default, their Receive); ``quota`` how many Commands in a row WinRM
    refuses for quota. ``events`` is the order of Commands (``begin``) and Receives (``end``)."""

    def __init__(self, breaks=0, quota=0, break_at='end', calm=0, schedule=()):
        self.breaks = breaks
        self.calm = calm
        # Receives that break, by cmdlet, in order (instead of ``breaks``).
        self.schedule = list(schedule)
        self.quota = quota
        self.break_at = break_at
        self.sent = []
        self.events = []
        self.pools = 0
        self.runspaces = None
        self.closed_sessions = 0

    def step(self, phase, name):
        self.events.append((phase, name))
        if phase == 'begin' and self.quota:
            self.quota -= 1
            self.events[-1] = ('quota', name)
            raise WSManFaultError(2150859174, 'exch01', 'This user is allowed a maximum number of 2 concurrent '
                                  'operations, which has been exceeded.', None, None, None)
        if phase == 'end' and self.schedule and self.schedule[0] == name:
            self.schedule.pop(0)
            raise requests.exceptions.ConnectionError('Remote end closed connection without response')
        if phase == self.break_at and self.calm:
            self.calm -= 1
        elif phase == self.break_at and self.breaks:
            self.breaks -= 1
            raise requests.exceptions.ConnectionError('Remote end closed connection without response')


def _fake_pypsrp(monkeypatch, server, max_pipelines=1):
    class WSMan(object):
        def __init__(self, *args, **kwargs):
            pass

        def close(self):
            server.closed_sessions += 1

    class Pool(object):
        def __init__(self, *args, **kwargs):
            server.runspaces = kwargs.get('max_runspaces')

        def open(self):
            server.pools += 1

    class Shell(object):
        def __init__(self, pool):
            self.streams = SimpleNamespace(warning=[], error=[])
            self.had_errors = False
            self.name = None

        def add_cmdlet(self, name):
            self.name = name

        def add_parameter(self, name, value):
            pass

        def begin_invoke(self):
            server.step('begin', self.name)
            server.sent.append(self.name)

        def end_invoke(self):
            server.step('end', self.name)
            return []

    monkeypatch.setattr(remoting_runner, 'WSMan', WSMan)
    monkeypatch.setattr(remoting_runner, 'RunspacePool', Pool)
    monkeypatch.setattr(remoting_runner, 'PowerShell', Shell)
    return remoting_runner.RemotingRunner(runner_settings(dict(
        server='exch01', port=None, use_ssl=False, path='PowerShell', configuration_name='Microsoft.Exchange',
        auth='ntlm', username='u', password='p', validate_certs=True, ca_path=None, encryption='auto',
        connection_timeout=30, operation_timeout=20)), max_pipelines=max_pipelines, sleep=server.events.append)


def test_several_pipelines_are_in_flight_on_one_pool(monkeypatch):
    server = _Server()
    runner = _fake_pypsrp(monkeypatch, server, max_pipelines=3)
    calls = [('Set-CASMailbox', {'Identity': str(n)}) for n in range(5)]
    assert runner.invoke_all(calls, parallel=8) == [[]] * 5
    assert server.runspaces == 3 and server.pools == 1
    assert [e[0] for e in server.events] == ['begin'] * 3 + ['end'] * 3 + ['begin'] * 2 + ['end'] * 2
    assert runner.stats['in_flight'] == 3


def test_a_quota_fault_waits_and_goes_on_with_fewer_in_flight(monkeypatch):
    server = _Server(quota=1)
    runner = _fake_pypsrp(monkeypatch, server, max_pipelines=4)
    calls = [('Set-CASMailbox', {'Identity': str(n)}) for n in range(6)]
    assert runner.invoke_all(calls, parallel=4) == [[]] * 6
    phases = [e if isinstance(e, float) else e[0] for e in server.events]
    assert phases[:2] == ['quota', phases[1]] and isinstance(phases[1], float), 'refused at once, then a wait'
    assert phases[2:] == ['begin', 'begin', 'end', 'end'] * 3, 'then two at a time'
    assert 0 < phases[1] <= 2.0
    assert server.sent == ['Set-CASMailbox'] * 6, 'each write ran once: a refused Command ran nothing'
    assert runner.stats['quota_faults'] == 1


def test_a_single_call_refused_for_quota_is_sent_again_after_a_wait(monkeypatch):
    server = _Server(quota=2)
    runner = _fake_pypsrp(monkeypatch, server)
    assert runner.invoke('New-MailContact', {'Name': 'x'}) == []
    assert server.sent == ['New-MailContact'] and len([e for e in server.events if isinstance(e, float)]) == 2


def test_a_quota_that_never_clears_fails_as_throttled_naming_the_settings(monkeypatch):
    server = _Server(quota=99)
    runner = _fake_pypsrp(monkeypatch, server)
    with pytest.raises(ExchangeError) as caught:
        runner.invoke('Get-Mailbox', {'Identity': 'a'})
    assert caught.value.kind == 'throttled' and 'MaxConcurrentOperationsPerUser' in str(caught.value)
    assert server.sent == []


def test_a_connection_broken_in_a_window_repeats_reads_and_leaves_writes_unknown(monkeypatch):
    server = _Server(breaks=1)
    runner = _fake_pypsrp(monkeypatch, server, max_pipelines=3)
    answers = runner.invoke_all([('Get-Mailbox', {}), ('Set-Mailbox', {}), ('Get-User', {})], parallel=3)
    assert answers[0] == [] and answers[2] == [], 'the reads are read again on a new pool'
    assert isinstance(answers[1], ExchangeError) and answers[1].outcome_unknown
    assert server.sent == ['Get-Mailbox', 'Set-Mailbox', 'Get-User', 'Get-Mailbox', 'Get-User']
    assert server.pools == 2


def test_a_call_whose_pool_another_call_broke_keeps_its_own_reconnects(monkeypatch):
    server = _Server(schedule=['Get-Mailbox', 'Get-User', 'Get-User'])
    runner = _fake_pypsrp(monkeypatch, server, max_pipelines=2)
    # Get-Mailbox's answer breaks the pool both were started on; Get-User, lost with it, is read
    # again without spending a reconnect, so it still has both for its own two breaks.
    answers = runner.invoke_all([('Get-Mailbox', {}), ('Get-User', {})], parallel=2)
    assert answers == [[], []]
    assert server.sent.count('Get-Mailbox') == 2 and server.sent.count('Get-User') == 4


def test_a_connection_broken_at_a_start_sends_the_calls_not_started_as_new(monkeypatch):
    server = _Server(breaks=1, break_at='begin', calm=1)
    runner = _fake_pypsrp(monkeypatch, server, max_pipelines=3)
    answers = runner.invoke_all([('Get-Mailbox', {}), ('New-Mailbox', {}), ('Set-Mailbox', {})], parallel=3)
    assert answers[0] == [] and answers[2] == []
    assert isinstance(answers[1], ExchangeError) and answers[1].outcome_unknown, 'its Command may have arrived'
    assert server.sent.count('Set-Mailbox') == 1


@pytest.mark.parametrize('cmdlet, idempotent, breaks, sends', [
    ('Get-Mailbox', None, 2, 3),
    ('Set-Mailbox', True, 2, 3),
])
def test_repeatable_call_is_repeated_on_a_fresh_pool(monkeypatch, cmdlet, idempotent, breaks, sends):
    server = _Server(breaks)
    runner = _fake_pypsrp(monkeypatch, server)
    assert runner.invoke(cmdlet, {'Identity': 'a'}, idempotent=idempotent) == []
    assert server.sent == [cmdlet] * sends
    assert server.pools == sends, 'each repeat runs on a new runspace pool'
    assert server.closed_sessions == breaks


@pytest.mark.parametrize('cmdlet, idempotent, breaks, sends, unknown', [
    ('Get-Mailbox', None, 3, 3, False),
    ('Set-Mailbox', True, 3, 3, True),
    ('New-Mailbox', None, 1, 1, True),
])
def test_connection_that_keeps_breaking_fails_and_a_write_may_have_run(
        monkeypatch, cmdlet, idempotent, breaks, sends, unknown):
    server = _Server(breaks)
    runner = _fake_pypsrp(monkeypatch, server)
    with pytest.raises(ExchangeError) as caught:
        runner.invoke(cmdlet, {'Identity': 'a'}, idempotent=idempotent)
    assert caught.value.kind == 'transient'
    assert caught.value.outcome_unknown is unknown
    assert caught.value.cmdlet == cmdlet
    assert 'broke before the answer came' in str(caught.value)
    assert server.sent == [cmdlet] * sends
    assert runner.invoke('Get-Mailbox', {'Identity': 'a'}) == [], 'the next call opens a new pool'
    assert server.pools == sends + 1


@pytest.mark.parametrize('text, detail', [
    ('SpnegoError (4294967295): Major (851968): Unspecified GSS failure.  Minor code may provide more information, '
     'Minor (2529638919): Server HTTP/10.0.0.5@CONTOSO.LOCAL not found in Kerberos database, Context: Processing '
     'security token', 'Server HTTP/10.0.0.5@CONTOSO.LOCAL not found in Kerberos database'),
    ('SpnegoError (11): Major (720896): The referenced credential has expired, Minor (100001): Success, Context: '
     'Getting GSSAPI credential', 'The referenced credential has expired'),
    ('Cannot find KDC for realm "contoso.local" -1765328230', 'Cannot find KDC for realm "contoso.local"'),
])
def test_kerberos_errors_keep_the_library_words_only(text, detail):
    assert remoting_runner._kerberos_detail(Exception(text)) == detail


def test_kerberos_errors_are_told_from_connection_errors():
    import spnego.exceptions

    assert remoting_runner._is_kerberos_error(spnego.exceptions.NoCredentialError())
    assert not remoting_runner._is_kerberos_error(requests.exceptions.ConnectionError('refused'))


def test_messages_are_sent_direct_without_reading_proxy_variables_each_time(monkeypatch):
    """no_proxy: the session pypsrp builds when the pool opens sends every message direct; requests
    no longer reads the environment's proxy variables per message (trust_env), and a proxy
    variable still changes nothing."""
    class Pool(object):
        def __init__(self, wsman, **kwargs):
            self.wsman = wsman

        def open(self):
            # pypsrp builds its requests session with the first message (the pool's Create).
            self.wsman.transport.session = self.wsman.transport._build_session()  # pylint: disable=protected-access

    monkeypatch.setattr(remoting_runner, 'RunspacePool', Pool)
    monkeypatch.setenv('HTTP_PROXY', 'http://proxy.invalid:3128')
    runner = remoting_runner.RemotingRunner(runner_settings(dict(
        server='exch01', port=None, use_ssl=False, path='PowerShell', configuration_name='Microsoft.Exchange',
        auth='ntlm', username='u', password='p', validate_certs=True, ca_path=None, encryption='auto',
        connection_timeout=30, operation_timeout=20)))
    runner._open()  # pylint: disable=protected-access
    session = runner._wsman.transport.session  # pylint: disable=protected-access
    assert session.trust_env is False
    prepared = session.prepare_request(requests.Request('POST', runner.endpoint, data=b'x'))
    assert requests.utils.resolve_proxies(prepared, session.proxies, session.trust_env) == {'http': False}
