"""A saved policytext pipeline loads with plain ``spacy.load`` in a fresh interpreter (entry points)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from policytext.nlp import make_nlp, save_nlp

LOAD = """
import json, sys
import spacy
nlp = spacy.load(sys.argv[1])
doc = nlp("建立成本共担机制，推动长三角一体化发展。")
print(json.dumps({"imported_first": "policytext.nlp" in sys.modules, "pipes": nlp.pipe_names,
                  "tokenizer": type(nlp.tokenizer).__name__,
                  "spans": sorted({s.label_ for key in doc.spans for s in doc.spans[key]})}))
"""


def test_saved_pipeline_loads_with_plain_spacy_load(tmp_path: Path) -> None:
    folder = save_nlp(make_nlp(model=False), tmp_path / "pipeline")
    done = subprocess.run(
        [sys.executable, "-c", LOAD, str(folder)], capture_output=True, text=True, timeout=300, check=False
    )
    assert done.returncode == 0, done.stderr[-2000:]
    got = json.loads(done.stdout.strip().splitlines()[-1])
    assert got["tokenizer"] == "JiebaTokenizer"
    assert "policytext_extractor" in got["pipes"]
    assert "cost_sharing" in got["spans"]
