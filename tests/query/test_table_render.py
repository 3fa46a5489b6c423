"""The streaming table of the read commands: widths, folding, marks, and the first-page note."""

from __future__ import annotations

import io
import sqlite3
from pathlib import Path

import pytest

from policytext.cli import main
from policytext.cli import query as cli_query
from policytext.cli.render import Column, cell_len, cut, fold, write_table


def test_wide_characters_take_two_cells_and_fold_on_cell_boundaries() -> None:
    text = "推动长三角abc生态保护补偿机制"
    assert cell_len(text) == 2 * 13 + 3
    lines = [text[a:b] for a, b in fold(text, 7)]
    assert "".join(lines) == text
    assert all(cell_len(line) <= 7 for line in lines)
    assert lines[:2] == ["推动长", "三角abc"]
    assert fold("", 5) == [(0, 0)]


def test_cut_ends_in_an_ellipsis_within_the_width() -> None:
    assert cut("短", 4) == "短"
    got = cut("长三角城市群一体化", 9)
    assert got == "长三角城…" and cell_len(got) == 9


def test_every_line_has_the_same_width_and_the_mark_is_styled() -> None:
    cols = [Column("document"), Column("sentence", fold=True, ratio=3)]
    rows = [["a.txt", "完善生态保护补偿机制，探索跨省横向补偿。" * 3], ["b.txt", "short"]]
    out = io.StringIO()
    write_table(out, cols, rows, width=40, marks=[(1, (2, 6)), None])
    lines = out.getvalue().splitlines()
    assert len({cell_len(line) for line in lines}) == 1
    assert cell_len(lines[0]) <= 40
    body = "".join(
        line.split("│")[2].strip()
        for line in lines[3:-1]
        if line.startswith("│ a.txt") or "│       │" in line
    )
    assert body.startswith("完善生态保护")
    colored = io.StringIO()
    write_table(colored, cols, rows, width=40, color=True, marks=[(1, (2, 6)), None])
    assert "\x1b[1;31m生态保护\x1b[0m" in colored.getvalue()


def test_table_shows_the_first_page_and_says_so(
    sample_db: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    conn = sqlite3.connect(sample_db)
    n = conn.execute("SELECT COUNT(*) FROM mentions WHERE kind = 'mechanism' AND deleted = 0").fetchone()[0]
    conn.close()
    assert n > 3
    monkeypatch.setattr(cli_query, "TABLE_ROWS", 3)
    assert main(["query", "mechanisms", "--db", str(sample_db)]) == 0
    out, err = capsys.readouterr()
    assert "showing the first 3 rows; more match" in err
    assert sum(1 for line in out.splitlines() if line.startswith("│") and line.split("│")[1].strip()) == 3
    assert main(["query", "mechanisms", "--db", str(sample_db), "--limit", "5"]) == 0
    out, err = capsys.readouterr()
    assert "showing the first" not in err
    assert main(["query", "mechanisms", "--db", str(sample_db), "-f", "csv"]) == 0
    out, err = capsys.readouterr()
    assert len(out.strip().splitlines()) - 1 >= n and "showing the first" not in err
