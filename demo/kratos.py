"""Ory Kratos v1.3.1's demo rows (`kratos_mysql.sql` on MySQL, `kratos_postgres.sql` with
its seeded rows for the target), table by table in `KRATOS_ORDER` (parents first): one
identity per shared person, with credentials, flows, sessions and courier messages."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from typing import Any

from .values import Gen, Person, Rows


class Kratos:
    def __init__(self, g: Gen, people: list[Person], scale: int) -> None:
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

    def identity(self, i: int, person: Person, types: dict[str, str]) -> None:
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

    def login_flow(self, uid: str, person: Person) -> None:
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

    def registration_flow(self, person: Person, i: int) -> None:
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

    def courier(self, person: Person) -> None:
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
