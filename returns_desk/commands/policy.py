"""``returns-desk policy``: check a policy file, ask it about one return, migrate it.

``policy decide`` has one option per fact of a return: the options are made from the
facts' declarations (:class:`~returns_desk.domain.policy.facts.ReturnFacts`), so every fact
the engine reads can be given, with the same words as in the reference.
"""

from __future__ import annotations

import inspect
import json
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

from returns_desk.commands.common import console, debug_traceback, err_console, fail
from returns_desk.commands.policy_versions import register as register_versions
from returns_desk.domain.policy.facts import ReturnFacts

if TYPE_CHECKING:
    from returns_desk.domain.decision import Decision
    from returns_desk.domain.policy import PolicyError
    from returns_desk.domain.policy.examples import ExampleResult
    from returns_desk.domain.policy.model import Policy

policy_app = typer.Typer(
    help="Return policies: check a file, decide one return, migrate an old file, and a "
    "version's life from draft (import, diff, replay) to in force per store (activate, "
    "history, rollback).",
    no_args_is_help=True,
)


def default_policy_path() -> Path:
    """The shipped default policy: in the installed package, else in the source tree."""
    from returns_desk.resources import data_dir

    return data_dir("policies") / "default.toml"


@policy_app.command("check")
def check(
    file: Path = typer.Argument(..., help="The policy file (TOML) to validate."),
    as_json: bool = typer.Option(False, "--json", help="Print the result as JSON.", metavar=""),
    catalog: bool = typer.Option(
        False,
        "--catalog",
        help="Also hold the scopes' names against the store's catalogue (DATABASE_URL).",
        metavar="",
    ),
) -> None:
    """Validate a policy file and decide its examples; exit 1 on any error or failed example.

    With --catalog, also say which departments, categories and brands no product has (a typo, or a name gone stale) and which departments no window rule names.
    """  # noqa: E501 (one line per paragraph: --help wraps them itself)
    from rich.markup import escape

    from returns_desk.domain.policy import PolicyError, load_policy, run_examples

    try:
        policy = load_policy(file)
    except PolicyError as exc:
        debug_traceback()
        if as_json:
            data = {"file": str(file), "ok": False, "error": _error(exc),
                    "errors": [_problem(p) for p in exc.problems]}  # fmt: skip
            typer.echo(json.dumps(data))
        else:  # unwrapped, so editors and grep can jump to file:line
            for problem in exc.problems:
                err_console.print(f"[bold red]error:[/] {problem}", highlight=False,
                                  soft_wrap=True, markup=True)  # fmt: skip
        raise typer.Exit(1) from None
    results = run_examples(policy)
    ok = all(r.passed for r in results)
    findings = _catalogue_findings(policy) if catalog else []
    if as_json:
        data = _check_json(file, policy, results, ok)
        if catalog:
            data["catalogue"] = findings
        typer.echo(json.dumps(data, indent=2))
    else:
        _print_check(file, policy, results)
        for finding in findings:
            console.print(f"[yellow]warning:[/] {escape(finding)}", highlight=False,
                          soft_wrap=True)  # fmt: skip
    if not ok:
        raise typer.Exit(1)


def _catalogue_findings(policy: Policy) -> list[str]:
    from returns_desk.commands.common import engine
    from returns_desk.domain.policy.names import catalogue_findings
    from returns_desk.services.policies.catalog import catalogue_names

    return catalogue_findings(policy, catalogue_names(engine()))


def _error(exc: PolicyError) -> dict[str, Any]:
    return {"source": exc.source, "line": exc.line, "key": exc.key, "message": exc.message}


def _problem(problem: Any) -> dict[str, Any]:
    return {"line": problem.line, "key": problem.key, "message": problem.message}


def _check_json(
    file: Path, policy: Policy, results: list[ExampleResult], ok: bool
) -> dict[str, Any]:
    return {
        "file": str(file),
        "ok": ok,
        "policy": {"name": policy.name, "version": policy.version},
        "format": policy.head.format,
        "examples": [
            {
                "name": r.example.name,
                "line": r.example.line,
                "passed": r.passed,
                "failures": r.failures,
                "decision": r.decision.to_dict(),
            }
            for r in results
        ],
    }


def _print_check(file: Path, policy: Policy, results: list[ExampleResult]) -> None:
    from rich.markup import escape
    from rich.table import Table

    passed = sum(r.passed for r in results)
    table = Table(title=f"{policy.name} (version {policy.version})", title_justify="left")
    for column in ("line", "example", "result"):
        table.add_column(column, justify="right" if column == "line" else "left")
    for r in results:
        verdict = "[green]pass[/]" if r.passed else "[red]FAIL[/]: " + escape("; ".join(r.failures))
        table.add_row(str(r.example.line), escape(r.example.name), verdict)
    console.print(table)
    if policy.head.format == 1:
        console.print(f"[yellow]{file} is format 1: `returns-desk policy migrate` rewrites it "
                      "as format 2.[/]", highlight=False, soft_wrap=True)  # fmt: skip
    colour = "green" if passed == len(results) else "red"
    console.print(
        f"[{colour}]{escape(str(file))}: {passed} of {len(results)} examples decided as written[/]",
        highlight=False,
        soft_wrap=True,  # one line a script can grep, however long the path
    )


# ---------------------------------------------------------------- decide


def fact_options() -> dict[str, dict[str, Any]]:
    """Each fact's option: its name, help, whether it repeats, its metavar and kind."""
    result = {}
    for name, info in ReturnFacts.model_fields.items():
        extra = info.json_schema_extra
        assert isinstance(extra, dict), name
        words = _kind_words(info)
        result[name] = {
            "option": str(extra["option"]),
            "help": (info.description or "").replace("`", ""),
            "repeat": bool(extra.get("repeat")),
            "metavar": extra.get("metavar") or _metavar(words),
            "flag": words == "true or false",
            "whole": "whole number" in words,
        }
    return result


def _kind_words(info: Any) -> str:
    """The Kind words of a fact's type (see domain.policy.fields), '' if none."""
    metadata = list(info.metadata)
    for arg in getattr(info.annotation, "__args__", ()):  # X | None
        metadata += list(getattr(arg, "__metadata__", ()))
    return next((m.words for m in metadata if hasattr(m, "words")), "")


def _metavar(words: str) -> str:
    for needle, metavar in (("amount", "AMOUNT"), ("date", "DATE"), ("whole", "N"),
                            ("rate", "RATE"), ('"', "|".join(_quoted(words)))):  # fmt: skip
        if needle in words:
            return metavar
    return "TEXT"


def _quoted(words: str) -> list[str]:
    return [part for i, part in enumerate(words.split('"')) if i % 2]


OPTIONS = fact_options()


def _decide_parameters() -> list[inspect.Parameter]:
    params = []
    for name, opt in OPTIONS.items():
        decls = [opt["option"]]
        annotation: Any = str | None
        if opt["flag"]:
            annotation = bool
        elif opt["repeat"]:
            annotation = list[str] | None
        help_text = opt["help"] + (" (repeat)" if opt["repeat"] else "")
        default = typer.Option(
            None, *decls, help=help_text, metavar=None if opt["flag"] else opt["metavar"],
            show_default=False,
        )  # fmt: skip
        if opt["flag"]:
            # metavar "": a bare flag, not shown as taking a <bool>
            default = typer.Option(False, *decls, help=help_text, show_default=False, metavar="")
        params.append(inspect.Parameter(name, inspect.Parameter.KEYWORD_ONLY, default=default,
                                        annotation=annotation))  # fmt: skip
    for name, default, annotation in (
        ("policy_file", typer.Option(None, "--policy", help="Policy file (default: the shipped "
                                     "default policy)."), Path | None),
        ("as_json", typer.Option(False, "--json", help="Print the decision as JSON.",
                                 metavar=""), bool),
    ):  # fmt: skip
        params.append(inspect.Parameter(name, inspect.Parameter.KEYWORD_ONLY, default=default,
                                        annotation=annotation))  # fmt: skip
    return params


def decide_command(**options: Any) -> None:
    """Decide one return from the command line, with the reasons a clerk would read.

    Every fact the policy engine reads is an option; --price is required, and --sold-on with a receipt.

    Impossible facts (a discount larger than the price, more already returned than sold, a return before the sale) are refused.
    """  # noqa: E501 (one line per paragraph: --help wraps them itself)
    from returns_desk.domain.policy import PolicyError, decide, load_policy
    from returns_desk.domain.policy.examples import build_case

    policy_file, as_json = options.pop("policy_file"), options.pop("as_json")
    values = _fact_values(options)
    values.setdefault("today", datetime.now().astimezone().date().isoformat())
    try:
        policy = load_policy(policy_file or default_policy_path())
    except PolicyError as exc:
        fail(str(exc))
    try:
        case, day = build_case(values)
    except PolicyError as exc:
        fail("\n".join(f"{_option_of(p.key)}: {p.message}" for p in exc.problems))
    decision = decide(policy, case, day)
    if as_json:
        typer.echo(json.dumps(decision.to_dict(), indent=2))
    else:
        _print_decision(decision)


decide_command.__signature__ = inspect.Signature(_decide_parameters())  # type: ignore[attr-defined]
decide_command.__annotations__ = {p.name: p.annotation for p in _decide_parameters()}
policy_app.command("decide")(decide_command)


def _option_of(key: str) -> str:
    """The option a fact key (``tenders[2].amount``) is given with."""
    name = key.split(".", 1)[0].split("[", 1)[0]
    return OPTIONS[name]["option"] if name in OPTIONS else f"--{name.replace('_', '-')}"


def _fact_values(options: dict[str, Any]) -> dict[str, Any]:
    """Option values as the facts model takes them; a malformed one fails naming it."""
    values: dict[str, Any] = {}
    for name, value in options.items():
        if value is None or value == [] or (OPTIONS[name]["flag"] and value is False):
            continue
        opt = OPTIONS[name]
        if name == "tenders":
            values[name] = [_tender(text) for text in value]
        elif name == "attributes":
            values[name] = dict(_attribute(text) for text in value)
        elif opt["whole"] and isinstance(value, str):
            values[name] = int(value) if value.strip().isdigit() and value.isascii() else value
        else:
            values[name] = value
    return values


def _tender(text: str) -> dict[str, str]:
    kind, _, rest = text.partition(":")
    amount, _, brand = rest.partition(":")
    if not amount:
        fail(f"--tender: expected KIND:AMOUNT[:BRAND] like cash:20.00, got {text!r}")
    tender = {"kind": kind.strip().lower(), "amount": amount.strip()}
    if brand.strip():
        tender["card_brand"] = brand.strip()
    return tender


def _attribute(text: str) -> tuple[str, str]:
    name, _, value = text.partition("=")
    if not name.strip() or not value.strip():
        fail(f"--attribute: expected NAME=VALUE like capacity_cu_ft=22, got {text!r}")
    return name.strip().lower(), value.strip()


def _print_decision(decision: Decision) -> None:
    from returns_desk.domain.decision import Outcome
    from returns_desk.domain.money import format_money

    colour = {Outcome.APPROVE: "green", Outcome.DENY: "red"}.get(decision.outcome, "yellow")
    console.print(f"[bold {colour}]{decision.headline}[/]", highlight=False)
    if decision.restocking_fee:
        console.print(f"restocking fee {format_money(decision.restocking_fee)}")
    for deduction in decision.deductions:
        console.print(f"less {deduction.description}: {format_money(deduction.amount)}",
                      highlight=False)  # fmt: skip
    for kind, amount in decision.payout_parts():
        way = "as a voucher" if kind == "voucher" else f"back to {kind.replace('_', ' ')}"
        console.print(f"  {way}: {format_money(amount)}", highlight=False)
    if decision.points_reversed:
        console.print(f"loyalty points reversed: {decision.points_reversed}")
    if decision.exchange_identical:
        console.print("an exchange is for the identical item only")
    if decision.window_ends:
        console.print(f"window ends {decision.window_ends}", highlight=False)
    for line in decision.reasons:
        console.print(f"  - {line}", highlight=False)
    console.print(
        f"[dim]{decision.policy_name}, version {decision.policy_version}[/]", highlight=False
    )


# ---------------------------------------------------------------- migrate, reference


@policy_app.command("migrate")
def migrate_command(
    file: Path = typer.Argument(..., help="A format 1 policy file."),
    write: bool = typer.Option(False, "--write", help="Rewrite the file in place.", metavar=""),
) -> None:
    """Rewrite a format 1 policy file as format 2 (printed, or in place with --write).

    The result is checked to read as the very same policy before anything is written.
    """
    from returns_desk.domain.policy import PolicyError, migrate

    try:
        text = migrate(file.read_text(encoding="utf-8"), str(file))
    except (PolicyError, OSError, UnicodeDecodeError) as exc:
        fail(str(exc))
    if write:
        file.write_text(text, encoding="utf-8")
        console.print(f"{file}: rewritten as format 2", highlight=False, soft_wrap=True)
    else:
        typer.echo(text, nl=False)


@policy_app.command("reference")
def reference_command() -> None:
    """Print the policy file reference (every key, its type, default and meaning)."""
    from returns_desk.domain.policy.reference import reference

    typer.echo(reference(), nl=False)


register_versions(policy_app)
