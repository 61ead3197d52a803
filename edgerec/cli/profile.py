"""``edgerec profile ...``: see, rebuild and edit a user's routines and profile."""

from __future__ import annotations

import os
import subprocess
import tempfile
from pathlib import Path
from typing import Annotated, Any, Optional

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from edgerec.cli._common import (DbOption, JsonOption, KeyFileOption, cli_errors, confirm, open_store, print_json,
                                 progress_bar)
from edgerec.errors import InputError
from edgerec.profile.builder import ProfileBuilder
from edgerec.profile.devices import DeviceSchema
from edgerec.profile.nl_profile import describe_actions, describe_triggers

app = typer.Typer(help="Your routines and profile, rebuilt on this machine from your own events.",
                  no_args_is_help=True)

UserOption = Annotated[str, typer.Option("--user", "-u", help="The app's user id.")]
DevicesOption = Annotated[Optional[Path], typer.Option(
    "--devices", help="A device schema JSON file (docs/devices.md); default: the EdgeWisePersona five.")]


def _schema(devices: Path | None) -> DeviceSchema | None:
    return DeviceSchema.load(devices) if devices is not None else None


def _show(profile: dict[str, Any], schema: DeviceSchema | None = None) -> None:
    console = Console()
    table = Table(title=f"Routines of {profile['user']} ({profile['sessions']} sessions)")
    table.add_column("#", justify="right")
    table.add_column("when")
    table.add_column("what")
    table.add_column("confidence", justify="right")
    for i, routine in enumerate(profile.get("routines") or [], start=1):
        sure = routine.get("confidence")
        table.add_row(str(i), describe_triggers(routine["triggers"]), describe_actions(routine["actions"], schema),
                      "" if sure is None else f"{sure:.2f}")
    for i, routine in enumerate(profile.get("app_routines") or [], start=len(profile.get("routines") or []) + 1):
        events = ", ".join(f"{e['type']} {e['item'] or ''}".strip() for e in routine["events"])
        table.add_row(str(i), describe_triggers(routine["triggers"]), events, "")
    console.print(table)
    if profile.get("user_text"):
        console.print(f"[bold]Your profile[/bold] (your own text, edited {profile.get('user_text_at')}):")
        console.print(profile["user_text"], markup=False)
        console.print(f"[dim]Generated summary ({escape(profile['summary_source'])}):[/dim]")
    else:
        console.print(f"[bold]Profile[/bold] ({escape(profile['summary_source'])}):")
    console.print(profile["summary"], markup=False)
    console.print(f"[dim]built {profile['built_at']} with the {profile['extractor']} extractor[/dim]")


def _llm(no_llm: bool, model: Path | None) -> Any:
    if no_llm:
        return None
    from edgerec.models.llm import LocalLLM, llm_available

    if model is None and not llm_available():
        typer.echo("note: the llm extra is not installed; the profile uses the template summary", err=True)
        return None
    return LocalLLM(model)


@app.command("show")
@cli_errors
def show(user: UserOption, db: DbOption = None, key_file: KeyFileOption = None, json_out: JsonOption = False,
         devices: DevicesOption = None) -> None:
    """Show the stored routines (as a table) and the profile text."""
    schema = _schema(devices)
    with open_store(db, key_file) as store:
        profile = ProfileBuilder(store).get(user)
    if profile is None:
        raise InputError(f"no profile for {user!r} yet; build it with: edgerec profile rebuild --user {user}")
    if json_out:
        print_json(profile)
    else:
        _show(profile, schema)


@app.command("rebuild")
@cli_errors
def rebuild(
    user: UserOption,
    db: DbOption = None,
    key_file: KeyFileOption = None,
    full: Annotated[bool, typer.Option("--full", help="Re-read every session, not only new ones.")] = False,
    no_llm: Annotated[bool, typer.Option("--no-llm", help="Template summary, no model.")] = False,
    model: Annotated[Optional[Path], typer.Option("--model", help="A GGUF file instead of the default.")] = None,
    json_out: JsonOption = False,
    devices: DevicesOption = None,
) -> None:
    """Mine the user's routines again (new sessions only, unless --full) and rewrite the summary."""
    schema = _schema(devices)
    llm = _llm(no_llm, model)
    with open_store(db, key_file) as store:
        with progress_bar("sessions") as progress:
            task = progress.add_task("sessions", total=None)
            profile = ProfileBuilder(store, llm=llm, schema=schema).rebuild(
                user, full=full, progress=lambda done, total: progress.update(task, completed=done, total=total))
    if json_out:
        print_json(profile)
        return
    typer.echo(f"rebuilt {user}: {profile['sessions']} sessions ({profile['extracted_now']} read now), "
               f"{len(profile['routines']) + len(profile['app_routines'])} routines")


@app.command("edit")
@cli_errors
def edit(
    user: UserOption,
    db: DbOption = None,
    key_file: KeyFileOption = None,
    text: Annotated[Optional[str], typer.Option("--text", help="The new profile text (else $EDITOR opens).")] = None,
    reset: Annotated[bool, typer.Option("--reset", help="Drop your text; show the generated summary again.")] = False,
    yes: Annotated[bool, typer.Option("--yes", "-y", help="With --reset: do not ask for confirmation.")] = False,
) -> None:
    """Write your own profile text; it is kept across rebuilds until --reset."""
    with open_store(db, key_file) as store:
        builder = ProfileBuilder(store)
        if reset:
            if (builder.get(user) or {}).get("user_text") is None:
                typer.echo(f"{user} has no profile text of their own; nothing to reset")
                return
            if not yes and not confirm(f"Delete the profile text {user} wrote? It cannot be recovered"):
                typer.echo("the profile text was kept", err=True)
                raise typer.Exit(1)
            builder.reset(user)
            typer.echo(f"profile text of {user} reset to the generated summary")
            return
        if text is None:
            current = builder.get(user) or {}
            text = _edit_in_editor(current.get("user_text") or current.get("summary") or "")
        builder.edit(user, text)
    typer.echo(f"profile text of {user} saved; it stays until: edgerec profile edit --user {user} --reset")


def _edit_in_editor(initial: str) -> str:
    """Open $EDITOR (or vi) on a private temporary file and return what was saved."""
    editor = os.environ.get("VISUAL") or os.environ.get("EDITOR") or "vi"
    fd, name = tempfile.mkstemp(suffix=".txt", prefix="edgerec-profile-")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(initial)
        if subprocess.call([*editor.split(), name]) != 0:
            raise InputError(f"the editor {editor!r} exited with an error; nothing saved")
        return Path(name).read_text(encoding="utf-8")
    finally:
        os.unlink(name)


@app.command("automations")
@cli_errors
def automations(
    user: UserOption,
    db: DbOption = None,
    key_file: KeyFileOption = None,
    out: Annotated[Optional[Path], typer.Option("--out", help="Write the YAML here (else it is printed).")] = None,
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Overwrite --out without asking.")] = False,
    json_out: JsonOption = False,
) -> None:
    """Your routines from Home Assistant events, as automation YAML to review. Nothing is applied."""
    from edgerec.adapters.home_assistant import suggest_automations

    if out is not None and out.exists() and not yes and not confirm(f"{out} exists; overwrite it"):
        typer.echo("nothing was written", err=True)
        raise typer.Exit(1)
    with open_store(db, key_file) as store:
        suggested = suggest_automations(store, user)
    if out is not None:
        out.write_text(suggested.yaml, encoding="utf-8")
    if json_out:
        print_json({"user": user, "automations": len(suggested.routines), "routines": suggested.routines,
                    "out": str(out) if out is not None else None, "yaml": suggested.yaml})
    elif out is not None:
        typer.echo(f"wrote {len(suggested.routines)} automations for {user} to {out}; they start turned off "
                   "(initial_state: false): review them before adding them to Home Assistant")
    else:
        typer.echo(suggested.yaml, nl=False)
