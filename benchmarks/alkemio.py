"""The Alkemio shape: 75 tables of the Alkemio server's column shapes, ~50k rows in all.

The demo's Alkemio source (`demo/alkemio.py`) is a 27-table subset; the real server has 71-77
tables, most of them small, which is what decides converge's per-table cost. This schema has
75 moved tables named and shaped like the server's (TypeORM): `id char(36)` keys, `rowId int
AUTO_INCREMENT` on the entities that have one (-> SERIAL), `createdDate`/`updatedDate
datetime(6)`, `version int`, `authorizationId`/`profileId` foreign keys, tinyint(1) booleans,
json settings (-> jsonb, and json where the server keeps json), simple-array text, text with
quotes, commas and line feeds, `memo.content mediumblob` (-> bytea) and `whiteboard.content
longtext`; plus `migrations_typeorm`, which a migration leaves alone (excluded, as for the real
server), and pgloader runs with `quote identifiers` (it would lower-case `rowId`). Row counts follow the real database's proportions: authorization_policy is the largest
(one per entity), then visuals, profiles, tagsets and credentials; most tables hold tens to a
few hundred rows.

The data is generated in SQL from the dataset's table spec (`dataset.Table`), so the same spec
gives the MySQL DDL, the PostgreSQL DDL and the content checks run on every system's target.
`python -m benchmarks.run --shapes alkemio` times it.
"""

from __future__ import annotations

from .dataset import Column, Table, boolean, pick, stamp, uuid_of, uuid_sql

DATABASE = "bench_alkemio"
EXCLUDED = ("migrations_typeorm",)

# Rows per table at scale 1 (in foreign-key order: authorization_policy and profile first).
ROWS = {
    "authorization_policy": 10_000,
    "location": 1_500,
    "profile": 3_500,
    "visual": 4_000,
    "tagset": 3_000,
    "reference": 2_200,
    "credential": 2_600,
    "agent": 900,
    "activity": 2_400,
    "nvp": 900,
    "callout": 900,
    "callout_framing": 900,
    "callout_contribution": 1_100,
    "callout_contribution_defaults": 900,
    "callout_contribution_policy": 900,
    "post": 600,
    "link": 400,
    "room": 900,
    "in_app_notification": 1_000,
    "user": 500,
    "user_settings": 500,
    "storage_bucket": 700,
    "document": 500,
    "whiteboard": 200,
    "memo": 150,
    "organization": 120,
    "organization_verification": 120,
    "space": 150,
    "space_about": 150,
    "collaboration": 200,
    "callouts_set": 260,
    "innovation_flow": 200,
    "innovation_flow_state": 700,
    "timeline": 150,
    "calendar": 150,
    "calendar_event": 300,
    "community": 150,
    "community_guidelines": 150,
    "role_set": 270,
    "role": 1_100,
    "application": 250,
    "invitation": 200,
    "platform_invitation": 60,
    "form": 350,
    "user_group": 60,
    "account": 600,
    "license": 750,
    "license_entitlement": 2_500,
    "storage_aggregator": 900,
    "communication": 150,
    "discussion": 40,
    "forum": 1,
    "library": 1,
    "platform": 1,
    "licensing_framework": 1,
    "license_plan": 14,
    "license_policy": 1,
    "templates_set": 80,
    "templates_manager": 80,
    "template": 120,
    "template_default": 400,
    "template_content_space": 40,
    "innovation_pack": 12,
    "innovation_hub": 6,
    "virtual_contributor": 30,
    "ai_persona": 30,
    "ai_server": 1,
    "ai_persona_service": 30,
    "knowledge_base": 30,
    "vc_interaction": 120,
    "conversation": 200,
    "conversations_set": 500,
    "space_defaults": 40,
    "preference_set": 60,
    "lifecycle": 250,
    "migrations_typeorm": 160,
}
WITH_ROW_ID = {
    "user", "organization", "space", "activity", "virtual_contributor", "innovation_hub",
    "innovation_pack", "account", "callout", "post", "document", "in_app_notification",
}  # fmt: skip
# Tables without an authorization of their own in the server's schema.
WITHOUT_AUTHORIZATION = {
    "authorization_policy", "location", "nvp", "activity", "credential", "license_entitlement",
    "in_app_notification", "migrations_typeorm", "innovation_flow_state", "vc_interaction",
    "form", "lifecycle", "callout_contribution_defaults", "callout_contribution_policy",
}  # fmt: skip
# Tables that hang off a profile.
WITH_PROFILE = {
    "reference", "tagset", "visual", "callout_framing", "post", "link", "whiteboard", "memo",
    "document", "user", "organization", "calendar_event", "template", "user_group",
    "innovation_flow", "innovation_pack", "innovation_hub", "virtual_contributor",
    "knowledge_base", "community_guidelines", "space_about", "discussion", "storage_bucket",
}  # fmt: skip
TEXT = (
    "CONCAT('She said \"', s.seq, '\", then, a line\\nand a tab\\t and a back\\\\slash ', "
    "REPEAT('lorem ipsum ', s.seq % 12))"
)


def _id() -> Column:
    return Column("id", "char(36)", "uuid", uuid_sql("s.h"))


def _common(table: str) -> list[Column]:
    cols = [_id()]
    if table in WITH_ROW_ID:
        cols.append(Column("rowId", "int NOT NULL AUTO_INCREMENT", "serial", "s.seq", check="sum"))
    cols += [
        stamp("createdDate", "s.seq"),
        stamp("updatedDate", "s.seq + 11"),
        Column("version", "int NOT NULL", "integer", "1 + s.seq % 7", check="sum"),
    ]
    return cols


def _ref(name: str, parent: str, parents: int, salt: int, nullable_every: int = 0) -> Column:
    expr = uuid_of(parent, f"1 + (s.seq * 7919 + {salt}) % {parents}")
    if nullable_every:
        expr = f"IF(s.seq % {nullable_every} = 0, NULL, {expr})"
    return Column(name, "char(36)", "uuid", expr, nullable=bool(nullable_every))


def _text(name: str, nullable: bool = True) -> Column:
    expr = f"IF(s.seq % 5 = 0, NULL, {TEXT})" if nullable else TEXT
    return Column(name, "text", "text", expr, nullable=nullable, check="len")


def _varchar(name: str, expr: str, size: int = 255, nullable: bool = False) -> Column:
    return Column(name, f"varchar({size})", f"varchar({size})", expr, nullable, check="len")


def _json(name: str, expr: str, pg: str = "jsonb") -> Column:
    return Column(name, "json", pg, expr)


def _extras(table: str) -> list[Column]:
    """The columns that give each kind of table its shape."""
    name = f"CONCAT('{table[:20]}-', s.seq)"
    if table == "authorization_policy":
        return [
            _json(
                "credentialRules",
                "JSON_ARRAY(JSON_OBJECT('name', CONCAT('rule-', s.seq % 97), 'cascade', "
                "s.seq % 3 > 0, 'grantedPrivileges', JSON_ARRAY('read', 'update'), "
                "'criterias', JSON_ARRAY(JSON_OBJECT('type', "
                f"{pick('s.seq', 'global-admin', 'space-member', 'space-admin')}, "
                f"'resourceID', {uuid_sql('s.h')}))))",
            ),
            _json(
                "privilegeRules",
                "IF(s.seq % 4 > 0, JSON_ARRAY(), JSON_ARRAY(JSON_OBJECT('sourcePrivilege', "
                "'create', 'grantedPrivileges', JSON_ARRAY('create-callout'))))",
            ),
            _varchar("type", pick("s.seq", "space", "user", "callout", "profile"), 128),
            _ref("parentAuthorizationPolicyId", "authorization_policy", 1000, 3, 4),
        ]
    if table == "profile":
        return [
            _text("displayName", nullable=False),
            _text("tagline"),
            _text("description"),
            # An enum in the server; varchar here: pgloader's `data only` still builds a type
            # for a MySQL enum and fails on a target that has one already.
            _varchar("type", pick("s.seq", "space", "user", "organization", "post"), 32),
            _ref("locationId", "location", ROWS["location"], 5, 3),
        ]
    if table == "location":
        return [
            _varchar("city", pick("s.seq", "Den Haag", "Zürich", "Kraków", "東京", ""), 255, True),
            _varchar("country", pick("s.seq", "NL", "CH", "PL", "JP"), 255, True),
            _varchar("postalCode", "LPAD(s.seq % 99999, 5, '0')", 128, True),
            _json("geoLocation", "JSON_OBJECT('lat', s.seq % 90, 'lng', s.seq % 180)", "json"),
        ]
    if table == "visual":
        return [
            _varchar("name", pick("s.seq", "avatar", "banner", "cardBanner")),
            _varchar("uri", "CONCAT('https://alkem.io/api/private/rest/storage/', s.h)", 2048),
            Column("minWidth", "int NOT NULL", "integer", "190 + s.seq % 10", check="sum"),
            Column("maxWidth", "int NOT NULL", "integer", "410 + s.seq % 10", check="sum"),
            Column("aspectRatio", "decimal(3,1)", "numeric(3,1)", "1.5", check="sum"),
            _text("allowedTypes", nullable=False),  # simple-array
            _text("alternativeText"),
        ]
    if table == "tagset":
        return [
            _varchar("name", pick("s.seq", "default", "skills", "keywords", "capabilities")),
            Column(
                "tags",
                "text",
                "text",
                "CONCAT_WS(',', ELT(1 + s.seq % 4, 'innovation', 'energy', 'AI', 'C#'), "
                "CONCAT('tag', s.seq % 31), IF(s.seq % 3 = 0, 'semi;colon', 'water'))",
                check="len",
            ),  # simple-array
            _varchar("type", pick("s.seq", "freeform", "select-one", "select-many"), 128),
        ]
    if table == "credential":
        return [
            _varchar("resourceID", uuid_of("space", "s.seq"), 36),
            _varchar("type", pick("s.seq", "space-member", "space-admin", "global-registered")),
            _ref("agentId", "agent", ROWS["agent"], 1, 9),
            stamp("expires", "s.seq + 99", nullable=True),
        ]
    if table == "activity":
        return [
            _ref("triggeredBy", "user", ROWS["user"], 2),
            _ref("resourceID", "space", ROWS["space"], 3),
            _ref("parentID", "collaboration", ROWS["collaboration"], 4, 6),
            _ref("collaborationID", "collaboration", ROWS["collaboration"], 5),
            _ref("messageID", "room", ROWS["room"], 6, 2),
            boolean("visibility", "s.seq % 10 > 0"),
            _text("description"),
            _varchar("type", pick("s.seq", "callout-published", "post-created", "member-joined")),
        ]
    if table == "memo":
        return [
            _varchar("nameID", name, 36),
            Column(
                "content",
                "mediumblob",
                "bytea",
                "IF(s.seq % 7 = 0, NULL, UNHEX(REPEAT(MD5(s.seq), 1 + s.seq % 96)))",
                nullable=True,
                check="bytes",
            ),
            _varchar("contentUpdatePolicy", pick("s.seq", "contributors", "admins"), 128),
        ]
    if table == "whiteboard":
        return [
            _varchar("nameID", name, 36),
            Column(
                "content",
                "longtext",
                "text",
                'CONCAT(\'{"type":"excalidraw","elements":[\', '
                'REPEAT(CONCAT(\'{"id":"\', s.h, \'","x":\', s.seq % 999, \',"text":"a, '
                "\\\\\"quoted\\\\\" note\"},'), 1 + s.seq % 40), '{}]}')",
                check="len",
            ),
            _varchar("contentUpdatePolicy", pick("s.seq", "contributors", "admins"), 128),
            _json("previewSettings", "JSON_OBJECT('mode', 'auto', 'coordinates', NULL)"),
        ]
    if table in ("space", "account", "user_settings", "organization", "virtual_contributor"):
        return [
            _varchar("nameID", name, 36) if table != "user_settings" else _text("homeSpace"),
            _json(
                "settings",
                "JSON_OBJECT('privacy', JSON_OBJECT('mode', IF(s.seq % 2, 'public', 'private'), "
                "'allowPlatformSupportAsAdmin', s.seq % 3 = 0), 'membership', "
                "JSON_OBJECT('policy', 'open', 'trustedOrganizations', JSON_ARRAY()), "
                "'collaboration', JSON_OBJECT('inheritMembershipRights', TRUE, "
                "'allowMembersToCreateCallouts', s.seq % 2 = 0))",
            ),
            boolean("visibility", "s.seq % 9 > 0"),
            _varchar("level", pick("s.seq", "L0", "L1", "L2"), 128),
        ]
    if table == "user":
        return [
            _varchar("nameID", name, 36),
            _varchar("accountUpn", "CONCAT('user', s.seq, '@example.org')"),
            _varchar("firstName", pick("s.seq", "Ana", "Jürgen", "O'Neil", "Zoë")),
            _varchar("lastName", pick("s.seq", "de Vries", "Müller", "Smith, Jr.")),
            _varchar("email", "CONCAT('user', s.seq, '@example.org')", 512),
            _varchar("phone", "IF(s.seq % 4 = 0, '', CONCAT('+31 6', s.seq))", 255, True),
            boolean("serviceProfile", "s.seq % 50 = 0"),
            _ref("agentId", "agent", ROWS["agent"], 7, 0),
        ]
    if table == "in_app_notification":
        return [
            _varchar("type", pick("s.seq", "collaboration-callout-published", "user-mention")),
            _varchar("state", pick("s.seq", "unread", "read", "archived"), 128),
            _ref("receiverID", "user", ROWS["user"], 9),
            _ref("triggeredByID", "user", ROWS["user"], 10, 5),
            _json("payload", f"JSON_OBJECT('spaceID', {uuid_sql('s.h')}, 'n', s.seq)"),
            stamp("triggeredAt", "s.seq + 4"),
        ]
    if table == "nvp":
        return [
            _varchar("name", name, 512),
            _varchar("value", "CONCAT('value, \"', s.seq, '\"')", 512),
            Column("sortOrder", "int NOT NULL", "integer", "s.seq % 10", check="sum"),
        ]
    # Every other table: a name, a description, a flag, a kind and (every third kind) settings.
    cols = [
        _varchar("nameID" if len(table) % 2 else "type", name, 36),
        _text("description"),
        boolean("enabled", f"(s.seq + {len(table)}) % 4 > 0"),
    ]
    if len(table) % 3 == 0:
        cols.append(
            _json("settings", "JSON_OBJECT('enabled', s.seq % 2 = 0, 'tags', JSON_ARRAY('a'))")
        )
    return cols


def tables(scale: float = 1.0) -> list[Table]:
    """The tables in a valid load order (parents first), with row counts for `scale`."""
    rows = {name: max(1, round(n * scale)) for name, n in ROWS.items()}
    out = []
    for table, n in rows.items():
        if table == "migrations_typeorm":
            cols = (
                Column("id", "int NOT NULL AUTO_INCREMENT", "serial", "s.seq", check="sum"),
                Column("timestamp", "bigint NOT NULL", "bigint", "1600000000000 + s.seq"),
                _varchar("name", "CONCAT('Migration', 1600000000000 + s.seq)"),
            )
            out.append(Table(table, n, cols))
            continue
        cols = _common(table)
        fks = []
        if table not in WITHOUT_AUTHORIZATION:
            salt = len(out) * 131
            cols.append(_ref("authorizationId", "authorization_policy", rows[ORDER[0]], salt, 13))
            fks.append(("authorizationId", "authorization_policy"))
        if table in WITH_PROFILE:
            cols.append(_ref("profileId", "profile", rows["profile"], len(out), 17))
            fks.append(("profileId", "profile"))
        extras = _extras(table)
        cols += extras
        fks += [
            (c.name, _PARENTS[c.name])
            for c in extras
            if c.name in _PARENTS and ORDER.index(_PARENTS[c.name]) < ORDER.index(table)
        ]
        unique = ("rowId",) if table in WITH_ROW_ID else ()
        out.append(Table(table, n, tuple(cols), tuple(fks), unique))
    return out


ORDER = list(ROWS)
# Foreign keys among the extras (only where the parent is generated first).
_PARENTS = {
    "locationId": "location",
    "agentId": "agent",
    "parentAuthorizationPolicyId": "authorization_policy",
}
