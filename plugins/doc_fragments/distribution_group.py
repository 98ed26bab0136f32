# -*- coding: utf-8 -*-
# Copyright: mailops.exchange contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

# The options exo_distribution_group and onprem_exchange_distribution_group (GROUP), and
# exo_distribution_group_member and onprem_exchange_distribution_group_member (MEMBERS), document
# word for word alike, written once: each pair is one declaration (engine/groups.py) over two
# transports. Options that differ (the bulk list, on-premises placement) stay in the modules.


class ModuleDocFragment(object):

    GROUP = r"""
options:
  group:
    description:
      - The group. For an existing group any identity form Exchange accepts (name, alias, SMTP
        address, GUID); a group that does not exist is created with this as its C(Name).
      - Give O(group) or O(groups). V(name) (the option's name in earlier releases) and V(identity)
        are aliases.
    type: str
    aliases: [name, identity]
  state:
    description:
      - V(present) creates or updates the group; V(absent) removes it.
    type: str
    choices: [present, absent]
    default: present
  alias:
    description:
      - The mail alias. Exchange derives it from O(group) when a group is created without one.
    type: str
  display_name:
    description:
      - The display name. Exchange uses O(group) when a group is created without one.
    type: str
  primary_smtp_address:
    description:
      - The primary SMTP address. When it changes, the old primary stays as a secondary address.
      - Exchange derives it from the alias and the default domain when a group is created without one.
    type: str
  type:
    description:
      - V(distribution) or V(security) (a mail-enabled security group). Applies when the group is
        created; the default then is V(distribution).
      - Exchange cannot convert a group. Giving a type that differs from an existing group's type
        fails the task; remove the group and create it again instead.
    type: str
    choices: [distribution, security]
  managed_by:
    description:
      - The owners of the group, as a complete list; owners who are not listed are removed.
      - Unlike O(members), owners have no mode; leave the option out to keep the current owners.
    type: list
    elements: str
  moderated_by:
    description:
      - The moderators, who approve the messages sent to a moderated group (O(moderation_enabled)).
      - A distribution group without moderators is moderated by its owners; a security group must
        name its own.
      - The complete list, in any identity form (name, alias, address, GUID); every name is resolved
        to one recipient and compared by identity, so spelling is never a change; an unknown or
        ambiguous name fails naming the option. Recipients not listed are removed, V([]) clears the
        list, and leaving the option out keeps it as it is.
    type: list
    elements: str
  bypass_moderation_from_senders_or_members:
    description:
      - The senders (or groups, whose members then count) whose messages to a moderated group are
        delivered without approval.
      - The complete list, in any identity form (name, alias, address, GUID); every name is resolved
        to one recipient and compared by identity, so spelling is never a change; an unknown or
        ambiguous name fails naming the option. Recipients not listed are removed, V([]) clears the
        list, and leaving the option out keeps it as it is.
    type: list
    elements: str
  accept_messages_only_from_senders_or_members:
    description:
      - The only senders (or groups, whose members then count) the group accepts messages from; an
        empty list accepts everyone again.
      - The complete list, in any identity form (name, alias, address, GUID); every name is resolved
        to one recipient and compared by identity, so spelling is never a change; an unknown or
        ambiguous name fails naming the option. Recipients not listed are removed, V([]) clears the
        list, and leaving the option out keeps it as it is.
    type: list
    elements: str
  reject_messages_from_senders_or_members:
    description:
      - The senders (or groups, whose members then count) whose messages the group rejects; an empty
        list rejects no one.
      - The complete list, in any identity form (name, alias, address, GUID); every name is resolved
        to one recipient and compared by identity, so spelling is never a change; an unknown or
        ambiguous name fails naming the option. Recipients not listed are removed, V([]) clears the
        list, and leaving the option out keeps it as it is.
    type: list
    elements: str
  grant_send_on_behalf_to:
    description:
      - The recipients who may send on behalf of the group (C(GrantSendOnBehalfTo)).
      - The complete list, in any identity form (name, alias, address, GUID); every name is resolved
        to one recipient and compared by identity, so spelling is never a change; an unknown or
        ambiguous name fails naming the option. Recipients not listed are removed, V([]) clears the
        list, and leaving the option out keeps it as it is.
    type: list
    elements: str
  hidden_from_address_lists:
    description:
      - Whether the group is hidden from the address lists.
    type: bool
  require_sender_authentication:
    description:
      - Whether the group accepts mail only from authenticated (internal) senders. Exchange's
        default for a new group is V(true).
    type: bool
  member_join_restriction:
    description:
      - Whether recipients can join the group themselves (V(open)), need an owner's approval
        (V(approval_required)) or cannot (V(closed), Exchange's default).
      - Security groups cannot be V(open).
    type: str
    choices: [open, closed, approval_required]
  member_depart_restriction:
    description:
      - Whether members can leave the group themselves (V(open), the default for distribution
        groups), need an owner's approval (V(approval_required)) or cannot (V(closed), the default
        for security groups).
      - Security groups cannot be V(open).
    type: str
    choices: [open, closed, approval_required]
  moderation_enabled:
    description:
      - Whether messages sent to the group wait for a moderator's approval (Exchange's default is
        V(false)). The moderators are O(moderated_by), or the owners of a distribution group that
        names none; a moderated security group must name its moderators, or the task fails
        before any write.
    type: bool
  send_moderation_notifications:
    description:
      - Whom Exchange tells that their message to a moderated group was not approved - every sender
        (V(always), Exchange's default), senders inside the organisation (V(internal)) or no one
        (V(never)).
    type: str
    choices: [always, internal, never]
  notes:
    description:
      - The group's notes (C(Notes), written by C(Set-Group)); an empty string clears them.
      - Read with one C(Get-Group) per group, only when the option is given.
    type: str
  custom_attributes:
    description:
      - Custom attributes by number, V(1) to V(15) (C(CustomAttribute1) to C(CustomAttribute15)
        of C(Set-DistributionGroup)), each at most 1024 characters. An empty value clears one.
      - Only the numbers given are managed. A new group gets them from the C(Set-DistributionGroup)
        that follows its creation (C(New-DistributionGroup) does not take them).
    type: dict
  members:
    description:
      - The group's direct members, in any identity form (name, alias, address, GUID), each
        resolved to one recipient and compared by identity; an unknown or ambiguous name fails
        naming the option before any write.
      - O(members_mode) says what the list means. Leave the option out to leave the members alone
        (they are then not read).
      - The members of a new group go in its C(New-DistributionGroup); an existing group's change
        is one C(Add-DistributionGroupMember) or C(Remove-DistributionGroupMember) per member, after
        its other settings.
    type: list
    elements: str
  members_mode:
    description:
      - V(present) adds the listed members where missing and leaves the others; V(absent) removes
        the listed members where present; V(exact) adds the listed members and removes every other
        member, so the list becomes the whole membership (an empty list removes every member).
      - The convention of the collection's multi-valued options guide (V(present) and V(absent) are
        its C(state), V(exact) its C(state=present) with C(exclusive=true)).
    type: str
    choices: [present, absent, exact]
    default: present
"""

    MEMBERS = r"""
options:
  group:
    description:
      - The group, in any identity form Exchange accepts (name, alias, SMTP address, GUID).
      - Give O(group) or O(groups).
    type: str
  members:
    description:
      - The recipients to add or remove (mailboxes, mail users, contacts or other groups).
      - Required with O(group); with O(groups), the members of every entry that gives none.
    type: list
    elements: str
  state:
    description:
      - V(present) adds the listed members; V(absent) removes them.
    type: str
    choices: [present, absent]
    default: present
  exclusive:
    description:
      - With O(state=present), also remove every member that is not listed. An empty O(members)
        list with O(exclusive=true) empties the group.
      - Not allowed with O(state=absent).
    type: bool
    default: false
"""
