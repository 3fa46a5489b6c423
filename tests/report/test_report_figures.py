"""Paper figures: PNG at 300 dpi and SVG for the heatmap and the timelines, Chinese via the bundled font."""

from __future__ import annotations

import warnings
import xml.etree.ElementTree as ET

import matplotlib.image as mpimg

from policytext.export import figures as fg


def test_report_figures_written(sample_report) -> None:
    names = sorted(p.name for p in sample_report.figures)
    assert names == sorted(
        f"{s}.{e}"
        for s in ("heatmap", "timelines", "documents_by_year", "cooccurrence", "key_terms")
        for e in ("png", "svg")
    )
    for p in sample_report.figures:
        assert p.stat().st_size > 1000
        if p.suffix == ".png":
            img = mpimg.imread(p)
            assert img.ndim == 3 and img.shape[0] > 500 and img.shape[1] > 900
        else:
            root = ET.parse(p).getroot()
            assert root.tag.endswith("svg")
            # text is drawn as glyph paths: nothing depends on a font on the reader's machine
            assert root.findall(".//{http://www.w3.org/2000/svg}text") == []


def test_report_figures_png_is_300_dpi(sample_report) -> None:
    from PIL import Image

    png = next(p for p in sample_report.figures if p.name == "heatmap.png")
    with Image.open(png) as im:
        assert round(im.info["dpi"][0]) == 300


def test_report_figures_draw_chinese_with_the_bundled_font() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a missing glyph is a UserWarning in matplotlib
        fig = fg.heatmap_figure(
            ["长江三角洲城市群", "徐州都市圈"], ["成本共担 cost_sharing", "生态补偿"], [[1, 0], [2, 3]]
        )
        svg = fg.inline_svg(fig, "t", "热力图")
    assert svg.startswith("<svg ") and 'id="t-' in svg and "http" not in svg
    assert fg.cjk_font() == "Droid Sans Fallback"
