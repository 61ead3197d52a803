"""The store's time zone: set at creation, changed later, sealed, kept by rotation; stores from before it."""

import sqlite3

import pytest
from typer.testing import CliRunner

from edgerec.cli.main import app
from edgerec.errors import InputError, IntegrityError
from edgerec.profile.builder import ProfileBuilder
from edgerec.store import EventStore
from helpers import KEY, store_files, user_error
from tests.test_local_time import log_local_habits

runner = CliRunner()
OTHER_KEY = bytes(range(1, 33))


def run(*args, env=None):
    return runner.invoke(app, [str(a) for a in args], env=env)



@pytest.fixture
def kf(tmp_path):
    path = tmp_path / "store.key"
    path.write_bytes(KEY)
    return path


# ---------------------------------------------------------------------- library
def test_zone_is_kept_changed_and_validated(db_path, monkeypatch):
    monkeypatch.setenv("TZ", "Australia/Perth")
    with EventStore.create(db_path, key=KEY) as store:
        assert store.timezone == "Australia/Perth"  # the system's by default
        assert store.stats()["timezone"] == "Australia/Perth"
        with pytest.raises(InputError, match="unknown time zone"):
            store.set_timezone("Atlantis/Capital")
        assert store.set_timezone("Asia/Tokyo") == "Asia/Tokyo"
    with EventStore.open(db_path, key=KEY) as store:
        assert store.timezone == "Asia/Tokyo"
    with pytest.raises(InputError, match="unknown time zone"):
        EventStore.create(db_path.with_name("other.db"), key=KEY, timezone="UTC+3")
    assert not db_path.with_name("other.db").exists()


def test_zone_is_encrypted_and_authenticated(db_path, tmp_path):
    with EventStore.create(db_path, key=KEY, timezone="America/Los_Angeles") as store:
        store.log("u", "play", item="x")
        store._scrub()
    assert not any(b"Los_Angeles" in data for data in store_files(db_path).values())
    # settings sealed for another store (same key) do not open here
    other = tmp_path / "other.db"
    EventStore.create(other, key=KEY, timezone="Asia/Tokyo").close()
    sealed = sqlite3.connect(other).execute("SELECT value FROM meta WHERE key = 'settings'").fetchone()[0]
    with sqlite3.connect(db_path) as conn:
        conn.execute("UPDATE meta SET value = ? WHERE key = 'settings'", (sealed,))
    with pytest.raises(IntegrityError, match="settings failed authentication"):
        EventStore.open(db_path, key=KEY)


def test_rotation_keeps_the_zone(db_path):
    with EventStore.create(db_path, key=KEY, timezone="Europe/Berlin") as store:
        store.log("u", "play", item="x")
        assert store.rotate_key(key=OTHER_KEY) == 1
        store.set_timezone("Europe/Madrid")  # written under the new key
    with EventStore.open(db_path, key=OTHER_KEY) as store:
        assert store.timezone == "Europe/Madrid"
        assert [e.item for e in store.events()] == ["x"]


def test_a_store_from_before_time_zones_opens_and_reads_in_utc(db_path):
    """Stores made before the settings row existed hold only format, kdf and keys in meta."""
    with EventStore.create(db_path, key=KEY, timezone="Asia/Tokyo") as store:
        log_local_habits(store, "Asia/Tokyo", days=21)
    with sqlite3.connect(db_path) as conn:
        conn.execute("DELETE FROM meta WHERE key = 'settings'")
        assert [r[0] for r in conn.execute("SELECT key FROM meta ORDER BY key")] == ["format", "kdf", "keys"]
    with EventStore.open(db_path, key=KEY) as store:
        assert store.timezone == "UTC"  # what its contexts were read in before
        assert store.count(user="kim") == 21 * 2 + 15
        assert store.verify()["events"] == 21 * 2 + 15
        utc_routines = ProfileBuilder(store).rebuild("kim")["app_routines"]
        store.set_timezone("Asia/Tokyo")
        tokyo_routines = ProfileBuilder(store).rebuild("kim")["app_routines"]
    assert {"time_of_day": "morning", "day_of_week": "weekday"} in [r["triggers"] for r in tokyo_routines]
    assert tokyo_routines != utc_routines
    with EventStore.open(db_path, key=KEY) as store:
        assert store.timezone == "Asia/Tokyo"


# ---------------------------------------------------------------------- CLI
def test_init_with_a_zone_then_show_and_change_it(db_path, kf):
    r = run("init", "--db", db_path, "--key-file", kf, "--timezone", "America/Los_Angeles")
    assert r.exit_code == 0 and "time zone America/Los_Angeles" in r.stdout
    r = run("timezone", "--db", db_path, "--key-file", kf)
    assert r.exit_code == 0 and r.stdout.strip() == "America/Los_Angeles"
    r = run("timezone", "Asia/Tokyo", "--db", db_path, "--key-file", kf, "--json")
    assert r.exit_code == 0, r.output
    assert r.stdout.strip() == '{"timezone": "Asia/Tokyo", "previous": "America/Los_Angeles"}'
    r = run("timezone", "--db", db_path, "--key-file", kf, "--json")
    assert r.stdout.strip() == '{"timezone": "Asia/Tokyo"}'
    r = run("stats", "--db", db_path, "--key-file", kf, "--json")
    assert '"timezone": "Asia/Tokyo"' in r.stdout


def test_init_defaults_to_the_system_zone(db_path, kf, monkeypatch):
    monkeypatch.setenv("TZ", "Pacific/Auckland")
    assert run("init", "--db", db_path, "--key-file", kf).exit_code == 0
    assert run("timezone", "--db", db_path, "--key-file", kf).stdout.strip() == "Pacific/Auckland"


def test_unknown_zones_are_one_line_errors(db_path, kf):
    user_error(run("init", "--db", db_path, "--key-file", kf, "--timezone", "Moon/Tranquility"),
               "unknown time zone 'Moon/Tranquility'")
    assert not db_path.exists()
    assert run("init", "--db", db_path, "--key-file", kf, "--timezone", "UTC").exit_code == 0
    user_error(run("timezone", "PST8", "--db", db_path, "--key-file", kf), "unknown time zone 'PST8'")
    assert run("timezone", "--db", db_path, "--key-file", kf).stdout.strip() == "UTC"
    user_error(run("timezone", "--db", db_path.with_name("none.db"), "--key-file", kf), "no store at")


def test_changing_the_zone_from_the_cli_changes_the_routines(db_path, kf):
    assert run("init", "--db", db_path, "--key-file", kf, "--timezone", "UTC").exit_code == 0
    with EventStore.open(db_path, key=KEY) as store:
        log_local_habits(store, "America/Los_Angeles", days=28)
    r = run("timezone", "America/Los_Angeles", "--db", db_path, "--key-file", kf)
    assert r.exit_code == 0 and "was UTC" in r.stdout
    with EventStore.open(db_path, key=KEY) as store:
        triggers = [r["triggers"] for r in ProfileBuilder(store).rebuild("kim")["app_routines"]]
    assert {"time_of_day": "morning", "day_of_week": "weekday"} in triggers
