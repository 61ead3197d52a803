"""``edgerec datasets ...``: write synthetic datasets in benchmark formats."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from edgerec.cli._common import JsonOption, cli_errors, print_json, progress_bar
from edgerec_bench.datasets.edgewise_synth import DIFFICULTIES, PHRASINGS, SynthConfig, generate

app = typer.Typer(help="Write synthetic datasets in benchmark formats.", no_args_is_help=True)


@app.command("edgewise-synth")
@cli_errors
def edgewise_synth(
    out: Annotated[Path, typer.Option("--out", help="Folder to write sessions/routines/characters .jsonl into.")],
    users: Annotated[int, typer.Option(help="Number of users (one line per user).")] = 10,
    sessions: Annotated[int, typer.Option(help="Sessions per user.")] = 200,
    seed: Annotated[int, typer.Option(help="Random seed; the same seed writes the same bytes.")] = 0,
    difficulty: Annotated[str, typer.Option(help=f"Phrasing difficulty: {', '.join(DIFFICULTIES)}.")] = "normal",
    phrasing: Annotated[
        str, typer.Option(help=f"Wording of the dialogues: {', '.join(PHRASINGS)} (same world and answer key).")
    ] = "default",
    json_out: JsonOption = False,
) -> None:
    """Generate EdgeWisePersona-format data (users, routines, dialogue sessions)."""
    config = SynthConfig.for_difficulty(difficulty)
    with progress_bar("generating users") as bar:
        task = bar.add_task("users", total=users)
        summary = generate(
            out, users=users, sessions=sessions, seed=seed, config=config, phrasing=phrasing,
            progress=lambda n: bar.advance(task, n),
        )
    if json_out:
        print_json(summary)
        return
    typer.echo(
        f"wrote {summary['users']} users, {summary['routines']} routines, {summary['sessions']} sessions "
        f"({summary['routine_sessions']} routine-driven) to {out}"
    )


@app.command("devices-synth")
@cli_errors
def devices_synth(
    devices: Annotated[Path, typer.Option("--devices", help="Device schema file (JSON, DESIGN.md format).")],
    out: Annotated[Path, typer.Option("--out", help="Folder to write sessions/routines/characters .jsonl into.")],
    users: Annotated[int, typer.Option(help="Number of users (one line per user).")] = 10,
    sessions: Annotated[int, typer.Option(help="Sessions per user.")] = 200,
    seed: Annotated[int, typer.Option(help="Random seed; the same seed writes the same bytes.")] = 0,
    difficulty: Annotated[str, typer.Option(help="Phrasing difficulty: normal, hard.")] = "normal",
    json_out: JsonOption = False,
) -> None:
    """Generate EdgeWisePersona-format data over the devices of a schema file."""
    from edgerec_bench.datasets.devices_synth import DevicesSynthConfig, generate as generate_devices

    config = DevicesSynthConfig.for_difficulty(difficulty)
    with progress_bar("generating users") as bar:
        task = bar.add_task("users", total=users)
        summary = generate_devices(out, devices, users=users, sessions=sessions, seed=seed, config=config,
                                   progress=lambda n: bar.advance(task, n))
    if json_out:
        print_json(summary)
        return
    typer.echo(
        f"wrote {summary['users']} users, {summary['routines']} routines, {summary['sessions']} sessions "
        f"({summary['routine_sessions']} routine-driven) over {', '.join(summary['devices'])} to {out}"
    )


@app.command("home-assistant")
@cli_errors
def home_assistant(
    out: Annotated[Path, typer.Option("--out", help="Folder to write events.jsonl, routines.jsonl and meta.json into.")],
    seed: Annotated[int, typer.Option(help="Random seed; the same seed writes the same bytes.")] = 0,
    users: Annotated[int, typer.Option(help="People in the house (one routines.jsonl line each).", min=1)] = 3,
    days: Annotated[int, typer.Option(help="Days of events (80 gives about 200 sessions a person).", min=7)] = 80,
    json_out: JsonOption = False,
) -> None:
    """Generate a Home Assistant event stream (event-bus JSON) whose routines are known in advance."""
    from edgerec_bench.datasets.home_assistant import generate as generate_ha

    with progress_bar("planning people") as bar:
        task = bar.add_task("people", total=users)
        summary = generate_ha(out, users=users, days=days, seed=seed, progress=lambda n: bar.advance(task, n))
    if json_out:
        print_json(summary)
        return
    sessions = sum(r["routine_runs"] + r["spontaneous"] for r in summary["runs"].values())
    typer.echo(f"wrote {summary['events']} events over {summary['days']} days ({summary['timezone']}), "
               f"{summary['users']} people, {summary['routines']} routines, about {sessions // summary['users']} "
               f"sessions a person, to {out}")
