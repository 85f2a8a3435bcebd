"""Configuration: one place, safe defaults, clear errors."""

from pathlib import Path

import pytest

from runtime.config import ConfigError, Settings


def test_without_any_variable_it_runs_on_the_embedded_default(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    settings = Settings.from_env({})
    assert settings.data_dir == tmp_path / "var"
    assert settings.database_url == f"sqlite:///{tmp_path / 'var' / 'orderloom.db'}"
    assert settings.database_kind == "sqlite"
    assert settings.redis_url is None
    assert settings.timezone == "Asia/Shanghai"
    assert settings.tzinfo.key == "Asia/Shanghai"
    assert len(settings.secret_key) >= 32


def test_the_generated_secret_key_survives_a_restart(tmp_path):
    env = {"ORDERLOOM_DATA_DIR": str(tmp_path)}
    first = Settings.from_env(env)
    assert Settings.from_env(env).secret_key == first.secret_key
    key_file = tmp_path / "secret_key"
    assert key_file.stat().st_mode & 0o777 == 0o600
    assert first.secret_key not in repr(first)


def test_every_variable_overrides_its_default(tmp_path):
    settings = Settings.from_env({
        "ORDERLOOM_DATA_DIR": str(tmp_path / "data"),
        "ORDERLOOM_DATABASE_URL": "postgresql://app@db.internal/orderloom",
        "ORDERLOOM_REDIS_URL": "redis://cache.internal:6379/2",
        "ORDERLOOM_SECRET_KEY": "s3cret",
        "ORDERLOOM_TIMEZONE": "Europe/Berlin",
    })
    assert settings.data_dir == tmp_path / "data" and settings.data_dir.is_dir()
    assert settings.database_kind == "postgresql"
    assert settings.sqlalchemy_url == "postgresql+psycopg://app@db.internal/orderloom"
    assert settings.redis_url == "redis://cache.internal:6379/2"
    assert settings.secret_key == "s3cret"
    assert not (tmp_path / "data" / "secret_key").exists()
    assert settings.timezone == "Europe/Berlin"


def test_blank_values_count_as_unset(tmp_path):
    settings = Settings.from_env({"ORDERLOOM_DATA_DIR": str(tmp_path), "ORDERLOOM_REDIS_URL": " ",
                                  "ORDERLOOM_TIMEZONE": ""})
    assert settings.redis_url is None
    assert settings.timezone == "Asia/Shanghai"


@pytest.mark.parametrize("zone", ["Mars/Olympus_Mons", "Asia/Shang hai", "../etc/passwd"])
def test_a_bad_time_zone_is_a_clear_startup_error(tmp_path, zone):
    with pytest.raises(ConfigError, match="ORDERLOOM_TIMEZONE=.*not an IANA time zone"):
        Settings.from_env({"ORDERLOOM_DATA_DIR": str(tmp_path), "ORDERLOOM_TIMEZONE": zone})


def test_the_lease_time_of_the_workers_is_a_positive_number_of_seconds(tmp_path):
    base = {"ORDERLOOM_DATA_DIR": str(tmp_path)}
    assert Settings.from_env(base).lease_seconds == 30.0
    assert Settings.from_env({**base, "ORDERLOOM_LEASE_SECONDS": "2.5"}).lease_seconds == 2.5
    for bad in ("0", "-1", "soon", "nan"):
        with pytest.raises(ConfigError, match="ORDERLOOM_LEASE_SECONDS"):
            Settings.from_env({**base, "ORDERLOOM_LEASE_SECONDS": bad})


def test_a_data_dir_that_cannot_be_created_names_the_variable(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    with pytest.raises(ConfigError, match="ORDERLOOM_DATA_DIR"):
        Settings.from_env({"ORDERLOOM_DATA_DIR": str(blocker / "var")})


def test_settings_are_frozen(tmp_path):
    settings = Settings.from_env({"ORDERLOOM_DATA_DIR": str(tmp_path)})
    with pytest.raises(AttributeError):
        settings.timezone = "UTC"  # type: ignore[misc]


def test_no_other_module_reads_orderloom_variables():
    root = Path(__file__).resolve().parents[2]
    offenders = [
        str(path.relative_to(root))
        for package in ("designer", "runtime", "dsl")
        for path in (root / package).rglob("*.py")
        if path.name != "config.py" and ("os.environ" in (text := path.read_text(encoding="utf-8"))
                                         or "getenv(" in text)
    ]
    assert offenders == []
