"""What the sandbox's cmdlet unit tests share: a small seeded organisation and calling cmdlets."""

import pytest

from sandbox import catalog, errors, views
from sandbox.model import Organization

TENANT_ID = "11111111-2222-4333-8444-555555555555"


def new_org(users=2, shared=1):
    """A seeded organisation with ``users`` and ``shared`` numbered mailboxes and the named ones."""
    return Organization("contoso", tenant_id=TENANT_ID, users=users, shared=shared)


def run(org, name, **params):
    """Run an Exchange Online cmdlet of the sandbox against ``org``."""
    return catalog.lookup(name).run(org, params, caller="tester")


def failure(org, name, **params):
    """The CmdletFailure a cmdlet raises (the test fails if it raises none)."""
    with pytest.raises(errors.CmdletFailure) as caught:
        run(org, name, **params)
    return caught.value


def count_views(monkeypatch, view):
    """The names of the recipients ``views.<view>`` builds a row of, in order, from now on."""
    viewed = []
    real = getattr(views, view)

    def counting(org, recipient, wanted=None):
        viewed.append(recipient.name)
        return real(org, recipient, wanted)

    monkeypatch.setattr(views, view, counting)
    return viewed
