# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Every template of the Windows roles rendered and parsed without Windows (issue 21 item 3): with
the role's defaults and each combination of the variables the argument spec offers (Job provider,
masked or not, queue and names given or read from the host), with values that need escaping."""

from __future__ import annotations

import itertools
import pathlib
import xml.etree.ElementTree as ET

import jinja2
import pytest
import yaml

ROOT = pathlib.Path(__file__).resolve().parents[3]
ROLE = ROOT / 'roles' / 'job_server'
TEMPLATES = sorted((ROOT / 'roles').glob('*/templates/*.j2'))
SECRET = 'Data Source=sql&1;Password=p<a>"ss'


def render(path, **overrides):
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(path.parent)), undefined=jinja2.StrictUndefined,
                             keep_trailing_newline=True)
    variables = dict(yaml.safe_load((path.parents[1] / 'defaults' / 'main.yml').read_text()))
    variables.update(
        job_server_install_source=r'\\files\oim\Job server',
        job_server_service_account=r'CONTOSO\svc-oim',
        job_server_service_account_password='S3cret&<pw>',
        job_server__host={'computer_name': 'SYNC01', 'fqdn': 'sync01.contoso.com'},
        ansible_managed='Ansible managed',
    )
    variables.update(overrides)
    return env.get_template(path.name).render(**variables)


def test_the_roles_have_templates():
    assert ROLE / 'templates' / 'jobservice.cfg.j2' in TEMPLATES


COMBINATIONS = list(itertools.product(
    ({'job_server_job_provider': 'sql', 'job_server_connection_string': SECRET},
     {'job_server_job_provider': 'appserver', 'job_server_appserver_url': 'https://app.contoso.com/AppServer?a=1&b=2',
      'job_server_appserver_authentication': 'Module=DialogUser;User=viadmin;Password=' + SECRET}),
    ({}, {'job_server__mask_secrets': True}),
    ({}, {'job_server_queue': '\\SYNC01-EXO', 'job_server_server_fqdn': 'jobs--1.contoso.com', 'job_server_log_file': r'D:\Logs\a&b.log'}),
    ({'job_server_log_severity': 'Info'}, {'job_server_log_severity': 'Serious'}),
))


@pytest.mark.parametrize('template', TEMPLATES, ids=lambda p: str(p.relative_to(ROOT)))
@pytest.mark.parametrize('combination', COMBINATIONS, ids=lambda c: '-'.join(str(v) for part in c for v in list(part.values())[:1]) or 'defaults')
def test_each_template_renders_to_xml_for_each_combination(template, combination):
    overrides = {}
    for part in combination:
        overrides.update(part)
    text = render(template, **overrides)
    root = ET.fromstring(text.encode('utf-8'))
    values = dict((value.get('name'), value.text) for value in root.iter('value'))
    masked = overrides.get('job_server__mask_secrets', False)
    secrets = [values[name] for name in ('ConnectString', 'AuthenticationString') if name in values]
    assert len(secrets) == 1
    if masked:
        assert SECRET not in text and '&amp;' not in secrets[0] and set(secrets[0]) == {'*'}
    else:
        assert secrets[0].endswith(SECRET), 'the secret is escaped, not altered'
    assert values['Queue'] == overrides.get('job_server_queue') or values['Queue'] == '\\SYNC01'
    assert values['LogSeverity'] == overrides['job_server_log_severity']
    assert int(values['Port']) == 1880
