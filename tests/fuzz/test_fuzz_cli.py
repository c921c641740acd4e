"""Every command-line argument that takes a date or a code, fuzzed: the command answers,
or fails with one clear line (exit 1, or 2 for usage); never a traceback."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from returns_desk.cli import app

runner = CliRunner()
FUZZ = settings(settings.get_profile("fuzz-db"))
DAYS = st.one_of(
    st.dates().map(str),
    st.sampled_from(
        [
            "2026-02-30",
            "9999-12-31",
            "0001-01-01",
            "2026-1-1",
            "２０２６-01-01",
            "2026-11-23T00:00",
            "",
            " ",
            "-1",
            "2026-13-01",
        ]
    ),  # fmt: skip
    st.text(max_size=20),
)
CODES = st.one_of(
    st.text(max_size=30),
    st.text(alphabet="0123456789- ", max_size=20),
    st.sampled_from(
        [
            "101-03-9000001-8",
            "1010390000018",
            "V-K7M2-Q9XW-4HTB-A",
            "CMP-2026-000001",
            "RT-0000001",
            "١٠١٠٣٩٠٠٠٠٠١٨",
            "#1001",
            "-",
            "--",
            "\x00",
        ]
    ),  # fmt: skip
)


def _clean(result) -> None:
    assert result.exit_code in (0, 1, 2), result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(
        result.exception
    )
    assert "Traceback" not in result.output


def _arg(text: str) -> str:
    return text.replace("\x00", "")  # a real shell cannot pass NUL in an argument


@FUZZ
@given(command=st.sampled_from(["receipt show", "voucher check", "complaints show"]), code=CODES)
def test_lookups_by_code(demo_engine, command, code):
    who = ["--user", "maria"] if command == "complaints show" else []  # names customers
    args = [*command.split(), *who, "--", _arg(code)]
    _clean(runner.invoke(app, args, env={"RETURNS_DESK_PIN": "9999"}))


@settings(FUZZ, max_examples=max(5, FUZZ.max_examples // 3))  # each logs in (argon2)
@given(kind=st.sampled_from(["return", "voucher", "complaint", "defect-tag", "x"]), ref=CODES)
def test_slip_reprint(demo_engine, kind, ref):
    args = ["slip", "reprint", "--user", "cleo", "--pin", "1111", "--", kind, _arg(ref)]
    _clean(runner.invoke(app, args))


@FUZZ
@given(first=DAYS, last=DAYS)
def test_audit_export_days(demo_engine, tmp_path, first, last):
    args = ["audit", "export", "--from", _arg(first), "--to", _arg(last), "--user", "avi"]
    args += ["--out", str(tmp_path / "log.csv")]
    _clean(runner.invoke(app, args, env={"RETURNS_DESK_PIN": "7777"}))


@FUZZ
@given(today=DAYS)
def test_demo_today(engine, tmp_path, today):
    args = ["demo", "--receipts", "2", "--today", _arg(today)]
    _clean(runner.invoke(app, [*args, "--write-journal", str(tmp_path / "demo.jsonl")]))
