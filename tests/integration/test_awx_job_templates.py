# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The AWX job templates of extensions/awx: their surveys ask what the playbooks read (and the
playbooks read what the surveys give), extensions/awx/job_templates.yml puts them into AWX (the
fake AWX API on loopback) as defined, and the extra variables AWX makes from survey answers run
the playbooks against the sandbox through ansible-runner."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import jinja2
import jinja2.meta
import yaml

from conftest import COLLECTIONS, REPO
from fake_awx import FakeAwx
from test_ansible_runner import SANDBOX_VARIABLES, private_data_dir, run

DEFINITIONS = REPO / 'extensions' / 'awx' / 'job_templates'
APPLY = REPO / 'extensions' / 'awx' / 'job_templates.yml'
CREDENTIAL = 'Exchange Online (contoso)'
# Names a playbook may read that no survey gives: Ansible's own, and the lookup functions.
ANSIBLE_NAMES = {'item', 'omit', 'lookup', 'query', 'q', 'playbook_dir', 'ansible_check_mode'}


def definitions():
    return {path.stem: yaml.safe_load(path.read_text()) for path in sorted(DEFINITIONS.glob('*.yml'))}


# Keys whose values are bare expressions, not templates.
CONDITIONS = ('when', 'that', 'failed_when', 'changed_when', 'until')


def _templates(node):
    """Every template in a parsed playbook: templated strings, and conditions as expressions."""
    if isinstance(node, str):
        if '{{' in node or '{%' in node:
            yield node
    elif isinstance(node, dict):
        for key, value in node.items():
            if key in CONDITIONS:
                yield from ('{{ %s }}' % text for text in (value if isinstance(value, list) else [value]) if isinstance(text, str))
            else:
                yield from _templates(value)
    elif isinstance(node, list):
        for value in node:
            yield from _templates(value)


def _referenced(node):
    environment = jinja2.Environment()
    names = set()
    for text in _templates(node):
        names |= jinja2.meta.find_undeclared_variables(environment.parse(text))
    return names


def _role_options(play):
    """(read, provided): the options of the play's roles' main entry points, and those the role
    defaults or the play sets in the role's vars (the others the job must give)."""
    read, provided = set(), set()
    for role in play.get('roles', []):
        name = role['role'].split('.')[-1]
        options = yaml.safe_load((REPO / 'roles' / name / 'meta' / 'argument_specs.yml').read_text())['argument_specs']['main']['options']
        read |= set(options)
        provided |= {option for option, spec in options.items() if not spec.get('required')} | set(role.get('vars', {}))
    return read, provided


def playbook_variables(playbook):
    """(declared, read): each play variable with its default, and every name the playbook reads -
    in a template anywhere (tasks, play variables, role variables, conditions) or as a role's
    option. Registered results, and role options the role defaults or the play sets, are neither."""
    plays = yaml.safe_load((REPO / playbook).read_text())
    declared, read, provided = {}, set(), set()
    for play in plays:
        declared.update(play.get('vars', {}))
        tasks = play.get('tasks', []) + [t for task in play.get('tasks', []) for t in task.get('block', [])]
        provided |= {task.get('register') for task in tasks}
        options, defaulted = _role_options(play)
        read |= _referenced(tasks) | _referenced(play.get('vars', {})) | _referenced(play.get('roles', [])) | options
        provided |= defaulted - set(declared)
    return declared, read - provided - ANSIBLE_NAMES


def survey_form(value):
    """A playbook default as a survey default: lists as text, one item per line; booleans as text."""
    if isinstance(value, bool):
        return 'true' if value else 'false'
    if isinstance(value, list):
        return '\n'.join(value)
    return value


SURVEY_TYPES = {bool: ('multiplechoice',), int: ('integer',), str: ('text', 'textarea', 'multiplechoice'), list: ('textarea',)}


def test_each_survey_asks_what_its_playbook_reads():
    for stem, definition in definitions().items():
        declared, read = playbook_variables(definition['playbook'])
        questions = {q['variable']: q for q in definition['survey_spec']['spec']}
        not_asked = definition.get('not_asked', {})
        assert set(questions) <= read, (stem, 'asks what the playbook never reads', set(questions) - read)
        # Read but declared nowhere: the run fails without an answer, so it must be asked.
        assert read - set(declared) <= set(questions), (stem, 'not asked', read - set(declared))
        # Declared: asked, or left to the playbook for a reason the definition gives.
        assert set(declared) == set(questions) | set(not_asked), (stem, set(declared) ^ (set(questions) | set(not_asked)))
        assert not set(questions) & set(not_asked) and all(len(reason) > 20 for reason in not_asked.values()), stem
        for name, question in questions.items():
            default = declared.get(name)
            if name in declared:
                assert question['type'] in SURVEY_TYPES[type(default)], (stem, name, question['type'])
            if question['type'] == 'multiplechoice':
                assert 'default' not in question or question['default'] in question['choices'], (stem, name)
            if 'default' not in question:
                # AWX would leave the variable out and the playbook would run on its example value.
                assert question['required'], (stem, name, 'an optional question without a default')
            elif not (question['type'] == 'textarea' and not question['required'] and question['default'] == ''):
                assert question['default'] == survey_form(default), (stem, name, question['default'], default)


def test_the_playbooks_take_a_textarea_as_a_list():
    """A textarea answer is one string; the playbook reads each such variable only through the
    expression that turns text into a list of its non-blank lines."""
    for stem, definition in definitions().items():
        text = (REPO / definition['playbook']).read_text()
        for question in definition['survey_spec']['spec']:
            if question['type'] != 'textarea':
                continue
            name = question['variable']
            as_list = "{{ %s.splitlines() | map('trim') | select | list if %s is string else %s }}" % (name, name, name)
            assert as_list in text, (stem, name)
            assert not re.search(r'\b%s\b' % name, text.replace(as_list, '').split('tasks:', 1)[1]), (stem, name)
    environment = jinja2.Environment()
    template = environment.from_string("{{ v.splitlines() | map('trim') | select | list if v is string else v }}")
    assert template.render(v='a@contoso.com\n\n  b@contoso.com \n') == "['a@contoso.com', 'b@contoso.com']"
    assert template.render(v='') == '[]' and template.render(v=['a']) == "['a']"


def launch_extra_vars(definition, answers):
    """The extra variables AWX gives a job launched from the template with these survey answers:
    each answer checked as AWX checks it, then the survey's defaults, then the answers."""
    extra = {}
    for question in definition['survey_spec']['spec']:
        name = question['variable']
        if name not in answers:
            assert not question['required'] or 'default' in question, '%s value missing' % name
            if 'default' in question:
                extra[name] = question['default']
            continue
        value = answers[name]
        expected = {'integer': int, 'multiplechoice': str}.get(question['type'], str)
        assert isinstance(value, expected) and not isinstance(value, bool), (name, value)
        if question['type'] == 'multiplechoice':
            assert value in question['choices'], (name, value)
        size = value if question['type'] == 'integer' else len(value)
        assert question.get('min', size) <= size <= question.get('max', size), (name, value)
        extra[name] = value
    assert set(answers) <= set(extra), 'answers to questions the survey does not ask'
    return extra


def _apply(awx, tmp_path, *args):
    env = {k: v for k, v in os.environ.items() if not k.startswith(('CONTROLLER_', 'TOWER_', 'AWX_'))}
    env.update(CONTROLLER_HOST=awx.url, CONTROLLER_OAUTH_TOKEN=awx.TOKEN, HOME=str(tmp_path),
               ANSIBLE_COLLECTIONS_PATH=str(COLLECTIONS), ANSIBLE_LOCALHOST_WARNING='False',
               ANSIBLE_INVENTORY_UNPARSED_WARNING='False', ANSIBLE_NOCOLOR='1')
    playbook = Path(sys.executable).with_name('ansible-playbook')
    result = subprocess.run([str(playbook), str(APPLY), '-e', json.dumps({'awx_credential': CREDENTIAL})] + list(args),
                            env=env, cwd=str(tmp_path), capture_output=True, text=True, stdin=subprocess.DEVNULL,
                            timeout=300, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
    assert 'WARNING' not in result.stdout + result.stderr, result.stdout + result.stderr
    recap = re.search(r'^localhost\s+:.*changed=(\d+)', result.stdout, re.M)
    return int(recap.group(1)), result.stdout


def test_the_playbook_applies_the_job_templates(tmp_path):
    defined = definitions()
    with FakeAwx() as awx:
        organization = awx.add({'name': 'Default'}, 'organizations')
        credential = awx.add({'name': CREDENTIAL, 'organization': organization['id']}, 'credentials')

        changed, output = _apply(awx, tmp_path, '--check')
        assert changed == 3 and awx.writes() == [], 'project, inventory, the templates with them; no write'

        changed, output = _apply(awx, tmp_path)
        assert changed == 4, output
        project = awx.find('projects', 'mailops.exchange')
        assert (project['scm_type'], project['scm_url'], project['organization']) == (
            'git', 'https://github.com/mailops/exchange', organization['id'])
        inventory = awx.find('inventories', 'mailops.exchange (localhost)')
        for definition in defined.values():
            template = awx.find('job_templates', definition['name'])
            assert (template['playbook'], template['project'], template['inventory'], template['job_type']) == (
                definition['playbook'], project['id'], inventory['id'], definition['job_type'])
            assert template['survey_enabled'] and awx.surveys[template['id']] == definition['survey_spec']
            assert awx.associations[(template['id'], 'credentials')] == [credential['id']]
            assert template['diff_mode'] == definition.get('diff_mode', False)
        audit = awx.find('job_templates', defined['audit']['name'])
        schedule = awx.find('schedules', defined['audit']['schedule']['name'])
        assert schedule['unified_job_template'] == audit['id'] and 'FREQ=DAILY' in schedule['rrule']
        # AWX checks a schedule's variables against the survey: the required question is answered.
        launch_extra_vars(defined['audit'], schedule['extra_data'])

        writes = len(awx.writes())
        changed, output = _apply(awx, tmp_path)
        assert changed == 0 and len(awx.writes()) == writes, 'the second run changes nothing'


def test_survey_answers_run_the_playbooks_as_awx_would(sandbox, tmp_path, monkeypatch):
    """The shared mailbox template as a person fills it in, and the audit as its schedule launches
    it (check mode, diff), through ansible-runner with the credential injected."""
    for name in [name for name in os.environ if SANDBOX_VARIABLES.match(name)]:
        monkeypatch.delenv(name)
    monkeypatch.setenv('PATH', '%s%s%s' % (Path(sys.executable).parent, os.pathsep, os.environ['PATH']))
    defined = definitions()
    data = private_data_dir(tmp_path, sandbox)

    shared = launch_extra_vars(defined['shared_mailbox'], {
        'shared_mailbox': 'helpdesk@contoso.com', 'shared_display_name': 'Help Desk',
        'shared_addresses': 'service-desk@contoso.com\n\nit-help@contoso.com\n',
        'team_full_access': 'alice@contoso.com\nbob@contoso.com', 'team_send_as': 'carol@contoso.com'})
    # The project is the collection's repository; the job's project directory here is its playbooks/.
    result, events, stats = run(data, Path(defined['shared_mailbox']['playbook']).name, extravars=shared)
    assert stats['failures'] == {} and stats['changed'] == {'localhost': 2}
    shown = [e['event_data']['res']['msg'] for e in events
             if e['event'] == 'runner_on_ok' and e['event_data']['task'] == 'Show the mailbox and who has access'][0]
    assert {'smtp:service-desk@contoso.com', 'smtp:it-help@contoso.com'} <= {a.lower() for a in shown['addresses']}, shown
    writes = sandbox.stats()['writes']

    # The audit as its schedule launches it, with a path relative to playbooks/ as job_templates.yml
    # gives by default: one mailbox, the one the job above made, under another display name.
    (data / 'project' / 'data' / 'awx_audit.yml').write_text(
        'mailboxes:\n  - {identity: helpdesk@contoso.com, type: shared, display_name: Service Desk}\n')
    audit = launch_extra_vars(defined['audit'], {'desired_state_file': 'data/awx_audit.yml'})
    result, events, stats = run(data, Path(defined['audit']['playbook']).name, extravars=audit, cmdline='--check --diff')
    assert sandbox.stats()['writes'] == writes, 'the audit writes nothing'
    # The drift report is the job's artifact (what AWX stores as the job's "artifacts").
    artifact = [e['event_data'] for e in events if e['event'] == 'playbook_on_stats'][-1]['artifact_data']['drift_report']['localhost']
    assert artifact['summary']['drifted'] == 1, artifact['summary']
    assert [(o['object'], o['status'], [p['after'] for p in o['properties']]) for o in artifact['objects']] == [
        ('helpdesk@contoso.com', 'drifted', ['Service Desk'])], artifact['objects']
    assert sandbox.env['AZURE_CLIENT_SECRET'] not in str(artifact)
