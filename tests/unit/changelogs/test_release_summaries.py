# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Each release's summary in changelogs/changelog.yaml describes that release: the number of modules
it says the release brings is the number the release lists, and every filter and role it shipped
is named."""

from __future__ import annotations

import pathlib
import re

import pytest
import yaml

ROOT = pathlib.Path(__file__).resolve().parents[3]
RELEASES = yaml.safe_load((ROOT / 'changelogs' / 'changelog.yaml').read_text())['releases']
WORDS = ['zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine', 'ten', 'eleven',
         'twelve', 'thirteen', 'fourteen', 'fifteen', 'sixteen', 'seventeen', 'eighteen', 'nineteen', 'twenty']


@pytest.mark.parametrize('version', sorted(RELEASES))
def test_the_summary_counts_the_modules_the_release_lists(version):
    release = RELEASES[version]
    summary = release['changes']['release_summary']
    modules = release.get('modules') or []
    stated = re.findall(r'\b(\d+|%s)\b(?:\s+[\w-]+)?\s+modules\b' % '|'.join(WORDS), summary)
    assert stated, 'the summary of %s says how many modules it brings: %s' % (version, summary)
    count = stated[0]
    assert (int(count) if count.isdigit() else WORDS.index(count)) == len(modules), summary
    for kind, plugins in (release.get('plugins') or {}).items():
        for plugin in plugins:
            assert plugin['name'] in summary, '%s %s is not in the summary of %s' % (kind, plugin['name'], version)


def test_the_first_release_names_its_roles():
    summary = RELEASES['0.1.0']['changes']['release_summary']
    for role in sorted(path.name for path in (ROOT / 'roles').iterdir() if path.is_dir()):
        assert role in summary, role
