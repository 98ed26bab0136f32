# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The bad-input table (tests/integration/data/bad_input.yml) against every module in one run.

A failing case must fail with a message that names the option and the value, and all failing
cases together must reach the sandbox with 0 writes; a legitimate value (unicode, right-to-left
text, quotes and PowerShell metacharacters in free text) must succeed and come back unchanged.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from conftest import PlaybookRunner

TABLE = Path(__file__).resolve().parent / 'data' / 'bad_input.yml'
MODULES = {path.stem for path in (Path(__file__).resolve().parents[2] / 'plugins' / 'modules').glob('*.py')
           if path.stem != '__init__'}


def cases():
    return yaml.safe_load(TABLE.read_text(encoding='utf-8'))['bad_input_cases']


def dig(result, dotted):
    for key in dotted.split('.'):
        result = result[key]
    return result


def test_table_covers_every_module():
    rows = cases()
    failing = [row for row in rows if row['expect'] == 'fail']
    assert len(failing) >= 50
    assert len({row['id'] for row in rows}) == len(rows), 'ids are unique'
    assert {row['module'] for row in failing} == MODULES
    for row in failing:
        assert len(row['message']) >= 2, '%s names the option and the value' % row['id']


# The phases of the run, in order: which rows (by their phase), the task name's prefix and the
# counters read after it. Quiet rows must write nothing; service-judged rows send one refused write.
PHASES = (('quiet', None, 'Quiet'), ('service', 'service', 'Service-judged'), ('write', 'write', 'Legitimate'))


def counter_tasks(phase):
    """Read the sandbox's counters after a phase and zero them for the next, in one request."""
    return [{'name': 'Count what the %s cases sent' % phase, 'register': '%s_counters' % phase, 'run_once': True,
             'ansible.builtin.uri': {'url': '{{ sandbox_url }}/_sandbox/stats', 'method': 'POST', 'ca_path': '{{ sandbox_ca }}',
                                     'body_format': 'json', 'body': {'reset': True}}}]


def reset_task(name):
    return {'name': name, 'run_once': True,
            'ansible.builtin.uri': {'url': '{{ sandbox_url }}/_sandbox/reset', 'method': 'POST',
                                    'ca_path': '{{ sandbox_ca }}', 'body_format': 'json', 'body': {}}}


def table_playbook():
    """The playbook that runs the table: for each phase, one task per module with rows in it,
    looping over its rows (each host of the inventory takes its share), then the counters. Built
    from the table, so a module's rows are all it needs."""
    rows = cases()
    tasks = [reset_task('Start from zero counters')]
    registered = []
    for phase, marker, title in PHASES:
        for module in sorted(set(row['module'] for row in rows if row.get('phase') == marker)):
            register = '%s_%s' % (phase, module)
            registered.append(register)
            selected = "bad_input_cases | selectattr('module', 'eq', '%s') | selectattr('phase', '%s')" % (
                module, 'undefined' if marker is None else 'defined')
            if marker is not None:
                selected += " | selectattr('phase', 'eq', '%s')" % marker
            tasks.append({'name': '%s %s cases' % (title, module), 'mailops.exchange.%s' % module: '{{ case.args }}',
                          'loop': '{{ (%s | slice(shares | int) | list)[share | int] }}' % selected,
                          'loop_control': {'loop_var': 'case', 'label': '{{ case.id }}'},
                          'register': register, 'ignore_errors': True})
        if phase != 'write':
            tasks.extend(counter_tasks(phase))
    tasks.append({'name': "Gather this host's results", 'ansible.builtin.set_fact': {
        'case_results': '{{ %s }}' % ' + '.join('%s.results' % name for name in registered)}})
    tasks.append({'name': 'Write every result for the test to read', 'run_once': True,
                  'vars': {'results': "{{ ansible_play_hosts_all | map('extract', hostvars, 'case_results') | flatten(levels=1) }}"},
                  'ansible.builtin.copy': {
                      'content': "{{ {'quiet': quiet_counters.json, 'service': service_counters.json, 'results': results} | to_nice_json }}",
                      'dest': '{{ results_path }}', 'mode': '0600'}})
    return [{'name': 'Bad input across every module', 'hosts': 'all', 'gather_facts': False,
             'vars_files': [str(TABLE)],
             'vars': {'ansible_connection': 'local', 'ansible_python_interpreter': '{{ ansible_playbook_python }}',
                      'share': '{{ ansible_play_hosts_all.index(inventory_hostname) }}',
                      'shares': '{{ ansible_play_hosts_all | length }}'},
             'tasks': tasks}]


def test_the_table_runs_every_module_in_every_phase_it_has_rows_for():
    tasks = table_playbook()[0]['tasks']
    ran = set((task['name'].split(' ')[0], module[len('mailops.exchange.'):]) for task in tasks
              for module in task if module.startswith('mailops.exchange.'))
    assert ran == set(({None: 'Quiet', 'service': 'Service-judged', 'write': 'Legitimate'}[row.get('phase')], row['module'])
                      for row in cases())


@pytest.fixture(scope='module')
def outcome(sandbox_process, tmp_path_factory):
    sandbox_process.reset(state=True)
    tmp = tmp_path_factory.mktemp('bad-input')
    results_path = tmp / 'results.json'
    generated = tmp / 'bad_input.yml'
    generated.write_text(yaml.safe_dump(table_playbook(), sort_keys=False), encoding='utf-8')
    # Two local hosts share the table: it is CPU-bound in the module processes.
    PlaybookRunner(sandbox_process, tmp / 'cache').run(
        str(generated), '-i', 'bad_input_0,bad_input_1,', extra_vars={'results_path': results_path})
    written = json.loads(results_path.read_text(encoding='utf-8'))
    written['results'] = {result['case']['id']: result for result in written['results']}
    return written


def test_every_case_ran(outcome):
    assert sorted(outcome['results']) == sorted(row['id'] for row in cases())


def test_quiet_cases_wrote_nothing(outcome):
    counters = outcome['quiet']
    sent = dict(counters['cmdlets'], **counters['graph'])
    assert counters['writes'] == 0, 'writes among %s' % sorted(name for name in sent if not name.startswith(('Get-', 'GET ')))
    assert counters['reads'] > 0, 'the identities were looked up'


def test_values_only_exchange_judges_cost_one_refused_write_each(outcome):
    judged = [row for row in cases() if row.get('phase') == 'service']
    counters = outcome['service']
    assert counters['writes'] == len(judged), counters


@pytest.mark.parametrize('row', cases(), ids=lambda row: row['id'])
def test_case(outcome, row):
    result = outcome['results'][row['id']]
    if row['expect'] == 'fail':
        assert result.get('failed'), 'expected a failure, got %s' % json.dumps(result)[:2000]
        for part in row['message']:
            assert part in result['msg'], 'message lacks %r: %s' % (part, result['msg'][:2000])
        return
    assert not result.get('failed'), result.get('msg')
    for dotted, value in row.get('returned', {}).items():
        assert dig(result, dotted) == value
    for dotted, value in row.get('returned_contains', {}).items():
        assert value in dig(result, dotted)
