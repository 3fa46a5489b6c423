"""The spaCy path finds what ingest finds: same cleaning (traditional text), same reading (PDF pages)."""

from __future__ import annotations

from pathlib import Path

import pytest

from policytext.extract.pipeline import Extractor
from policytext.ingest.job import FileDone, FileJob
from policytext.nlp import make_nlp
from policytext.nlp.components import doc_from_file

PDF = Path(__file__).resolve().parents[1] / "data" / "pdfs" / "journal-footer.pdf"
TRADITIONAL = "推動長三角城市羣一體化發展，建立成本共擔機制，完善生態保護補償機制。"


@pytest.fixture(scope="module")
def nlp():  # type: ignore[no-untyped-def]
    return make_nlp(model=False)


def _ingest(path: Path) -> FileDone:
    done = FileJob(Extractor.load(model=False))((str(path), None))
    assert isinstance(done, FileDone)
    return done


def test_traditional_text_gives_the_ingest_mentions(nlp, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    source = tmp_path / "notice.txt"
    source.write_text(TRADITIONAL, encoding="utf-8")
    want = sorted(
        (m.type, m.start, m.end) for m in _ingest(source).extraction.mentions if m.kind == "mechanism"
    )
    doc = nlp(TRADITIONAL)
    got = sorted((s.label_, s.start_char, s.end_char) for s in doc.spans["mechanisms"])
    assert want and got == want
    assert {"cost_sharing", "eco_compensation"} <= {label for label, _, _ in got}
    assert doc.spans["mechanisms"][0].text[:1] in TRADITIONAL  # spans point into the text given


def test_text_with_extra_whitespace_still_aligns(nlp) -> None:  # type: ignore[no-untyped-def]
    text = "  建立成本共担\n机制，推动   长三角一体化发展。"
    doc = nlp(text)
    spans = list(doc.spans["mechanisms"])
    assert spans and all(text[s.start_char : s.end_char] == s.text for s in spans)
    assert "成本共担" in "".join(s.text for s in spans).replace("\n", "")


def test_pdf_through_spacy_equals_ingest_with_pages(nlp) -> None:  # type: ignore[no-untyped-def]
    done = _ingest(PDF)
    doc = doc_from_file(nlp, PDF)
    assert doc.text == done.document.text
    want = sorted(
        (m.kind, m.type, m.start, m.end, m.page)
        for m in done.extraction.mentions
        if m.kind in {"mechanism", "agglomeration"}
    )
    got = sorted(
        (
            s._.policytext["kind"],
            s.label_,
            s._.policytext["start"],
            s._.policytext["end"],
            s._.policytext["page"],
        )
        for key in ("mechanisms", "agglomerations")
        for s in doc.spans[key]
    )
    assert want and got == want
    assert {page for *_, page in got} == {1, 2}  # the PDF's two pages
