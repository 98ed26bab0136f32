"""Identity resolution: the one way every cmdlet turns an ``Identity`` string into objects."""

from . import errors
from .model import DOMAIN_CONTROLLER


def _normalise(identity):
    text = identity.strip()
    if text.lower().startswith("smtp:"):
        text = text[5:]
    if len(text) == 38 and text[0] == "{" and text[-1] == "}":
        text = text[1:-1]
    return text.lower()


def find(org, identity, candidates=None):
    """Every recipient that ``identity`` names, in creation order.

    Matches case-insensitively on Name, Alias, DisplayName, UserPrincipalName, any SMTP or
    X500 proxy address, Guid, ExchangeGuid, ExchangeObjectId, ExternalDirectoryObjectId and
    DistinguishedName. ``candidates`` narrows the search (e.g. to mailboxes).
    """
    matches = org.index.lookup(_normalise(identity))
    if candidates is None or not matches:
        return matches
    ids = getattr(candidates, "ids", None)
    if ids is not None:
        return [r for r in matches if id(r) in ids]
    wanted = {id(r) for r in matches}
    return [r for r in candidates if id(r) in wanted]


def find_one(org, identity, kind):
    """Exactly one recipient of ``kind`` (its RecipientType or RecipientTypeDetails: ``MailContact``,
    ``MailUser``, ``GroupMailbox`` ...) that ``identity`` names, or Exchange's not-found / ambiguous
    failure: the lookup of every cmdlet of one kind of object."""
    matches = [r for r in find(org, identity) if kind in (r.recipient_type, r.recipient_type_details)]
    if not matches:
        raise errors.not_found(identity, DOMAIN_CONTROLLER)
    if len(matches) > 1:
        raise errors.ambiguous(identity)
    return matches[0]


def resolve(org, identity, candidates=None, *, referenced=False):
    """Exactly one recipient named by ``identity``, or a :class:`~errors.CmdletFailure`.

    ``referenced`` picks the not-found wording Exchange uses for recipients named in
    parameters other than ``Identity`` (trustees, delegates).
    """
    matches = find(org, identity, candidates)
    if not matches:
        if referenced:
            raise errors.referenced_not_found(identity)
        raise errors.not_found(identity, DOMAIN_CONTROLLER)
    if len(matches) > 1:
        raise errors.ambiguous(identity)
    return matches[0]
