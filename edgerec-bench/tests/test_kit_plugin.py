"""The kit's command groups reach `edgerec` through its entry points, with their own help and commands."""

import importlib

import typer
from typer.testing import CliRunner

from edgerec.cli.main import app
from edgerec.cli.plugins import KIT_COMMANDS, plugin_entry_points

runner = CliRunner()


def test_the_installed_kit_registers_its_three_groups():
    found = plugin_entry_points()
    assert set(KIT_COMMANDS) <= set(found), "install the kit: pip install -e ./edgerec-bench"
    for name in KIT_COMMANDS:
        module, _, attr = found[name].value.partition(":")
        assert module == f"edgerec_bench.cli.{name}" and attr == "app"
        assert isinstance(getattr(importlib.import_module(module), attr), typer.Typer)


def test_the_root_cli_runs_the_kit_groups():
    for name, subcommands in {"eval": ["edgewise", "movielens", "extraction"], "bench": ["store", "rank", "embed"],
                              "datasets": ["edgewise-synth"]}.items():
        result = runner.invoke(app, [name, "--help"])
        assert result.exit_code == 0, result.output
        assert "Not installed" not in result.stdout
        assert all(sub in result.stdout for sub in subcommands), result.stdout
