# -*- coding: utf-8 -*-
# Copyright: mailops.exchange contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
#
# FOR INTERNAL COLLECTION USE ONLY: the interfaces in this file serve the plugins of mailops.exchange
# and may change in any release, even a bugfix release. See docs/docsite/rst/developing.rst.
"""The base of the on-premises Exchange modules: connection options, one remoting runner per
run, closed on every exit path. Failing, running and warnings are the Exchange Online base's.
"""

from __future__ import annotations

from ansible.module_utils.basic import missing_required_lib

from ansible_collections.mailops.exchange.plugins.module_utils.transport.errors import ExchangeError, INVALID_ARGUMENT
from ansible_collections.mailops.exchange.plugins.module_utils.engine import bulk
from ansible_collections.mailops.exchange.plugins.module_utils.engine.module import ExchangeModule, environment_value
from ansible_collections.mailops.exchange.plugins.module_utils.recipients.identities import mailbox_facts
from ansible_collections.mailops.exchange.plugins.module_utils.recipients.onprem_mailbox import has_archive, mailbox_type
from ansible_collections.mailops.exchange.plugins.module_utils.runners.remoting_runner import (
    AUTH_METHODS,
    ENCRYPTION,
    HAS_PYPSRP,
    PYPSRP_IMPORT_ERROR,
    RemotingRunner,
)

DEFAULT_PORTS = {False: 80, True: 443}


def onprem_argument_spec():
    """The connection options documented in the ``exchange_onprem`` doc fragment."""
    def env(name):
        return (environment_value, [name])

    return dict(
        server=dict(type='str', fallback=env('EXCHANGE_SERVER')),
        port=dict(type='int', fallback=env('EXCHANGE_PORT')),
        use_ssl=dict(type='bool', default=False, fallback=env('EXCHANGE_USE_SSL')),
        path=dict(type='str', default='PowerShell', fallback=env('EXCHANGE_PATH')),
        configuration_name=dict(type='str', default='Microsoft.Exchange',
                                fallback=env('EXCHANGE_CONFIGURATION_NAME')),
        auth=dict(type='str', default='kerberos', choices=list(AUTH_METHODS), fallback=env('EXCHANGE_AUTH')),
        username=dict(type='str', fallback=env('EXCHANGE_USERNAME')),
        password=dict(type='str', no_log=True, fallback=env('EXCHANGE_PASSWORD')),
        validate_certs=dict(type='bool', default=True, fallback=env('EXCHANGE_VALIDATE_CERTS')),
        ca_path=dict(type='path', fallback=env('EXCHANGE_CA_PATH')),
        encryption=dict(type='str', default='auto', choices=list(ENCRYPTION), fallback=env('EXCHANGE_ENCRYPTION')),
        connection_timeout=dict(type='int', default=30, fallback=env('EXCHANGE_CONNECTION_TIMEOUT')),
        operation_timeout=dict(type='int', default=60, fallback=env('EXCHANGE_OPERATION_TIMEOUT')),
    )


def runner_settings(params):
    """The ``RemotingRunner`` settings from module options; ExchangeError naming a bad option."""
    if not params.get('server'):
        raise ExchangeError('server is required: the FQDN of an Exchange server (or set EXCHANGE_SERVER)',
                            kind=INVALID_ARGUMENT)
    for option in ('connection_timeout', 'operation_timeout'):
        if params[option] < 1:
            raise ExchangeError('%s: %s must be 1 or more seconds' % (option, params[option]),
                                kind=INVALID_ARGUMENT)
    port = params.get('port') or DEFAULT_PORTS[params['use_ssl']]
    if not 0 < port < 65536:
        raise ExchangeError('port: %s is not a TCP port' % port, kind=INVALID_ARGUMENT)
    if params['auth'] != 'kerberos' and params['auth'] != 'certificate' and not (
            params.get('username') and params.get('password')):
        raise ExchangeError('auth: %s needs username and password' % params['auth'], kind=INVALID_ARGUMENT)
    settings = {name: params[name] for name in onprem_argument_spec()}
    settings['port'] = port
    return settings


def onprem_mailbox_facts(row):
    """The snake_case view of an on-premises or remote mailbox: the Exchange Online keys plus
    the on-premises ones (database, remote routing address, policy, directory placement); a remote
    mailbox's type and archive read as an on-premises one's."""
    facts = mailbox_facts(row)
    facts.update(
        sam_account_name=str(row.get('SamAccountName') or ''),
        organizational_unit=str(row.get('OrganizationalUnit') or ''),
        database=str(row.get('Database') or ''),
        remote_routing_address=str(row.get('RemoteRoutingAddress') or '').split(':', 1)[-1],
        email_address_policy_enabled=bool(row.get('EmailAddressPolicyEnabled')),
        type=mailbox_type(row),
        archive=has_archive(row),
    )
    return facts


class OnPremModule(ExchangeModule):
    """An ExchangeModule for on-premises Exchange: one runspace pool per run, closed on exit. A bulk
    task keeps up to ``parallel`` pipelines in flight on it (``RemotingRunner.invoke_all``)."""

    def __init__(self, argument_spec, **kwargs):
        super().__init__(argument_spec, onprem_argument_spec(), **kwargs)
        if not HAS_PYPSRP:
            self.module.fail_json(msg=missing_required_lib('pypsrp'), exception=PYPSRP_IMPORT_ERROR)
        if self.params['use_ssl']:
            self.warn_unverified_tls('the Exchange server %s' % (self.params.get('server') or ''))

    def _build_runner(self):
        # The pool gets a runspace for each pipeline a bulk task keeps in flight.
        return RemotingRunner(runner_settings(self.params), max_pipelines=self.pipelines)

    @property
    def parallel(self):
        """One: the engine's steps that send their own calls (creates, removals) run one after
        another, as the runspace pool is not to be shared by threads."""
        return 1

    @property
    def pipelines(self):
        """How many pipelines ``invoke_all`` keeps in flight on the pool: the ``parallel`` option
        (bulk modules), or the collection's default."""
        parallel = bulk.check_parallel(self.params.get('parallel'))
        return bulk.ONPREM_AUTO if parallel == bulk.AUTO else parallel

    @property
    def concurrency(self):
        """The pipelines in flight this run settled at (fewer after a quota refusal), or None."""
        if self._runner is None:
            return None
        return getattr(self._runner, 'concurrency', None) or self.pipelines

    def invoke_all(self, calls, idempotent=None):
        """The answers to independent calls, up to ``pipelines`` of them in flight on the pool."""
        if len(calls) <= 1:
            return [self.invoke_one(call, idempotent) for call in calls]
        return self.runner.invoke_all(calls, idempotent=idempotent, parallel=self.pipelines)
