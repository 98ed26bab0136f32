"""Entra users, groups and licences under Microsoft Graph, and the mailboxes licences make.

Users (``usageLocation``, ``assignedLicenses``, ``licenseAssignmentStates``), security groups
with members and group-based licences, ``subscribedSkus`` with their counts, and
``assignLicense`` on a user, with Graph's shapes and errors (docs/sandbox.md, "Licences").

Every mailbox user the Exchange organisation is seeded with is an Entra user with an Exchange
Online (Plan 1) licence; a few joiners are Entra users with no licence and no mailbox. A licence
that includes an Exchange Online service plan (given directly or through a group) makes Exchange
create the user's mailbox after ``provisioning_delay_s`` seconds; when the user loses it the
mailbox is disconnected (soft-deleted: its name and addresses stay taken) and a licence given back
reconnects it. Those two are guesses about the service, written down in docs/sandbox.md.
"""

import threading
import uuid

from .graph_directory import bad_request, not_found
from .web import Response, json_response

# Part number, SKU id, display name and service plans (name, id) of the SKUs the tenant
# subscribes to (ids from Microsoft's "Product names and service plan identifiers for licensing").
SKUS = (
    ("EXCHANGESTANDARD", "4b9405b0-7788-4568-add1-99614e613b69", (
        ("EXCHANGE_S_STANDARD", "9aaf7827-d63c-4b61-89c3-182f06f82e5c"),)),
    ("SPE_E3", "05e9a617-0261-4cee-bb44-138d3ef5d965", (
        ("EXCHANGE_S_ENTERPRISE", "efb87545-963c-4e0d-99df-69c6916d9eb0"),
        ("SHAREPOINTENTERPRISE", "5dbe027f-2339-4123-9542-606e4d348a72"),
        ("TEAMS1", "57ff2da0-773e-42df-b2af-ffb7a2317929"),
        ("MCOSTANDARD", "0feaeb32-d00e-4d66-bd5a-43b5b83db82c"),
        ("OFFICESUBSCRIPTION", "43de0ff5-c92c-492b-9116-175376d08c38"))),
    ("POWER_BI_PRO", "f8a1db68-be16-40ed-86d5-cb42ce701560", (
        ("BI_AZURE_P2", "70d33638-9c74-4d01-bfd3-562de28bd4ba"),)),
)
# Service plans that give the user an Exchange Online mailbox.
EXCHANGE_PLANS = {"9aaf7827-d63c-4b61-89c3-182f06f82e5c", "efb87545-963c-4e0d-99df-69c6916d9eb0"}
# Seats bought beyond the seeded users' (EXCHANGESTANDARD), and of the others.
SPARE_EXCHANGE_SEATS = 10
PREPAID = {"SPE_E3": 5, "POWER_BI_PRO": 1}
# Entra users with no licence and no mailbox yet: alias, display name, usage location.
JOINERS = (("nina.novak", "Nina Novak", None), ("oscar.olsen", "Oscar Olsen", None),
           ("petra.pohl", "Petra Pohl", "DE"), ("quinn.quade", "Quinn Quade", None),
           ("rosa.rossi", "Rosa Rossi", None), ("sam.sato", "Sam Sato", None))
# Security groups: alias, display name, the SKU part numbers they license their members with.
GROUPS = (("lic-exchange", "Licence - Exchange Online", ("EXCHANGESTANDARD",)),
          ("lic-e3", "Licence - Microsoft 365 E3", ("SPE_E3",)),
          ("project-falcon", "Project Falcon", ()))
ALREADY_MEMBER = ("One or more added object references already exist for the following modified "
                  "properties: 'members'.")


class People:
    """The tenant's Entra users, groups and subscriptions, and the mailboxes their licences make.

    ``provisioning`` returns the current provisioning delay in seconds. Callers hold ``lock`` (the
    Graph lock), as a delayed provisioning does too; the mailbox work then takes the organisation's.
    """

    def __init__(self, org, provisioning=lambda: 0, lock=None):
        self.org = org
        self._provisioning = provisioning
        self._lock = lock or threading.RLock()
        self._generation = 0
        self.users = {}
        self.groups = {}
        self.skus = {}
        self.reset()

    def _id(self, kind, alias):
        return str(uuid.uuid5(uuid.UUID(self.org.tenant_id), f"{kind}:{alias}"))

    def reset(self):
        """The seeded state: one licensed user per seeded user mailbox, the joiners, the groups."""
        self._generation += 1
        self.users, self.groups = {}, {}
        exchange = SKUS[0][1]
        for recipient in self.org.mailboxes():
            if recipient.recipient_type_details != "UserMailbox":
                continue
            self._add_user(recipient.external_directory_object_id, recipient.alias, recipient.display_name,
                           recipient.user_principal_name, "US", {exchange: []}, recipient.primary_smtp_address)
        self.users[self._id("entra", "bob")]["direct"][SKUS[2][1]] = []
        for alias, name, location in JOINERS:
            self._add_user(self._id("entra", alias), alias, name, f"{alias}@{self.org.alternate_domain}",
                           location, {}, None)
        licensed = sum(1 for u in self.users.values() if exchange in u["direct"])
        self.skus = {}
        for part, sku_id, plans in SKUS:
            self.skus[sku_id] = {"skuId": sku_id, "skuPartNumber": part, "plans": plans,
                                 "prepaid": PREPAID.get(part, licensed + SPARE_EXCHANGE_SEATS)}
        for alias, name, parts in GROUPS:
            sku_ids = [s for s, sku in self.skus.items() if sku["skuPartNumber"] in parts]
            self.groups[self._id("group", alias)] = {
                "id": self._id("group", alias), "displayName": name, "mailNickname": alias, "mail": None,
                "securityEnabled": True, "mailEnabled": False, "groupTypes": [],
                "licences": {s: [] for s in sku_ids}, "members": []}

    def _add_user(self, user_id, alias, name, upn, location, direct, mail):
        self.users[user_id] = {"id": user_id, "displayName": name, "userPrincipalName": upn, "mail": mail,
                               "mailNickname": alias, "usageLocation": location, "accountEnabled": True,
                               "direct": direct}

    # -- reads ------------------------------------------------------------------------------

    def user(self, key):
        """The user whose id or userPrincipalName is ``key``; 404 otherwise."""
        folded = key.lower()
        for user in self.users.values():
            if folded in (user["id"], user["userPrincipalName"].lower()):
                return user
        raise not_found(key)

    def group(self, key):
        """The group whose id is ``key``; 404 otherwise."""
        if key.lower() in self.groups:
            return self.groups[key.lower()]
        raise not_found(key)

    def states(self, user):
        """The user's ``licenseAssignmentStates``: direct ones, then one per licensing group."""
        states = [{"skuId": s, "disabledPlans": list(p), "assignedByGroup": None, "state": "Active", "error": "None"}
                  for s, p in user["direct"].items()]
        for group in self.groups.values():
            if user["id"] in group["members"]:
                states.extend({"skuId": s, "disabledPlans": list(p), "assignedByGroup": group["id"],
                               "state": "Active", "error": "None"} for s, p in group["licences"].items())
        return states

    def assigned(self, user):
        """``assignedLicenses``: one per SKU, its disabled plans those every assignment disables."""
        merged = {}
        for state in self.states(user):
            plans = set(state["disabledPlans"])
            merged[state["skuId"]] = merged[state["skuId"]] & plans if state["skuId"] in merged else plans
        return [{"skuId": s, "disabledPlans": sorted(p)} for s, p in merged.items()]

    def user_view(self, user):
        view = {k: v for k, v in user.items() if k != "direct"}
        view["assignedLicenses"] = self.assigned(user)
        view["licenseAssignmentStates"] = self.states(user)
        return view

    def group_view(self, group):
        view = {k: v for k, v in group.items() if k not in ("licences", "members")}
        view["assignedLicenses"] = [{"skuId": s, "disabledPlans": list(p)} for s, p in group["licences"].items()]
        return view

    def member_view(self, member_id):
        user = self.users[member_id]
        return {"@odata.type": "#microsoft.graph.user", "id": user["id"], "displayName": user["displayName"],
                "userPrincipalName": user["userPrincipalName"], "mail": user["mail"]}

    def consumed(self, sku_id):
        return sum(1 for user in self.users.values() if any(a["skuId"] == sku_id for a in self.assigned(user)))

    def sku_views(self):
        """``subscribedSkus``, with the seats each has and uses."""
        return [{"id": f"{self.org.tenant_id}_{sku['skuId']}", "skuId": sku["skuId"],
                 "skuPartNumber": sku["skuPartNumber"], "appliesTo": "User", "capabilityStatus": "Enabled",
                 "consumedUnits": self.consumed(sku["skuId"]),
                 "prepaidUnits": {"enabled": sku["prepaid"], "suspended": 0, "warning": 0, "lockedOut": 0},
                 "servicePlans": [{"servicePlanId": i, "servicePlanName": n, "provisioningStatus": "Success",
                                   "appliesTo": "User"} for n, i in sku["plans"]]}
                for sku in self.skus.values()]

    # -- writes -----------------------------------------------------------------------------

    def update_user(self, user, body):
        """PATCH a user: only ``usageLocation`` is writable here."""
        unknown = sorted(set(body) - {"usageLocation"})
        if unknown:
            raise bad_request(f"The sandbox cannot change the property '{unknown[0]}' of a user.")
        location = body["usageLocation"]
        if location is not None and (not isinstance(location, str) or len(location) != 2 or not location.isalpha()):
            raise bad_request("Invalid value specified for property 'usageLocation' of resource 'User'.")
        user["usageLocation"] = location.upper() if location else None

    def assign_licence(self, user, body):
        """``assignLicense``: both lists required; checked whole before anything changes."""
        missing = [k for k in ("addLicenses", "removeLicenses") if not isinstance(body.get(k), list)]
        if missing:
            raise bad_request("One or more parameters of the operation 'assignLicense' are missing from the "
                              f"request payload. The missing parameters are: {', '.join(missing)}.")
        adds = {}
        for entry in body["addLicenses"]:
            sku = self.skus.get(str((entry or {}).get("skuId")).lower())
            if sku is None:
                raise bad_request(f"License {(entry or {}).get('skuId')} does not correspond to a valid company License.")
            plan_ids = {i for unused, i in sku["plans"]}
            disabled = [str(p).lower() for p in entry.get("disabledPlans") or ()]
            if set(disabled) - plan_ids:
                raise bad_request(f"Service plan {sorted(set(disabled) - plan_ids)[0]} does not belong to "
                                  f"license {sku['skuId']}.")
            adds[sku["skuId"]] = disabled
        removes = [str(s).lower() for s in body["removeLicenses"]]
        for sku_id in removes:
            if sku_id not in user["direct"]:
                raise bad_request(f"User does not have a corresponding license {sku_id} to remove.")
        if adds and not user["usageLocation"]:
            raise bad_request("License assignment cannot be done for user with invalid usage location.")
        had = {a["skuId"] for a in self.assigned(user)}
        for sku_id in adds:
            if sku_id not in had and self.consumed(sku_id) >= self.skus[sku_id]["prepaid"]:
                raise bad_request(f"Subscription {sku_id} does not have any available licenses.")
        before = self.exchange_licensed(user)
        for sku_id in removes:
            del user["direct"][sku_id]
        user["direct"].update(adds)
        self.licences_changed(user, before)
        return self.user_view(user)

    def add_member(self, group, body):
        """POST ``groups/{id}/members/$ref``."""
        reference = str(body.get("@odata.id") or "")
        member_id = reference.rstrip("/").rsplit("/", 1)[-1].lower()
        if "/directoryobjects/" not in reference.lower() or member_id not in self.users:
            raise bad_request(f"Invalid object identifier '{member_id}'.")
        if member_id in group["members"]:
            raise bad_request(ALREADY_MEMBER)
        user = self.users[member_id]
        before = self.exchange_licensed(user)
        group["members"].append(member_id)
        self.licences_changed(user, before)

    def remove_member(self, group, member_id):
        """DELETE ``groups/{id}/members/{member}/$ref``."""
        member_id = member_id.lower()
        if member_id not in group["members"]:
            raise not_found(member_id)
        user = self.users[member_id]
        before = self.exchange_licensed(user)
        group["members"].remove(member_id)
        self.licences_changed(user, before)

    # -- mailboxes --------------------------------------------------------------------------

    def exchange_licensed(self, user):
        """Whether an assigned licence leaves an Exchange Online plan enabled for the user."""
        return any(plan_id in EXCHANGE_PLANS and plan_id not in a["disabledPlans"]
                   for a in self.assigned(user) for unused, plan_id in self.skus[a["skuId"]]["plans"])

    def licences_changed(self, user, before):
        """Provision or disconnect the user's mailbox when its Exchange licence came or went."""
        after = self.exchange_licensed(user)
        if after and not before:
            delay = float(self._provisioning() or 0)
            if delay <= 0:
                self.provision(user["id"], self._generation)
            else:
                timer = threading.Timer(delay, self.provision, (user["id"], self._generation))
                timer.daemon = True
                timer.start()
        elif before and not after:
            with self.org.lock:
                mailbox = self._mailbox(user["id"])
                if mailbox is not None:
                    self.org.soft_delete(mailbox)

    def _mailbox(self, user_id):
        return next((r for r in self.org.mailboxes() if r.external_directory_object_id == user_id), None)

    def provision(self, user_id, generation):
        """Make (or reconnect) the mailbox of a user who still holds an Exchange licence."""
        with self._lock, self.org.lock:
            user = self.users.get(user_id)
            if generation != self._generation or user is None or not self.exchange_licensed(user) \
                    or self._mailbox(user_id) is not None:
                return
            for recipient, unused in list(self.org.soft_deleted.values()):
                if recipient.external_directory_object_id == user_id:
                    del self.org.soft_deleted[recipient.guid]
                    self.org.recipients[recipient.guid] = recipient
                    self.org.index.add(recipient)
                    self.org.changed()
                    return
            alias = user["mailNickname"]
            mailbox = self.org.make_mailbox(alias, alias, user["displayName"], [
                f"SMTP:{user['userPrincipalName']}", f"smtp:{alias}@{self.org.domain}"], "UserMailbox")
            mailbox.external_directory_object_id = user_id
            self.org.add(mailbox)
            user["mail"] = user["userPrincipalName"]


# The application permissions each operation accepts, the least privileged first (the Graph API
# reference of each; assignLicense lists User.ReadWrite.All, LicenseAssignment.ReadWrite.All is a guess).
READ_USERS = ("User.Read.All", "User.ReadWrite.All", "Directory.Read.All", "Directory.ReadWrite.All")
WRITE_USERS = ("User.ReadWrite.All", "Directory.ReadWrite.All")
ASSIGN_LICENCES = ("LicenseAssignment.ReadWrite.All", "User.ReadWrite.All", "Directory.ReadWrite.All")
READ_SKUS = ("LicenseAssignment.Read.All", "Organization.Read.All", "Directory.Read.All")
READ_GROUPS = ("GroupMember.Read.All", "Group.Read.All", "GroupMember.ReadWrite.All", "Group.ReadWrite.All",
               "Directory.Read.All")
WRITE_MEMBERS = ("GroupMember.ReadWrite.All", "Group.ReadWrite.All", "Directory.ReadWrite.All")
# What Graph returns of a user without $select: usageLocation and licences only when selected.
USER_DEFAULT = ("id", "displayName", "userPrincipalName", "mail", "mailNickname", "accountEnabled")


def _selected(call, view, default=None):
    select = [s.strip() for s in (call.request.query_value("$select") or "").split(",") if s.strip()]
    names = select or default
    return {k: v for k, v in view.items() if k in names or k == "id"} if names else view


def route(call, method, parts):
    """Serve ``users``, ``groups`` and ``subscribedSkus`` paths, or None when ``parts`` is none of them."""
    people = call.sandbox.graph_directory.people
    if parts == ["subscribedSkus"] and method == "GET":
        call.require(READ_SKUS)
        return json_response(200, {"value": people.sku_views()})
    if parts[0] == "users":
        return _users(call, people, method, parts[1:])
    if parts[0] == "groups":
        return _groups(call, people, method, parts[1:])
    return None


def _users(call, people, method, rest):
    if not rest and method == "GET":
        call.require(READ_USERS)
        rows = [_selected(call, people.user_view(u), USER_DEFAULT) for u in people.users.values()]
        return call.collection("users", rows, "users")
    if len(rest) == 1 and method == "GET":
        call.require(READ_USERS)
        return json_response(200, _selected(call, people.user_view(people.user(rest[0])), USER_DEFAULT))
    if len(rest) == 1 and method == "PATCH":
        call.require(WRITE_USERS)
        people.update_user(people.user(rest[0]), call.body())
        return Response(204)
    if rest[1:] == ["assignLicense"] and method == "POST":
        call.require(ASSIGN_LICENCES)
        return json_response(200, _selected(call, people.assign_licence(people.user(rest[0]), call.body()),
                                            USER_DEFAULT))
    raise not_found("/".join(["users"] + rest))


def _groups(call, people, method, rest):
    if method == "GET":
        call.require(READ_GROUPS)
        if not rest:
            return call.collection("groups", [people.group_view(g) for g in people.groups.values()], "groups")
        group = people.group(rest[0])
        if len(rest) == 1:
            return json_response(200, _selected(call, people.group_view(group)))
        if rest[1:] == ["members"]:
            return call.collection("members", [people.member_view(m) for m in group["members"]], "directoryObjects")
    if method == "POST" and rest[1:] == ["members", "$ref"]:
        call.require(WRITE_MEMBERS)
        people.add_member(people.group(rest[0]), call.body())
        return Response(204)
    if method == "DELETE" and len(rest) == 4 and rest[1] == "members" and rest[3] == "$ref":
        call.require(WRITE_MEMBERS)
        people.remove_member(people.group(rest[0]), rest[2])
        return Response(204)
    raise not_found("/".join(["groups"] + rest))
