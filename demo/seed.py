"""Create the demo databases: two MySQL sources full of data and their empty PostgreSQL targets.

`create_demo()` drops and re-creates, on the MySQL server, an Alkemio-like database (TypeORM
schema subset, `alkemio_mysql.sql`) and an Ory Kratos v1.3.1 database (`kratos_mysql.sql`), fills
them with deterministic generated rows, and drops and re-creates the PostgreSQL databases of the
same names with the schema the applications' own PostgreSQL migrations would create
(`*_postgres.sql`, Kratos' seeded rows included).

The data is valid for the target schema (foreign keys hold, every NOT NULL target column is fed)
but carries what real users type and what real applications store: line feeds, CRLF and lone CR,
quotes, backslashes, commas, a field that is exactly `\\.`, the string 'NULL', tabs, leading and
trailing spaces, 4-byte UTF-8, NULL next to '' in nullable text, JSON with nested objects and
unicode escapes, blobs with all 256 byte values, microsecond timestamps, 0/1 booleans, and
zlib data stored as text (with U+0000 characters) in the two columns listed in `TRANSFORMS`.

Run `python -m demo.seed [--rows N]` from the repository root; server URLs come from the
options or the CONVERGE_MYSQL_URL / CONVERGE_POSTGRES_URL environment variables. Passwords are
never printed.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import re
import sys
import time
import uuid
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import psycopg
import pymysql
from psycopg import sql

HERE = Path(__file__).resolve().parent
DEFAULT_MYSQL_URL = "mysql://root@127.0.0.1:3306"
DEFAULT_POSTGRES_URL = "postgresql://postgres@127.0.0.1:5432"
DEFAULT_DATABASES = {"alkemio": "alkemio", "kratos": "kratos"}
SEED = 20240917

# Tables present in the sources that a migration must leave alone (the target's own migrations
# fill their counterparts).
EXCLUDED_TABLES: dict[str, tuple[str, ...]] = {
    "alkemio": ("migrations_typeorm", "query-result-cache"),
    "kratos": ("schema_migration",),
}
# Columns that hold zlib data as text (bytes read as latin-1, so U+0000 occurs): PostgreSQL text
# cannot hold 0x00, so they travel base64-encoded.
TRANSFORMS: dict[str, dict[str, dict[str, str]]] = {
    "alkemio": {
        "whiteboard": {"content": "base64"},
        "callout_contribution_defaults": {"whiteboardContent": "base64"},
    },
    "kratos": {},
}

# Text that breaks naive CSV/COPY handling. Every value here is valid PostgreSQL text.
AWKWARD = [
    "first line\nsecond line\nthird line",
    "windows line\r\nending\r\n",
    "old mac\rline\rending",
    'She said "hello" and left',
    "C:\\Users\\alkemio\\notes \\N \\\\server\\share",
    "comma, separated, values, here",
    "\\.",
    "NULL",
    "null",
    "tab\tseparated\tvalue",
    "   leading and trailing spaces   ",
    "emoji \U0001f600\U0001f389\U0001f1e8\U0001f1ed, clef \U0001d11e, CJK ext-B \U0002070e",
    "mixed \"quotes\", \\backslash\\, \r\nCRLF, \ttab; and -- /* sql */ 'single'",
    "ünïcödé café Zürich \u2013 em\u2014dash \u2026 \u00a0nbsp",
    "before\n\\.\nafter",
    "\n",
    " ",
    '""',
    '","',
    "\\x41\\x00 is text, not a byte",
    "=SUM(A1:A9)",
    "a;b|c^d~e`f$g%h&i*j",
    "right-to-left \u05e9\u05dc\u05d5\u05dd \u0645\u0631\u062d\u0628\u0627",
    "zero\u200bwidth\ufeffBOM",
]

FIRST_NAMES = [
    "Anna",
    "Bram",
    "Chloé",
    "Daan",
    "Émilie",
    "Fatima",
    "Gijs",
    "Hélène",
    "Ivo",
    "Jasper",
    "Łukasz",
    "María José",
    "Nguyễn",
    "O'Neil",
    "Pieter-Jan",
    "Quinn",
    "Renée",
    "Søren",
    "Tijs",
    "Ülkü",
    "Valentijn",
    "Wu",
    "Xavier",
    "Yara",
    "Zoë",
    " Padded ",
    'Jan "JJ"',
    "Back\\slash",
    "Emoji \U0001f600",
    "田中",
]
LAST_NAMES = [
    "de Vries",
    "Jansen",
    "van den Berg",
    "Bakker",
    "Müller",
    "O'Brien",
    "García Márquez",
    "Smith, Jr.",
    "Nakamura",
    "Østergaard",
    "Kowalczyk",
    "Dubois",
    "van 't Hof",
    "Tanaka",
    "Null",
    "NULL",
    "Trailing ",
    "Ab\u0308",
]
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


# --------------------------------------------------------------------------------------------
# Servers and SQL files


@dataclass(frozen=True)
class _Server:
    host: str
    port: int
    user: str
    password: str = field(default="", repr=False)

    def __str__(self) -> str:
        return f"{self.user}@{self.host}:{self.port}"


def _redact(url: str) -> str:
    return re.sub(r"(://[^:/@\s]*):[^@\s]*@", r"\1:***@", url)


def _parse_url(url: str, default_port: int) -> _Server:
    parts = urlsplit(url)
    if not parts.hostname:
        raise ValueError(f"database URL {_redact(url)!r} has no host")
    return _Server(
        host=parts.hostname,
        port=parts.port or default_port,
        user=unquote(parts.username or ""),
        password=unquote(parts.password or ""),
    )


def split_statements(text: str) -> list[str]:
    """Split a plain SQL file into statements: `--` comment lines are dropped and a statement
    ends at a line whose last character is `;`."""
    statements: list[str] = []
    current: list[str] = []
    for line in text.splitlines():
        if not current and (not line.strip() or line.lstrip().startswith("--")):
            continue
        current.append(line)
        if line.rstrip().endswith(";"):
            statements.append("\n".join(current).rstrip().rstrip(";"))
            current = []
    if "".join(current).strip():
        statements.append("\n".join(current))
    return statements


def run_mysql_file(conn: pymysql.connections.Connection, path: Path) -> int:
    """Run a SQL file statement by statement on a pymysql connection; returns the count."""
    statements = split_statements(path.read_text(encoding="utf-8"))
    with conn.cursor() as cur:
        for statement in statements:
            cur.execute(statement)
    return len(statements)


def _mysql_connect(server: _Server, database: str | None = None) -> pymysql.connections.Connection:
    return pymysql.connect(
        host=server.host,
        port=server.port,
        user=server.user,
        password=server.password,
        database=database,
        charset="utf8mb4",
        binary_prefix=True,
        autocommit=False,
        # TIMESTAMP columns store UTC; a session in UTC writes the values given unchanged.
        init_command="SET time_zone = '+00:00', SESSION sql_mode = 'STRICT_ALL_TABLES,"
        "NO_ZERO_DATE,NO_ZERO_IN_DATE,ERROR_FOR_DIVISION_BY_ZERO,NO_ENGINE_SUBSTITUTION'",
    )


def _pg_connect(server: _Server, database: str, autocommit: bool = False) -> psycopg.Connection:
    kwargs: dict[str, Any] = {
        "host": server.host,
        "port": server.port,
        "user": server.user,
        "dbname": database,
        "autocommit": autocommit,
    }
    if server.password:
        kwargs["password"] = server.password
    return psycopg.connect(**kwargs)


def _mysql_ident(name: str) -> str:
    return "`" + name.replace("`", "``") + "`"


# --------------------------------------------------------------------------------------------
# Data generation

_TOKEN_TABLE = (b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789" * 5)[:256]

Rows = dict[str, list[dict[str, Any]]]


class _Gen:
    """Deterministic values: everything derives from one random.Random."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        # Separate counters: the awkward values cycle in full whichever column asks for them.
        self.n_awkward = 0
        self.n_nullable = 0

    def uuid(self) -> str:
        return str(uuid.UUID(int=self.rng.getrandbits(128), version=4))

    def when(self, micro: bool = True) -> datetime:
        start = datetime(2021, 1, 4, 8, 0, 0)
        moment = start + timedelta(seconds=self.rng.randrange(0, 1300 * 86400))
        if micro:
            pick = self.rng.random()
            if pick < 0.05:
                us = 0
            elif pick < 0.1:
                us = 999999
            else:
                us = self.rng.randrange(1, 1000000)
            moment = moment.replace(microsecond=us)
        return moment

    def after(self, moment: datetime, max_seconds: int, micro: bool = True) -> datetime:
        later = moment + timedelta(seconds=self.rng.randrange(0, max_seconds))
        if micro:
            later = later.replace(microsecond=self.rng.randrange(0, 1000000))
        else:
            later = later.replace(microsecond=0)
        return later

    def awkward(self) -> str:
        value = AWKWARD[self.n_awkward % len(AWKWARD)]
        self.n_awkward += 1
        return value

    def nullable_text(self, normal: str) -> str | None:
        """A nullable text value: NULL, '', an awkward value or `normal`."""
        pick = self.n_nullable % 6
        self.n_nullable += 1
        if pick == 0:
            return None
        if pick == 1:
            return ""
        if pick in (2, 3):
            return self.awkward()
        return normal

    def hexdigest(self, n: int = 64) -> str:
        return self.rng.randbytes((n + 1) // 2).hex()[:n]

    def token(self, n: int) -> str:
        """n characters of [A-Za-z0-9] (random bytes mapped through a 256-entry table)."""
        return self.rng.randbytes(n).translate(_TOKEN_TABLE).decode("ascii")

    def json(self, value: Any) -> str:
        """JSON text in one of the shapes applications write: compact or spaced, raw UTF-8 or
        \\u escapes (surrogate pairs for 4-byte characters)."""
        ascii_only = self.rng.random() < 0.4
        if self.rng.random() < 0.5:
            return json.dumps(value, ensure_ascii=ascii_only, separators=(",", ":"))
        return json.dumps(value, ensure_ascii=ascii_only)


def _base(g: _Gen, created: datetime | None = None) -> dict[str, Any]:
    created = created or g.when()
    return {
        "id": g.uuid(),
        "createdDate": created,
        "updatedDate": g.after(created, 90 * 86400),
        "version": g.rng.randint(1, 7),
    }


@dataclass
class _Person:
    identity_id: str
    email: str
    first: str
    last: str


class _Alkemio:
    def __init__(self, g: _Gen, people: list[_Person], scale: int) -> None:
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

    def user(self, i: int, person: _Person) -> str:
        g = self.g
        created = g.when()
        row = _base(g, created)
        row["rowId"] = self.next_row_id("user")
        auth = self.auth("user", None)
        row.update(
            nameID=f"{_slug(person.first)}-{_slug(person.last)}-{i}"[:36],
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


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "x"


def _excalidraw(g: _Gen) -> str:
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


def _memo_bytes(g: _Gen, index: int) -> bytes | None:
    if index == 0:
        return bytes(range(256)) * 2
    if index == 1:
        return b""
    if index % 7 == 3:
        return None
    return g.rng.randbytes(g.rng.randint(16, 1500))


class _Kratos:
    def __init__(self, g: _Gen, people: list[_Person], scale: int) -> None:
        self.g = g
        self.people = people
        self.scale = scale
        self.rows: Rows = {t: [] for t in KRATOS_ORDER}
        self.nid = g.uuid()

    def add(self, table: str, row: dict[str, Any]) -> dict[str, Any]:
        self.rows[table].append(row)
        return row

    def stamp(self, created: datetime | None = None) -> dict[str, Any]:
        created = (created or self.g.when()).replace(microsecond=0)
        return {"created_at": created, "updated_at": self.g.after(created, 86400, micro=False)}

    def flow_common(self, kind: str) -> dict[str, Any]:
        g = self.g
        issued = g.when(micro=False)
        return_to = g.rng.choice(
            [
                "",
                "?return_to=https%3A%2F%2Falkem.io%2Fspaces%3Fa%3D1%2C2",
                '?return_to=https://alkem.io/"quoted",comma',
                "?return_to=https://alkem.io/päth",
            ]
        )
        return {
            "id": g.uuid(),
            "request_url": f"https://alkem.io/ory/kratos/public/self-service/{kind}/browser{return_to}",
            "issued_at": issued,
            "expires_at": issued + timedelta(hours=1),
        }

    def ui(self, action: str) -> str:
        g = self.g
        nodes = [
            {
                "type": "input",
                "group": "default",
                "attributes": {
                    "name": "csrf_token",
                    "type": "hidden",
                    "value": g.token(88),
                    "required": True,
                    "disabled": False,
                    "node_type": "input",
                },
                "messages": [],
                "meta": {},
            },
            {
                "type": "input",
                "group": "password",
                "attributes": {
                    "name": "identifier",
                    "type": "text",
                    "value": "",
                    "required": True,
                    "disabled": False,
                    "node_type": "input",
                },
                "messages": [
                    {
                        "id": 4000006,
                        "text": "The provided credentials are invalid, check for "
                        "spelling mistakes in your password or username, email address, or "
                        "phone number.",
                        "type": "error",
                    }
                ]
                if g.rng.random() < 0.2
                else [],
                "meta": {"label": {"id": 1070004, "text": "E-Mail \u2709\ufe0f", "type": "info"}},
            },
        ]
        return g.json({"action": action, "method": "POST", "nodes": nodes})

    def build(self) -> Rows:
        g = self.g
        created = datetime(2021, 1, 4, 7, 59, 59)
        self.add("networks", {"id": self.nid, **self.stamp(created)})
        types = {}
        for name in ["password", "oidc", "totp", "lookup_secret", "webauthn", "code", "passkey"]:
            types[name] = self.add("identity_credential_types", {"id": g.uuid(), "name": name})[
                "id"
            ]
        for i, person in enumerate(self.people):
            self.identity(i, person, types)
        for _ in range(15 * self.scale):
            errors = [
                {
                    "code": 500,
                    "status": "Internal Server Error",
                    "reason": g.awkward(),
                    "message": "An internal server error occurred, please contact the system "
                    "administrator",
                    "debug": {"trace": ["a\\b", 'c"d']},
                }
            ]
            seen = g.rng.random() < 0.5
            row = {
                "id": g.uuid(),
                "errors": g.json({"error": errors[0]}),
                "seen_at": g.when(micro=False) if seen else None,
                "was_seen": int(seen),
                **self.stamp(),
                "csrf_token": g.rng.choice(["", g.token(88)]),
                "nid": self.nid,
            }
            self.add("selfservice_errors", row)
        versions = [
            "20150100000001000000",
            "20191100000001000000",
            "20200519101057000000",
            "20210410175418000000",
            "20220301102701000000",
            "20230707133700000000",
            "20231130094628000000",
            "20240119094628000000",
            "20240208000000000000",
            "20240612000000000000",
            "20240703000000000000",
            "20240904000000000000",
        ]
        for version in versions:
            self.add("schema_migration", {"version": version, "version_self": 0})
        return self.rows

    def identity(self, i: int, person: _Person, types: dict[str, str]) -> None:
        g = self.g
        stamp = self.stamp()
        state_changed = stamp["created_at"] if g.rng.random() < 0.7 else None
        identity = {
            "id": person.identity_id,
            "schema_id": "default",
            "traits": g.json(
                {
                    "email": person.email,
                    "name": {"first": person.first, "last": person.last},
                    "picture": "",
                    "accepted_privacy_terms": True,
                }
            ),
            **stamp,
            "nid": self.nid,
            "state": "inactive" if i % 40 == 39 else "active",
            "state_changed_at": state_changed,
            "metadata_public": None if i % 3 else g.json({"alkemio": {"nameID": f"user-{i}"}}),
            "metadata_admin": None if i % 5 else g.json({"note": g.awkward()}),
            "available_aal": g.rng.choice([None, "aal1", "aal1", "aal2"]),
            "organization_id": None,
        }
        self.add("identities", identity)
        uid = person.identity_id
        password = {
            "id": g.uuid(),
            "config": g.json({"hashed_password": "$2a$12$" + g.token(53)}),
            "identity_credential_type_id": types["password"],
            "identity_id": uid,
            **self.stamp(stamp["created_at"]),
            "nid": self.nid,
            "version": 0,
        }
        self.add("identity_credentials", password)
        self.add(
            "identity_credential_identifiers",
            {
                "id": g.uuid(),
                "identifier": person.email,
                "identity_credential_id": password["id"],
                **self.stamp(stamp["created_at"]),
                "nid": self.nid,
                "identity_credential_type_id": types["password"],
            },
        )
        if i % 3 == 1:
            subject = g.hexdigest(21)
            oidc = {
                "id": g.uuid(),
                "config": g.json(
                    {
                        "providers": [
                            {
                                "subject": subject,
                                "provider": "microsoft",
                                "initial_id_token": g.token(60),
                                "initial_access_token": "",
                                "organization": None,
                            }
                        ]
                    }
                ),
                "identity_credential_type_id": types["oidc"],
                "identity_id": uid,
                **self.stamp(stamp["created_at"]),
                "nid": self.nid,
                "version": 0,
            }
            self.add("identity_credentials", oidc)
            self.add(
                "identity_credential_identifiers",
                {
                    "id": g.uuid(),
                    "identifier": f"microsoft:{subject}",
                    "identity_credential_id": oidc["id"],
                    **self.stamp(stamp["created_at"]),
                    "nid": self.nid,
                    "identity_credential_type_id": types["oidc"],
                },
            )
        verified = i % 4 != 0
        address = {
            "id": g.uuid(),
            "status": "completed" if verified else g.rng.choice(["sent", "pending"]),
            "via": "email",
            "verified": int(verified),
            "value": person.email,
            "verified_at": g.when(micro=False) if verified else None,
            "identity_id": uid,
            **self.stamp(stamp["created_at"]),
            "nid": self.nid,
        }
        self.add("identity_verifiable_addresses", address)
        recovery_address = {
            "id": g.uuid(),
            "via": "email",
            "value": person.email,
            "identity_id": uid,
            **self.stamp(stamp["created_at"]),
            "nid": self.nid,
        }
        self.add("identity_recovery_addresses", recovery_address)

        for _ in range(g.rng.randint(1, 3)):
            self.login_flow(uid, person)
        self.registration_flow(person, i)
        if i % 3 == 0:
            flow = {
                **self.flow_common("settings"),
                "identity_id": uid,
                **self.stamp(),
                "active_method": g.rng.choice([None, "", "password", "profile"]),
                "state": g.rng.choice(["show_form", "success"]),
                "type": "browser",
                "ui": self.ui("https://alkem.io/self-service/settings"),
                "nid": self.nid,
                "internal_context": g.json({}),
            }
            self.add("selfservice_settings_flows", flow)
        if i % 4 == 2:
            self.recovery_flow(uid, recovery_address["id"])
        self.verification_flow(address, uid)
        for _ in range(g.rng.randint(0, 3)):
            self.session(uid)
        for _ in range(g.rng.randint(0, 2)):
            self.courier(person)
        if i % 6 == 0:
            self.add(
                "continuity_containers",
                {
                    "id": g.uuid(),
                    "identity_id": g.rng.choice([None, uid]),
                    "name": "ory_kratos_oidc_auth_code_session",
                    "payload": g.rng.choice(
                        [
                            None,
                            g.json(
                                {
                                    "flow_id": g.uuid(),
                                    "state": g.token(16),
                                    "return_to": 'https://alkem.io/?a=1,b="2"',
                                }
                            ),
                        ]
                    ),
                    "expires_at": g.when(micro=False),
                    **self.stamp(),
                    "nid": self.nid,
                },
            )

    def login_flow(self, uid: str, person: _Person) -> None:
        g = self.g
        flow = {
            **self.flow_common("login"),
            "active_method": g.rng.choice(["", "password", "oidc", "code"]),
            "csrf_token": g.token(88),
            **self.stamp(),
            "forced": g.rng.randint(0, 1),
            "type": g.rng.choice(["browser", "api"]),
            "ui": self.ui("https://alkem.io/self-service/login"),
            "nid": self.nid,
            "requested_aal": "aal1",
            "internal_context": g.json({}),
            "oauth2_login_challenge": None if g.rng.random() < 0.85 else g.uuid(),
            "oauth2_login_challenge_data": None,
            "state": g.rng.choice([None, "choose_method", "sent_email"]),
            "submit_count": g.rng.randint(0, 4),
            "organization_id": None,
        }
        self.add("selfservice_login_flows", flow)
        if g.rng.random() < 0.4:
            issued = g.when(micro=False)
            if not self.rows["identity_login_codes"]:
                # A wall-clock time that does not exist in Europe/Amsterdam (DST gap): stored in
                # a TIMESTAMP column, it survives only if the session time zone is UTC.
                issued = datetime(2024, 3, 31, 2, 30, 0)
            self.add(
                "identity_login_codes",
                {
                    "id": g.uuid(),
                    "code": g.hexdigest(64),
                    "address": person.email,
                    "address_type": "email",
                    "used_at": g.rng.choice([None, issued]),
                    "expires_at": issued + timedelta(minutes=15),
                    "issued_at": issued,
                    "selfservice_login_flow_id": flow["id"],
                    "identity_id": uid,
                    **self.stamp(issued),
                    "nid": self.nid,
                },
            )
        if g.rng.random() < 0.2:
            self.add(
                "session_token_exchanges",
                {
                    "id": g.uuid(),
                    "nid": self.nid,
                    "flow_id": flow["id"],
                    "session_id": g.rng.choice([None, g.uuid()]),
                    "init_code": g.token(64),
                    "return_to_code": g.token(64),
                    **self.stamp(),
                },
            )

    def registration_flow(self, person: _Person, i: int) -> None:
        g = self.g
        flow = {
            **self.flow_common("registration"),
            "active_method": g.rng.choice(["", "password", "oidc", "profile"]),
            "csrf_token": g.token(88),
            **self.stamp(),
            "type": "browser",
            "ui": self.ui("https://alkem.io/self-service/registration"),
            "nid": self.nid,
            "internal_context": g.json(
                {"oidc": {"traits": {"email": person.email}}} if i % 5 == 0 else {}
            ),
            "oauth2_login_challenge": None if g.rng.random() < 0.9 else g.uuid(),
            "oauth2_login_challenge_data": None if g.rng.random() < 0.9 else g.token(40),
            "state": g.rng.choice([None, "choose_method", "sent_email", "passed_challenge"]),
            "submit_count": g.rng.randint(0, 3),
            "organization_id": None,
        }
        self.add("selfservice_registration_flows", flow)
        if i % 2 == 0:
            issued = g.when(micro=False)
            self.add(
                "identity_registration_codes",
                {
                    "id": g.uuid(),
                    "code": g.hexdigest(64),
                    "address": person.email,
                    "address_type": "email",
                    "used_at": g.rng.choice([None, issued]),
                    "expires_at": issued + timedelta(minutes=15),
                    "issued_at": issued,
                    "selfservice_registration_flow_id": flow["id"],
                    **self.stamp(issued),
                    "nid": self.nid,
                },
            )

    def recovery_flow(self, uid: str, address_id: str) -> None:
        g = self.g
        flow = {
            **self.flow_common("recovery"),
            "active_method": g.rng.choice([None, "code", "link"]),
            "csrf_token": g.token(88),
            "state": g.rng.choice(["choose_method", "sent_email", "passed_challenge"]),
            "recovered_identity_id": g.rng.choice([None, uid]),
            **self.stamp(),
            "type": "browser",
            "ui": self.ui("https://alkem.io/self-service/recovery"),
            "nid": self.nid,
            "submit_count": g.rng.randint(0, 2),
            "skip_csrf_check": g.rng.randint(0, 1),
        }
        self.add("selfservice_recovery_flows", flow)
        issued = g.when(micro=False)
        used = g.rng.random() < 0.5
        self.add(
            "identity_recovery_tokens",
            {
                "id": g.uuid(),
                "token": g.token(32),
                "used": int(used),
                "used_at": issued if used else None,
                "identity_recovery_address_id": g.rng.choice([None, address_id]),
                "selfservice_recovery_flow_id": g.rng.choice([None, flow["id"]]),
                **self.stamp(issued),
                "expires_at": issued + timedelta(hours=1),
                "issued_at": issued,
                "nid": self.nid,
                "identity_id": uid,
                "token_type": g.rng.choice([1, 2]),
            },
        )
        self.add(
            "identity_recovery_codes",
            {
                "id": g.uuid(),
                "code": g.hexdigest(64),
                "used_at": g.rng.choice([None, issued]),
                "identity_recovery_address_id": g.rng.choice([None, address_id]),
                "code_type": g.rng.choice([1, 2]),
                "expires_at": issued + timedelta(minutes=15),
                "issued_at": issued,
                "selfservice_recovery_flow_id": flow["id"],
                **self.stamp(issued),
                "nid": self.nid,
                "identity_id": uid,
            },
        )

    def verification_flow(self, address: dict[str, Any], uid: str) -> None:
        g = self.g
        flow = {
            **self.flow_common("verification"),
            "csrf_token": g.token(88),
            **self.stamp(),
            "type": "browser",
            "state": g.rng.choice(["choose_method", "sent_email", "passed_challenge"]),
            "active_method": g.rng.choice([None, "code", "link"]),
            "ui": self.ui("https://alkem.io/self-service/verification"),
            "nid": self.nid,
            "submit_count": g.rng.randint(0, 2),
            "oauth2_login_challenge": None,
            "session_id": g.rng.choice([None, g.uuid()]),
            "identity_id": g.rng.choice([None, uid]),
            "authentication_methods": g.rng.choice(
                [
                    None,
                    g.json(
                        [
                            {
                                "method": "password",
                                "aal": "aal1",
                                "completed_at": "2024-05-18T11:25:45.985282398Z",
                            }
                        ]
                    ),
                ]
            ),
        }
        self.add("selfservice_verification_flows", flow)
        issued = g.when(micro=False)
        self.add(
            "identity_verification_codes",
            {
                "id": g.uuid(),
                "code_hmac": g.hexdigest(64),
                "used_at": g.rng.choice([None, issued]),
                "identity_verifiable_address_id": g.rng.choice([None, address["id"]]),
                "expires_at": issued + timedelta(minutes=15),
                "issued_at": issued,
                "selfservice_verification_flow_id": flow["id"],
                **self.stamp(issued),
                "nid": self.nid,
            },
        )
        if g.rng.random() < 0.3:
            used = g.rng.random() < 0.5
            self.add(
                "identity_verification_tokens",
                {
                    "id": g.uuid(),
                    "token": g.token(32),
                    "used": int(used),
                    "used_at": issued if used else None,
                    "expires_at": issued + timedelta(hours=1),
                    "issued_at": issued,
                    "identity_verifiable_address_id": address["id"],
                    "selfservice_verification_flow_id": flow["id"],
                    **self.stamp(issued),
                    "nid": self.nid,
                },
            )

    def session(self, uid: str) -> None:
        g = self.g
        issued = g.when(micro=False)
        session = {
            "id": g.uuid(),
            "issued_at": issued,
            "expires_at": issued + timedelta(days=30),
            "authenticated_at": issued,
            "identity_id": uid,
            **self.stamp(issued),
            "token": "ory_st_" + g.token(32),
            "active": g.rng.choice([0, 1, 1]),
            "nid": self.nid,
            "logout_token": "ory_lo_" + g.token(32),
            "aal": "aal1",
            "authentication_methods": g.json(
                [
                    {
                        "aal": "aal1",
                        "method": g.rng.choice(["password", "oidc"]),
                        "completed_at": issued.isoformat() + "Z",
                    }
                ]
            ),
        }
        self.add("sessions", session)
        self.add(
            "session_devices",
            {
                "id": g.uuid(),
                "ip_address": g.rng.choice([None, "", "192.0.2.17", "2001:db8::8a2e:370:7334"]),
                "user_agent": g.rng.choice(
                    [
                        None,
                        "",
                        "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko)",
                        'curl/8.5.0 "quoted"',
                        g.awkward(),
                    ]
                ),
                "location": g.rng.choice(
                    [None, "", "Amsterdam, NL", "Zürich, CH", "São Paulo, BR"]
                ),
                "nid": self.nid,
                "session_id": session["id"],
                **self.stamp(issued),
            },
        )

    def courier(self, person: _Person) -> None:
        g = self.g
        n = len(self.rows["courier_messages"])
        body = (
            g.awkward()
            if n % 3 == 0
            else (
                f"Hi {person.first},\n\nplease verify your account by entering the following code:\n\n"
                f"{g.rng.randint(100000, 999999)}\n\nor clicking https://alkem.io/verify?code=1&flow=2\n"
            )
        )
        template = {
            "to": person.email,
            "verification_code": str(g.rng.randint(100000, 999999)),
            "identity": {"traits": {"name": {"first": person.first}}},
        }
        if n == 0:
            data: bytes | None = bytes(range(256))
        elif n == 1:
            data = b""
        elif n % 5 == 2:
            data = None
        else:
            data = json.dumps(template, ensure_ascii=False).encode("utf-8")
        message = {
            "id": g.uuid(),
            "type": 1,
            "status": g.rng.choice([1, 2, 2, 2, 3, 4]),
            "body": body,
            "subject": "\\."
            if n == 4
            else g.rng.choice(
                [
                    "Please verify your email address",
                    "Recover access to your account",
                    "Je inlogcode \U0001f511",
                    "  Spaces  ",
                ]
            ),
            "recipient": person.email,
            **self.stamp(),
            "template_type": g.rng.choice(
                ["verification_code_valid", "recovery_code_valid", "login_code_valid", ""]
            ),
            "template_data": data,
            "nid": self.nid,
            "send_count": g.rng.randint(0, 3),
            "channel": g.rng.choice([None, "email"]),
        }
        self.add("courier_messages", message)
        for _ in range(g.rng.randint(0, 2)):
            failed = g.rng.random() < 0.3
            self.add(
                "courier_message_dispatches",
                {
                    "id": g.uuid(),
                    "message_id": message["id"],
                    "status": "failed" if failed else "success",
                    "error": g.json(
                        {
                            "message": "dial tcp: i/o timeout",
                            "reason": g.awkward(),
                            "details": {"smtp": {"code": 421}},
                        }
                    )
                    if failed
                    else None,
                    "nid": self.nid,
                    **self.stamp(),
                },
            )


KRATOS_ORDER = [
    "networks",
    "identity_credential_types",
    "identities",
    "identity_credentials",
    "identity_credential_identifiers",
    "identity_verifiable_addresses",
    "identity_recovery_addresses",
    "selfservice_login_flows",
    "selfservice_registration_flows",
    "selfservice_settings_flows",
    "selfservice_recovery_flows",
    "selfservice_verification_flows",
    "identity_verification_tokens",
    "identity_verification_codes",
    "identity_recovery_tokens",
    "identity_recovery_codes",
    "identity_login_codes",
    "identity_registration_codes",
    "sessions",
    "session_devices",
    "session_token_exchanges",
    "continuity_containers",
    "selfservice_errors",
    "courier_messages",
    "courier_message_dispatches",
    "schema_migration",
]


def _people(g: _Gen, count: int) -> list[_Person]:
    people = []
    for i in range(count):
        first = FIRST_NAMES[i % len(FIRST_NAMES)]
        last = LAST_NAMES[(i * 7) % len(LAST_NAMES)]
        local = f"{_slug(first)}.{_slug(last)}.{i}"
        people.append(_Person(g.uuid(), f"{local}@example.org", first, last))
    return people


def generate(rows: int = 1, seed: int = SEED) -> dict[str, Rows]:
    """The rows of both sources, table by table in foreign-key order (parents first)."""
    if not isinstance(rows, int) or rows < 1:
        raise ValueError(f"rows must be a positive integer, not {rows!r}")
    g = _Gen(seed)
    people = _people(g, 72 * rows)
    kratos = _Kratos(_Gen(seed + 1), people, rows).build()
    alkemio = _Alkemio(_Gen(seed + 2), people, rows).build()
    return {"alkemio": alkemio, "kratos": kratos}


# --------------------------------------------------------------------------------------------
# Loading


def _insert_all(conn: pymysql.connections.Connection, tables: Rows) -> dict[str, int]:
    counts = {}
    with conn.cursor() as cur:
        for table, rows in tables.items():
            counts[table] = len(rows)
            if not rows:
                continue
            columns = list(rows[0])
            for row in rows:
                if list(row) != columns:
                    raise AssertionError(f"{table}: rows with different columns: {list(row)}")
            query = "INSERT INTO {} ({}) VALUES ({})".format(
                _mysql_ident(table),
                ", ".join(_mysql_ident(c) for c in columns),
                ", ".join(["%s"] * len(columns)),
            )
            for chunk in _chunks([tuple(r[c] for c in columns) for r in rows], 2000):
                cur.executemany(query, chunk)
    return counts


def _chunks(items: list[tuple], size: int) -> Iterator[list[tuple]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _create_mysql(server: _Server, source: str, database: str, tables: Rows) -> dict[str, int]:
    conn = _mysql_connect(server)
    try:
        with conn.cursor() as cur:
            cur.execute(f"DROP DATABASE IF EXISTS {_mysql_ident(database)}")
            cur.execute(
                f"CREATE DATABASE {_mysql_ident(database)} "
                "CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci"
            )
            cur.execute(f"USE {_mysql_ident(database)}")
        with conn.cursor() as cur:
            # Foreign keys added to empty tables need no check (mysqldump does the same); it
            # lets InnoDB add them in place instead of copying each table. The rows are then
            # inserted with checks on, so every foreign key is enforced on the data.
            cur.execute("SET foreign_key_checks = 0")
            run_mysql_file(conn, HERE / f"{source}_mysql.sql")
            cur.execute("SET foreign_key_checks = 1")
        counts = _insert_all(conn, tables)
        conn.commit()
        with conn.cursor() as cur:
            for table, expected in counts.items():
                cur.execute(f"SELECT COUNT(*) FROM {_mysql_ident(table)}")
                (found,) = cur.fetchone()
                if found != expected:
                    raise AssertionError(f"{database}.{table}: {found} rows, expected {expected}")
        return counts
    finally:
        conn.close()


def _create_postgres(server: _Server, source: str, database: str) -> None:
    with _pg_connect(server, "postgres", autocommit=True) as admin:
        admin.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(database))
        )
        admin.execute(
            sql.SQL("CREATE DATABASE {} ENCODING 'UTF8' TEMPLATE template0").format(
                sql.Identifier(database)
            )
        )
    with _pg_connect(server, database) as conn:
        conn.execute((HERE / f"{source}_postgres.sql").read_text(encoding="utf-8"))
        conn.commit()


def create_demo_tables(
    mysql_url: str = DEFAULT_MYSQL_URL,
    postgres_url: str = DEFAULT_POSTGRES_URL,
    *,
    databases: dict[str, str] | None = None,
    rows: int = 1,
) -> dict[str, dict[str, int]]:
    """Like `create_demo`, but returns the rows of every MySQL table (excluded ones too)."""
    databases = dict(DEFAULT_DATABASES if databases is None else databases)
    unknown = set(databases) - set(DEFAULT_DATABASES)
    if unknown:
        raise ValueError(
            f"unknown demo sources {sorted(unknown)}; known: {sorted(DEFAULT_DATABASES)}"
        )
    mysql_server = _parse_url(mysql_url, 3306)
    postgres_server = _parse_url(postgres_url, 5432)
    data = generate(rows)
    result = {}
    for source, database in databases.items():
        result[source] = _create_mysql(mysql_server, source, database, data[source])
        _create_postgres(postgres_server, source, database)
    return result


def create_postgres_target(postgres_url: str, source: str, database: str) -> None:
    """Drop and re-create one empty PostgreSQL target of a demo source (the benchmarks load
    other tools into a copy of the schema)."""
    _create_postgres(_parse_url(postgres_url, 5432), source, database)


def create_demo(
    mysql_url: str = DEFAULT_MYSQL_URL,
    postgres_url: str = DEFAULT_POSTGRES_URL,
    *,
    databases: dict[str, str] | None = None,
    rows: int = 1,
) -> dict[str, int]:
    """Drop and re-create the demo databases; returns, per source, the rows written to the tables
    a migration moves (the tables in `EXCLUDED_TABLES` are filled too but not counted).

    `databases` maps source name ("alkemio", "kratos") to database name, used on both servers;
    `rows` scales the data (1: a few thousand rows per source).
    """
    tables = create_demo_tables(mysql_url, postgres_url, databases=databases, rows=rows)
    return {
        source: sum(n for t, n in counts.items() if t not in EXCLUDED_TABLES[source])
        for source, counts in tables.items()
    }


def fingerprint(rows: int = 1) -> str:
    """A digest of the generated data, to check that generation stays deterministic."""
    digest = hashlib.sha256()
    for source, tables in generate(rows).items():
        for table, table_rows in tables.items():
            digest.update(f"{source}.{table}:{len(table_rows)}".encode())
            for row in table_rows:
                digest.update(repr(sorted(row.items())).encode())
    return digest.hexdigest()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m demo.seed",
        description="Drop and re-create the demo MySQL sources (with data) and PostgreSQL targets.",
    )
    parser.add_argument("--rows", type=int, default=1, help="scale factor (default 1)")
    parser.add_argument(
        "--mysql-url", default=os.environ.get("CONVERGE_MYSQL_URL", DEFAULT_MYSQL_URL)
    )
    parser.add_argument(
        "--postgres-url", default=os.environ.get("CONVERGE_POSTGRES_URL", DEFAULT_POSTGRES_URL)
    )
    parser.add_argument(
        "--database",
        action="append",
        default=[],
        metavar="SOURCE=NAME",
        help="database name for a source (default alkemio=alkemio, kratos=kratos)",
    )
    args = parser.parse_args(argv)
    if args.rows < 1:
        parser.error("--rows must be at least 1")
    databases = dict(DEFAULT_DATABASES)
    for item in args.database:
        source, sep, name = item.partition("=")
        if not sep or source not in DEFAULT_DATABASES or not name:
            parser.error(
                f"--database expects SOURCE=NAME with SOURCE in {sorted(DEFAULT_DATABASES)}"
            )
        databases[source] = name
    mysql_server = _parse_url(args.mysql_url, 3306)
    postgres_server = _parse_url(args.postgres_url, 5432)
    started = time.monotonic()
    try:
        tables = create_demo_tables(
            args.mysql_url, args.postgres_url, databases=databases, rows=args.rows
        )
    except (pymysql.Error, psycopg.Error, OSError) as e:
        print(f"demo: failed: {_redact(str(e))}", file=sys.stderr)
        return 1
    elapsed = time.monotonic() - started
    print(f"demo databases at scale {args.rows} ({elapsed:.1f} s)")
    print(f"  MySQL {mysql_server}, PostgreSQL {postgres_server}")
    for source, counts in tables.items():
        moved = {t: n for t, n in counts.items() if t not in EXCLUDED_TABLES[source]}
        print(
            f"  {source}: database {databases[source]}, {len(moved)} tables, "
            f"{sum(moved.values())} rows (+{len(counts) - len(moved)} excluded tables: "
            f"{', '.join(EXCLUDED_TABLES[source])})"
        )
        for table, n in counts.items():
            mark = " (excluded)" if table in EXCLUDED_TABLES[source] else ""
            print(f"    {table:<34} {n:>7}{mark}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
