# -*- coding: utf-8 -*-
# Copyright: mailops.exchange contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
#
# FOR INTERNAL COLLECTION USE ONLY: the interfaces in this file serve the plugins of mailops.exchange
# and may change in any release, even a bugfix release. See docs/docsite/rst/developing.rst.
"""The base every Exchange Online module is built on.

It merges the shared connection options (each with its environment fallback, secrets no_log),
builds one runner per module run, and turns service errors into ``fail_json`` with the
service's own error type, so a module only declares its options, reads, plans and applies.
"""

from __future__ import annotations

import os

from ansible.module_utils.basic import AnsibleFallbackNotFound, AnsibleModule, missing_required_lib

from ansible_collections.mailops.exchange.plugins.module_utils.transport.errors import ExchangeError, readable
from ansible_collections.mailops.exchange.plugins.module_utils.engine import bulk
from ansible_collections.mailops.exchange.plugins.module_utils.transport import connection
from ansible_collections.mailops.exchange.plugins.module_utils.engine import core as engine
from ansible_collections.mailops.exchange.plugins.module_utils.engine.info import check_listing
from ansible_collections.mailops.exchange.plugins.module_utils.runners import exo_client, fanout
from ansible_collections.mailops.exchange.plugins.module_utils.runners import graph_client
from ansible_collections.mailops.exchange.plugins.module_utils.runners.graph_runner import GraphRunner
from ansible_collections.mailops.exchange.plugins.module_utils.recipients import reconcile


# The three ways to authenticate, in the order the environment is consulted when the task gives
# none: a ready access token, then azure-identity's EnvironmentCredential order (secret before
# certificate). Their fallback is resolved in ExoModule rather than with env_fallback so that an
# option given in the task always beats a credential of another kind in the environment.
CREDENTIAL_OPTIONS = (
    ('access_token', 'EXO_ACCESS_TOKEN'),
    ('client_secret', 'EXO_CLIENT_SECRET'),
    ('client_certificate_path', 'EXO_CLIENT_CERTIFICATE_PATH'),
)

# The application's identity in the environment, read as one set: the EXO_* names when any of
# them is set, else the AZURE_* names (azure-identity's) - never a mix. AWX's own Azure credential
# injects AZURE_CLIENT_ID and AZURE_CLIENT_SECRET, so a job holding both it and the collection's
# credential (which injects EXO_*) must not pair one application's id with the other's secret.
APP_ENVIRONMENT = (
    ('tenant_id', 'EXO_TENANT_ID', 'AZURE_TENANT_ID'),
    ('client_id', 'EXO_CLIENT_ID', 'AZURE_CLIENT_ID'),
    ('client_secret', 'EXO_CLIENT_SECRET', 'AZURE_CLIENT_SECRET'),
    ('client_certificate_path', 'EXO_CLIENT_CERTIFICATE_PATH', 'AZURE_CLIENT_CERTIFICATE_PATH'),
    ('client_certificate_password', 'EXO_CLIENT_CERTIFICATE_PASSWORD', 'AZURE_CLIENT_CERTIFICATE_PASSWORD'),
)
_SECRET_OPTIONS = frozenset(('access_token', 'client_secret', 'client_certificate_password'))


class UnreadableFile(Exception):
    """A ``NAME_FILE`` variable names a file that cannot be read; the message names the variable."""


def environment_text(environ, name):
    """The value of ``name`` in ``environ``, else the content of the file ``name + '_FILE'`` names
    (one trailing newline dropped), else None. Empty counts as unset.

    The file form keeps a secret out of the process environment: ansible-runner writes a job's
    whole environment into its ``command`` artifact, so the AWX credential types inject secrets
    as files and give their paths.
    """
    value = environ.get(name)
    if value:
        return value
    path = environ.get(name + '_FILE')
    if not path:
        return None
    try:
        with open(os.path.expanduser(path)) as handle:
            content = handle.read()
    except (OSError, UnicodeDecodeError) as err:
        raise UnreadableFile('%s_FILE names %r, which cannot be read: %s' % (name, path, getattr(err, 'strerror', None) or err))
    return content[:-1] if content.endswith('\n') else content or None


def environment_value(*names):
    """The first of ``names`` set to a non-empty value (or given as a ``NAME_FILE``) in the environment.

    An empty variable counts as unset: AWX credential injectors set every variable they name,
    empty when the field was left blank, and a blank must not override a default. A file that
    cannot be read counts as unset too (the option is then missing, and its message says so).
    """
    for name in names:
        try:
            value = environment_text(os.environ, name)
        except UnreadableFile:
            value = None
        if value:
            return value
    raise AnsibleFallbackNotFound


def credentials_from_environment(params, environ):
    """``({option: value}, error)``: the credential options the task leaves unset, from ``environ``.

    Pure (``environ`` is a mapping), so the rules are unit-tested: options given in the task win;
    with no credential in the task, EXO_ACCESS_TOKEN, else the secret or the certificate of one
    set of variables (EXO_* if any is set, else AZURE_*); a set holding both a secret and a
    certificate is an error naming both variables rather than a silent choice. A secret may be
    given as a file (``EXO_CLIENT_SECRET_FILE`` ..., ``environment_text``).
    """
    def value(name):
        return environment_text(environ, name)

    try:
        family = 1 if any(value(names[1]) for names in APP_ENVIRONMENT) else 2
        found = dict((names[0], value(names[family])) for names in APP_ENVIRONMENT)
        found['access_token'] = value('EXO_ACCESS_TOKEN')
    except UnreadableFile as err:
        return {}, str(err)
    out = dict((option, found[option]) for option in ('tenant_id', 'client_id', 'client_certificate_password')
               if not params.get(option) and found[option])
    if any(params.get(option) for option, unused in CREDENTIAL_OPTIONS):
        return out, None
    if found['access_token']:
        out['access_token'] = found['access_token']
        return out, None
    if found['client_secret'] and found['client_certificate_path']:
        variables = [names[family] for names in APP_ENVIRONMENT[2:4]]
        return out, ('the environment gives both a client secret (%s) and a certificate (%s); set only one of them, '
                     'or give client_secret or client_certificate_path in the task' % tuple(variables))
    for option in ('client_secret', 'client_certificate_path'):
        if found[option]:
            out[option] = os.path.expanduser(found[option]) if option == 'client_certificate_path' else found[option]
    return out, None


def exo_argument_spec():
    """The connection options documented in the ``exchange_online`` doc fragment."""
    def env(*names):
        return (environment_value, list(names))

    return dict(
        tenant_id=dict(type='str'),
        client_id=dict(type='str'),
        client_secret=dict(type='str', no_log=True),
        client_certificate_path=dict(type='path'),
        client_certificate_password=dict(type='str', no_log=True),
        access_token=dict(type='str', no_log=True),
        organization=dict(type='str', fallback=env('EXO_ORGANIZATION')),
        cloud=dict(type='str', default='global', choices=['global', 'gcc', 'gcc_high', 'dod', 'china'],
                   fallback=env('EXO_CLOUD')),
        authority_host=dict(type='str', fallback=env('EXO_AUTHORITY_HOST')),
        graph_url=dict(type='str', fallback=env('EXO_GRAPH_URL')),
        exchange_url=dict(type='str', fallback=env('EXO_EXCHANGE_URL')),
        validate_certs=dict(type='bool', default=True, fallback=env('EXO_VALIDATE_CERTS')),
        ca_path=dict(type='path', fallback=env('EXO_CA_PATH', 'REQUESTS_CA_BUNDLE')),
        token_cache=dict(type='bool', default=True, no_log=False, fallback=env('EXO_TOKEN_CACHE')),
        timeout=dict(type='int', default=300, fallback=env('EXO_TIMEOUT')),
        retries=dict(type='int', default=5, fallback=env('EXO_RETRIES')),
        retry_delay=dict(type='float', default=2.0, fallback=env('EXO_RETRY_DELAY')),
    )


def plain_names(params, plain_entries, spec):
    """``params`` with each plain name in a bulk list taken as the entry naming that object:
    ``groups: [engineering, all-staff]`` is ``groups: [{group: engineering}, {group: all-staff}]``.

    ``plain_entries`` maps each bulk list option to its identity option; the list may be given by
    an alias of its option (``spec``). Everything else is left for the argument spec to check.
    """
    for option, identity in plain_entries.items():
        for name in [option] + list(spec.get(option, {}).get('aliases') or ()):
            if isinstance(params.get(name), list):
                params[name] = [{identity: item} if isinstance(item, str) else item for item in params[name]]
    return params


class _AnsibleModule(AnsibleModule):
    """AnsibleModule taking plain names in bulk lists (:func:`plain_names`), before it checks them."""

    def __init__(self, plain_entries=None, **kwargs):
        self._plain_entries = plain_entries or {}
        super().__init__(**kwargs)

    def _load_params(self):
        super()._load_params()
        plain_names(self.params, self._plain_entries, self.argument_spec)


class ExchangeModule(object):
    """An AnsibleModule with a cmdlet runner and Exchange's error handling attached.

    Subclasses give the connection options and build the runner (``_build_runner``); a runner
    with a ``close`` method is closed on every way out of the module.
    """

    def __init__(self, argument_spec, connection_spec, **kwargs):
        # Before any fan-out thread starts: freed answers otherwise stay in an arena per thread.
        fanout.limit_malloc_arenas()
        spec = dict(connection_spec)
        spec.update(argument_spec)
        kwargs.setdefault('supports_check_mode', True)
        self.module = _AnsibleModule(argument_spec=spec, **kwargs)
        self.params = self.module.params
        self.check_mode = self.module.check_mode
        self._runner = None
        if 'parallel' in self.params:
            try:
                self.params['parallel'] = bulk.check_parallel(self.params['parallel'])
            except ValueError as exc:
                self.module.fail_json(msg=str(exc))

    def _build_runner(self):
        raise NotImplementedError

    def warn_unverified_tls(self, endpoints):
        """Warn that ``validate_certs: false`` leaves ``endpoints`` unauthenticated."""
        if self.params.get('validate_certs') is False:
            self.module.warn('validate_certs: false - the TLS certificates of %s are not verified, so anyone on '
                             'the network path can impersonate them and read the credentials and data sent; '
                             'set ca_path to trust a private certificate authority instead' % endpoints)

    @property
    def runner(self):
        """The runner of this module run, built on first use."""
        if self._runner is None:
            try:
                self._runner = self._build_runner()
            except ExchangeError as err:
                self.fail_error(err)
        return self._runner

    def close(self):
        """Release the runner's connection (an on-premises runspace pool), if it holds one."""
        closer = getattr(self._runner, 'close', None)
        if closer is not None:
            closer()

    def invoke(self, cmdlet, parameters=None, **kwargs):
        """Run one cmdlet; ExchangeError propagates so the caller can decide what a kind means."""
        return self.runner.invoke(cmdlet, parameters, **kwargs)

    @property
    def parallel(self):
        """How many workers a fan-out of this task starts: the ``parallel`` option (``auto`` when
        not given, also for a module without one, such as an info module reading many objects);
        the runner's concurrency gate decides how many of them have a request in flight."""
        return bulk.workers(self.params.get('parallel'))

    @property
    def concurrency(self):
        """The requests in flight this run settled at (``ConcurrencyGate.settled``), or None."""
        http = getattr(self._runner, 'http', None) or getattr(getattr(self._runner, 'graph', None), 'http', None)
        gate = getattr(http, 'gate', None)
        return gate.settled if gate is not None else None

    def _fanned_out(self, result):
        """``result`` with ``concurrency`` when the module has a ``parallel`` option and sent requests."""
        if 'parallel' in self.params and self.concurrency is not None:
            result['concurrency'] = self.concurrency
        return result

    def _shaped(self, result):
        """``result`` as the task returns it: with ``concurrency`` (:meth:`_fanned_out`), and with
        ``results: changed`` an ``invocation`` without the lists of entries
        (:func:`bulk.trimmed_invocation`)."""
        invocation = bulk.trimmed_invocation(self.params, self.module.argument_spec)
        if invocation is not None:
            result.setdefault('invocation', invocation)
        return self._fanned_out(result)

    def invoke_one(self, call, idempotent=None):
        """The answer to one ``(cmdlet, parameters)`` call: its rows, or the ExchangeError it raised."""
        try:
            return self.runner.invoke(*call, idempotent=idempotent)
        except ExchangeError as err:
            return err

    def invoke_all(self, calls, idempotent=None):
        """The answers to independent ``(cmdlet, parameters)`` calls, in order: each its rows or
        the ExchangeError it raised. One call goes alone; several go the runner's way of sending
        many (``$batch`` requests, pipelines), ``parallel`` at once."""
        if len(calls) <= 1:
            return [self.invoke_one(call, idempotent) for call in calls]
        return self.runner.invoke_all(calls, idempotent=idempotent, parallel=self.parallel)

    def warn(self, message):
        self.module.warn(message)

    def with_diff(self, result, before, after):
        """``result`` with a sorted before/after ``diff`` when the task runs with ``--diff``."""
        if self.module._diff:
            result['diff'] = reconcile.build_diff(before, after)
        return result

    def list_declared(self, listing):
        """Run a declared ``_info`` module (an :class:`info.Listing`): refuse input nothing can be
        read with, naming the option and the value, then read and exit with the result."""
        problem = check_listing(listing, self.params)
        if problem:
            self.fail(problem)
        self.run(lambda module: listing(module).read())

    def converge_declared(self, resource):
        """Converge the task's object, or each entry of its ``resource.bulk`` list (an entry's left
        out options taking the task's values), with the engine; the result dict."""
        if resource.bulk is None or self.params[resource.bulk] is None:
            return self.converge(resource)
        try:
            bulk.check_parallel(self.params['parallel'])
        except ValueError as exc:
            self.fail(str(exc))
        items = self.params[resource.bulk]
        defaults = dict((name, None if name in resource.entry_only else self.params.get(name))
                        for name in (items[0] if items else ()))
        return self.converge(resource, bulk.merge_entries(items, defaults), resource.bulk)

    def converge(self, resource, entries=None, noun='objects'):
        """Converge the object the task's options describe, or each of ``entries`` (a bulk task,
        its results under ``results``), with the engine; the result dict.

        A single object's failure fails the task with its error; a bulk task fails once every
        entry ran, naming each failed one (``noun`` counts them).
        """
        declared = resource(self)
        single = entries is None
        entries = [self.params] if single else entries
        wheres = [''] if single else ['%s[%d].' % (noun, index) for index in range(len(entries))]
        for entry, where in zip(entries, wheres):
            problem = declared.identity_problem(entry.get(declared.identity))
            if problem:
                self.fail('%s%s: %s' % (where, declared.identity, problem))
        plans = engine.Engine(self, declared).converge(entries, wheres)
        if single:
            plan = plans[0]
            if plan.error is not None:
                self.fail_error(plan.error, **(plan.result or {}))
            result = dict(plan.result)
            return self.with_diff(result, result.pop('before'), declared.diff_after(result))
        outcomes = [bulk.Outcome(plan.identity, result=plan.result, error=plan.error) for plan in plans]
        return bulk.bulk_result(self, outcomes, noun, name=declared.diff_name, after=declared.diff_after)

    def query(self, cmdlet, opath_filter=None, result_size=None, select=None, **parameters):
        """Run a Get- cmdlet over the organisation (every page), narrowed by an OPATH filter, each
        row to the ``select`` properties when given (``$select``).

        A filter the service refuses fails the task naming the ``filter`` option and its value.
        """
        parameters['ResultSize'] = result_size or 'Unlimited'
        if opath_filter:
            parameters['Filter'] = opath_filter
        try:
            return self.invoke(cmdlet, parameters, **({'select': select} if select else {}))
        except ExchangeError as err:
            if err.kind != 'invalid_argument' or not opath_filter:
                raise
            self.fail_error(err, prefix="filter: '%s' was refused" % opath_filter)

    def fail(self, msg, **result):
        """Fail the task with ``msg``; nothing else is sent after this."""
        self.close()
        self.module.fail_json(msg=readable(msg), **self._shaped(result))

    def fail_error(self, err, prefix=None, **result):
        """Fail the task from a service error, keeping the service's own error type."""
        msg = str(err) if not prefix else '%s: %s' % (prefix, err)
        details = {'kind': err.kind}
        if getattr(err, 'exception_type', None):
            details['exception_type'] = err.exception_type
        if getattr(err, 'cmdlet', None):
            details['cmdlet'] = err.cmdlet
        if getattr(err, 'status', None):
            details['status'] = err.status
        self.fail(msg, error=details, **result)

    def run(self, body):
        """Call ``body(self)`` and exit with its result dict, or fail on a service error."""
        try:
            result = body(self)
        except ExchangeError as err:
            self.fail_error(err)
        self.close()
        warnings = getattr(self._runner, 'warnings', None) if self._runner else None
        for warning in warnings or ():
            self.module.warn('Exchange: %s' % warning)
        self.module.exit_json(**self._shaped(result))


class ExoModule(ExchangeModule):
    """An ExchangeModule for Exchange Online (and Microsoft Graph)."""

    def __init__(self, argument_spec, **kwargs):
        super().__init__(argument_spec, exo_argument_spec(), **kwargs)
        self._graph = None
        self._credential_from_environment()
        self.warn_unverified_tls('the sign-in endpoint, Exchange Online and Microsoft Graph')
        for unused, library, error in connection.missing_libraries(self.params):
            self.module.fail_json(msg=missing_required_lib(library), exception=error)

    def _credential_from_environment(self):
        given = [option for option, unused in CREDENTIAL_OPTIONS if self.params[option]]
        if len(given) > 1:
            self.fail('give only one of client_secret, client_certificate_path and access_token, '
                      'not %s' % ' and '.join(given))
        found, error = credentials_from_environment(self.params, os.environ)
        if error:
            self.fail(error)
        for option, value in found.items():
            if option in _SECRET_OPTIONS:
                self.module.no_log_values.add(value)
            self.params[option] = value

    def _build_runner(self):
        runner = exo_client.exo_runner_from_params(self.params, warn=self.module.warn)
        runner.http.gate = bulk.gate_for(self.params.get('parallel'))
        return runner

    @property
    def graph(self):
        """The Microsoft Graph client of this module run, built on first use."""
        if self._graph is None:
            try:
                self._graph = graph_client.graph_client_from_params(self.params, warn=self.module.warn)
                self._graph.http.gate = bulk.gate_for(self.params.get('parallel'))
            except ExchangeError as err:
                self.fail_error(err)
        return self._graph


class GraphModule(ExoModule):
    """An ExoModule whose runner is Microsoft Graph (``graph_runner.GraphRunner``): a declared resource's
    reads and writes are Graph requests. ``permissions`` are the application permissions the module
    needs, named when Graph refuses it (403)."""

    def __init__(self, argument_spec, permissions, **kwargs):
        super().__init__(argument_spec, **kwargs)
        self.permissions = tuple(permissions)

    def _build_runner(self):
        graph = self.graph
        graph.permissions = self.permissions
        return GraphRunner(graph)
