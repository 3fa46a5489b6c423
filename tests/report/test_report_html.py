"""The HTML report: builds from the sample store, loads nothing, escapes document text, is deterministic."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

from conftest import GENERATED

from policytext.cli import main
from policytext.export.report import build_report
from policytext.store.db import Store

URL_ATTRS = {
    "src",
    "href",
    "xlink:href",
    "srcset",
    "action",
    "poster",
    "data",
    "formaction",
    "background",
    "manifest",
}


class _Refs(HTMLParser):
    """Every URL-carrying attribute, every <script>, and CSS url()/@import in <style> and style=."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.refs: list[tuple[str, str, str]] = []
        self.scripts = 0
        self._in_style = False
        self.css: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.scripts += tag == "script"
        self._in_style = tag == "style"
        for k, v in attrs:
            if k in URL_ATTRS and v:
                self.refs.append((tag, k, v))
            if k == "style" and v:
                self.css.append(v)

    def handle_endtag(self, tag: str) -> None:
        if tag == "style":
            self._in_style = False

    def handle_data(self, data: str) -> None:
        if self._in_style:
            self.css.append(data)


def _parse(html: str) -> _Refs:
    p = _Refs()
    p.feed(html)
    return p


def test_report_builds_from_the_sample_store(sample_report) -> None:
    html = sample_report.html.read_text(encoding="utf-8")
    data = sample_report.data
    assert data.overview["documents"] == 18
    assert data.overview["mechanism_mentions"] > 0
    for anchor in ('id="overview"', 'id="heatmap"', 'id="timelines"', 'id="first"', 'id="examples"'):
        assert anchor in html
    # one inline chart for documents, one heatmap, one timeline per type, the co-occurrence network
    # and the key terms, each in an element marked with data-figure
    assert html.count("<svg ") == 4 + len(data.types) == 20
    figures = re.findall(r'data-figure="([^"]+)"', html)
    assert sorted(set(figures)) == ["cooccurrence", "documents", "heatmap", "key-terms", "timeline"]
    assert figures.count("timeline") == len(data.types)
    assert "长江三角洲城市群" in html and "成本共担" in html
    # examples carry the highlighted mention and a file:// link with "p. N"
    assert "<mark>" in html
    assert re.search(r'href="file:///[^"]+\.pdf#page=\d+"', html)
    assert re.search(r"p\. \d+", html)
    # the first-mention table: first year each type appears per agglomeration (direct links, the
    # default: a link made from the document as a whole is left out), checked against the store
    with Store(data.db, readonly=True) as store:
        expected = {
            (r["agg"], r["type"]): r["year"]
            for r in store.rows(
                "SELECT ma.agglomeration_id AS agg, m.type AS type, MIN(d.year) AS year FROM mentions m "
                "JOIN mention_agglomerations ma ON ma.mention_id = "
                "m.mention_id JOIN documents d ON d.doc_id = m.doc_id "
                "WHERE m.kind = 'mechanism' AND m.deleted = 0 "
                "AND (m.link_basis IS NULL OR m.link_basis != 'document') GROUP BY 1, 2"
            )
        }
    assert {(r["agg_id"], r["type"]): r["year"] for r in data.first_mentions} == expected
    assert sum(c is not None for row in data.first_matrix for c in row["cells"]) == len(expected)
    assert 'class="matrix"' in html


def test_report_loads_no_network_resource(sample_report) -> None:
    html = sample_report.html.read_text(encoding="utf-8")
    p = _parse(html)
    assert p.scripts == 0
    remote = [r for r in p.refs if re.match(r"\s*(https?:)?//", r[2], re.IGNORECASE)]
    assert remote == []
    assert all(v.startswith(("#", "file://", "data:")) for _, _, v in p.refs), {v for _, _, v in p.refs}
    css = "\n".join(p.css)
    assert "@import" not in css
    assert re.findall(r"url\(\s*['\"]?(?!data:|#)", css) == []
    # no http(s) URL anywhere, not even as an SVG namespace
    assert "http://" not in html and "https://" not in html
    # the Chinese text font is embedded (a subset), no system font needed
    assert "@font-face" in html and "data:font/woff;base64," in html


def test_report_escapes_document_text(hostile_db: Path, tmp_path: Path) -> None:
    result = build_report(hostile_db, tmp_path / "r.html", generated=GENERATED)
    html = result.html.read_text(encoding="utf-8")
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert _parse(html).scripts == 0
    assert "<mark>成本共担</mark>" in html


def test_report_is_deterministic_but_for_the_meta_line(hostile_db: Path, tmp_path: Path, monkeypatch) -> None:
    first = build_report(hostile_db, tmp_path / "a.html", generated=GENERATED).html.read_text(
        encoding="utf-8"
    )
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767312000")  # another time, and the CLI path this time
    assert main(["report", "--db", str(hostile_db), "--out", str(tmp_path / "b.html")]) == 0
    second = (tmp_path / "b.html").read_text(encoding="utf-8")
    meta = re.compile(r'<p class="meta" id="meta">Generated [^<]*</p>')
    assert len(meta.findall(first)) == 1 and len(meta.findall(second)) == 1
    assert meta.sub("", first) == meta.sub("", second)
    assert "Generated 2026-01-02 00:00:00 UTC" in second and first != second


def test_report_cli_errors_are_one_line(tmp_path: Path, capsys) -> None:
    assert main(["report", "--db", str(tmp_path / "missing.db"), "--out", str(tmp_path / "r.html")]) == 1
    err = capsys.readouterr().err
    assert err.startswith("policytext: error: [PT-E301]") and err.count("\n") == 1
    assert not (tmp_path / "r.html").exists()
    assert main(["report", "--db", str(tmp_path / "missing.db"), "--out", str(tmp_path)]) == 2


def test_report_without_key_terms_says_how_to_add_them(hostile_db: Path, tmp_path: Path) -> None:
    # counting key terms segments every sentence, so it is asked for (--terms); the page says so
    result = build_report(hostile_db, tmp_path / "r.html", figures_dir=tmp_path / "fig", generated=GENERATED)
    html = result.html.read_text(encoding="utf-8")
    assert not result.data.terms_counted and result.data.key_terms == []
    assert 'data-figure="key-terms"' not in html
    assert 'data-note="terms-not-counted"' in html and "policytext report --terms" in html
    assert not any(p.stem == "key_terms" for p in result.figures)
    counted = build_report(hostile_db, tmp_path / "t.html", generated=GENERATED, key_terms=True)
    assert counted.data.terms_counted
    assert 'data-figure="key-terms"' in counted.html.read_text(encoding="utf-8")
