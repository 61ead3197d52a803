"""``edgerec audit forget`` and ``edgerec audit pii``: the forgetting and PII audits, as commands.

Plain functions, type-hinted the Typer way; the ``audit`` group (edgerec/cli/audit.py)
registers them. Each calls one library function (:mod:`edgerec.audit.forensics`,
:mod:`edgerec.audit.pii`), prints its metrics (a table, or ``--json``) and can
draw where things were found (``--plot FILE.png``).
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Annotated, Any, Optional

import typer

from edgerec.cli._common import JsonOption, cli_errors, print_json

__all__ = ["forget", "pii"]

PlotOption = Annotated[Optional[Path], typer.Option("--plot", help="Also draw the findings per location to a PNG.")]
WorkdirOption = Annotated[Optional[Path], typer.Option(
    "--workdir", help="Build the audited store here (an empty or new folder) and keep it; default: a temporary one.")]
SeedOption = Annotated[int, typer.Option("--seed", help="Seed of the planted data.")]


def _embedder() -> Any:
    """The default embedder when it is already exported under EDGEREC_HOME (never exported here)."""
    from edgerec.models.embed import MANIFEST_NAME, Embedder, default_model_dir

    model_dir = default_model_dir()
    if not (model_dir / MANIFEST_NAME).is_file():
        return None
    try:
        return Embedder.from_dir(model_dir)
    except ImportError:
        return None


def _workdir(workdir: Path | None) -> tuple[Path, Any]:
    if workdir is not None:
        return workdir, None
    holder = tempfile.TemporaryDirectory(prefix="edgerec-audit-")
    return Path(holder.name) / "audit", holder


@cli_errors
def forget(
    data: Annotated[Optional[Path], typer.Option(
        "--data", help="An ml-100k folder: its users are the population (default: a synthetic household).")] = None,
    users: Annotated[int, typer.Option("--users", help="With --data: how many MovieLens users.", min=2)] = 20,
    json_out: JsonOption = False,
    plot: PlotOption = None,
    workdir: WorkdirOption = None,
    seed: SeedOption = 0,
) -> None:
    """Plant canaries in a store built for the audit, forget them, and scan every file and record for them."""
    from edgerec.audit.forensics import audit_forget
    from edgerec.audit.population import movielens_events

    population = movielens_events(data, users=users) if data is not None else None
    folder, holder = _workdir(workdir)
    try:
        result = audit_forget(folder, population=population, source="ml-100k" if data else "synthetic",
                              embedder=_embedder(), seed=seed)
    finally:
        if holder is not None:
            holder.cleanup()
    metrics = result.metrics()
    if plot is not None:
        from edgerec.audit.bars import location_bars

        locations = metrics["locations"]
        location_bars({"before forget (control)": {k: v["control_canaries_found"] for k, v in locations.items()},
                       "after forget": {k: v["canaries_found"] for k, v in locations.items()}},
                      title="Canaries found, by location", path=plot, planted=metrics["canaries_planted"])
    if json_out:
        print_json(metrics)
        return
    typer.echo(f"{'location':32}  {'size':>9}  {'before':>6}  {'after':>5}")
    for location, row in metrics["locations"].items():
        typer.echo(f"{location:32}  {row['size']:>9}  {row['control_canaries_found']:>6}  {row['canaries_found']:>5}")
    typer.echo(f"{metrics['canaries_found']} of {metrics['canaries_planted']} canaries found after forgetting "
               f"({metrics['control_canaries_found']} found by the same scan before; "
               f"{metrics['population']['users']} {metrics['population']['source']} users, "
               f"ranking {'included' if metrics['ranked'] else 'not run: no exported embedder'})")


def _cli_renderer(folder: Path, embedder: Any):
    """The CLI's own outputs on the audited store: ``profile show`` (table and JSON), ``privacy report --json``
    and ``rank``.

    ``rank`` runs when an exported embedder was found: the audit's own EDGEREC_HOME
    gets a link to it, so nothing is exported again.
    """

    def render(db: Path, key: bytes, user: str) -> dict[str, str]:
        from typer.testing import CliRunner

        from edgerec.cli.main import app

        key_file = folder / "audit.key"
        key_file.write_bytes(key)
        os.chmod(key_file, 0o600)
        base = ["--db", str(db), "--key-file", str(key_file)]
        runner, out = CliRunner(), {}
        for name, args in {"cli: profile show": ["profile", "show", "--user", user],
                           "cli: profile show --json": ["profile", "show", "--user", user, "--json"],
                           "cli: privacy report --json": ["privacy", "report", "--user", user, "--json"]}.items():
            out[name] = runner.invoke(app, args + base).output
        if embedder is not None:
            from edgerec.models.embed import default_model_dir

            target = default_model_dir()  # under the audit's EDGEREC_HOME now
            if not target.exists():
                target.symlink_to(Path(embedder.model_path).parent, target_is_directory=True)
            candidates = folder / "candidates.jsonl"
            candidates.write_text('{"id": "news", "text": "Morning news"}\n{"id": "jazz", "text": "Late jazz"}\n')
            out["cli: rank"] = runner.invoke(app, ["rank", "--user", user, "--candidates", str(candidates)]
                                             + base).output
        key_file.unlink()
        return out

    return render


@cli_errors
def pii(
    json_out: JsonOption = False,
    plot: PlotOption = None,
    llm: Annotated[bool, typer.Option("--llm", help="Also run the LLM: hybrid extraction and the written summary.")]
    = False,
    workdir: WorkdirOption = None,
    seed: SeedOption = 0,
) -> None:
    """Plant names, emails, phone numbers and addresses in dialogue; search every derived output for them."""
    from edgerec.audit.pii import audit_pii

    model = None
    if llm:
        from edgerec.models.llm import LocalLLM

        model = LocalLLM()
    folder, holder = _workdir(workdir)
    try:
        embedder = _embedder()
        result = audit_pii(folder, seed=seed, llm=model, extractor="hybrid", embedder=embedder,
                           renderers=[_cli_renderer(folder, embedder)])
    finally:
        if holder is not None:
            holder.cleanup()
    metrics = result.metrics()
    if not llm:
        metrics["not_covered"].append("LLM extraction and summary (run with --llm)")
    if plot is not None:
        from edgerec.audit.bars import location_bars

        outputs = {**metrics["outputs"], **{f"{k} (allowed)": v for k, v in metrics["allowed_outputs"].items()}}
        location_bars({"planted PII found": {k: v["pii_found"] for k, v in outputs.items()}},
                      title="Planted PII found, by output", path=plot, planted=metrics["pii_planted"])
    if json_out:
        print_json(metrics)
        return
    typer.echo(f"{'output':32}  {'chars':>7}  {'PII found':>9}")
    for name, row in metrics["outputs"].items():
        typer.echo(f"{name:32}  {row['chars']:>7}  {row['pii_found']:>9}")
    for name, row in metrics["allowed_outputs"].items():
        typer.echo(f"{name + ' (yours; allowed)':32}  {row['chars']:>7}  {row['pii_found']:>9}")
    typer.echo(f"{metrics['pii_found']} of {metrics['pii_planted']} planted details found in derived outputs; "
               f"{metrics['pii_fragments_in_settings']} pieces of them read as device settings")
    for what in metrics["not_covered"]:
        typer.echo(f"not covered: {what}")
