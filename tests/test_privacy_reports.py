"""Local-DP reports on the device: made from the user's liked items, queued encrypted, shown by the CLI."""

import json
from datetime import datetime, timedelta, timezone

import pytest
import typer
from typer.testing import CliRunner

from edgerec.cli.privacy_report import report
from edgerec.errors import InputError, UnknownUserError
from edgerec.privacy.ldp import ItemDomain, Report, estimate_counts
from edgerec.privacy.reports import QUEUE_DOC, drop_reports, positive_items, queue_report, queued_reports
from edgerec.store import EventStore
from helpers import KEY, store_files, requires

pytestmark = requires("opendp")  # the local randomizer is OpenDP's

T0 = datetime(2026, 11, 2, 19, 0, tzinfo=timezone.utc)
runner = CliRunner()


def _fill(store):
    rows = [("play", "a"), ("dismiss", "b"), ("like", "c"), ("tv_on", None), ("play", "a"), ("skip", "d"), ("rate", "e")]
    for n, (type_, item) in enumerate(rows):
        store.log("ann", type_, item=item, ts=T0 + timedelta(minutes=n),
                  context={"rating": 2} if type_ == "rate" else None)


def test_positive_items_are_recent_first_and_only_liked(store):
    _fill(store)
    assert positive_items(store, "ann") == ["a", "c"]
    with pytest.raises(UnknownUserError):
        positive_items(store, "nobody")


def test_queue_report_keeps_it_encrypted_with_its_ledger_entry(store, db_path):
    _fill(store)
    domain = ItemDomain.from_ids(["a", "b", "c", "d", "e", "f"])
    entry = queue_report(store, "ann", epsilon=1.5, domain=domain, bound=4)
    rep = Report.from_dict(entry["report"])
    assert (rep.epsilon, rep.domain, rep.bound) == (1.5, 6, 4)
    assert entry["ledger"]["epsilon"] == 1.5 and entry["ledger"]["mechanism"] == "rr_bitvec"
    assert "ann" not in json.dumps(entry)
    queue_report(store, "ann", epsilon=1.5, domain=domain, bound=4)
    queued = queued_reports(store, "ann")
    assert [q["id"] for q in queued][0] == entry["id"] and len(queued) == 2
    assert len(store.get_doc("ann", QUEUE_DOC)["ledger"]) == 2
    raw = b"".join(store_files(db_path).values())
    assert entry["id"].encode() not in raw  # encrypted at rest
    assert drop_reports(store, "ann", [entry["id"]]) == 1
    assert len(queued_reports(store, "ann")) == 1
    assert len(store.get_doc("ann", QUEUE_DOC)["ledger"]) == 2  # what was released stays on record
    assert drop_reports(store, "ann") == 1 and drop_reports(store, "nobody") == 0


def test_many_devices_reports_estimate_the_popular_item(tmp_path):
    with EventStore.create(tmp_path / "s.db", key=KEY) as store:
        for n in range(300):
            store.log(f"u{n}", "play", item="hit", ts=T0)
            if n % 3 == 0:
                store.log(f"u{n}", "like", item="niche", ts=T0)
        domain = ItemDomain.from_ids(["hit", "niche", "never"])
        reports = [queue_report(store, f"u{n}", epsilon=8.0, domain=domain, bound=2)["report"] for n in range(300)]
    est = estimate_counts(reports)
    assert abs(est[0] - 300) < 40 and abs(est[1] - 100) < 40 and abs(est[2]) < 40


def test_queue_report_needs_a_domain(store):
    _fill(store)
    with pytest.raises(InputError):
        queue_report(store, "ann", epsilon=1.0, domain=["a"])


def _app():
    app = typer.Typer()
    app.command("report")(report)
    app.command("noop")(lambda: None)  # two commands, so "report" is a subcommand as under `edgerec privacy`
    return app


def test_cli_report_prints_and_queues(tmp_path):
    db = tmp_path / "s.db"
    key = tmp_path / "key"
    key.write_bytes(KEY)
    with EventStore.create(db, key=KEY) as store:
        _fill(store)
    items = tmp_path / "items.json"
    items.write_text(json.dumps(["a", "b", "c", "d"]))
    base = ["report", "--db", str(db), "--key-file", str(key), "--user", "ann"]
    r = runner.invoke(_app(), [*base, "--json", "--items", str(items), "--epsilon", "2"])
    assert r.exit_code == 0, r.output
    shown = json.loads(r.stdout)
    assert shown["report"]["domain"] == 4 and shown["domain"]["kind"] == "ids"
    r = runner.invoke(_app(), [*base, "--buckets", "256"])
    assert r.exit_code == 0 and "of 256 bits set" in r.stdout and "nothing was sent" in r.stdout
    with EventStore.open(db, key=KEY) as store:
        assert [q["id"] for q in queued_reports(store, "ann")][0] == shown["id"]
    lines = tmp_path / "items.txt"
    lines.write_text("a\nc\n")
    assert runner.invoke(_app(), [*base, "--items", str(lines)]).exit_code == 0


@pytest.mark.parametrize("args, message", [
    (["--user", "nobody"], "unknown user"),
    (["--user", "ann", "--items", "missing.json"], "cannot read item list"),
    (["--user", "ann", "--items", "bad.json"], "not a JSON list"),
])
def test_cli_report_user_errors(tmp_path, monkeypatch, args, message):
    monkeypatch.chdir(tmp_path)
    db = tmp_path / "s.db"
    (tmp_path / "key").write_bytes(KEY)
    (tmp_path / "bad.json").write_text("[oops")
    with EventStore.create(db, key=KEY) as store:
        _fill(store)
    r = runner.invoke(_app(), ["report", "--db", str(db), "--key-file", "key", *args])
    assert r.exit_code == 2 and message in r.stderr and "Traceback" not in r.output


@requires("dp_accounting")
def test_reports_are_charged_to_the_store_ledger_and_refused_past_its_budget(store):
    from edgerec.errors import PrivacyBudgetExceeded
    from edgerec.privacy.store_ledger import load_ledger, set_budget

    _fill(store)
    domain = ItemDomain.from_ids(["a", "b", "c", "d", "e", "f"])
    queue_report(store, "ann", epsilon=1.0, domain=domain, bound=4)
    queue_report(store, "ann", epsilon=1.0, domain=domain, bound=4)
    spent = load_ledger(store).total()[0]
    assert 2.0 - 1e-3 <= spent <= 2.0 + 1e-3 and len(load_ledger(store).entries) == 2  # as two plain ε = 1 releases
    set_budget(store, spent * 1.01)  # room for nothing more
    with pytest.raises(PrivacyBudgetExceeded):
        queue_report(store, "ann", epsilon=1.0, domain=domain, bound=4)
    # refused before anything was made: no third report, no third entry, nothing more spent
    assert len(queued_reports(store, "ann")) == 2 and len(load_ledger(store).entries) == 2
    assert load_ledger(store).total()[0] == spent
    store.forget(user="ann")
    assert len(load_ledger(store).entries) == 2  # what was released stays on record after a forget
