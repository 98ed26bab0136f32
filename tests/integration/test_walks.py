# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Every walk in tests/integration/playbooks/walks/, each one playbook run against the session's
sandbox. A walk checks itself: its writes through tasks/counters.yml, what the service holds
through the collection's own _info modules, its bad input through expect_failure; so an object
whose walk needs nothing more adds a playbook here and no test file."""

from __future__ import annotations

from pathlib import Path

import pytest

WALKS = sorted((Path(__file__).resolve().parent / 'playbooks' / 'walks').glob('*.yml'))


def test_walks_are_found():
    assert WALKS, 'the walks directory holds at least one walk'


@pytest.mark.parametrize('walk', WALKS, ids=lambda path: path.stem)
def test_walk(playbook, walk):
    playbook.run('walks/' + walk.name)
