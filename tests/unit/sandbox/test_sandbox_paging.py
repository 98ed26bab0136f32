"""Skip tokens and page sizes."""

import pytest

from sandbox import paging


def test_pages_walk_the_rows_and_end_without_token():
    pager = paging.Pager(b"k" * 32)
    digest = paging.request_digest({"CmdletName": "Get-Mailbox", "Parameters": {}})
    rows = list(range(5))
    seen, offset = [], 0
    while True:
        page, token = pager.page(rows, digest, offset, 2)
        seen += page
        if token is None:
            break
        offset = pager.offset(token, digest)
    assert seen == rows


def test_digest_ignores_key_order():
    a = paging.request_digest({"CmdletName": "X", "Parameters": {"A": 1, "B": 2}})
    b = paging.request_digest({"Parameters": {"B": 2, "A": 1}, "CmdletName": "X"})
    assert a == b


def test_token_is_bound_to_request_and_server():
    pager = paging.Pager(b"k" * 32)
    token = pager.token("digest-a", 2)
    assert pager.offset(token, "digest-a") == 2
    with pytest.raises(paging.SkipTokenError, match="different request"):
        pager.offset(token, "digest-b")
    with pytest.raises(paging.SkipTokenError, match="not issued"):
        paging.Pager(b"x" * 32).offset(token, "digest-a")
    with pytest.raises(paging.SkipTokenError):
        pager.offset("!!!not-base64", "digest-a")
    with pytest.raises(paging.SkipTokenError):
        pager.offset("", "digest-a")


@pytest.mark.parametrize("header,size", [
    (None, 1000), ("", 1000), ("odata.maxpagesize=2", 2), ("odata.maxpagesize=0", 1),
    ("odata.maxpagesize=5000", 1000), ('odata.include-annotations="*", odata.maxpagesize=7', 7),
])
def test_max_page_size(header, size):
    assert paging.max_page_size(header) == size
