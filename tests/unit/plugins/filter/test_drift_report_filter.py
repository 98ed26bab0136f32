# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The drift_report filter's options: organization (and 0.1.0's spelling), and the time by default."""

from __future__ import annotations

import datetime
import re

import pytest
from ansible.errors import AnsibleFilterError

from ansible_collections.mailops.exchange.plugins.filter.drift_report import FilterModule

drift_report = FilterModule().filters()['drift_report']


def test_organization_is_the_option_and_organisation_its_alias():
    assert drift_report([], organization='contoso.onmicrosoft.com')['organization'] == 'contoso.onmicrosoft.com'
    assert drift_report([], organisation='contoso.onmicrosoft.com')['organization'] == 'contoso.onmicrosoft.com'
    with pytest.raises(AnsibleFilterError, match="organization: 'a.onmicrosoft.com' and organisation: 'b.onmicrosoft.com' differ"):
        drift_report([], organization='a.onmicrosoft.com', organisation='b.onmicrosoft.com')


def test_the_time_defaults_to_now_in_utc():
    before = datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0)
    stamp = drift_report([])['generated_at']
    assert re.fullmatch(r'\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ', stamp)
    moment = datetime.datetime.strptime(stamp, '%Y-%m-%dT%H:%M:%SZ').replace(tzinfo=datetime.timezone.utc)
    assert before <= moment <= datetime.datetime.now(datetime.timezone.utc)
    assert drift_report([], generated_at='2026-11-23T17:00:00Z')['generated_at'] == '2026-11-23T17:00:00Z'
