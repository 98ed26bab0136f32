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


@pytest.fixture(scope='module')
def outcome(sandbox_process, tmp_path_factory):
    sandbox_process.reset(state=True)
    tmp = tmp_path_factory.mktemp('bad-input')
    results_path = tmp / 'results.json'
    # Two local hosts share the table: it is CPU-bound in the module processes.
    PlaybookRunner(sandbox_process, tmp / 'cache').run(
        'bad_input.yml', '-i', 'bad_input_0,bad_input_1,', extra_vars={'results_path': results_path})
    written = json.loads(results_path.read_text(encoding='utf-8'))
    written['results'] = {result['case']['id']: result for result in written['results']}
    return written


def test_every_case_ran(outcome):
    assert sorted(outcome['results']) == sorted(row['id'] for row in cases())


def test_quiet_cases_wrote_nothing(outcome):
    counters = outcome['quiet']
    assert counters['writes'] == 0, counters
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
