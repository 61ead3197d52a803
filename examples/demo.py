"""`make demo`: the main job of edgerec, end to end, on this machine only.

1. create an encrypted store and fill it with three users' events;
2. inspect it: decrypted with the key, opaque without it;
3. forget one user and prove that a copy of the files holds nothing of them.
"""

from __future__ import annotations

import random
import shutil
import sqlite3
import tempfile
from datetime import datetime, timedelta, timezone
from pathlib import Path

from rich.console import Console
from rich.table import Table

from edgerec import EventStore

console = Console()
PASSPHRASE = "demo passphrase - use your own"


def sample_events(seed: int = 7) -> list[dict]:
    rng = random.Random(seed)
    start = datetime(2026, 11, 1, tzinfo=timezone.utc)
    tastes = {"alice.w": ["jazz", "lofi"], "bob.smith": ["horror", "thriller"], "carol-j": ["news", "podcast"]}
    events = []
    for user, genres in tastes.items():
        for day in range(14):
            for _ in range(rng.randint(2, 5)):
                ts = start + timedelta(days=day, hours=rng.choice([7, 8, 19, 21]), minutes=rng.randrange(60))
                genre = rng.choice(genres)
                events.append({"user": user, "type": rng.choice(["play", "play", "like", "skip"]),
                               "ts": ts.isoformat(), "item": f"{genre}-{rng.randrange(30):02d}",
                               "context": {"time_of_day": "morning" if ts.hour < 12 else "evening",
                                           "device": rng.choice(["tv", "speaker", "phone"])}})
        events.append({"user": user, "type": "dialogue", "ts": (start + timedelta(days=3)).isoformat(),
                       "text": f"{user} here: put on some {genres[0]} and dim the lights to 30 please"})
    return events


def scan(files: list[Path], needles: dict[str, bytes]) -> list[str]:
    data = b"".join(p.read_bytes() for p in files if p.exists())
    return [name for name, needle in needles.items() if needle in data]


def companions(db: Path) -> list[Path]:
    return [db.with_name(db.name + s) for s in ("", "-wal", "-shm", "-journal")]


def main() -> None:
    workdir = Path(tempfile.mkdtemp(prefix="edgerec-demo-"))
    db = workdir / "events.db"
    console.rule("[bold]1. an encrypted event store on this device")
    store = EventStore.create(db, passphrase=PASSPHRASE)
    events = sample_events()
    store.log_many(events)
    console.print(f"created {db} and logged {len(events)} events for users {store.users()}")

    console.rule("[bold]2. inspect: with the key, and as a thief without it")
    table = Table("time (UTC)", "user", "type", "item", "context / text")
    for e in list(store.events(user="bob.smith"))[:6]:
        table.add_row(e.ts.strftime("%m-%d %H:%M"), e.user, e.type, e.item or "", str(e.text or e.context))
    console.print(table)
    console.print(store.stats())
    needles = {f"user id {u!r}": u.encode() for u in ("alice.w", "bob.smith", "carol-j")}
    needles.update({"item 'horror-'": b"horror-", "text 'dim the lights'": b"dim the lights",
                    "context 'time_of_day'": b"time_of_day"})
    found = scan(companions(db), needles)
    console.print(f"plaintext found in the raw db/WAL bytes: {found or 'none'} "
                  f"(searched for {len(needles)} strings)")
    assert not found

    console.rule("[bold]3. forget bob, then look at a copy of the files")
    conn = sqlite3.connect(db)
    bob_fragments = {f"ciphertext {i}": row[0][12:44] for i, row in enumerate(conn.execute(
        "SELECT payload FROM events WHERE subject = (SELECT id FROM subjects ORDER BY id LIMIT 1 OFFSET 1)"))}
    conn.close()
    assert len(scan(companions(db), bob_fragments)) == len(bob_fragments)
    receipt = store.forget(user="bob.smith")
    console.print(f"receipt: {receipt.to_dict()}")
    copy_dir = workdir / "copy"
    copy_dir.mkdir()
    for p in companions(db):
        if p.exists():
            shutil.copy(p, copy_dir / p.name)
    store.close()
    left = scan(companions(copy_dir / db.name), bob_fragments)
    console.print(f"bob's {len(bob_fragments)} ciphertexts still present in the copy: {len(left)}")
    with EventStore.open(copy_dir / db.name, passphrase=PASSPHRASE) as copy:
        console.print(f"the copy opened WITH the passphrase knows users {copy.users()}, "
                      f"{copy.count()} events, bob's profile: {copy.get_doc('bob.smith', 'profile')}")
        assert "bob.smith" not in copy.users() and not left
    console.print(f"[green]done[/green]: files in {workdir}")


if __name__ == "__main__":
    main()
