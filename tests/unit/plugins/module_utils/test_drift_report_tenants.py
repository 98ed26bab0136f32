# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""One drift report over many tenants: a section per tenant, the totals, a failed tenant as failed."""

from __future__ import annotations

import pytest

from ansible_collections.mailops.exchange.plugins.module_utils.engine.drift_report import (
    build_report,
    build_tenants_report,
    render_tenants_html,
)

IN_SYNC = {'kind': 'mailbox', 'result': {'changed': False, 'mailbox': {'primary_smtp_address': 'sales@a.com'}}}
DRIFTED = {'kind': 'mailbox', 'result': {'changed': True, 'mailbox': {'primary_smtp_address': 'sales@b.com'},
                                         'changes': {'display_name': {'before': 'Sales', 'after': 'Sales Team'}}}}
FAILED_OBJECT = {'kind': 'group', 'object': 'ghost@c.com', 'failed': True, 'msg': 'not found'}


def _report(*sources):
    return build_report(list(sources), organization='x', generated_at='t')


def test_a_section_per_tenant_and_the_totals():
    report = build_tenants_report([
        {'tenant': 'b.onmicrosoft.com', 'report': _report(DRIFTED, IN_SYNC)},
        {'tenant': 'a.onmicrosoft.com', 'report': _report(IN_SYNC)},
    ], generated_at='2026-12-06T21:00:00Z')
    assert [t['tenant'] for t in report['tenants']] == ['a.onmicrosoft.com', 'b.onmicrosoft.com']
    assert [t['status'] for t in report['tenants']] == ['in_sync', 'drifted']
    assert report['summary']['in_sync'] == 2 and report['summary']['drifted'] == 1 and report['summary']['total'] == 3
    assert report['summary']['tenants'] == {'failed': 0, 'drifted': 1, 'in_sync': 1, 'total': 2}
    assert report['tenants'][1]['summary']['total'] == 2
    assert 'msg' not in report['tenants'][0]


def test_a_failed_tenant_is_failed_not_in_sync():
    report = build_tenants_report([
        {'tenant': 'a', 'report': _report(IN_SYNC)},
        # The credential was refused: no report at all.
        {'tenant': 'b', 'failed': True, 'msg': 'AADSTS7000215: Invalid client secret provided.'},
        # The audit stopped before it made a report, without saying why.
        {'tenant': 'c'},
        # A report, but one object could not be compared.
        {'tenant': 'd', 'report': _report(IN_SYNC, FAILED_OBJECT)},
    ])
    status = {t['tenant']: (t['status'], t.get('msg')) for t in report['tenants']}
    assert status == {'a': ('in_sync', None), 'b': ('failed', 'AADSTS7000215: Invalid client secret provided.'),
                      'c': ('failed', 'the audit of this tenant made no report'),
                      'd': ('failed', '1 objects could not be compared')}
    assert report['summary']['tenants'] == {'failed': 3, 'drifted': 0, 'in_sync': 1, 'total': 4}
    assert report['summary']['failed'] == 1


def test_bad_entries_are_named():
    with pytest.raises(ValueError, match='tenant entry 1 has no tenant'):
        build_tenants_report([{'tenant': 'a'}, {'report': {}}])
    with pytest.raises(ValueError, match="report of tenant 'a' is not a drift report"):
        build_tenants_report([{'tenant': 'a', 'report': {'objects': 'x'}}])
    with pytest.raises(TypeError):
        build_tenants_report({'tenant': 'a'})


def test_the_page_shows_every_tenant_and_why_one_failed_escaped():
    page = render_tenants_html(build_tenants_report([
        {'tenant': 'a', 'report': _report(DRIFTED)},
        {'tenant': '<b>evil</b>', 'failed': True, 'msg': '<script>x</script>'},
    ]))
    assert 'Drift report - 2 tenants' in page
    assert '&lt;b&gt;evil&lt;/b&gt;' in page and '<b>evil</b>' not in page
    assert '&lt;script&gt;x&lt;/script&gt;' in page
    assert page.count('<h3 id="tenant-') == 2
    assert 'sales@b.com' in page and 'Sales Team' in page
    assert 'data-count="tenants-failed"><b>1</b>' in page


def test_the_reports_of_slices_join_into_one():
    first = build_tenants_report([{'tenant': 'a', 'report': _report(DRIFTED)},
                                  {'tenant': 'b', 'failed': True, 'msg': 'refused'}])
    second = build_tenants_report([{'tenant': 'c', 'report': _report(IN_SYNC)}])
    joined = build_tenants_report(first['tenants'] + second['tenants'])
    assert [(t['tenant'], t['status'], t.get('msg')) for t in joined['tenants']] == [
        ('a', 'drifted', None), ('b', 'failed', 'refused'), ('c', 'in_sync', None)]
    assert joined['summary']['tenants'] == {'failed': 1, 'drifted': 1, 'in_sync': 1, 'total': 3}
    assert joined['summary']['total'] == 2


def test_in_sync_objects_counted_but_not_listed_stay_counted_per_tenant_and_when_slices_join():
    trimmed = {'kind': 'mailbox', 'result': {'changed': False, 'results': [],
                                             'counts': {'total': 7, 'changed': 0, 'failed': 0, 'unchanged': 7}}}
    report = build_tenants_report([{'tenant': 'a', 'report': _report(trimmed, IN_SYNC)},
                                   {'tenant': 'b', 'report': _report(DRIFTED)}])
    assert report['tenants'][0]['summary']['in_sync'] == 8 and report['tenants'][0]['summary']['in_sync_unlisted'] == 7
    assert report['tenants'][0]['status'] == 'in_sync'
    assert report['summary']['in_sync'] == 8 and report['summary']['total'] == 9 and report['summary']['in_sync_unlisted'] == 7
    joined = build_tenants_report(report['tenants'])
    assert joined['summary'] == report['summary']
    assert 'data-count="in_sync_unlisted"><b>7</b>' in render_tenants_html(joined)
