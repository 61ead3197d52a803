"""Options and helpers shared by every CLI command (the CLI is a thin skin over the library)."""

from __future__ import annotations

import functools
import json
import sys
from pathlib import Path
from typing import Annotated, Callable, Optional

import click
import typer

from edgerec import config
from edgerec.errors import EdgerecError, InputError, StoreError
from edgerec.store import EventStore

__all__ = ["DbOption", "KeyFileOption", "JsonOption", "cli_errors", "open_store", "read_key_file",
           "resolve_db", "passphrase", "print_json", "progress_bar", "fail", "confirm", "ABORTS"]

#: What typer/click raise when a prompt meets end of input or Ctrl-C.
ABORTS = (click.exceptions.Abort, getattr(typer, "Abort", click.exceptions.Abort), EOFError)

DbOption = Annotated[
    Optional[Path],
    typer.Option("--db", help="Path of the encrypted event store [default: $EDGEREC_HOME/events.db].",
                 show_default=False),
]
KeyFileOption = Annotated[
    Optional[Path],
    typer.Option("--key-file", help="File holding the 32 raw bytes of the store key (instead of a passphrase).",
                 show_default=False),
]
JsonOption = Annotated[bool, typer.Option("--json", help="Print machine-readable JSON instead of a table.")]


def fail(message: str, code: int = 2) -> "typer.Exit":
    """Print one line on stderr and return the Exit to raise."""
    typer.echo(f"error: {message}", err=True)
    return typer.Exit(code)


def cli_errors(func: Callable) -> Callable:
    """Turn an EdgerecError into one line on stderr and exit code 2 (no traceback)."""

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        try:
            return func(*args, **kwargs)
        except EdgerecError as exc:
            raise fail(str(exc)) from None
        except BrokenPipeError:  # e.g. `edgerec events --json | head`
            sys.stderr.close()
            raise typer.Exit(0) from None

    return wrapper


def resolve_db(db: Path | None) -> Path:
    """The store path: ``--db`` or the default under EDGEREC_HOME."""
    return db if db is not None else config.default_db_path()


def read_key_file(path: Path) -> bytes:
    """Read a key file: exactly 32 raw bytes."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise InputError(f"key file {path} does not exist") from None
    except OSError as exc:
        raise InputError(f"cannot read key file {path}: {exc.strerror}") from None
    if len(data) != 32:
        raise InputError(f"key file {path} must hold exactly 32 raw bytes, it has {len(data)}")
    return data


def passphrase(*, confirm: bool = False, prompt: str = "Passphrase", env_var: str = config.PASSPHRASE_ENV) -> str:
    """The passphrase from ``env_var``, else an interactive prompt."""
    value = config.passphrase_from_env(env_var)
    if value is not None:
        return value
    try:
        return typer.prompt(prompt, hide_input=True, confirmation_prompt=confirm)
    except ABORTS:
        raise StoreError(
            "no passphrase given: set EDGEREC_PASSPHRASE, pass --key-file, or type it at the prompt"
        ) from None


def credentials(key_file: Path | None, *, confirm: bool = False) -> dict:
    """``{"key": ...}`` or ``{"passphrase": ...}`` for EventStore.create/open."""
    if key_file is not None:
        return {"key": read_key_file(key_file)}
    return {"passphrase": passphrase(confirm=confirm)}


def confirm(question: str) -> bool:
    """Ask yes/no (default no); no terminal or end of input counts as no."""
    try:
        return typer.confirm(question, default=False)
    except ABORTS:
        return False


def open_store(db: Path | None, key_file: Path | None) -> EventStore:
    """Open the store named by ``--db`` with ``--key-file`` / EDGEREC_PASSPHRASE / a prompt."""
    path = resolve_db(db)
    if not path.exists():
        raise StoreError(f"no store at {path}; create one with: edgerec init --db {path}")
    return EventStore.open(path, **credentials(key_file))


def progress_bar(label: str, *, eta: bool = False):
    """A transient counting progress bar on stderr (``label``, bar, n/total, elapsed or remaining time)."""
    from rich.console import Console
    from rich.progress import (BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn,
                               TimeRemainingColumn)

    clock = TimeRemainingColumn() if eta else TimeElapsedColumn()
    return Progress(TextColumn(label), BarColumn(), MofNCompleteColumn(), clock,
                    console=Console(stderr=True), transient=True)


def print_json(obj) -> None:
    """One compact JSON document on stdout."""
    typer.echo(json.dumps(obj, ensure_ascii=False))
