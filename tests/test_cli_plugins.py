"""Plugin command groups: listed from entry-point metadata, imported only when run; the kit's say what to install."""

import sys
from importlib.metadata import EntryPoint

import pytest
from typer.testing import CliRunner

from edgerec.cli.main import app
from edgerec.cli.plugins import KIT_COMMANDS, PluginGroup, plugin_entry_points

runner = CliRunner()


@pytest.fixture
def without_kit(monkeypatch):
    """The CLI as it is when no package registers edgerec.commands (an empty entry-point group)."""
    monkeypatch.setattr(PluginGroup, "entry_points", staticmethod(lambda: plugin_entry_points("edgerec.no-plugins")))


@pytest.mark.parametrize("args", [["eval", "edgewise", "--data", "d", "--out", "p.jsonl", "--json"],
                                  ["bench", "store", "--json"], ["datasets", "edgewise-synth", "--out", "d"],
                                  ["eval"]])
def test_kit_commands_without_the_kit_say_what_to_install(without_kit, args):
    result = runner.invoke(app, args)
    assert result.exit_code == 2, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and f"'edgerec {args[0]}'" in lines[0] and "pip install edgerec-bench" in lines[0]
    assert "pip install -e ./edgerec-bench" in lines[0] and "Traceback" not in result.output
    assert result.stdout == ""


def test_kit_commands_are_listed_and_have_help_without_the_kit(without_kit):
    listing = runner.invoke(app, ["--help"])
    assert listing.exit_code == 0
    text = " ".join(listing.stdout.split())  # help lines may wrap
    for name, help_text in KIT_COMMANDS.items():
        assert f"{name} {help_text}" in text
    shown = runner.invoke(app, ["bench", "--help"])
    assert shown.exit_code == 0 and "Not installed: pip install edgerec-bench" in " ".join(shown.stdout.split())


def test_a_plugin_is_imported_only_when_its_command_runs(tmp_path, monkeypatch):
    (tmp_path / "edgerec_hello_plugin.py").write_text(
        "import typer\n"
        "app = typer.Typer(help='Say hello.')\n"
        "@app.command()\n"
        "def greet(name: str = typer.Option('you', help='Whom to greet.')):\n"
        "    '''Greet someone.'''\n"
        "    typer.echo(f'hello {name}')\n"
        "@app.command()\n"
        "def wave():\n"
        "    '''Wave.'''\n"
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    entry = EntryPoint(name="hello", value="edgerec_hello_plugin:app", group="edgerec.commands")
    monkeypatch.setattr(PluginGroup, "entry_points", staticmethod(lambda: {"hello": entry}))

    listing = runner.invoke(app, ["--help"])
    assert listing.exit_code == 0 and "hello" in listing.stdout and "edgerec_hello_plugin:app" in listing.stdout
    assert "edgerec_hello_plugin" not in sys.modules  # listed from metadata, not imported

    result = runner.invoke(app, ["hello", "greet", "--name", "Ada"])
    assert result.exit_code == 0 and result.stdout == "hello Ada\n"
    assert "edgerec_hello_plugin" in sys.modules
    monkeypatch.delitem(sys.modules, "edgerec_hello_plugin")


def test_a_plugin_that_is_not_a_command_is_one_line(tmp_path, monkeypatch):
    (tmp_path / "edgerec_bad_plugin.py").write_text("app = 42\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    entry = EntryPoint(name="bad", value="edgerec_bad_plugin:app", group="edgerec.commands")
    monkeypatch.setattr(PluginGroup, "entry_points", staticmethod(lambda: {"bad": entry}))
    result = runner.invoke(app, ["bad"])
    assert result.exit_code == 2 and "not a Typer app or a click command" in result.stderr
    monkeypatch.delitem(sys.modules, "edgerec_bad_plugin", raising=False)


def test_an_unknown_command_is_still_a_usage_error():
    result = runner.invoke(app, ["no-such-command"])
    assert result.exit_code == 2 and "No such command" in result.output
