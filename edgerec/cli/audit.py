"""``edgerec audit ...``: attack what edgerec releases and print what the attacker achieves.

The commands call :mod:`edgerec.audit.runs`, the same code the notebooks in ``privacy/`` run.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from edgerec.cli import audit_checks
from edgerec.cli._common import JsonOption, cli_errors, print_json, progress_bar

app = typer.Typer(help="Privacy audits: run attacks on what edgerec releases and report what they achieve.",
                  no_args_is_help=True)

DataOption = Annotated[Path, typer.Option("--data", help="The ml-100k folder (u.data, u.user).")]
EpsilonOption = Annotated[Optional[float], typer.Option(
    "--epsilon", help="Attack the DP release at this ε instead of the non-private one.", show_default=False)]
PlotOption = Annotated[Optional[Path], typer.Option(
    "--plot", help="Also write the ROC on log axes to this PNG file.", show_default=False)]
SeedOption = Annotated[int, typer.Option("--seed", help="Seed of the member draw and the attacker.")]


def _run(work):
    """Run ``work(progress)`` under a transient progress bar on stderr."""
    with progress_bar("{task.description}") as bar:
        task = bar.add_task("preparing", total=None)

        def progress(stage: str, done: int, total: int) -> None:
            bar.update(task, description=stage, completed=done, total=total)

        return work(progress)


def _plot(results, path: Path | None, title: str) -> None:
    if path is None:
        return
    from edgerec.audit.plot import plot_roc

    plot_roc({r.attack: r.roc_points() for r in results}, path, title=title)


def _fmt(value) -> str:
    return "-" if value is None else f"{value:.3f}" if isinstance(value, float) else str(value)


@app.command("mia")
@cli_errors
def mia(
    data: DataOption,
    epsilon: EpsilonOption = None,
    delta: Annotated[Optional[float], typer.Option(
        "--delta", help="δ of the DP release [default: the builder's; the ε bound uses 1/users].",
        show_default=False)] = None,
    target: Annotated[str, typer.Option("--target", help="catalog (the cross-user catalog) or dpsgd (item vectors "
                                        "trained with DP-SGD; without --epsilon, plain SGD).")] = "catalog",
    attack: Annotated[str, typer.Option("--attack", help="lira, list, or all (catalog target only).")] = "all",
    references: Annotated[Optional[int], typer.Option(
        "--references", help="Reference catalogs or models of the LiRA attacks (even) [default: 16 catalogs, "
        "4 models].", show_default=False)] = None,
    model: Annotated[str, typer.Option("--model", help="With --target dpsgd: text (public u.item features stand in "
                                       "for the text embeddings) or free.")] = "text",
    shadows: Annotated[int, typer.Option("--shadows", help="Shadow catalogs of the list attack (even).")] = 4,
    forgotten: Annotated[Optional[int], typer.Option(
        "--forgotten", help="Instead: build from half the users, forget N of them, and tell those N from "
        "never-seen users with LiRA (also reported before the forgets, as a control).",
        show_default=False)] = None,
    seed: SeedOption = 0,
    json_out: JsonOption = False,
    plot: PlotOption = None,
) -> None:
    """User-level membership inference against the cross-user catalog or DP-SGD item vectors (half the users are
    members).

    Prints the strongest attack's AUC, TPR at 1% and 0.1% FPR, and the empirical ε lower bound beside the ε claimed.
    With --forgotten N the headline is LiRA on the N forgotten users (members) against never-seen users.
    """
    from edgerec.audit.runs import MIA_ATTACKS, membership_audit, strongest
    from edgerec.errors import InputError

    if target not in ("catalog", "dpsgd"):
        raise InputError(f"unknown target {target!r}; choose catalog or dpsgd")
    if target == "dpsgd":
        if attack != "all" or forgotten is not None:
            raise InputError("--target dpsgd runs all its attacks on a fresh game; drop --attack and --forgotten")
        from edgerec.audit.dpsgd_mia import dpsgd_membership_audit

        results = _run(lambda progress: dpsgd_membership_audit(data, epsilon=epsilon, delta=delta, model=model,
                                                               references=references or 4, seed=seed,
                                                               progress=progress))
        headline = strongest(results).metrics()
    elif forgotten is not None:
        if attack not in ("all", "lira"):
            raise InputError("--forgotten runs the LiRA attack only; drop --attack or use --attack lira")
        from edgerec.audit.forgotten import forgotten_audit

        results = _run(lambda progress: forgotten_audit(data, forget=forgotten, epsilon=epsilon, delta=delta,
                                                        references=references or 16, seed=seed,
                                                        progress=progress))
        headline = results[0].metrics()
    else:
        attacks = MIA_ATTACKS if attack == "all" else (attack,)
        results = _run(lambda progress: membership_audit(data, epsilon=epsilon, delta=delta, attacks=attacks,
                                                         references=references or 16, shadows=shadows, seed=seed,
                                                         progress=progress))
        headline = strongest(results).metrics()
    _plot(results, plot, "membership inference" + ("" if forgotten is None else ", forgotten users")
          + ("" if target == "catalog" else ", DP-SGD item vectors")
          + ("" if epsilon is None else f", ε={epsilon:g}"))
    report = {**headline, "attacks": {r.attack: r.metrics() for r in results}}
    if json_out:
        print_json(report)
        return
    who = ("members", "non-members") if forgotten is None else ("forgotten users", "never-seen users")
    typer.echo(f"{headline['members']} {who[0]}, {headline['non_members']} {who[1]}; "
               f"claimed ε: {_fmt(headline['epsilon'])}")
    width = max(8, *(len(name) for name in report["attacks"]))
    typer.echo(f"{'attack':{width}s} {'AUC':>7s} {'TPR@1%':>7s} {'TPR@.1%':>7s} {'ε lower bound':>14s}")
    for name, m in report["attacks"].items():
        typer.echo(f"{name:{width}s} {m['auc']:7.3f} {m['tpr_at_1pct_fpr']:7.3f} {m['tpr_at_0_1pct_fpr']:7.3f} "
                   f"{m['epsilon_lower_bound']:14.3f}")


@app.command("attribute")
@cli_errors
def attribute(
    data: DataOption,
    epsilon: Annotated[Optional[float], typer.Option(
        "--epsilon", help="Also attack each device's local-DP report at this ε.", show_default=False)] = None,
    catalog_epsilon: Annotated[Optional[float], typer.Option(
        "--catalog-epsilon", help="Also attack the top-k lists ranked with the DP catalog built at this ε.",
        show_default=False)] = None,
    k: Annotated[int, typer.Option("--k", help="Length of the list the ranker shows.")] = 20,
    folds: Annotated[int, typer.Option("--folds", help="Cross-validation folds of the attacker.")] = 5,
    seed: SeedOption = 0,
    json_out: JsonOption = False,
    plot: PlotOption = None,
) -> None:
    """Gender inference (u.user) vs the majority baseline, from raw ratings, the ranker's lists, each user's bounded
    catalog contribution (what a catalog builder receives), and local-DP reports."""
    from edgerec.audit.runs import attribute_audit

    epsilons = () if epsilon is None else (epsilon,)
    catalog_epsilons = () if catalog_epsilon is None else (catalog_epsilon,)
    results = _run(lambda progress: attribute_audit(data, epsilons=epsilons, catalog_epsilons=catalog_epsilons, k=k,
                                                    folds=folds, seed=seed, progress=progress))
    _plot(results, plot, "gender inference")
    report = {"attacks": {r.attack: r.metrics() for r in results}}
    first = next(iter(report["attacks"].values()))
    report.update(users=first["users"], majority_baseline=first["majority_baseline"])
    if json_out:
        print_json(report)
        return
    typer.echo(f"{report['users']} users; majority baseline accuracy {report['majority_baseline']:.3f}")
    width = max(22, *(len(name) for name in report["attacks"]))
    typer.echo(f"{'attacker sees':{width}s} {'AUC':>7s} {'accuracy':>9s}")
    for name, m in report["attacks"].items():
        typer.echo(f"{name:{width}s} {m['auc']:7.3f} {m['accuracy']:9.3f}")


# Forgetting forensics and PII leakage: their command functions live beside the checks they run.
app.command("forget")(audit_checks.forget)
app.command("pii")(audit_checks.pii)
