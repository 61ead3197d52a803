"""Every command and group has help text, and --help works for each."""

import typer
from typer.testing import CliRunner

from edgerec.cli.main import app


def walk(command, path=()):
    yield path, command
    if hasattr(command, "commands"):  # a group (typer vendors its own click)
        for name, sub in command.commands.items():
            yield from walk(sub, path + (name,))


def test_every_command_has_help_text():
    root = typer.main.get_command(app)
    commands = list(walk(root))
    assert len(commands) > 8
    runner = CliRunner()
    for path, command in commands:
        assert (command.help or "").strip(), f"'edgerec {' '.join(path)}' has no help text"
        result = runner.invoke(app, [*path, "--help"])
        assert result.exit_code == 0, (path, result.output)
        assert "Usage" in result.output
        for param in command.params:
            if param.param_type_name == "option" and not getattr(param, "hidden", False) and param.name != "help":
                assert param.help, f"option {param.opts} of 'edgerec {' '.join(path)}' has no help"


def test_store_contract_commands_exist():
    root = typer.main.get_command(app)
    for name in ["init", "log", "import", "events", "forget", "export", "rotate-key", "stats", "bench"]:
        assert name in root.commands
