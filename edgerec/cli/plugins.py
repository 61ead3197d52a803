"""Command groups other packages add to ``edgerec`` through the ``edgerec.commands`` entry-point group.

A package plugs a Typer app in under a command name in its pyproject::

    [project.entry-points."edgerec.commands"]
    eval = "edgerec_bench.cli.eval:app"

The root group reads the names from installed metadata only (importlib.metadata);
a plugin's module is imported when its command is run, or its help is asked for,
never to start the CLI, list the commands or run a store command. The benchmark
kit's commands are listed even when the kit is missing, and then say what to install.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from importlib.metadata import EntryPoint, entry_points

import typer
import typer.core

from edgerec.cli._common import fail
from edgerec.errors import EdgerecError, InputError

__all__ = ["ENTRY_POINT_GROUP", "KIT_COMMANDS", "KIT_INSTALL", "PluginGroup", "plugin_entry_points"]

#: The entry-point group plugin packages register their command groups in.
ENTRY_POINT_GROUP = "edgerec.commands"

#: The benchmark kit's command groups, with the help shown for them in ``edgerec --help``.
KIT_COMMANDS: dict[str, str] = {
    "bench": "Benchmarks that print measured figures (edgerec-bench).",
    "datasets": "Write synthetic datasets in benchmark formats (edgerec-bench).",
    "eval": "Evaluate edgerec on benchmark data (edgerec-bench).",
}
KIT_INSTALL = "pip install edgerec-bench (in a checkout: pip install -e ./edgerec-bench)"


def plugin_entry_points(group: str = ENTRY_POINT_GROUP) -> dict[str, EntryPoint]:
    """The installed entry points of ``group`` by command name (metadata only: nothing is imported).

    >>> plugin_entry_points("edgerec.no-such-group")
    {}
    """
    return {ep.name: ep for ep in entry_points(group=group)}


def _load(entry: EntryPoint, *, rich_markup_mode=None):
    """Import a plugin and turn what it exports (a Typer app or a click command) into a command.

    A Typer app is joined as ``add_typer(app, name=...)`` joins a group: it stays a group
    (even with one command) and follows the root's help style.
    """
    try:
        obj = entry.load()
    except ImportError as exc:
        raise InputError(f"cannot load plugin command {entry.name!r} ({entry.value}): {exc}") from None
    if isinstance(obj, typer.Typer):
        host = typer.Typer(add_completion=False, rich_markup_mode=rich_markup_mode)
        host.add_typer(obj, name=entry.name)
        command = typer.main.get_group(host).commands[entry.name]
    elif callable(getattr(obj, "main", None)) and hasattr(obj, "make_context"):
        command = obj
    else:
        raise InputError(f"plugin command {entry.name!r} ({entry.value}) is not a Typer app or a click command")
    command.name = entry.name
    return command


def _missing_kit(name: str, *, rich_markup_mode=None):
    """A stand-in for a kit command when edgerec-bench is not installed: says what to install, exit 2."""
    stand_in = typer.Typer(add_completion=False, rich_markup_mode=rich_markup_mode)

    @stand_in.command(name=name, help=f"{KIT_COMMANDS[name]} Not installed: {KIT_INSTALL}.",
                      context_settings={"ignore_unknown_options": True, "allow_extra_args": True})
    def not_installed(ctx: typer.Context) -> None:
        raise fail(f"'edgerec {name}' comes with the benchmark kit, which is not installed: {KIT_INSTALL}")

    return typer.main.get_command(stand_in)


class PluginGroup(typer.core.TyperGroup):
    """The root group: its own commands, then the plugins' command groups, loaded on first use.

    ``entry_points`` is the function that finds plugins; tests point it at an empty group
    to see the CLI as it is without the benchmark kit.
    """

    entry_points: Callable[[], Mapping[str, EntryPoint]] = staticmethod(plugin_entry_points)

    def _plugin_names(self) -> list[str]:
        own = set(self.commands)
        return sorted((set(self.entry_points()) | set(KIT_COMMANDS)) - own)

    def list_commands(self, ctx: typer.Context) -> list[str]:
        return [*super().list_commands(ctx), *self._plugin_names()]

    def get_command(self, ctx: typer.Context, cmd_name: str):
        command = super().get_command(ctx, cmd_name)
        if command is not None:
            return command
        entry = self.entry_points().get(cmd_name)
        if entry is not None:
            try:
                command = _load(entry, rich_markup_mode=self.rich_markup_mode)
            except EdgerecError as exc:
                raise fail(str(exc)) from None
        elif cmd_name in KIT_COMMANDS:
            command = _missing_kit(cmd_name, rich_markup_mode=self.rich_markup_mode)
        else:
            return None
        self.commands[cmd_name] = command  # loaded once per process
        return command

    def _short_help(self, ctx: typer.Context, name: str, limit: int) -> str:
        """A listing line for ``name`` that does not import a plugin that is not loaded yet."""
        if name in self.commands:
            return self.commands[name].get_short_help_str(limit)
        if name in KIT_COMMANDS:
            return KIT_COMMANDS[name]
        entry = self.entry_points()[name]
        source = f" from {entry.dist.name}" if entry.dist is not None else ""
        return f"Plugin command{source} ({entry.value})."

    def format_commands(self, ctx: typer.Context, formatter) -> None:
        names = [n for n in self.list_commands(ctx) if not (n in self.commands and self.commands[n].hidden)]
        if not names:
            return
        limit = formatter.width - 6 - max(len(n) for n in names)
        with formatter.section("Commands"):
            formatter.write_dl([(n, self._short_help(ctx, n, limit)) for n in names])
