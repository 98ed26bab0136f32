"""Skip tokens and page sizes."""

import pytest
from cmdlet_testing import new_org

from sandbox import catalog, paging


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


def _read_pages(org, pager, between=None, size=2):
    """Get-Mailbox's names read page by page as a client follows the skip tokens, calling
    ``between`` after the first page; returns the names and how often the cmdlet ran."""
    body = {"CmdletName": "Get-Mailbox", "Parameters": {"ResultSize": "Unlimited"}}
    digest = paging.request_digest(body)
    runs = []

    def run():
        runs.append(org.generation)
        return catalog.lookup("Get-Mailbox").run(org, body["Parameters"])

    names, offset = [], 0
    while True:
        result = pager.result(org, digest, offset, size, run)
        page, token = pager.page(result.rows, digest, offset, size)
        names += [row["Name"] for row in page]
        if token is None:
            return names, len(runs)
        if between and offset == 0:
            between()
        offset = pager.offset(token, digest)


def test_later_pages_reuse_the_rows_only_while_nothing_changed():
    org, pager = new_org(users=3, shared=2), paging.Pager(b"k" * 32)
    everyone = [r.name for r in org.mailboxes()]
    assert _read_pages(org, pager) == (everyone, 1), "unchanged: one run serves every page"

    def rename_and_remove():
        catalog.lookup("Set-Mailbox").run(org, {"Identity": everyone[-1], "DisplayName": "Late"})
        catalog.lookup("Remove-Mailbox").run(org, {"Identity": everyone[0]})

    names, runs = _read_pages(org, pager, between=rename_and_remove)
    assert runs == 2, "a write between pages makes the next page run the cmdlet again"
    # Page 1 came before the removal, page 2 after it: the first mailbox of page 2 moved up
    # into page 1's range and is skipped, as a client of the real service would see it.
    assert names == everyone[:2] + everyone[3:]


def test_results_of_writes_and_of_one_page_are_not_kept():
    org, pager = new_org(), paging.Pager(b"k" * 32)
    runs = []

    def write():
        runs.append("write")
        return catalog.lookup("Set-Mailbox").run(org, {"Identity": "alice", "DisplayName": "A"})

    def read():
        runs.append("read")
        return catalog.lookup("Get-Mailbox").run(org, {})

    for offset in (0, 1):
        pager.result(org, "write", offset, 1, write)
        pager.result(org, "read", offset, 1000, read)
    assert runs == ["write", "read"] * 2
