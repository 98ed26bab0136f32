"""A described converged state, put straight into the organisation (not through the API).

The benchmark measures an audit of tens of thousands of mailboxes; converging them through the
API first would take hours. The description has the shape of the bulk tasks' options, so the
same data drives the seeding and the task that audits it::

    {"mailboxes": [{"mailbox": "shared0001", "full_access": ["user0001", "user0002"],
                    "send_as": ["user0003"], "send_on_behalf": ["user0004"]}, ...],
     "groups": [{"group": "bench0001", "members": ["shared0001", ...]}, ...],
     "onprem_mailboxes": [{"mailbox": "onprem0000"}, ...]}

On-premises mailboxes (the remoting side's ``UserMailbox``) that do not exist are made as
``New-Mailbox -Name <mailbox> -UserPrincipalName <mailbox>@<vanity domain>`` makes them, by that
cmdlet's own code in this process (the on-premises benchmark seeds a thousand of them without a
pipeline each); they are made before the other entries, which may name them as trustees or
members. Groups that do not exist are made as ``New-DistributionGroup -Name`` makes them; the
grants and members are added to what is there (as Add-MailboxPermission, Add-RecipientPermission,
Set-Mailbox -GrantSendOnBehalfTo @{Add} and Add-DistributionGroupMember would), so applying a
description twice changes nothing. Every name is resolved through the identity index: the cost
is linear in the description, whatever the size of the organisation.
"""

import json

from psrpcore.types import PSSecureString

from . import cmdlets_onprem, errors, identity
from .model import MailboxAce, SendAsAce, timestamp

_MAILBOX_KEYS = {"mailbox", "full_access", "send_as", "send_on_behalf"}
_GROUP_KEYS = {"group", "members"}
_ONPREM_KEYS = {"mailbox"}
_KINDS = (("mailboxes", _MAILBOX_KEYS, "mailbox"), ("groups", _GROUP_KEYS, "group"),
          ("onprem_mailboxes", _ONPREM_KEYS, "mailbox"))
# The password of seeded on-premises users (their accounts are never logged on to).
_ONPREM_PASSWORD = "Seeded-0nprem!Pass"


def load(path):
    """The description in JSON file ``path``; ValueError naming the file if it is not one."""
    try:
        with open(path, encoding="utf-8") as handle:
            state = json.load(handle)
    except (OSError, ValueError) as exc:
        raise ValueError(f"The state file '{path}' cannot be read as JSON: {exc}") from exc
    validate(state)
    return state


def validate(state):
    """ValueError naming the first entry of ``state`` that is not a valid description."""
    if not isinstance(state, dict) or set(state) - {kind for kind, _keys, _name in _KINDS}:
        raise ValueError("The state must be an object with 'mailboxes', 'groups' and/or 'onprem_mailboxes'.")
    for kind, keys, name in _KINDS:
        entries = state.get(kind, [])
        if not isinstance(entries, list):
            raise ValueError(f"'{kind}' must be a list.")
        for index, entry in enumerate(entries):
            if not isinstance(entry, dict) or not isinstance(entry.get(name), str) or set(entry) - keys:
                raise ValueError(f"{kind}[{index}] must be an object with '{name}' and only {sorted(keys)}.")
            for key in keys - {name}:
                values = entry.get(key, [])
                if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
                    raise ValueError(f"{kind}[{index}].{key} must be a list of names.")


def apply(org, state):
    """Bring ``org`` to the described state; returns the counts of what was added.

    Raises ValueError (naming the entry) for a description that is malformed or names a
    recipient that does not exist, before anything changes (except the on-premises mailboxes,
    made first so that the other entries may name them: they stay, and applying again skips them)."""
    validate(state)
    with org.lock:
        onprem = _onprem_mailboxes(org, state.get("onprem_mailboxes", []))
        plan = _resolved(org, state)
        counts = dict.fromkeys(("full_access", "send_as", "send_on_behalf", "groups", "members"), 0)
        if "onprem_mailboxes" in state:
            counts["onprem_mailboxes"] = onprem
        for mailbox, full_access, send_as, send_on_behalf in plan["mailboxes"]:
            counts["full_access"] += _grant_full_access(mailbox, full_access)
            counts["send_as"] += _grant_send_as(mailbox, send_as)
            new = [guid for guid in send_on_behalf if guid not in mailbox.grant_send_on_behalf_to]
            if new:
                mailbox.grant_send_on_behalf_to = mailbox.grant_send_on_behalf_to + new
            counts["send_on_behalf"] += len(new)
        for name, group, members in plan["groups"]:
            if group is None:
                group = org.make_group(name, name, name, f"{name}@{org.alternate_domain}")
                group.when_created = group.when_changed = timestamp()
                org.add(group)
                counts["groups"] += 1
            new = [guid for guid in dict.fromkeys(members) if guid not in set(group.members)]
            if new:
                group.members = list(group.members) + new
            counts["members"] += len(new)
        org.changed()
    return counts


def _onprem_mailboxes(org, entries):
    """Make the on-premises mailboxes of ``entries`` that no AD user has the name of yet; how many.
    A name that is taken by something else fails as New-Mailbox would (ValueError naming it)."""
    taken = {user.name.lower() for user in org.ad_users.values()}
    new_mailbox = cmdlets_onprem.lookup("New-Mailbox")
    made = 0
    for index, entry in enumerate(entries):
        name = entry["mailbox"]
        if name.lower() in taken:
            continue
        params = {"Name": name, "UserPrincipalName": f"{name}@{org.alternate_domain}",
                  "Password": PSSecureString(_ONPREM_PASSWORD)}
        try:
            new_mailbox.handler(org, new_mailbox.bind(params), "seeding")
        except errors.CmdletFailure as exc:
            raise ValueError(f"onprem_mailboxes[{index}]: {exc.message}") from exc
        taken.add(name.lower())
        made += 1
    return made


def _resolved(org, state):
    def one(text, where, candidates=None):
        try:
            return identity.resolve(org, text, candidates)
        except errors.CmdletFailure as exc:
            raise ValueError(f"{where}: {exc.message}") from exc

    mailboxes = org.mailboxes(view=True)
    plan = {"mailboxes": [], "groups": []}
    for index, entry in enumerate(state.get("mailboxes", [])):
        where = f"mailboxes[{index}]"
        plan["mailboxes"].append((one(entry["mailbox"], where, mailboxes),
                                  *([one(t, f"{where}.{key}").guid for t in entry.get(key, [])]
                                    for key in ("full_access", "send_as", "send_on_behalf"))))
    for index, entry in enumerate(state.get("groups", [])):
        where = f"groups[{index}]"
        found = identity.find(org, entry["group"], org.groups(view=True))
        plan["groups"].append((entry["group"], found[0] if len(found) == 1 else None,
                               [one(m, f"{where}.members").guid for m in entry.get("members", [])]))
    return plan


def _grant_full_access(mailbox, trustees):
    explicit = {ace.trustee for ace in mailbox.mailbox_permissions
                if not ace.builtin and not ace.is_inherited and not ace.deny and "FullAccess" in ace.access_rights}
    new = [guid for guid in dict.fromkeys(trustees) if guid not in explicit]
    mailbox.mailbox_permissions.extend(MailboxAce(guid, ["FullAccess"]) for guid in new)
    return len(new)


def _grant_send_as(mailbox, trustees):
    held = {ace.trustee for ace in mailbox.recipient_permissions if not ace.builtin}
    new = [guid for guid in dict.fromkeys(trustees) if guid not in held]
    mailbox.recipient_permissions.extend(SendAsAce(trustee=guid) for guid in new)
    return len(new)
