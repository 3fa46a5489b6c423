"""Term-frequency tables over time."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from policytext.cli import main
from policytext.terms import term_table


def test_terms_counts_match_text(sample_db: Path, tmp_path: Path) -> None:
    df = term_table(sample_db, period=5, group="doc_type", terms=["生态补偿", "一体化"])
    assert set(df["term"]) == {"生态补偿", "一体化"} and (df["count"] >= 0).all()
    assert (df["per_10k"] == (df["count"] * 10000 / df["period_tokens"]).round(3)).all()
    # the tokenizer keeps the taxonomy's words whole: 生态补偿 is counted where the text has it
    assert df[df["term"] == "生态补偿"]["count"].sum() > 0
    top = term_table(sample_db, top=5)
    assert top.groupby(["period", "group"]).size().max() <= 5
    out = tmp_path / "t.csv"
    assert main(["terms", "--db", str(sample_db), "--term", "一体化", "--out", str(out)]) == 0
    back = pd.read_csv(out)
    assert list(back.columns) == ["period", "group", "term", "count", "documents", "per_10k", "period_tokens"]
    assert main(["terms", "--db", str(sample_db), "--by", "city"]) == 2
