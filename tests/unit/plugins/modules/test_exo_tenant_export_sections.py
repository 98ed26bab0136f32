# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""exo_tenant_export reads the mailboxes section beside the others (issue 23), without a server:
the two overlap, the sections keep their fixed order, and an error of the other thread fails the
task from the module's thread."""

from __future__ import annotations

import threading
from types import SimpleNamespace

import pytest

from ansible_collections.mailops.exchange.plugins.modules import exo_tenant_export
from ansible_collections.mailops.exchange.plugins.module_utils.transport.errors import ExchangeError

NAMES = ['mailboxes', 'groups', 'contacts', 'cas_mailboxes']


def test_the_other_sections_are_read_while_the_mailboxes_section_is(monkeypatch):
    others_started, threads = threading.Event(), {}

    def read_section(exo, section):
        threads[section] = threading.current_thread().name
        if section == 'mailboxes':
            # The mailboxes section only ends once another section has started: they overlap.
            assert others_started.wait(5)
        else:
            others_started.set()
        return [section]
    monkeypatch.setattr(exo_tenant_export, 'read_section', read_section)
    found = exo_tenant_export.read_sections(SimpleNamespace(runner=object()), NAMES)
    assert list(found) == NAMES and found == dict((name, [name]) for name in NAMES)
    assert threads['mailboxes'] == threading.current_thread().name != threads['groups'] == threads['cas_mailboxes']


def test_an_error_of_the_other_thread_is_raised_in_the_modules_thread(monkeypatch):
    refused = ExchangeError('denied', kind='forbidden')

    def read_section(exo, section):
        if section == 'contacts':
            raise refused
        return []
    monkeypatch.setattr(exo_tenant_export, 'read_section', read_section)
    with pytest.raises(ExchangeError) as caught:
        exo_tenant_export.read_sections(SimpleNamespace(runner=object()), NAMES)
    assert caught.value is refused


def test_without_the_mailboxes_section_one_thread_reads_them_all(monkeypatch):
    monkeypatch.setattr(exo_tenant_export, 'read_section', lambda exo, section: threading.current_thread().name)
    found = exo_tenant_export.read_sections(SimpleNamespace(), ['groups', 'contacts'])
    assert set(found.values()) == {threading.current_thread().name}
