# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

import datetime

import pytest

from ansible_collections.mailops.exchange.plugins.module_utils.transport.timestamps import (
    TimestampError,
    format_utc,
    parse_timestamp,
    same_instant,
)

UTC = datetime.timezone.utc


@pytest.mark.parametrize('text', [
    '2030-07-01T06:00:00Z',
    '2030-07-01T08:00:00+02:00',
    '2030-07-01T08:00+0200',
    '2030-07-01 01:00:00-05:00',
    '2030-07-01T06:00:00.0000000+00:00',
    '2030-07-01t06:00:00z',
])
def test_offsets_give_the_same_instant(text):
    assert parse_timestamp(text, 'start_time') == datetime.datetime(2030, 7, 1, 6, 0, tzinfo=UTC)


def test_seven_digit_fractions_are_cut_to_microseconds():
    assert parse_timestamp('2024-01-15T09:30:00.1234567+00:00', 'x').microsecond == 123456


def test_dotnet_json_dates():
    assert parse_timestamp('/Date(1900000000000)/', 'x') == datetime.datetime(2030, 3, 17, 17, 46, 40, tzinfo=UTC)


def test_naive_times_are_refused_unless_they_come_from_exchange():
    with pytest.raises(TimestampError) as caught:
        parse_timestamp('2030-07-01T08:00:00', 'start_time')
    assert "start_time: '2030-07-01T08:00:00' has no time zone" in str(caught.value)
    assert parse_timestamp('2030-07-01T08:00:00', 'StartTime', assume_utc=True).hour == 8


@pytest.mark.parametrize('text', ['next monday', '2030-13-01T00:00:00Z', '2030-02-30T00:00:00Z', ''])
def test_invalid_times_name_the_option(text):
    with pytest.raises(TimestampError) as caught:
        parse_timestamp(text, 'end_time')
    assert str(caught.value).startswith("end_time: '%s'" % text)


def test_format_utc():
    assert format_utc(parse_timestamp('2030-07-01T08:00:00.5+02:00', 'x')) == '2030-07-01T06:00:00Z'


def test_same_instant_ignores_fractions_and_zones():
    first = parse_timestamp('2030-07-01T08:00:00.9+02:00', 'x')
    assert same_instant(first, parse_timestamp('2030-07-01T06:00:00Z', 'x'))
    assert not same_instant(first, parse_timestamp('2030-07-01T06:00:01Z', 'x'))
    assert same_instant(None, None) and not same_instant(first, None)
