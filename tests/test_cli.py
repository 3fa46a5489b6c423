"""The command line: exit codes, one-line errors, output formats, help."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from policytext.cli import main

GOOD = "关于推动长三角一体化发展的实施意见\n建立成本共担、利益共享机制，推动长三角一体化发展。\n完善生态保护补偿机制。\n"  # noqa: E501
EXIT_BUG = (
    "cli.main() ignores the exit code that app(standalone_mode=False) returns for typer.Exit(n), "
    "so a command ending with typer.Exit(1) makes main() return 0"
)
CLICK_BUG = (
    "cli.main() catches click.ClickException from the `click` package, but typer 0.29 raises its vendored "
    "typer._click exceptions: unknown options or commands escape main() as a traceback instead of exit 2"
)
COMMANDS = ["ingest", "text", "info", "extract", "eval", "train"]


@pytest.fixture
def good_dir(tmp_path: Path) -> Path:
    d = tmp_path / "good"
    d.mkdir()
    (d / "plan.txt").write_text(GOOD, encoding="utf-8")
    (d / "other.txt").write_text("京津冀协同发展，建立税收分享机制。\n", encoding="utf-8")
    return d


@pytest.fixture
def bad_file(tmp_path: Path) -> Path:
    f = tmp_path / "broken.pdf"
    f.write_bytes(b"")
    return f


def _run(capsys: pytest.CaptureFixture[str], argv: list[str]) -> tuple[int, str, str]:
    code = main(argv)
    cap = capsys.readouterr()
    return code, cap.out, cap.err


def test_ingest_good_input(capsys, good_dir: Path, tmp_path: Path) -> None:
    db = tmp_path / "s.db"
    code, _out, err = _run(
        capsys, ["ingest", str(good_dir), "--db", str(db), "-j", "0", "-q", "--rules-only"]
    )
    assert code == 0
    assert "2 stored, 0 skipped (already stored), 0 failed" in err
    code, _out, err = _run(
        capsys, ["ingest", str(good_dir), "--db", str(db), "-j", "0", "-q", "--rules-only"]
    )
    assert code == 0
    assert "0 stored, 2 skipped" in err


def test_ingest_failing_file(capsys, good_dir: Path, bad_file: Path, tmp_path: Path) -> None:
    db = tmp_path / "s.db"
    _code, out, err = _run(
        capsys, ["ingest", str(good_dir), str(bad_file), "--db", str(db), "-j", "0", "-q", "--rules-only"]
    )
    flat = err.replace("\n", "")
    assert flat.count("failed /") == 1
    assert f"failed {bad_file}: corrupt: {bad_file.name} is empty" in flat
    assert "Traceback" not in out + err
    assert "2 stored, 0 skipped (already stored), 1 failed" in err

    code, out, err = _run(capsys, ["info", str(db)])
    assert code == 0
    assert "documents" in out and "2" in out
    assert f"failed: {bad_file}: corrupt:" in out.replace("\n", "")
    code, out, _ = _run(capsys, ["info", str(db), "--json"])
    data = json.loads(out)
    assert data["documents"] == 2
    assert data["failures"] == {"corrupt": 1}
    assert data["mentions"]["mechanism"] >= 1


def test_info_on_missing_store(capsys, tmp_path: Path) -> None:
    code, _out, err = _run(capsys, ["info", str(tmp_path / "none.db")])
    assert code == 1
    assert "Traceback" not in err
    assert len(err.strip().splitlines()) == 1
    assert "no such database" in err
    assert not (tmp_path / "none.db").exists()


def test_text_prints_clean_text(capsys, tmp_path: Path) -> None:
    f = tmp_path / "raw.txt"
    f.write_text("ＧＤＰ增长５％,城 市 群发展。\n長三角一體化。\n", encoding="utf-8")
    code, out, _ = _run(capsys, ["text", str(f)])
    assert code == 0
    assert out == "GDP增长5%，城市群发展。\n长三角一体化。\n"
    code, out, _ = _run(capsys, ["text", str(f), "--original"])
    assert out == "GDP增长5%，城市群发展。\n長三角一體化。\n"


def test_text_missing_file(capsys, tmp_path: Path) -> None:
    missing = tmp_path / "absent.txt"
    _code, out, err = _run(capsys, ["text", str(missing)])
    assert out == ""
    assert f"policytext: {missing}: io: cannot read the file" in err.replace("\n", "")
    assert "Traceback" not in err


def test_extract_json_with_error(capsys, good_dir: Path, bad_file: Path) -> None:
    _code, out, err = _run(
        capsys, ["extract", str(good_dir / "plan.txt"), str(bad_file), "--format", "json", "--rules-only"]
    )
    data = json.loads(out)
    assert data["schema"] == "policytext/v1"
    assert [Path(d["path"]).name for d in data["documents"]] == ["plan.txt"]
    assert [(e["path"], e["error"]) for e in data["errors"]] == [(str(bad_file), "corrupt")]
    mech = [
        m
        for m in data["documents"][0]["mentions"]
        if m["kind"] == "mechanism" and m["type"] == "cost_sharing"
    ]
    assert mech and mech[0]["sentence"] == "建立成本共担、利益共享机制，推动长三角一体化发展。"
    assert f"failed {bad_file}: corrupt:" in err.replace("\n", "")


def test_extract_jsonl_and_table(capsys, good_dir: Path, tmp_path: Path) -> None:
    f = str(good_dir / "plan.txt")
    code, out, _ = _run(capsys, ["extract", f, "--format", "jsonl", "--rules-only"])
    assert code == 0
    rows = [json.loads(line) for line in out.splitlines()]
    assert rows and all(r["document"] == f for r in rows)
    assert any(r["kind"] == "mechanism" and r["type"] == "cost_sharing" for r in rows)
    code, out, _ = _run(capsys, ["extract", f, "--format", "table", "--rules-only"])
    assert code == 0
    assert "cost_sharing" in out and "plan.txt" in out
    dest = tmp_path / "o.json"
    code, out, _ = _run(capsys, ["extract", f, "-o", str(dest), "--rules-only"])
    assert code == 0 and out == ""
    assert json.loads(dest.read_text(encoding="utf-8"))["schema"] == "policytext/v1"


WRAP_BUG = (
    "per-file failure lines are printed through a rich Console, which wraps them at the console width "
    "(80 columns when not a terminal), so a failure with a long path spans several lines"
)


@pytest.mark.parametrize("command", ["ingest", "text", "extract"])
def test_failure_printed_on_one_line(capsys, command: str, tmp_path: Path) -> None:
    deep = tmp_path / "a_rather_long_folder_name_for_policy_documents" / "another_level"
    deep.mkdir(parents=True)
    bad = deep / "broken_policy_document.pdf"
    bad.write_bytes(b"")
    argv = {
        "ingest": ["ingest", str(bad), "--db", str(tmp_path / "s.db"), "-j", "0", "-q", "--rules-only"],
        "text": ["text", str(bad)],
        "extract": ["extract", str(bad), "--rules-only"],
    }[command]
    _code, _out, err = _run(capsys, argv)
    lines = [x for x in err.splitlines() if str(bad) in x]
    assert len(lines) == 1
    assert lines[0].rstrip().endswith("download or export it again")


@pytest.mark.parametrize(
    "argv",
    [
        ["extract", "x.txt", "--format", "xml"],
        ["extract", "x.txt", "--pdf-engine", "magic"],
        ["ingest", "x", "--pdf-engine", "magic"],
        ["text", "x.txt", "--pdf-engine", "magic"],
        pytest.param(["ingest", "x", "--no-such-option"]),
        pytest.param(["nosuchcommand"]),
    ],
)
def test_usage_errors_exit_2(capsys, argv: list[str], tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    code, _out, err = _run(capsys, argv)
    assert code == 2
    assert "Traceback" not in err
    assert not (tmp_path / "corpus.db").exists()


def test_eval_against_small_gold(capsys, tmp_path: Path) -> None:
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "g1.txt").write_text(GOOD, encoding="utf-8")
    gold = tmp_path / "gold"
    gold.mkdir()
    (gold / "g1.json").write_text(
        json.dumps(
            {
                "file": "docs/g1.txt",
                "date": None,
                "agglomerations": ["yangtze_delta"],
                "mechanisms": [
                    {
                        "sentence": "建立成本共担、利益共享机制，推动长三角一体化发展。",
                        "types": ["cost_sharing", "benefit_sharing"],
                        "status": "proposed",
                    }
                ],
            },
            ensure_ascii=False,
        ),
        encoding="utf-8",
    )
    code, out, _ = _run(capsys, ["eval", "--gold", str(gold), "--rules-only"])
    assert code == 0
    last = out.strip().splitlines()[-1]
    assert last.startswith("mechanism_f1=")
    assert "agglomeration_f1=1.000" in last
    code, out, _ = _run(capsys, ["eval", "--gold", str(gold), "--rules-only", "--json"])
    res = json.loads(out)
    assert res["mechanisms"]["recall"] == 1.0
    assert res["agglomerations"]["f1"] == 1.0


def test_eval_gold_not_a_folder(capsys, tmp_path: Path) -> None:
    code, _out, err = _run(capsys, ["eval", "--gold", str(tmp_path / "nope")])
    assert code == 2
    assert "not a folder" in err


@pytest.mark.parametrize("command", COMMANDS)
def test_help(capsys, command: str) -> None:
    code, out, _ = _run(capsys, [command, "--help"])
    assert code == 0
    assert "Usage:" in out
    assert "Example: policytext" in out or command in out


def test_top_level_help_lists_commands(capsys) -> None:
    code, out, _ = _run(capsys, ["--help"])
    assert code == 0
    for command in COMMANDS:
        assert command in out


def test_python_m_policytext(good_dir: Path) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "policytext", "text", str(good_dir / "plan.txt")],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert proc.returncode == 0
    assert proc.stdout == GOOD


@pytest.mark.parametrize("command", ["ingest", "text", "extract"])
def test_failing_input_exits_1(capsys, command: str, good_dir: Path, bad_file: Path, tmp_path: Path) -> None:
    argv = {
        "ingest": [
            "ingest",
            str(good_dir),
            str(bad_file),
            "--db",
            str(tmp_path / "s.db"),
            "-j",
            "0",
            "-q",
            "--rules-only",
        ],
        "text": ["text", str(tmp_path / "absent.txt")],
        "extract": ["extract", str(good_dir / "plan.txt"), str(bad_file), "--rules-only"],
    }[command]
    code, _out, _err = _run(capsys, argv)
    assert code == 1


def test_python_m_policytext_failing_file(bad_file: Path) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "policytext", "text", str(bad_file)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert proc.returncode == 1
