"""A local HTTPS sandbox that behaves like an Exchange Online tenant.

Run it with ``python -m sandbox serve --state-dir DIR``; see ``docs/sandbox.md``.
"""
