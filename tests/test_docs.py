"""Every CLI command has help text and is documented in the README (as sqlite-utils does)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import typer.main

from policytext.cli import app

README = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
COMMANDS = sorted(typer.main.get_command(app).commands)  # type: ignore[attr-defined]


def test_there_are_commands() -> None:
    assert {
        "ingest",
        "text",
        "info",
        "extract",
        "eval",
        "train",
        "query",
        "search",
        "sql",
        "timeline",
        "export",
        "import-annotations",
        "report",
        "serve",
    } <= set(COMMANDS)


@pytest.mark.parametrize("name", COMMANDS)
def test_command_has_help(name: str) -> None:
    cmd = typer.main.get_command(app).commands[name]  # type: ignore[attr-defined]
    assert (cmd.help or "").strip(), f"{name} has no help text"


@pytest.mark.parametrize("name", COMMANDS)
def test_command_is_in_readme(name: str) -> None:
    assert re.search(rf"policytext {re.escape(name)}\b", README), f"`policytext {name}` is not in README.md"


def test_quick_start_has_two_commands_and_ci_runs_the_test_one() -> None:
    block = README.split("## Quick start", 1)[1].split("```", 2)[1]
    commands = [line.split("#")[0].strip() for line in block.splitlines()[1:] if line.split("#")[0].strip()]
    assert commands == ["make demo", "make test"]
    ci = (Path(__file__).resolve().parents[1] / ".ci" / "run").read_text(encoding="utf-8")
    assert "make test" in ci
