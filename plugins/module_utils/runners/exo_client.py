# -*- coding: utf-8 -*-
# Copyright: mailops.exchange contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
#
# FOR INTERNAL COLLECTION USE ONLY: the interfaces in this file serve the plugins of mailops.exchange
# and may change in any release, even a bugfix release. See docs/docsite/rst/developing.rst.
"""Build the Exchange Online runner from module options, on the shared connection.
Not for use outside this collection."""

from ansible_collections.mailops.exchange.plugins.module_utils.transport.connection import connection_from_params
from ansible_collections.mailops.exchange.plugins.module_utils.transport.errors import ExchangeError, INVALID_ARGUMENT
from ansible_collections.mailops.exchange.plugins.module_utils.runners.exo_runner import ExoRunner


def exo_runner_from_params(params, warn=None):
    """An ``ExoRunner`` for the module options (see ``connection_from_params``) plus
    ``organization`` (default: ``tenant_id``; required with ``access_token`` alone)."""
    organization = params.get("organization") or params.get("tenant_id")
    if not organization:
        raise ExchangeError(
            "organization is required when tenant_id is not given (for example with access_token): "
            "the tenant's GUID or its *.onmicrosoft.com domain", kind=INVALID_ARGUMENT)
    connection = connection_from_params(params, warn)
    return ExoRunner(connection.http_client, connection.token_provider, connection.endpoints.exchange_url,
                     organization)
