"""The OPATH filter subset: parsing, evaluation and syntax errors."""

import pytest

from sandbox import opath

ROW = {
    "Name": "alice",
    "DisplayName": "Alice Adams",
    "RecipientTypeDetails": "UserMailbox",
    "HiddenFromAddressListsEnabled": False,
    "ForwardingSmtpAddress": None,
    "EmailAddresses": ["SMTP:alice@contoso.com", "smtp:alice@contoso.onmicrosoft.com"],
    "CustomAttribute1": "it's",
}


@pytest.mark.parametrize("text,expected", [
    ("Name -eq 'alice'", True),
    ("Name -lt 'b'", True),
    ("Name -ge 'B' -and Name -lt 'c'", False),
    ("Name -gt 'alice'", False),
    ("Name -le 'ALICE'", True),
    ("ForwardingSmtpAddress -lt 'z'", False),
    ("name -EQ 'ALICE'", True),
    ('DisplayName -like "Alice*"', True),
    ("DisplayName -notlike '*Adams'", False),
    ("Name -ne 'bob'", True),
    ("HiddenFromAddressListsEnabled -eq $false", True),
    ("HiddenFromAddressListsEnabled -eq $true", False),
    ("ForwardingSmtpAddress -eq $null", True),
    ("ForwardingSmtpAddress -ne $null", False),
    ("RecipientTypeDetails -eq UserMailbox", True),
    ("EmailAddresses -eq 'alice@contoso.onmicrosoft.com'", True),
    ("EmailAddresses -like 'smtp:*@contoso.com'", True),
    ("CustomAttribute1 -eq 'it''s'", True),
    ("Name -eq 'bob' -or Name -eq 'alice'", True),
    ("Name -eq 'bob' -or Name -eq 'alice' -and DisplayName -eq 'x'", False),
    ("(Name -eq 'bob' -or Name -eq 'alice') -and -not (DisplayName -eq 'x')", True),
    ("-not Name -like 'a*'", False),
    ("Name -like 'a?ice'", False),  # "?" is literal in OPATH
])
def test_evaluates(text, expected):
    assert opath.evaluate(opath.parse(text), ROW) is expected


@pytest.mark.parametrize("text,position", [
    ("Name -eq", 8),
    ("Name 'alice'", 5),
    ("Name -contains 'a'", 5),
    ("(Name -eq 'a'", 13),
    ("Name -eq 'open", 9),
    ("Name -eq 'a' -and", 17),
    ("", 0),
    ("Name -eq $maybe", 9),
])
def test_syntax_errors_name_the_position(text, position):
    with pytest.raises(opath.FilterSyntaxError) as caught:
        opath.parse(text)
    assert caught.value.position == position
    assert "Invalid filter syntax" in str(caught.value)
    assert f'"{text}"' in str(caught.value)


def test_unknown_property_is_reported():
    tree = opath.parse("Nmae -eq 'alice' -or Name -eq 'x'")
    assert opath.properties(tree) == {"Nmae", "Name"}
    with pytest.raises(opath.UnknownPropertyError, match="'Nmae' is not a recognized"):
        opath.check_properties(tree, ROW)


def test_range_comparisons_are_recognised_for_the_refusal_fault():
    assert opath.uses_ranges("Name -ge 'b' -and Name -lt 'd'")
    assert opath.uses_ranges("-not (Name -lt 'b')")
    assert not opath.uses_ranges("Name -like 'b*'")
    assert not opath.uses_ranges("Name -lt")
