# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Jobservice.cfg against the product's documented format (issue 21 item 2). The source is the One
Identity Manager Exchange Online connector guide, "Setting up the Job server" and "To install and
configure the One Identity Manager Service on a server" (../shared/seeds/000_363ffaa2fb525828.txt).
That document names the modules as the Server Installer's Service Settings page shows them and the
queue; it does not show the XML. Every name the template writes is listed below with where it comes
from; the names the document does not give are marked unverified, and the guide must list them."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from test_role_templates import ROOT, ROLE, SECRET, render

TEMPLATE = ROLE / 'templates' / 'jobservice.cfg.j2'
GUIDE = ROOT / 'docs' / 'docsite' / 'rst' / 'roles.rst'

# Provider modules, by job_server_job_provider.
PROVIDERS = {
    # "For a direct connection to the database: In the module list, select Process collection >
    # sqlprovider. Click the Connection parameter entry" - the product's name is sqlprovider (the
    # template wrote SQLJobProvider before, which the document never names).
    'sql': 'sqlprovider',
    # "For a connection to the application server: ... Select AppServerJobProvider and click OK.
    # ... Click the Connection parameter entry ... Enter the address (URL) ... Click the
    # Authentication data entry".
    'appserver': 'AppServerJobProvider',
}
DOCUMENTED = {'sqlprovider', 'AppServerJobProvider'}
# "Queue: Name of the queue to handle the process steps ... The queue identifier is entered in the
# One Identity Manager Service configuration file." (Server properties page): the value exists in
# the file; its element name is not shown.
# Not in the document (the template's layout from the vendor's Configuration Guide, unverified
# here): the XML element names of the process collection ("Process collection" in the Server
# Installer), the destination, the log writer and the HTTP plugin, and the parameter names.
UNVERIFIED = {
    'configuration', 'JobProvider', 'JobDestination', 'JobServiceDestination', 'JobLog', 'FileLogWriter',
    'Plugins', 'HttpServer', 'ConnectString', 'Url', 'AuthenticationString', 'Queue', 'ServerName',
    'OutputFile', 'LogSeverity', 'Port',
}


def names(root):
    return {root.tag} | {node.get('name') for node in root.iter() if node.get('name')}


@pytest.mark.parametrize('provider', sorted(PROVIDERS))
def test_every_name_the_file_writes_has_a_source(provider):
    overrides = {'job_server_job_provider': provider, 'job_server_connection_string': SECRET,
                 'job_server_appserver_url': 'https://app.contoso.com/AppServer',
                 'job_server_appserver_authentication': 'Module=DialogUser;User=viadmin'}
    root = ET.fromstring(render(TEMPLATE, **overrides).encode('utf-8'))
    process_collection = root.findall("./category[@name='JobProvider']/category")
    assert [c.get('name') for c in process_collection] == [PROVIDERS[provider]], 'exactly the documented provider'
    assert names(root) - UNVERIFIED == {PROVIDERS[provider]}, 'a name without a source: add it to the table with its section'
    assert 'SQLJobProvider' not in render(TEMPLATE, **overrides)


def test_the_guide_lists_what_the_document_does_not_give():
    text = GUIDE.read_text()
    assert '``sqlprovider``' in text and '``AppServerJobProvider``' in text
    missing = [name for name in sorted(UNVERIFIED - {'configuration'}) if '``%s``' % name not in text]
    assert not missing, 'docs/docsite/rst/roles.rst does not name these unverified element names: %s' % missing
