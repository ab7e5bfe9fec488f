"""The Alkemio server's demo rows: a subset of its TypeORM schema (`alkemio_mysql.sql` on
MySQL, `alkemio_postgres.sql` for the target), table by table in `ALKEMIO_ORDER` (parents
first). Users are the shared people, bar every ninth, authenticated by their Kratos identity."""

from __future__ import annotations

import json
import zlib
from datetime import datetime
from decimal import Decimal
from typing import Any

from .values import Gen, Person, Rows, slug

CITIES = [
    ("Den Haag", "NL"),
    ("Amsterdam", "NL"),
    ("Zürich", "CH"),
    ("Kraków", "PL"),
    ("São Paulo", "BR"),
    ("Москва", "RU"),
    ("東京", "JP"),
    ("Reykjavík", "IS"),
    ("", ""),
    (None, None),
]
TAGS = [
    "innovation",
    "energy",
    "climate",
    "mobility",
    "health",
    "AI",
    "  spaced tag  ",
    "ümlaut",
    "\U0001f331 green",
    "C#",
    "semi;colon",
    "open-source",
    "water",
    "data",
    "co-creation",
]


def _base(g: Gen, created: datetime | None = None) -> dict[str, Any]:
    created = created or g.when()
    return {
        "id": g.uuid(),
        "createdDate": created,
        "updatedDate": g.after(created, 90 * 86400),
        "version": g.rng.randint(1, 7),
    }


class Alkemio:
    def __init__(self, g: Gen, people: list[Person], scale: int) -> None:
        self.g = g
        self.people = people
        self.scale = scale
        self.rows: Rows = {t: [] for t in ALKEMIO_ORDER}
        self.row_ids: dict[str, int] = {}
        self.user_agents: dict[str, str] = {}

    def add(self, table: str, row: dict[str, Any]) -> dict[str, Any]:
        self.rows[table].append(row)
        return row

    def next_row_id(self, table: str) -> int:
        # Gaps, as deleted rows leave them: the target's sequence must be set past the maximum.
        self.row_ids[table] = self.row_ids.get(table, 0) + self.g.rng.choice([1, 1, 1, 2, 5])
        return self.row_ids[table]

    # building blocks ------------------------------------------------------------------------

    def auth(self, kind: str, parent: str | None) -> str:
        g = self.g
        criteria_type = g.rng.choice(["global-admin", "space-member", "space-admin", "user-self"])
        credential_rules = [
            {
                "name": f"{kind}-{criteria_type}",
                "cascade": g.rng.random() < 0.7,
                "criterias": [{"type": criteria_type, "resourceID": g.uuid()}],
                "grantedPrivileges": g.rng.sample(
                    ["create", "read", "update", "delete", "grant", "contribute"], 3
                ),
            }
            for _ in range(g.rng.randint(0, 3))
        ]
        privilege_rules = (
            [
                {
                    "name": "create-callout",
                    "sourcePrivilege": "create",
                    "grantedPrivileges": ["create-callout"],
                }
            ]
            if g.rng.random() < 0.3
            else []
        )
        row = _base(g)
        row.update(
            credentialRules=g.json(credential_rules),
            privilegeRules=g.json(privilege_rules),
            type=kind,
            parentAuthorizationPolicyId=parent,
        )
        return self.add("authorization_policy", row)["id"]

    def profile(
        self,
        kind: str,
        display_name: str,
        parent_auth: str | None,
        *,
        location: bool = False,
        references: int = 0,
        visuals: tuple[str, ...] = (),
    ) -> str:
        g = self.g
        auth = self.auth("profile", parent_auth)
        location_id = None
        if location:
            city, country = g.rng.choice(CITIES)
            loc = _base(g)
            loc.update(
                city=city,
                country=country,
                addressLine1=g.rng.choice(
                    ["Kerkstraat 1, 2nd floor", "", None, "Rue de l'Église 7"]
                ),
                addressLine2=g.rng.choice([None, "", 'c/o "Alkemio"']),
                stateOrProvince=g.rng.choice([None, "Zuid-Holland", ""]),
                postalCode=g.rng.choice(["2511 AB", "8001", None, ""]),
                geoLocation=None
                if g.rng.random() < 0.4
                else g.json(
                    {
                        "isValid": True,
                        "latitude": round(g.rng.uniform(-80, 80), 6),
                        "longitude": round(g.rng.uniform(-179, 179), 6),
                    }
                ),
            )
            location_id = self.add("location", loc)["id"]
        row = _base(g)
        row.update(
            displayName=display_name,
            tagline=g.nullable_text(f"{display_name} \u2014 together \U0001f680"),
            description=g.nullable_text(
                f"## About {display_name}\n\nWe *collaborate* on challenges, "
                f'"big" and small.\r\nSee https://alkem.io/{g.token(8)}?a=1&b=2,3'
            ),
            type=kind,
            authorizationId=auth,
            locationId=location_id,
        )
        profile_id = self.add("profile", row)["id"]
        for _ in range(references):
            ref = _base(g)
            ref.update(
                name=g.rng.choice(
                    ["website", "linkedin", "github", 'Docs, "v2"', "wiki \U0001f4da"]
                ),
                uri=g.rng.choice(
                    [
                        f'https://example.org/{g.token(6)}?q=a,b&r="x"',
                        f"https://ünicode.example/päth/{g.token(4)}",
                        "",
                        "mailto:someone@example.org",
                    ]
                ),
                description=g.nullable_text("A useful link"),
                authorizationId=self.auth("reference", auth),
                profileId=profile_id,
            )
            self.add("reference", ref)
        tags = g.rng.sample(TAGS, g.rng.randint(0, 5))
        tagset = _base(g)
        tagset.update(
            name="default",
            type="freeform",
            tags=",".join(tags),  # TypeORM simple-array: '' when empty
            authorizationId=self.auth("tagset", auth),
            profileId=profile_id,
        )
        self.add("tagset", tagset)
        for visual_name in visuals:
            visual = _base(g)
            banner = visual_name == "banner"
            visual.update(
                name=visual_name,
                uri=g.rng.choice(
                    ["", f"https://alkem.io/api/private/rest/storage/document/{g.uuid()}"]
                ),
                minWidth=190 if not banner else 384,
                maxWidth=410 if not banner else 1536,
                minHeight=190 if not banner else 64,
                maxHeight=410 if not banner else 256,
                aspectRatio=Decimal("1.0") if not banner else Decimal("6.0"),
                allowedTypes="image/png,image/jpeg,image/jpg,image/svg+xml,image/webp",
                alternativeText=g.rng.choice([None, "", 'Logo of "us"', "Ärger \U0001f600"]),
                authorizationId=self.auth("visual", auth),
                profileId=profile_id,
            )
            self.add("visual", visual)
        return profile_id

    def agent(self, kind: str, parent_auth: str | None) -> str:
        g = self.g
        row = _base(g)
        row.update(
            did=g.rng.choice([None, f"did:jolo:{g.hexdigest(64)}"]),
            password=g.rng.choice([None, g.token(20)]),
            type=kind,
            authorizationId=self.auth("agent", parent_auth),
        )
        return self.add("agent", row)["id"]

    def credential(self, agent_id: str, kind: str, resource_id: str, issuer: str | None) -> None:
        g = self.g
        row = _base(g)
        row.update(
            resourceID=resource_id,
            type=kind,
            issuer=issuer,
            expires=None if g.rng.random() < 0.8 else g.when(micro=False),
            agentId=agent_id,
        )
        self.add("credential", row)

    def license(self, kind: str, parent_auth: str | None) -> str:
        g = self.g
        row = _base(g)
        row.update(type=kind, authorizationId=self.auth("license", parent_auth))
        license_id = self.add("license", row)["id"]
        for entitlement in g.rng.sample(
            [
                "space-flag-save-as-template",
                "space-flag-virtual-contributor-access",
                "account-space-free",
                "account-innovation-hub",
            ],
            2,
        ):
            ent = _base(g)
            ent.update(
                type=entitlement,
                dataType=g.rng.choice(["flag", "limit"]),
                limit=g.rng.choice([0, 1, 3, 2147483647]),
                enabled=g.rng.randint(0, 1),
                licenseId=license_id,
            )
            self.add("license_entitlement", ent)
        return license_id

    def account(self, parent_auth: str | None) -> str:
        g = self.g
        auth = self.auth("account", parent_auth)
        row = _base(g)
        row.update(
            type=g.rng.choice(["user", "organization"]),
            externalSubscriptionID=g.rng.choice([None, "", f"sub_{g.token(14)}"]),
            baselineLicensePlan=g.json(
                {
                    "spaceFree": g.rng.randint(0, 3),
                    "spacePlus": 0,
                    "spacePremium": 0,
                    "virtualContributor": 1,
                    "innovationPacks": 0,
                    "startingPages": 0,
                }
            ),
            authorizationId=auth,
            agentId=self.agent("account", auth),
            licenseId=self.license("account", auth),
        )
        return self.add("account", row)["id"]

    # entities -------------------------------------------------------------------------------

    def build(self) -> Rows:
        g = self.g
        users = []
        for i, person in enumerate(self.people):
            if i % 9 == 8:
                continue  # a Kratos identity that never became an Alkemio user
            users.append(self.user(i, person))
        platform_admin = users[0]
        for i in range(12 * self.scale):
            self.organization(i, users)
        self.credential(self.rows["user"][0]["agentId"], "global-admin", "", None)
        level_zero = max(1, 6 * self.scale)
        for i in range(level_zero):
            self.space_tree(i, users)
        # Two rows carry '' in a nullable uuid column (credential.issuer): a migration turns
        # '' into NULL there by design. No other uuid column holds ''.
        creds = self.rows["credential"]
        for row in (creds[1], creds[len(creds) // 2]):
            row["issuer"] = ""
        for j in range(3):
            row = {
                "id": j + 1,
                "timestamp": 1705618345186 + j * 86400000,
                "name": f"schemaSetup{1705618345186 + j}",
            }
            self.add("migrations_typeorm", row)
        self.add(
            "query-result-cache",
            {
                "id": 1,
                "identifier": None,
                "time": 1726560000000,
                "duration": 30000,
                "query": "SELECT * FROM `user` WHERE `id` = ?",
                "result": g.json([{"id": platform_admin}]),
            },
        )
        return self.rows

    def user(self, i: int, person: Person) -> str:
        g = self.g
        created = g.when()
        row = _base(g, created)
        row["rowId"] = self.next_row_id("user")
        auth = self.auth("user", None)
        row.update(
            nameID=f"{slug(person.first)}-{slug(person.last)}-{i}"[:36],
            accountUpn=person.email,
            firstName=person.first,
            lastName=person.last,
            email=person.email,
            phone=g.rng.choice([None, "", "+31 6 1234 5678", "NULL", "(020) 555-0100 ext. 7"]),
            serviceProfile=1 if i % 25 == 0 else 0,
            authenticationID=None if i % 10 == 3 else person.identity_id,
            settings=g.json(
                {
                    "communication": {
                        "allowOtherUsersToSendMessages": g.rng.random() < 0.5,
                        "notification": {"platform": {"newUserSignUp": False}},
                    },
                    "privacy": {"contributionRolesPubliclyVisible": True},
                    "locale": g.rng.choice(["en", "nl", "de", "fr"]),
                }
            ),
            accountID=self.account(auth),
            authorizationId=auth,
        )
        row["profileId"] = self.profile(
            "user",
            f"{person.first} {person.last}",
            auth,
            location=True,
            references=g.rng.randint(0, 2),
            visuals=("avatar",),
        )
        row["agentId"] = self.agent("user", auth)
        self.user_agents[row["id"]] = row["agentId"]
        self.add("user", row)
        self.credential(row["agentId"], "global-registered", "", None)
        self.credential(row["agentId"], "user-self", row["id"], None)
        return row["id"]

    def organization(self, i: int, users: list[str]) -> str:
        g = self.g
        row = _base(g)
        row["rowId"] = self.next_row_id("organization")
        auth = self.auth("organization", None)
        name = (
            g.rng.choice(
                [
                    'Stichting "Groen"',
                    "Acme, Inc.",
                    "Müller & Söhne GmbH",
                    "O'Reilly B.V.",
                    "\U0001f30d Planet Co-op",
                    "  Spaces Ltd  ",
                    "Back\\slash Labs",
                ]
            )
            + f" {i}"
        )
        role_auth = self.auth("role-set", auth)
        role_set = _base(g)
        role_set.update(
            entryRoleName="associate",
            type="organization",
            authorizationId=role_auth,
            licenseId=None,
            parentRoleSetId=None,
        )
        self.add("role_set", role_set)
        row.update(
            nameID=f"org-{i}-{g.token(6).lower()}",
            accountID=self.account(auth),
            legalEntityName=g.nullable_text(name + " (legal)"),
            domain=g.rng.choice([None, "", f"org{i}.example.org"]),
            website=g.rng.choice([None, "", f"https://org{i}.example.org/?ref=a,b"]),
            contactEmail=g.rng.choice([None, "", f"info@org{i}.example.org"]),
            settings=g.json(
                {
                    "membership": {"allowUsersMatchingDomainToJoin": g.rng.random() < 0.5},
                    "privacy": {"contributionRolesPubliclyVisible": True},
                }
            ),
            authorizationId=auth,
            profileId=self.profile(
                "organization", name, auth, location=True, references=1, visuals=("avatar",)
            ),
            agentId=self.agent("organization", auth),
            roleSetId=role_set["id"],
        )
        self.add("organization", row)
        for user_id in g.rng.sample(users, min(3, len(users))):
            agent = self.user_agents[user_id]
            self.credential(agent, "organization-associate", row["id"], user_id)
        return row["id"]

    def space_tree(self, i: int, users: list[str]) -> None:
        g = self.g
        account = g.rng.choice(self.rows["account"])["id"]
        root = self.space(f"space-{i}", 0, None, None, account, users)
        for j in range(2):
            child = self.space(f"space-{i}-{j}", 1, root, root, None, users)
            self.space(f"space-{i}-{j}-0", 2, child, root, None, users)

    def space(
        self,
        name_id: str,
        level: int,
        parent: dict[str, Any] | None,
        level_zero: dict[str, Any] | None,
        account: str | None,
        users: list[str],
    ) -> dict[str, Any]:
        g = self.g
        row = _base(g)
        row["rowId"] = self.next_row_id("space")
        parent_auth = parent["authorizationId"] if parent else None
        auth = self.auth("space", parent_auth)
        role_set = _base(g)
        role_set.update(
            entryRoleName="member",
            type="space",
            authorizationId=self.auth("role-set", auth),
            licenseId=self.license("role-set", auth),
            parentRoleSetId=parent["roleSetId"] if parent else None,
        )
        self.add("role_set", role_set)
        collaboration_auth = self.auth("collaboration", auth)
        calloutsset_auth = self.auth("callouts-set", collaboration_auth)
        callouts_set = _base(g)
        callouts_set.update(type="collaboration", authorizationId=calloutsset_auth)
        self.add("callouts_set", callouts_set)
        collaboration = _base(g)
        collaboration.update(
            isTemplate=0,
            authorizationId=collaboration_auth,
            calloutsSetId=callouts_set["id"],
            licenseId=self.license("collaboration", collaboration_auth),
        )
        self.add("collaboration", collaboration)
        display = f"{g.rng.choice(['Energy', 'Water', 'Mobility', 'Zorg & Welzijn', 'Ümwelt'])} "
        display += ["Space", "Subspace", "Sub-subspace"][level] + f" {name_id}"
        row.update(
            nameID=name_id,
            level=level,
            levelZeroSpaceID=level_zero["id"] if level_zero else row["id"],
            visibility=g.rng.choice(["active", "active", "demo", "archived"]),
            settings=g.json(
                {
                    "privacy": {
                        "mode": g.rng.choice(["public", "private"]),
                        "allowPlatformSupportAsAdmin": False,
                    },
                    "membership": {
                        "policy": g.rng.choice(["open", "applications", "invitations"]),
                        "trustedOrganizations": [],
                        "allowSubspaceAdminsToInviteMembers": True,
                    },
                    "collaboration": {
                        "inheritMembershipRights": True,
                        "allowMembersToCreateCallouts": level > 0,
                        "allowMembersToCreateSubspaces": True,
                        "allowEventsFromSubspaces": True,
                    },
                }
            ),
            platformRolesAccess=g.json(
                {"roles": [{"roleName": "global-admin", "grantedPrivileges": ["read", "update"]}]}
            ),
            authorizationId=auth,
            profileId=self.profile(
                "space" if level == 0 else ("challenge" if level == 1 else "opportunity"),
                display,
                auth,
                location=True,
                references=g.rng.randint(0, 2),
                visuals=("banner", "card"),
            ),
            agentId=self.agent("space", auth),
            collaborationId=collaboration["id"],
            roleSetId=role_set["id"],
            licenseId=self.license("space", auth),
            parentSpaceId=parent["id"] if parent else None,
            accountId=account,
        )
        self.add("space", row)
        members = g.rng.sample(users, min(len(users), 6))
        for k, user_id in enumerate(members):
            agent = self.user_agents[user_id]
            self.credential(
                agent,
                "space-admin" if k == 0 else "space-member",
                row["id"],
                g.rng.choice([None, members[0]]),
            )
        for k in range(3):
            self.callout(row, collaboration, callouts_set, k, members)
        return row

    def callout(
        self,
        space: dict[str, Any],
        collaboration: dict[str, Any],
        callouts_set: dict[str, Any],
        k: int,
        members: list[str],
    ) -> None:
        g = self.g
        auth = self.auth("callout", callouts_set["authorizationId"])
        framing_auth = self.auth("callout-framing", auth)
        framing_kind = ["none", "whiteboard", "memo"][g.rng.randrange(3)]
        whiteboard_id = memo_id = None
        creator = g.rng.choice(members)
        if framing_kind == "whiteboard":
            wb_auth = self.auth("whiteboard", framing_auth)
            whiteboard = _base(g)
            whiteboard.update(
                nameID=f"wb-{g.token(10).lower()}",
                content=_zlib_text(_excalidraw(g)),
                createdBy=creator,
                contentUpdatePolicy=g.rng.choice(["owner", "admins", "contributors"]),
                previewSettings=g.json({"mode": "auto", "coordinates": None}),
                authorizationId=wb_auth,
                profileId=self.profile("whiteboard", "Whiteboard \u270f\ufe0f", wb_auth),
            )
            whiteboard_id = self.add("whiteboard", whiteboard)["id"]
        elif framing_kind == "memo":
            memo_auth = self.auth("memo", framing_auth)
            memo = _base(g)
            memo.update(
                nameID=f"memo-{g.token(10).lower()}",
                content=_memo_bytes(g, len(self.rows["memo"])),
                createdBy=creator,
                contentUpdatePolicy="contributors",
                authorizationId=memo_auth,
                profileId=self.profile("memo", "Memo \U0001f4dd", memo_auth),
            )
            memo_id = self.add("memo", memo)["id"]
        framing = _base(g)
        framing.update(
            type=framing_kind,
            authorizationId=framing_auth,
            profileId=self.profile(
                "callout-framing",
                f'Callout {k}: "{g.awkward()[:40]}"',
                framing_auth,
                references=g.rng.randint(0, 1),
            ),
            whiteboardId=whiteboard_id,
            memoId=memo_id,
        )
        self.add("callout_framing", framing)
        defaults = _base(g)
        defaults.update(
            defaultDisplayName=g.rng.choice([None, "", "Contribution", "Bijdrage \U0001f4a1"]),
            postDescription=g.nullable_text("Describe your idea in a few lines."),
            whiteboardContent=None
            if g.rng.random() < 0.6
            else (_zlib_text(_excalidraw(g)) if g.rng.random() < 0.9 else ""),
        )
        self.add("callout_contribution_defaults", defaults)
        room = _base(g)
        room.update(
            messagesCount=g.rng.randint(0, 40),
            type="callout",
            displayName=f"callout-comments-{space['nameID']}-{k}",
            authorizationId=self.auth("room", auth),
        )
        self.add("room", room)
        published = g.rng.random() < 0.8
        callout = _base(g)
        callout.update(
            nameID=f"callout-{g.token(8).lower()}",
            sortOrder=k * 10 + g.rng.randint(0, 9),
            isTemplate=0,
            createdBy=creator,
            publishedBy=creator if published else None,
            publishedDate=g.when() if published else None,
            settings=g.json(
                {
                    "visibility": "published" if published else "draft",
                    "framing": {"commentsEnabled": True},
                    "contribution": {
                        "enabled": g.rng.random() < 0.5,
                        "allowedTypes": ["post", "link"],
                    },
                }
            ),
            authorizationId=auth,
            framingId=framing["id"],
            contributionDefaultsId=defaults["id"],
            commentsId=room["id"],
            calloutsSetId=callouts_set["id"],
        )
        self.add("callout", callout)
        for _ in range(g.rng.randint(1, 4)):
            activity = {
                "id": g.uuid(),
                "rowId": self.next_row_id("activity"),
                "createdDate": g.when(),
                "updatedDate": g.when(),
                "version": 1,
                "triggeredBy": g.rng.choice(members),
                "resourceID": callout["id"],
                "parentID": g.rng.choice([None, space["id"]]),
                "collaborationID": collaboration["id"],
                "messageID": g.rng.choice([None, "$" + g.token(43)]),
                "visibility": g.rng.randint(0, 1),
                "description": g.rng.choice([None, "", g.awkward(), "created a callout"]),
                "type": g.rng.choice(["callout-published", "discussion-comment", "member-joined"]),
            }
            activity["updatedDate"] = max(activity["updatedDate"], activity["createdDate"])
            self.add("activity", activity)
        if g.rng.random() < 0.4:
            vc = _base(g)
            vc.update(
                threadID="$" + g.token(43),
                virtualContributorID=g.uuid(),
                externalMetadata=g.json(
                    {"threadId": g.token(12), "model": "gpt-4o", "note": "caf\u00e9 \U0001f916"}
                ),
                roomId=room["id"],
            )
            self.add("vc_interaction", vc)


ALKEMIO_ORDER = [
    "authorization_policy",
    "location",
    "profile",
    "reference",
    "tagset",
    "visual",
    "agent",
    "credential",
    "license",
    "license_entitlement",
    "account",
    "user",
    "role_set",
    "organization",
    "callouts_set",
    "collaboration",
    "space",
    "callout_contribution_defaults",
    "whiteboard",
    "memo",
    "callout_framing",
    "room",
    "callout",
    "activity",
    "vc_interaction",
    "migrations_typeorm",
    "query-result-cache",
]


def _excalidraw(g: Gen) -> str:
    elements = [
        {
            "id": g.token(20),
            "type": g.rng.choice(["rectangle", "ellipse", "text", "arrow"]),
            "x": round(g.rng.uniform(-500, 500), 3),
            "y": round(g.rng.uniform(-500, 500), 3),
            "width": g.rng.randint(10, 400),
            "height": g.rng.randint(10, 400),
            "strokeColor": "#1e1e1e",
            "text": g.awkward(),
            "seed": g.rng.getrandbits(31),
        }
        for _ in range(g.rng.randint(3, 30))
    ]
    return json.dumps(
        {
            "type": "excalidraw",
            "version": 2,
            "source": "https://alkem.io",
            "elements": elements,
            "appState": {"viewBackgroundColor": "#ffffff", "gridSize": None},
            "files": {},
        }
    )


def _zlib_text(document: str) -> str:
    """zlib-compressed bytes read as latin-1: text with U+0000 and other control characters."""
    return zlib.compress(document.encode("utf-8"), 9).decode("latin-1")


def _memo_bytes(g: Gen, index: int) -> bytes | None:
    if index == 0:
        return bytes(range(256)) * 2
    if index == 1:
        return b""
    if index % 7 == 3:
        return None
    return g.rng.randbytes(g.rng.randint(16, 1500))
