"""Configuration: clear errors, and passwords that never show."""

from __future__ import annotations

from pathlib import Path

import pytest

from converge_assets.engine.config import ConfigError, ServerURL, load_config, parse_config, redact

SHIPPED = Path(__file__).resolve().parent.parent / "converge.yaml"


def test_shipped_config_has_both_sources_and_their_exclusions():
    config = load_config(SHIPPED)
    assert config.source("alkemio").exclude == ("migrations_typeorm", "query-result-cache")
    assert config.source("kratos").exclude == ("schema_migration",)
    assert config.source("kratos").postgres_schema == "public"


def test_unknown_source_names_the_known_ones():
    with pytest.raises(ConfigError, match=r"unknown source 'nope'.*alkemio, kratos"):
        load_config(SHIPPED).source("nope")


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ([], "expected a mapping with a 'sources' mapping"),
        ({"sources": {"a": {"postgres_database": "x"}}}, "'mysql_database' is required"),
        (
            {"sources": {"a": {"mysql_database": "x", "postgres_database": "y", "exlude": []}}},
            "unknown keys",
        ),
        ({"sources": {"A-b": {"mysql_database": "x", "postgres_database": "y"}}}, "lower case"),
        (
            {"sources": {"a": {"mysql_database": "x", "postgres_database": "y", "exclude": "t"}}},
            "list",
        ),
        (
            {
                "sources": {
                    "a": {
                        "mysql_database": "x",
                        "postgres_database": "y",
                        "transforms": {"t": {"c": "rot13"}},
                    }
                }
            },
            "transform 'rot13'",
        ),
        ({"sources": {}, "parallel_tables": 0}, "parallel_tables"),
        (
            {
                "sources": {
                    "a": {"mysql_database": "x", "postgres_database": "y", "foreign_keys": "off"}
                }
            },
            "foreign_keys must be one of replica, enforced, not 'off'",
        ),
        (
            {
                "tables_per_step": 1,
                "sources": {
                    "a": {
                        "mysql_database": "x",
                        "postgres_database": "y",
                        "foreign_keys": "enforced",
                    }
                },
            },
            r"tables_per_step cannot be combined with foreign_keys: enforced \(sources a\)",
        ),
    ],
)
def test_malformed_config_is_refused_clearly(raw, message):
    with pytest.raises(ConfigError, match=message):
        parse_config(raw, Path("/etc/converge.yaml"))


def test_invalid_yaml_names_the_file(tmp_path):
    path = tmp_path / "c.yaml"
    path.write_text("sources: [unclosed")
    with pytest.raises(ConfigError, match=str(path)):
        load_config(path)


def test_export_dir_defaults_beside_the_config_and_follows_the_environment(tmp_path, monkeypatch):
    path = tmp_path / "c.yaml"
    path.write_text("sources: {}")
    monkeypatch.delenv("CONVERGE_EXPORT_DIR", raising=False)
    assert load_config(path).export_dir == tmp_path / "csv_exports"
    monkeypatch.setenv("CONVERGE_EXPORT_DIR", str(tmp_path / "elsewhere"))
    assert load_config(path).export_dir == tmp_path / "elsewhere"


def test_passwords_never_show():
    url = ServerURL.parse("mysql://migrator:s3cr%40t@db.internal:3307", 3306)
    assert url.password == "s3cr@t"
    assert "s3cr" not in str(url) and "s3cr" not in repr(url)
    assert url.port == 3307
    text = "cannot connect to postgresql://app:hunter2@10.0.0.1:5432/alkemio"
    assert "hunter2" not in redact(text)
    assert "app:***@10.0.0.1" in redact(text)


def test_foreign_keys_default_to_replica_and_enforced_keeps_one_step():
    raw = {"sources": {"a": {"mysql_database": "x", "postgres_database": "y"}}}
    assert parse_config(raw, Path("c.yaml")).source("a").foreign_keys == "replica"
    raw["sources"]["a"]["foreign_keys"] = "enforced"
    assert parse_config(raw, Path("c.yaml")).source("a").enforces_foreign_keys
