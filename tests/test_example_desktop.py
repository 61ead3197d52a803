"""examples/desktop as a person meets it: a real Tk window on a virtual X display, driven with xdotool.

The app runs as its own process on Xvfb. The test types the passphrase into the app's dialog,
clicks rows and buttons where the app says they are (``--state-file``: what the window shows and
where its controls are), and checks each action twice: in the window, and in the encrypted store
through the ``edgerec`` CLI and the SDK. The screenshot it takes replaces ``docs/desktop.png`` when ``EDGEREC_UPDATE_SCREENSHOT=1``.
The fast tests above the window test check the example's own logic on a real store.
"""

from __future__ import annotations

import doctest
import json
import os
import select
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import pytest
from typer.testing import CliRunner

from edgerec import EventStore
from edgerec.cli.main import app as cli
from helpers import REPO, source_pythonpath

DESKTOP = REPO / "examples" / "desktop"
sys.path.insert(0, str(DESKTOP))

from albums import ALBUMS, BY_ID, candidates  # noqa: E402
import demo_history  # noqa: E402
import music_library  # noqa: E402
from demo_history import demo_events  # noqa: E402
from music_library import Library, change_line, history_rows, routine_lines  # noqa: E402

PASSPHRASE = "a long passphrase for the demo"
USER = "sam"


# -- the example's logic on a real store (fast) ------------------------------------------------
@pytest.mark.parametrize("end, seed", [(date(2026, 12, 2), 7), (date(2027, 3, 15), 11)])
def test_demo_history_gives_the_two_routines_it_was_written_with(store, end, seed):
    store.log_many(demo_events(USER, end=end, tz=store.timezone, seed=seed))
    lines = routine_lines(Library(store, USER).profile()["app_routines"])
    assert "On weekday mornings: play Kettle and Steam, play Slow Sunrise" in lines
    assert "On weekend evenings: play Blue Lanterns, play Smoke and Velvet" in lines


def test_someone_new_gets_the_catalog_and_no_reasons(store):
    recs = Library(store, USER).recommendations(k=5)
    assert [r.id for r in recs] == [a.id for a in ALBUMS[:5]] and {r.reason for r in recs} == {None}


def test_history_and_change_lines(store):
    store.log_many([{"user": USER, "type": t, "item": i, "ts": f"2026-11-0{d}T08:00:00Z"}
                    for d, t, i in [(1, "play", "jazz-01"), (2, "like", "jazz-01"), (3, "dismiss", "metl-01")]])
    rows = history_rows(store.events(user=USER))
    assert [(r.id, r.summary()) for r in rows] == [("metl-01", "not interested"), ("jazz-01", "1 play, liked")]
    assert change_line(["jazz-01", "folk-01"], ["folk-01", "ambi-01"]) == (
        "Left the list: Blue Lanterns. Entered: Tidal Rooms.")
    assert change_line(["jazz-01"], ["jazz-01"]) == "The recommendations did not change."


@pytest.mark.parametrize("module", [music_library, demo_history], ids=lambda m: m.__name__)
def test_the_examples_docstrings_run(module):
    assert doctest.testmod(module).failed == 0


def test_catalog_ids_are_unique_and_every_album_has_a_line():
    assert len(BY_ID) == len(ALBUMS) >= 40
    assert all(a.title and a.artist and len(a.blurb) > 20 for a in ALBUMS)


# -- the window --------------------------------------------------------------------------------
@pytest.fixture
def display():
    """A fresh Xvfb display; its number is chosen by Xvfb (-displayfd)."""
    read, write = os.pipe()
    server = subprocess.Popen(["Xvfb", "-displayfd", str(write), "-screen", "0", "1280x800x24", "-nolisten", "tcp"],
                              pass_fds=(write,), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    os.close(write)
    number = b""
    while not number.endswith(b"\n"):
        ready, _, _ = select.select([read], [], [], 20)
        assert ready and server.poll() is None, "Xvfb did not start"
        number += os.read(read, 16)
    os.close(read)
    yield f":{number.decode().strip()}"
    server.terminate()
    server.wait(10)


class Window:
    """The running app seen from outside: its state file, xdotool, and its process."""

    def __init__(self, proc: subprocess.Popen, state_file: Path, log: Path, display: str):
        self.proc, self.state_file, self.log, self.display = proc, state_file, log, display
        self.seq = 0

    def xdotool(self, *args: str) -> str:
        env = {**os.environ, "DISPLAY": self.display}
        return subprocess.run(["xdotool", *args], env=env, capture_output=True, text=True, check=True).stdout

    def wait(self, ready, what: str, timeout: float = 90) -> dict:
        """The first state newer than the last one seen for which ``ready(state)`` holds."""
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            assert self.proc.poll() is None, f"the app exited while waiting for {what}:\n{self.log.read_text()[-3000:]}"
            if self.state_file.exists():
                state = json.loads(self.state_file.read_text())
                if state["seq"] > self.seq and ready(state):
                    self.seq = state["seq"]
                    return state
            time.sleep(0.1)
        raise AssertionError(f"timed out waiting for {what}:\n{self.log.read_text()[-3000:]}")

    def click(self, box: list[int]) -> None:
        x, y, w, h = box
        self.xdotool("mousemove", str(x + w // 2), str(y + h // 2), "click", "1")

    def press(self, button: list[int], what: str, ready, row: dict | None = None) -> dict:
        """Select ``row`` (if given), click ``button`` (its box), and wait for a state where ``ready`` holds."""
        if row is not None:
            self.click(row["box"])
            time.sleep(0.2)
        self.click(button)
        return self.wait(ready, what)

    def type_into_dialog(self, name: str, text: str, used: set[str]) -> None:
        """Type ``text`` and Return into the first visible window named ``name`` not typed into before."""
        end = time.monotonic() + 60
        while time.monotonic() < end:
            assert self.proc.poll() is None, self.log.read_text()[-3000:]
            found = subprocess.run(["xdotool", "search", "--onlyvisible", "--name", name], capture_output=True,
                                   text=True, env={**os.environ, "DISPLAY": self.display}).stdout.split()
            fresh = [w for w in found if w not in used]
            if fresh:
                used.add(fresh[0])
                self.xdotool("windowfocus", "--sync", fresh[0])
                self.xdotool("type", "--delay", "15", text)
                self.xdotool("key", "Return")
                return
            time.sleep(0.1)
        raise AssertionError(f"no {name!r} dialog appeared")


def run_cli(*args: str) -> str:
    result = CliRunner().invoke(cli, list(args), env={"EDGEREC_PASSPHRASE": PASSPHRASE})
    assert result.exit_code == 0, result.output
    return result.stdout


def store_events(db: Path, *args: str) -> list[dict]:
    return [json.loads(line) for line in run_cli("events", "--db", str(db), "--json", *args).splitlines()]


def catalog_position(db: Path, item: str) -> int:
    """Where the ranker puts ``item`` among the whole catalog for the person, read through the SDK."""
    from edgerec import rank_from_store

    with EventStore.open(db, passphrase=PASSPHRASE) as store:
        ranked = rank_from_store(store, USER, candidates(), k=len(ALBUMS))
    return [r.id for r in ranked].index(item)


def shows(state: dict, item: str) -> bool:
    return any(r["id"] == item for r in state["recommendations"])


@pytest.mark.slow
def test_the_window_driven_like_a_person(tmp_path, edgerec_home, exported_embedder, display):
    (edgerec_home / "models").mkdir(parents=True, exist_ok=True)
    (edgerec_home / "models" / exported_embedder.name).symlink_to(exported_embedder, target_is_directory=True)
    folder, state_file, log = tmp_path / "my music", tmp_path / "state.json", tmp_path / "app.log"
    db = folder / "library.db"
    env = {**os.environ, "DISPLAY": display, "EDGEREC_HOME": str(edgerec_home), "PYTHONPATH": source_pythonpath()}
    env.pop("EDGEREC_PASSPHRASE", None)
    with log.open("w") as out:
        proc = subprocess.Popen([sys.executable, str(DESKTOP / "app.py"), "--folder", str(folder), "--user", USER,
                                 "--seed-demo", "--state-file", str(state_file)], env=env, stdout=out, stderr=out)
    window = Window(proc, state_file, log, display)
    try:
        # a new library: the passphrase is asked for twice, then the seeded history shows
        typed: set[str] = set()
        window.type_into_dialog("passphrase", PASSPHRASE, typed)
        window.type_into_dialog("passphrase", PASSPHRASE, typed)
        state = window.wait(lambda s: s["recommendations"], "the first recommendations")
        assert db.exists() and PASSPHRASE.encode() not in db.read_bytes()
        reasons = [r["values"][3] for r in state["recommendations"]]
        assert len(reasons) == 10 and sum(why.startswith("you played ") for why in reasons) >= 5, reasons
        assert "On weekday mornings: play Kettle and Steam, play Slow Sunrise" in state["routines"]
        assert "jazz" in state["profile"]
        seeded = store_events(db, "--user", USER)
        assert len(seeded) > 50 and {e["type"] for e in seeded} == {"play", "like", "skip"}

        # "not interested": a dismiss event in the store, the ranker moves the album down, it leaves the list
        top = state["recommendations"][0]
        item, name = top["id"], BY_ID[top["id"]].title
        before = catalog_position(db, item)
        state = window.press(state["buttons"]["not_interested"], "not interested",
                             lambda s: s["status"].startswith(f"Not interested in {name}"), row=top)
        assert not shows(state, item) and f"Left the list: {name}" in state["status"]
        assert [e["type"] for e in store_events(db, "--user", USER, "--item", item)] == ["dismiss"]
        assert catalog_position(db, item) > before
        assert next(r for r in state["history"] if r["id"] == item)["values"][2] == "not interested"
        shot = window_screenshot(display, state["window"])
        shot.save(tmp_path / "desktop.png")
        if os.environ.get("EDGEREC_UPDATE_SCREENSHOT"):  # refresh the one in docs/ on purpose only
            shot.save(REPO / "docs" / "desktop.png")

        # "forget this item": an album behind a recommendation leaves the history, the store and every reason
        reasons = {r["values"][3].removeprefix("you played ") for r in state["recommendations"]}
        row = next(r for r in state["history"] if r["box"] and r["values"][0] in reasons)
        gone, gone_title = row["id"], row["values"][0]
        count = len(store_events(db, "--user", USER, "--item", gone))
        assert count > 0
        state = window.press(state["buttons"]["forget_item"], "forget this item",
                             lambda s: s["status"].startswith(f"Forgot {gone_title}"), row=row)
        assert f"receipt #1: {count} events" in state["status"]
        assert store_events(db, "--user", USER, "--item", gone) == []
        receipt = json.loads(run_cli("forget", "--db", str(db), "--list", "--json"))[-1]
        assert receipt["events"] == count and receipt["keys_destroyed"] == 0
        assert all(r["id"] != gone for r in state["history"])
        assert all(gone_title not in r["values"][3] for r in state["recommendations"])

        # "forget me", cancelled: nothing goes
        kept = len(store_events(db, "--user", USER))
        state = window.press(state["buttons"]["forget_me"], "the confirmation dialog", lambda s: s["dialog"])
        state = window.press(state["dialog"]["cancel"], "cancel", lambda s: "cancelled" in s["status"])
        assert len(store_events(db, "--user", USER)) == kept

        # "forget me", confirmed: the person's events, documents and key are gone
        state = window.press(state["buttons"]["forget_me"], "the confirmation dialog", lambda s: s["dialog"])
        state = window.press(state["dialog"]["confirm"], "forget me",
                             lambda s: s["status"].startswith(f"Forgot {USER}"))
        assert f"{kept} events" in state["status"] and "1 key destroyed" in state["status"]
        assert store_events(db) == []
        receipt = json.loads(run_cli("forget", "--db", str(db), "--list", "--json"))[-1]
        assert receipt["events"] == kept and receipt["keys_destroyed"] == 1
        assert state["history"] == [] and state["profile"] == "Nothing stored about you."
        assert {r["values"][3] for r in state["recommendations"]} == {"no history yet"}
    finally:
        proc.terminate()
        proc.wait(10)


def window_screenshot(display: str, box: list[int]):
    """The app's window, grabbed from the X display with Pillow; checked not to be blank."""
    from PIL import ImageGrab

    x, y, w, h = box
    shot = ImageGrab.grab(xdisplay=display).crop((x, y, x + w, y + h))
    assert len(shot.getcolors(maxcolors=1 << 16) or range(1 << 16)) > 20, "the screenshot is blank"
    return shot
