"""Identity resolution: every identifier Exchange accepts, ambiguity and absence."""

import pytest

from sandbox import errors, identity
from sandbox.model import Organization


@pytest.fixture
def org():
    """A small seeded organisation: 3 users, 2 shared mailboxes and the named demo people."""
    return Organization("contoso", tenant_id="11111111-2222-4333-8444-555555555555",
                        users=3, shared=2)


@pytest.mark.parametrize("text", [
    "alice",                                  # Name / Alias
    "ALICE",                                  # case-insensitive
    "Alice Adams",                            # DisplayName
    "alice@contoso.com",                      # UPN and primary SMTP
    "alice@contoso.onmicrosoft.com",          # secondary SMTP
    "smtp:alice@contoso.onmicrosoft.com",     # with proxy prefix
])
def test_resolves_by_every_name(org, text):
    assert identity.resolve(org, text).alias == "alice"


def test_resolves_by_guids_and_dn(org):
    alice = identity.resolve(org, "alice")
    for value in (alice.guid, "{" + alice.guid.upper() + "}", alice.exchange_guid,
                  alice.external_directory_object_id, org.distinguished_name(alice)):
        assert identity.resolve(org, value) is alice


def test_absent_identity_is_not_found_with_exchange_text(org):
    with pytest.raises(errors.CmdletFailure) as caught:
        identity.resolve(org, "nobody@contoso.com")
    failure = caught.value
    assert failure.category == "NotFound"
    assert failure.exception_type.endswith("ManagementObjectNotFoundException")
    assert failure.message.startswith(
        "The operation couldn't be performed because object 'nobody@contoso.com' couldn't be found")


def test_referenced_absent_identity_uses_couldnt_find_wording(org):
    with pytest.raises(errors.CmdletFailure) as caught:
        identity.resolve(org, "ghost", referenced=True)
    assert caught.value.message.startswith('Couldn\'t find object "ghost"')


def test_shared_display_name_is_ambiguous(org):
    with pytest.raises(errors.CmdletFailure) as caught:
        identity.resolve(org, "Chris Green")
    assert caught.value.exception_type == "Microsoft.Exchange.Configuration.Tasks.ManagementObjectAmbiguousException"
    assert "matches multiple entries" in str(caught.value)
    assert "matches multiple entries" in caught.value.message
    # The distinct names still resolve.
    assert identity.resolve(org, "chris.green2").name == "Chris Green2"


def test_candidates_narrow_the_search(org):
    shared = [r for r in org.mailboxes() if r.recipient_type_details == "SharedMailbox"]
    with pytest.raises(errors.CmdletFailure):
        identity.resolve(org, "alice", shared)
    assert identity.resolve(org, "sales", shared).display_name == "Sales Team"


def test_find_one_is_the_lookup_of_one_kind_of_object(org):
    """One helper for every per-kind lookup (mail contacts, mail users, Microsoft 365 groups):
    the kind is the RecipientType or RecipientTypeDetails; another kind's object is not found."""
    alice = identity.find_one(org, "alice", "UserMailbox")
    assert alice is identity.resolve(org, "alice")
    assert identity.find_one(org, "alice@contoso.com", alice.recipient_type) is alice
    with pytest.raises(errors.CmdletFailure) as caught:
        identity.find_one(org, "alice", "MailContact")
    assert caught.value.category == "NotFound"
