"""Shared fixtures for the sandbox's pure-logic tests."""

import pytest

from sandbox.model import Organization

TENANT = "11111111-2222-4333-8444-555555555555"


@pytest.fixture
def org():
    """A small seeded organisation: 3 users, 2 shared mailboxes and the named demo people."""
    return Organization("contoso", tenant_id=TENANT, users=3, shared=2)
