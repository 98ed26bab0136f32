# -*- coding: utf-8 -*-
# Copyright: mailops.exchange contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
#
# FOR INTERNAL COLLECTION USE ONLY: the interfaces in this file serve the plugins of mailops.exchange
# and may change in any release, even a bugfix release. See docs/docsite/rst/developing.rst.
"""Run on-premises Exchange cmdlets through PowerShell remoting (PROTOCOL.md section 5).

The same interface as the Exchange Online runner: ``invoke(cmdlet, parameters)`` returns a
list of plain dicts or raises a classified ``CmdletError``, so recipient logic does not care
which transport it runs on.

Exchange's ``/PowerShell`` endpoint is a NoLanguage runspace: scripts are refused. Commands are
built with ``add_cmdlet`` and ``add_parameter`` only, so a value is always a value and no
PowerShell text is ever made from input.
"""

from __future__ import annotations

import time
import traceback
import uuid
import xml.etree.ElementTree as ET

from ansible_collections.mailops.exchange.plugins.module_utils.transport.errors import (
    AuthError,
    CmdletError,
    ExchangeError,
    TransportError,
    classify,
    short_type_name,
    INVALID_ARGUMENT,
    OTHER,
    THROTTLED,
    TRANSIENT,
    TRANSIENT_EXCEPTION_TYPES,
    UNAUTHORIZED,
)
from ansible_collections.mailops.exchange.plugins.module_utils.transport.http import RetryPolicy
from ansible_collections.mailops.exchange.plugins.module_utils.transport.values import CLEAR, Secret

try:
    import requests
    from pypsrp.complex_objects import GenericComplexObject
    from pypsrp.exceptions import AuthenticationError, WinRMError, WinRMTransportError, WSManFaultError
    from pypsrp.powershell import PowerShell, RunspacePool
    from pypsrp.serializer import TaggedValue
    from pypsrp.wsman import WSMan
except ImportError:
    HAS_PYPSRP = False
    PYPSRP_IMPORT_ERROR = traceback.format_exc()
else:
    HAS_PYPSRP = True
    PYPSRP_IMPORT_ERROR = None

AUTH_METHODS = ('kerberos', 'negotiate', 'ntlm', 'basic', 'credssp', 'certificate')
ENCRYPTION = ('auto', 'always', 'never')

KERBEROS_HINT = (
    "Kerberos needs the optional Kerberos extra on the control node: pip install "
    "'pypsrp[kerberos]' (it pulls in pyspnego[kerberos] and gssapi/krb5), which builds against "
    "the system packages libkrb5-dev (Debian/Ubuntu) or krb5-devel (RHEL), plus gcc; "
    "krb5-user/krb5-workstation provide kinit and krb5.conf for the realm.")

# How many times a read is repeated when Exchange reports a transient directory error.
_TRANSIENT_RETRIES = 2
# How many times a call is repeated on a fresh connection after the connection broke during it:
# a read, and a write that is safe to repeat, twice (a third break is a fault that persists). A
# call lost only because another pipeline broke the pool they shared spends none.
_READ_RECONNECTS = 2
_WRITE_RECONNECTS = 2
_FAILURE_CATEGORY = '[FailureCategory=Cmdlet-'
# Exchange's /PowerShell is an IIS application: its Kerberos service principal is HTTP/<fqdn>
# (on one server Active Directory maps HTTP to the computer's HOST SPN; a load-balanced name needs
# an alternate service account with HTTP/<name>). pypsrp would ask for host/<fqdn>.
KERBEROS_SERVICE = 'HTTP'
_NEGOTIATE_AUTHS = ('kerberos', 'negotiate')
# WinRM's quota faults (MS-WSMV wsman:QuotaLimit): the user has too many operations in flight
# (MaxConcurrentOperationsPerUser, 1500 by default) or too many shells open (MaxShellsPerUser).
# The server refused the Command or Create, so nothing ran: the call is sent again after a wait.
QUOTA_FAULT_CODES = (2150859174, 2150859173)
# How the runner waits after a quota fault: as the Exchange Online runner after a 429 without
# Retry-After (2 s doubling, jittered), at most 5 times (62 s at most in all) for one call.
QUOTA_POLICY = RetryPolicy(max_retries=5, base_delay=2.0, max_delay=32.0)
# Pipelines one runspace pool keeps in flight at most (the bulk option parallel is 1 to 16).
MAX_PIPELINES = 16


def kerberos_available():
    """Whether pyspnego can do Kerberos here (the gssapi or krb5 bindings are importable)."""
    for name in ('gssapi', 'krb5'):
        try:
            __import__(name)
            return True
        except ImportError:
            continue
    return False


def parse_clixml_list(text):
    """The items of a raw CLIXML list (``<LST><S>SMTP:a@b</S>...</LST>``) as strings.

    Exchange's ProxyAddressCollection and other multi-valued properties reach pypsrp as an
    object whose only content is such a fragment.
    """
    try:
        element = ET.fromstring(text)
    except ET.ParseError:
        return [text]
    items = element
    if element.tag not in ('LST', 'IE'):
        items = element.find('LST')
        if items is None:
            items = element.find('IE')
    return [(item.text or '') for item in (items if items is not None else ()) if item.tag != 'Nil']


def to_python(value):
    """A value pypsrp deserialised, as plain data: dicts, lists, strings, numbers, bools."""
    if HAS_PYPSRP and isinstance(value, GenericComplexObject):
        for part in value.property_sets:
            if isinstance(part, str) and part.lstrip().startswith(('<LST', '<IE')):
                return parse_clixml_list(part)
            if isinstance(part, list):
                return [to_python(item) for item in part]
        if value.adapted_properties or value.extended_properties:
            return object_to_dict(value)
        return None if value.to_string is None else str(value.to_string)
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, dict):
        return {str(k): to_python(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [to_python(v) for v in value]
    return value


def object_to_dict(obj):
    """An Exchange output object's properties: adapted ones, then extended ones not shadowed."""
    row = {name: to_python(value) for name, value in obj.adapted_properties.items()}
    for name, value in obj.extended_properties.items():
        row.setdefault(name, to_python(value))
    return row


def _exception_type(record):
    exception = getattr(record, 'exception', None)
    for type_name in getattr(exception, 'types', None) or ():
        type_name = type_name[len('Deserialized.'):] if type_name.startswith('Deserialized.') else type_name
        if type_name not in ('System.Object', 'System.Exception'):
            return type_name
    fq_error = getattr(record, 'fq_error', None) or ''
    if _FAILURE_CATEGORY in fq_error:
        return fq_error.split(_FAILURE_CATEGORY, 1)[1].split(']', 1)[0]
    return getattr(record, 'reason', None)


def _error_message(record):
    exception = getattr(record, 'exception', None)
    properties = getattr(exception, 'adapted_properties', None) or {}
    message = properties.get('Message') or getattr(record, 'details_message', None)
    return str(message or record).strip()


def error_from_records(cmdlet, records, terminated):
    """The classified ``CmdletError`` for a pipeline's error records (first one leads)."""
    if not records:
        return CmdletError('the pipeline failed without an error record', kind=OTHER, cmdlet=cmdlet)
    first = records[0]
    exception_type = _exception_type(first)
    message = _error_message(first)
    if len(records) > 1:
        message = '%s (and %d more errors)' % (message, len(records) - 1)
    fq_error = getattr(first, 'fq_error', None) or ''
    kind = classify(None, exception_type, message)
    if kind == OTHER and fq_error.split(',')[0] in ('ScriptsNotAllowed', 'ParameterBindingFailed'):
        kind = INVALID_ARGUMENT
    error = CmdletError(message, kind=kind, exception_type=exception_type, error_id=fq_error or None,
                        cmdlet=cmdlet)
    error.terminated = terminated
    return error


def wire_value(value):
    """A parameter value as pypsrp should serialise it (None means: leave the parameter out;
    CLEAR is PowerShell's $null, which pypsrp sends for None once the parameter is added)."""
    if value is CLEAR:
        return None
    if isinstance(value, Secret):
        return TaggedValue('SS', str(value))
    if isinstance(value, (list, tuple)):
        return [wire_value(v) for v in value]
    if isinstance(value, dict):
        return {k: wire_value(v) for k, v in value.items()}
    return value


class RemotingRunner(object):
    """Invoke cmdlets on one Exchange server over one runspace pool, opened on first use.

    ``settings``: ``server``, ``port``, ``use_ssl``, ``path``, ``configuration_name``, ``auth``,
    ``username``, ``password``, ``validate_certs``, ``ca_path``, ``encryption``,
    ``connection_timeout``, ``operation_timeout``. ``warnings`` collects Exchange's warnings.
    Call ``close()`` when the module run ends. ``max_pipelines``: how many pipelines
    ``invoke_all`` may keep in flight on the pool (its runspaces); ``sleep`` waits after a quota
    fault. ``stats`` counts ``quota_faults`` and the most ``in_flight`` pipelines.
    """

    def __init__(self, settings, max_pipelines=1, sleep=time.sleep):
        self.settings = dict(settings)
        self.warnings = []
        self.max_pipelines = max(1, min(MAX_PIPELINES, max_pipelines or 1))
        # The pipelines invoke_all last kept in flight (halved by quota refusals).
        self.concurrency = None
        self.sleep = sleep
        self.stats = {'quota_faults': 0, 'in_flight': 0}
        self._wsman = None
        self._pool = None
        self._keys_exchanged = False

    @property
    def endpoint(self):
        """``http(s)://server:port/path`` for messages (never with credentials)."""
        s = self.settings
        return '%s://%s:%s/%s' % ('https' if s['use_ssl'] else 'http', s['server'], s['port'],
                                  s['path'].strip('/'))

    def _open(self):
        s = self.settings
        if s['auth'] == 'kerberos' and not kerberos_available():
            raise ExchangeError('auth: kerberos is not available. ' + KERBEROS_HINT, kind=INVALID_ARGUMENT)
        if s['auth'] == 'kerberos' and '\\' in (s.get('username') or ''):
            raise ExchangeError(
                'username: %s is a down-level logon name (DOMAIN\\user), which Kerberos cannot use: give the user '
                'principal name with the realm in capitals, e.g. %s@CONTOSO.LOCAL for the Active Directory domain '
                'contoso.local' % (s['username'], s['username'].split('\\', 1)[1]), kind=INVALID_ARGUMENT)
        verify = s['validate_certs']
        if verify and s.get('ca_path'):
            verify = s['ca_path']
        extra = {'negotiate_service': KERBEROS_SERVICE} if s['auth'] in _NEGOTIATE_AUTHS else {}
        try:
            self._wsman = WSMan(
                s['server'], port=s['port'], ssl=s['use_ssl'], path=s['path'].strip('/'), auth=s['auth'],
                username=s.get('username'), password=s.get('password'), cert_validation=verify,
                encryption=s['encryption'], connection_timeout=s['connection_timeout'],
                read_timeout=s['operation_timeout'] + 10, operation_timeout=s['operation_timeout'],
                no_proxy=True, **extra)
            # A server that gives the pool fewer runspaces runs the pipelines beyond them in turn.
            pool = RunspacePool(self._wsman, configuration_name=s['configuration_name'],
                                max_runspaces=self.max_pipelines)
            pool.open()
            _no_proxy_lookups(self._wsman)
        except ValueError as err:
            # pypsrp refuses impossible combinations (basic over http with encryption) this way.
            raise ExchangeError('%s: %s' % (self.endpoint, err), kind=INVALID_ARGUMENT)
        except Exception as err:  # pylint: disable=broad-except
            if _is_quota_fault(err):
                self._discard()
                raise _QuotaRefused(err)
            raise self._connection_error(err)
        self._pool = pool

    def _connection_error(self, err):
        s = self.settings
        where = 'server %s port %s (%s)' % (s['server'], s['port'], self.endpoint)
        if _is_kerberos_error(err):
            return self._kerberos_error(err, where)
        if HAS_PYPSRP and isinstance(err, AuthenticationError):
            hint = ''
            if s['auth'] in ('ntlm', 'basic', 'negotiate'):
                hint = ("; Exchange's PowerShell virtual directory accepts only Kerberos unless an admin "
                        "enabled %s on it: try auth: kerberos with the server's FQDN" % s['auth'])
            return AuthError('%s refused the credentials of username %s with auth %s: check username and '
                             'password%s' % (where, s.get('username'), s['auth'], hint),
                             kind=UNAUTHORIZED, status=401)
        if isinstance(err, requests.exceptions.SSLError):
            return TransportError('TLS to %s failed: %s; check validate_certs and ca_path'
                                  % (where, _short(err)), kind=TRANSIENT)
        if isinstance(err, (requests.exceptions.ConnectionError, requests.exceptions.Timeout)):
            return TransportError('cannot connect to %s: %s; check server, port and use_ssl, and that the '
                                  'firewall lets the port through' % (where, _short(err)), kind=TRANSIENT)
        if isinstance(err, WinRMTransportError):
            return TransportError('%s answered HTTP %s; check path (Exchange uses PowerShell)'
                                  % (where, err.code), kind=OTHER, status=err.code)
        if isinstance(err, WSManFaultError) and err.code is None and not err.reason:
            # pypsrp reads any XML-like error page (an IIS 404) as a fault without details.
            return TransportError('%s answered with an error page, not WS-Management; check path (Exchange '
                                  'uses PowerShell)' % where, kind=OTHER)
        if isinstance(err, WSManFaultError):
            return TransportError('%s refused the session: %s; check configuration_name (Exchange uses '
                                  'Microsoft.Exchange)' % (where, (err.reason or str(err)).strip()), kind=OTHER)
        if isinstance(err, WinRMError):
            return TransportError('PowerShell remoting to %s failed: %s' % (where, _short(err)), kind=OTHER)
        return TransportError('PowerShell remoting to %s failed: %s: %s'
                              % (where, type(err).__name__, _short(err)), kind=OTHER)

    def _kerberos_error(self, err, where):
        """What went wrong with the Kerberos ticket or service principal, and what to do about it."""
        s = self.settings
        detail = _kerberos_detail(err)
        lowered = detail.lower()
        user = s.get('username')
        spn = '%s/%s' % (KERBEROS_SERVICE, s['server'])
        if 'server' in lowered and 'not found in kerberos database' in lowered:
            message = ('the Kerberos KDC knows no service principal %s: connect by the Exchange server\'s FQDN as '
                       'Active Directory knows it (not an IP address, a short name or an alias; a load-balanced '
                       'name needs an alternate service account with that SPN), check it with setspn -Q %s'
                       % (spn, spn))
        elif 'client' in lowered and 'not found in kerberos database' in lowered:
            message = ('the Kerberos KDC knows no user %s: give username as the user principal name with the realm '
                       'in capitals, e.g. admin@CONTOSO.LOCAL' % user)
        elif 'cannot find kdc for realm' in lowered:
            message = ('no KDC is known for the realm of username %s: write the realm in capitals as Active '
                       'Directory names it (admin@CONTOSO.LOCAL), and list its KDCs in krb5.conf (KRB5_CONFIG) '
                       'or in DNS' % user)
        elif 'cannot contact any kdc' in lowered or 'cannot resolve network address for kdc' in lowered:
            message = ('no KDC of the realm answered: check the kdc entries of krb5.conf (KRB5_CONFIG) and that '
                       'the control node reaches them on port 88')
        elif any(text in lowered for text in ('preauthentication failed', 'decrypt integrity check failed',
                                              'password incorrect')):
            message = 'the Kerberos KDC refused the password of username %s: check password' % user
        elif 'expired' in lowered:
            message = ('the Kerberos ticket in the credential cache has expired: run kinit %s again (or kinit -R '
                       'while it is renewable), or give username and password' % (user or 'user@REALM'))
        elif 'no kerberos credentials available' in lowered or 'no credentials were supplied' in lowered \
                or "can't find client principal" in lowered:
            message = ('there is no Kerberos ticket%s in the credential cache: run kinit %s first (the cache is '
                       'the one KRB5CCNAME names), or give username and password'
                       % (' for %s' % user if user else '', user or 'user@REALM'))
        elif 'clock skew' in lowered:
            message = ("the control node's clock and the KDC's differ by more than Kerberos allows (5 minutes): "
                       "synchronise the clock")
        else:
            message = 'Kerberos authentication failed'
        return AuthError('auth %s to %s: %s (%s)' % (s['auth'], where, message, detail), kind=UNAUTHORIZED)

    def invoke(self, cmdlet, parameters=None, *, idempotent=None):
        """Run ``cmdlet`` with ``parameters`` (None values dropped; ``True`` for switches).

        Returns every output object as a dict. Non-terminating errors (``streams.error``) fail
        as much as terminating ones. ``idempotent=None`` treats ``Get-*`` as repeatable; a
        repeatable call is retried on Exchange's transient directory errors, and on a fresh
        connection when the connection broke during it. A write whose connection broke raises
        a ``TransportError`` with ``outcome_unknown`` (it may have run). A call WinRM refused
        for quota did not run: it is sent again after a backoff, whatever it is.
        """
        return self._settle(cmdlet, parameters or {}, idempotent, None)

    def _settle(self, cmdlet, parameters, idempotent, first):
        """The answer to one call whose first attempt is ``first`` (a callable giving its rows or
        raising as ``_invoke_once`` does; None: send it now), repeated as ``invoke`` says."""
        is_read = cmdlet.lower().startswith('get-')
        repeatable = is_read if idempotent is None else idempotent
        reconnects = (_READ_RECONNECTS if is_read else _WRITE_RECONNECTS) if repeatable else 0
        attempt = quotas = 0
        while True:
            try:
                if first is not None:
                    attempt_now, first = first, None
                    return attempt_now()
                return self._invoke_once(cmdlet, parameters)
            except CmdletError as err:
                if not (repeatable and short_type_name(err.exception_type) in TRANSIENT_EXCEPTION_TYPES
                        and attempt < _TRANSIENT_RETRIES):
                    raise
                attempt += 1
            except _QuotaRefused as refused:
                if not QUOTA_POLICY.should_retry(quotas):
                    raise refused.error(cmdlet, self.endpoint)
                self.sleep(QUOTA_POLICY.delay(quotas))
                quotas += 1
            except _BrokenConnection as broken:
                if broken.collateral and repeatable:
                    continue
                if reconnects == 0:
                    broken.error.outcome_unknown = not is_read
                    raise broken.error
                reconnects -= 1

    def invoke_all(self, calls, idempotent=None, parallel=1):
        """Run independent ``(cmdlet, parameters)`` calls on the runspace pool, up to ``parallel``
        (at most ``max_pipelines``) pipelines in flight at once; one result per call, in order
        (its rows or the ``ExchangeError`` it raised), as ``invoke`` would give each.

        A window of calls is started (one Command each), then their answers are received in
        order. A quota fault at a start ends the window there: the pipelines already started are
        answered, the runner waits, and the rest go on with half as many in flight. A broken
        connection leaves the started calls to ``invoke``'s rules for a broken call, and the
        calls not started yet to be sent as new.
        """
        width = max(1, min(parallel or 1, self.max_pipelines))
        results = []
        waits = 0
        while len(results) < len(calls):
            if width == 1:
                results.extend(self._answer(call, idempotent) for call in calls[len(results):])
                break
            window = calls[len(results):len(results) + width]
            answers, refused = self._window(window, idempotent)
            results.extend(answers)
            if refused:
                if not QUOTA_POLICY.should_retry(waits):
                    results.extend(refused.error(call[0], self.endpoint) for call in calls[len(results):])
                    break
                self.sleep(QUOTA_POLICY.delay(waits))
                waits += 1
                width = max(1, width // 2)
        self.concurrency = width
        return results

    def _window(self, window, idempotent):
        """Start ``window``'s calls, then answer them: ``(answers, quota refusal or None)``; a
        refusal answers only the calls started before it."""
        starts = []
        refused = None
        for cmdlet, parameters in window:
            try:
                starts.append(self._begin(cmdlet, parameters or {}))
            except _QuotaRefused as err:
                refused = err
                break
            except (_BrokenConnection, ExchangeError) as err:
                starts.append(err)
                break
        self.stats['in_flight'] = max(self.stats['in_flight'], sum(1 for s in starts if isinstance(s, tuple)))
        answers = []
        for call, start in zip(window, starts):
            answers.append(self._answer(call, idempotent, self._first(start)))
        if refused is None and len(starts) < len(window):
            answers.extend(self._answer(call, idempotent) for call in window[len(starts):])
        return answers, refused

    def _first(self, start):
        """The first attempt of a started call: finish its pipeline, or raise what starting it raised."""
        if isinstance(start, Exception):
            def failed():
                raise start
            return failed
        return lambda: self._finish(*start)

    def _answer(self, call, idempotent, first=None):
        try:
            return self._settle(call[0], call[1] or {}, idempotent, first)
        except ExchangeError as err:
            return err

    def _invoke_once(self, cmdlet, parameters):
        return self._finish(*self._begin(cmdlet, parameters))

    def _begin(self, cmdlet, parameters):
        """Start one pipeline (its Command); ``(cmdlet, shell, pool)`` for ``_finish``."""
        if self._pool is None:
            self._open()
        values = {k: v for k, v in parameters.items() if v is not None}
        try:
            if any(isinstance(v, Secret) for v in values.values()) and not self._keys_exchanged:
                self._pool.exchange_keys()
                self._keys_exchanged = True
            shell = PowerShell(self._pool)
            shell.add_cmdlet(cmdlet)
            for name, value in values.items():
                shell.add_parameter(name, wire_value(value))
            shell.begin_invoke()
        except Exception as err:  # pylint: disable=broad-except
            raise self._pipeline_error(cmdlet, err)
        return cmdlet, shell, self._pool

    def _finish(self, cmdlet, shell, pool):
        """Receive the answer of a pipeline started on ``pool``: its rows, or the error it raised."""
        if self._pool is not pool:
            # Its pool broke while another pipeline of the window was answered: not its own fault,
            # so a repeatable call is sent again without spending a reconnect.
            raise _BrokenConnection(TransportError('the connection to %s broke before the answer came'
                                                   % self.endpoint, kind=TRANSIENT, cmdlet=cmdlet), collateral=True)
        try:
            output = shell.end_invoke()
        except Exception as err:  # pylint: disable=broad-except
            raise self._pipeline_error(cmdlet, err)
        for record in shell.streams.warning:
            text = str(getattr(record, 'message', record))
            if text not in self.warnings:
                self.warnings.append(text)
        if shell.had_errors or shell.streams.error:
            raise error_from_records(cmdlet, shell.streams.error, shell.had_errors)
        rows = []
        for item in output:
            value = to_python(item)
            rows.append(value if isinstance(value, dict) else {'Value': value})
        return rows

    def _pipeline_error(self, cmdlet, err):
        """What a failed Command or Receive means: a quota refusal, a broken connection, or an error."""
        if _is_quota_fault(err):
            self.stats['quota_faults'] += 1
            return _QuotaRefused(err)
        if isinstance(err, (requests.exceptions.ConnectionError, requests.exceptions.Timeout)):
            # The pool's shell and security context belonged to the lost connection.
            self._discard()
            error = TransportError('the connection to %s broke before the answer came: %s' % (self.endpoint, _short(err)),
                                   kind=TRANSIENT, cmdlet=cmdlet)
            return _BrokenConnection(error)
        error = self._connection_error(err)
        error.cmdlet = cmdlet
        return error

    def _discard(self):
        """Forget a pool whose connection broke; the next call opens a new one.

        No Delete is sent: it would go over a session whose security context is gone, and the
        server ends the orphaned shell after its idle timeout.
        """
        self._pool = None
        self._keys_exchanged = False
        if self._wsman is not None:
            self._wsman.close()
            self._wsman = None

    def close(self):
        """Close the runspace pool (WSMan Delete) and the HTTP session; errors are ignored."""
        pool, self._pool = self._pool, None
        try:
            if pool is not None:
                pool.close()
        except Exception:  # pylint: disable=broad-except
            pass
        finally:
            if self._wsman is not None:
                self._wsman.close()
                self._wsman = None


class _QuotaRefused(Exception):
    """WinRM refused a Command or Create for quota; nothing ran."""

    def __init__(self, fault):
        super(_QuotaRefused, self).__init__(str(fault))
        self.fault = fault

    def error(self, cmdlet, endpoint):
        """The error of a call still refused after every wait."""
        reason = (getattr(self.fault, 'reason', None) or str(self.fault)).strip()
        return TransportError('%s refused %s for quota after %d waits: %s; raise MaxConcurrentOperationsPerUser or '
                              'MaxShellsPerUser (winrm/config), or give a lower parallel'
                              % (endpoint, cmdlet, QUOTA_POLICY.max_retries, _short(reason)), kind=THROTTLED, cmdlet=cmdlet)


def _no_proxy_lookups(wsman):
    """Stop requests reading the environment's proxy variables for every message.

    The runner asks pypsrp for ``no_proxy=True``, which puts ``{scheme: False}`` in the session's
    proxies; pypsrp still leaves ``trust_env`` on, so ``Session.send`` scanned the whole environment
    twice per message (no_proxy, then the proxies it then ignored): a tenth of the module's CPU per
    pipeline. With the session's proxies and CA settled when it was built, ``trust_env`` changes
    nothing else on a sent message. A pypsrp without that session is left as it is.
    """
    session = getattr(getattr(wsman, 'transport', None), 'session', None)
    if session is not None and hasattr(session, 'trust_env'):
        session.trust_env = False


def _is_quota_fault(err):
    return HAS_PYPSRP and isinstance(err, WSManFaultError) and err.code in QUOTA_FAULT_CODES


class _BrokenConnection(Exception):
    """The connection broke during a command; ``error`` is what the caller sees if it is not repeated."""

    def __init__(self, error, collateral=False):
        super(_BrokenConnection, self).__init__(str(error))
        self.error = error
        self.collateral = collateral


def _is_kerberos_error(err):
    """Whether ``err`` came from pyspnego's GSSAPI/Kerberos layer or the krb5 bindings."""
    return any(klass.__module__.split('.')[0] in ('spnego', 'krb5', 'gssapi') for klass in type(err).__mro__)


def _kerberos_detail(err):
    """The Kerberos library's own words: the GSSAPI minor message when there is one."""
    text = str(err).split(', Context:', 1)[0]
    if 'Minor (' in text:
        major, minor = text.split(', Minor (', 1)
        text = minor.split('): ', 1)[-1]
        if text.strip().lower() in ('', 'success'):
            text = major.split('Major (', 1)[-1].split('): ', 1)[-1]
    text = text.strip()
    # krb5's errors end with their numeric code, which says nothing to a reader.
    words = text.rsplit(' ', 1)
    if len(words) == 2 and words[1].lstrip('-').isdigit():
        text = words[0]
    return _short(text)


def _short(err):
    text = str(err).strip() or type(err).__name__
    return text if len(text) <= 300 else text[:300] + '...'
