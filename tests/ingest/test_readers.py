"""Readers of .txt/.md/.html/.docx and the dispatcher, on real files written to tmp_path."""

from __future__ import annotations

import codecs
import os
import sys
from pathlib import Path

import pytest

from policytext.errors import IngestError
from policytext.ingest.document import build_document
from policytext.ingest.readers import (
    decode_bytes,
    drop_boilerplate,
    is_boilerplate_line,
    markdown_to_text,
    read_document,
    read_docx,
    read_html,
    read_text_file,
)

SIMPLIFIED = (
    "长江三角洲城市群发展规划\n推动城市群一体化发展，建立健全成本分担和利益共享机制。\n2019年2月19日\n"
)


def _traditional(text: str) -> str:
    import opencc

    return opencc.OpenCC("s2tw").convert(text)


def _write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


# fmt: off
ENCODINGS = [
    # (label, bytes, expected encoding)
    ("utf-8", SIMPLIFIED.encode("utf-8"), "utf-8"),
    ("utf-8 bom", codecs.BOM_UTF8 + SIMPLIFIED.encode("utf-8"), "utf-8"),
    ("utf-16-le bom", codecs.BOM_UTF16_LE + SIMPLIFIED.encode("utf-16-le"), "utf-16-le"),
    ("utf-16-be bom", codecs.BOM_UTF16_BE + SIMPLIFIED.encode("utf-16-be"), "utf-16-be"),
    ("utf-16-le no bom", SIMPLIFIED.encode("utf-16-le"), "utf-16-le"),
    ("utf-16-be no bom", SIMPLIFIED.encode("utf-16-be"), "utf-16-be"),
    ("utf-32-le bom", codecs.BOM_UTF32_LE + SIMPLIFIED.encode("utf-32-le"), "utf-32-le"),
    ("utf-32-be bom", codecs.BOM_UTF32_BE + SIMPLIFIED.encode("utf-32-be"), "utf-32-be"),
    ("gb18030", SIMPLIFIED.encode("gb18030"), "gb18030"),
]
# fmt: on


@pytest.mark.parametrize("label,data,encoding", ENCODINGS, ids=[e[0] for e in ENCODINGS])
def test_read_text_file_detects_encoding(tmp_path: Path, label: str, data: bytes, encoding: str) -> None:
    result = read_text_file(_write(tmp_path, "doc.txt", data))
    assert result.encoding == encoding
    assert result.pages == [SIMPLIFIED]
    assert result.paged is False
    assert result.engine == "txt"
    assert result.warnings == []


def test_read_text_file_big5_is_traditional_not_gb18030(tmp_path: Path) -> None:
    traditional = _traditional(SIMPLIFIED)
    result = read_text_file(_write(tmp_path, "big5.txt", traditional.encode("big5")))
    assert result.encoding == "big5"
    assert result.pages == [traditional]


def test_read_text_file_gb18030_is_not_taken_for_big5(tmp_path: Path) -> None:
    text = SIMPLIFIED * 3
    result = read_text_file(_write(tmp_path, "gb.txt", text.encode("gb18030")))
    assert result.encoding == "gb18030"
    assert result.pages == [text]


def test_read_text_file_utf16_pure_han_without_bom(tmp_path: Path) -> None:
    text = "城市群建设推动一体化长三角地区的发展规划纲要已经发布各地要认真贯彻落实"
    result = read_text_file(_write(tmp_path, "wide.txt", text.encode("utf-16-le")))
    assert result.encoding == "utf-16-le"
    assert result.pages == [text]


def test_read_text_file_removes_nul_bytes_with_warning(tmp_path: Path) -> None:
    data = "城市群\x00\x00一体化".encode() + b"\x00" + "\n发展".encode()
    # an odd number of bytes in all: not a wide encoding
    data = data if len(data) % 2 else data + b" "
    result = read_text_file(_write(tmp_path, "nul.txt", data))
    assert "\x00" not in result.pages[0]
    assert result.pages[0].startswith("城市群一体化\n发展")
    assert any("NUL" in w for w in result.warnings)


def test_read_text_file_few_invalid_bytes_are_replaced_with_warning(tmp_path: Path) -> None:
    good = ("推动城市群一体化发展，建立健全成本分担和利益共享机制。" * 6).encode("utf-8")
    data = good[:60] + b"\xff" + good[60:]
    result = read_text_file(_write(tmp_path, "bad.txt", data))
    assert result.encoding == "utf-8"
    assert "\ufffd" in result.pages[0]
    assert any("replaced" in w for w in result.warnings)


@pytest.mark.parametrize("data", [bytes(range(256)) * 8, bytes([0x80, 0xFF, 0xFE, 0x81]) * 300])
def test_read_text_file_binary_is_unsupported(tmp_path: Path, data: bytes) -> None:
    with pytest.raises(IngestError) as err:
        read_text_file(_write(tmp_path, "blob.txt", data))
    assert err.value.reason == "unsupported"
    assert "convert it to UTF-8" in err.value.message


def test_read_text_file_normalises_line_ends(tmp_path: Path) -> None:
    result = read_text_file(_write(tmp_path, "crlf.txt", "第一行\r\n第二行\r第三行".encode()))
    assert result.pages == ["第一行\n第二行\n第三行"]


def test_decode_bytes_big5_and_gb18030_decide_by_plausibility() -> None:
    traditional = _traditional("都市圈同城化发展，建立协商合作机制。" * 4)
    text, encoding, _ = decode_bytes(traditional.encode("big5"))
    assert (text, encoding) == (traditional, "big5")


# fmt: off
MARKDOWN = [
    ("# 标题\n\n正文", "标题\n\n正文"),
    ("## 第一章 总则 ##", "第一章 总则"),
    ("![图1](images/a.jpg)\n正文", "正文"),
    ("见[规划全文](https://example.org/a.pdf)。", "见规划全文。"),
    ("**重点**和*强调*与__粗体__", "重点和强调与粗体"),
    ("| 城市 | 人口 |\n|---|---|\n| 上海 | 2487 |", "城市 人口\n上海 2487"),
    ("> 引文一段", "引文一段"),
    ("- 项目一\n* 项目二", "项目一\n项目二"),
    ("1.习近平出席峰会；", "1.习近平出席峰会；"),
    ("正文<br>下一行</p>", "正文\n下一行"),
    ("<!-- INFO END -->\n正文", "正文"),
    ("上文\n\n---\n\n下文", "上文\n\n下文"),
    ("`代码`与\\*星号\\*", "代码与*星号*"),
]
# fmt: on


@pytest.mark.parametrize("markdown,expected", MARKDOWN)
def test_markdown_to_text(markdown: str, expected: str) -> None:
    assert markdown_to_text(markdown) == expected


def test_read_text_file_markdown(tmp_path: Path) -> None:
    md = "# 关于培育发展现代化都市圈的指导意见\n\n**发改规划〔2019〕328号**\n\n![](x.png)\n\n正文见[这里](http://a.b)。\n"
    result = read_text_file(_write(tmp_path, "doc.md", md.encode("utf-8")))
    assert result.engine == "md"
    assert result.pages == ["关于培育发展现代化都市圈的指导意见\n\n发改规划〔2019〕328号\n\n正文见这里。"]


# fmt: off
BOILERPLATE = [
    ("下载 打印 全屏 收藏 字号：大 中 小", True),
    ("【字号：", True),
    ("】", True),
    ("您现在的位置：首页 > 政务公开 > 规划计划", True),
    ("当前位置：", True),
    ("首页 > 新闻中心", True),
    ("分享到：", True),
    ("【关闭窗口】", True),
    ("打印本页", True),
    ("主办单位：某某省人民政府办公厅", True),
    ("网站标识码：1100000088", True),
    ("京ICP备05070218号", True),
    ("扫一扫在手机打开当前页", True),
    ("相关报道：", True),
    ("阅读量：", True),
    ("推动城市群一体化发展。", False),
    ("来源：辽宁日报", False),
    ("时间：2026-02-01", False),
    ("中国（上海）自由贸易试验区", False),
]
# fmt: on


@pytest.mark.parametrize("line,expected", BOILERPLATE)
def test_is_boilerplate_line(line: str, expected: bool) -> None:
    assert is_boilerplate_line(line) is expected


def test_drop_boilerplate_keeps_text_lines() -> None:
    lines = [
        "下载",
        "打印",
        "【字号：",
        "大",
        "中",
        "小",
        "】",
        "2026年辽宁省政府工作报告",
        "扫一扫在手机打开当前页",
    ]
    assert drop_boilerplate(lines) == ["2026年辽宁省政府工作报告"]


HTML_PAGE = """<!DOCTYPE html>
<html><head><meta charset="{charset}"><title>关于培育发展现代化都市圈的指导意见_中国政府网</title>
<meta name="PubDate" content="2019-02-21 09:00">
<style>.x{{color:red}}</style><script>var a = "不要这段";</script></head>
<body>
<nav>首页 新闻 政策</nav>
<div class="crumb">您现在的位置：首页 &gt; 政策 &gt; 文件</div>
<div class="tools">下载 打印 全屏 收藏 字号：大 中 小</div>
<h1>关于培育发展现代化都市圈的指导意见</h1>
<p>发改规划〔2019〕328号</p>
<p>都市圈是城市群内部以超大特大城市或辐射带动功能强的大城市为中心、
以1小时通勤圈为基本范围的城镇化空间形态。</p>
<table><tr><td>城市</td><td>人口</td></tr><tr><td>南京</td><td>850</td></tr></table>
<p>国家发展改革委<br>2019年2月19日</p>
<div>分享到：</div><div>【关闭窗口】</div>
<footer>主办单位：中华人民共和国国务院办公厅 网站标识码bm01000001 京ICP备05070218号</footer>
</body></html>
"""


@pytest.mark.parametrize("charset,encoding", [("utf-8", "utf-8"), ("gb2312", "gb18030"), ("GBK", "gb18030")])
def test_read_html_text_meta_and_boilerplate(tmp_path: Path, charset: str, encoding: str) -> None:
    page = HTML_PAGE.format(charset=charset)
    path = _write(tmp_path, "page.html", page.encode(encoding))
    result = read_html(path)
    assert result.engine == "html"
    assert result.encoding == encoding
    assert result.meta["title"] == "关于培育发展现代化都市圈的指导意见"
    assert result.meta["date"] == "2019-02-21 09:00"
    assert result.pages[0].split("\n") == [
        "关于培育发展现代化都市圈的指导意见",
        "发改规划〔2019〕328号",
        "都市圈是城市群内部以超大特大城市或辐射带动功能强的大城市为中心、以1小时通勤圈为基本范围的城镇化空间形态。",
        "城市\t人口",
        "南京\t850",
        "国家发展改革委",
        "2019年2月19日",
    ]


def test_read_html_published_time_property(tmp_path: Path) -> None:
    page = (
        '<html><head><meta property="article:published_time" content="2021-03-05T10:00:00+08:00">'
        "</head><body><p>正文一段。</p></body></html>"
    )
    result = read_html(_write(tmp_path, "a.htm", page.encode("utf-8")))
    assert result.meta["date"] == "2021-03-05T10:00:00+08:00"
    assert result.pages == ["正文一段。"]


def test_read_html_without_charset_is_detected(tmp_path: Path) -> None:
    page = "<html><body><p>推动城市群一体化发展，建立健全成本分担和利益共享机制。</p></body></html>"
    result = read_html(_write(tmp_path, "nocharset.html", page.encode("gb18030")))
    assert result.encoding == "gb18030"
    assert result.pages == ["推动城市群一体化发展，建立健全成本分担和利益共享机制。"]


def _make_docx(path: Path) -> Path:
    import docx

    document = docx.Document()
    document.core_properties.title = "长三角一体化发展规划纲要"
    document.add_heading("长江三角洲区域一体化发展规划纲要", level=1)
    document.add_paragraph("推动长三角一体化发展，建立成本共担利益共享机制。")
    table = document.add_table(rows=2, cols=2)
    table.cell(0, 0).text = "城市"
    table.cell(0, 1).text = "人口"
    table.cell(1, 0).text = "上海"
    table.cell(1, 1).text = "2487"
    document.add_paragraph("2019年12月1日")
    document.save(str(path))
    return path


def test_read_docx_paragraphs_tables_and_meta(tmp_path: Path) -> None:
    result = read_docx(_make_docx(tmp_path / "plan.docx"))
    assert result.engine == "docx"
    assert result.pages[0].split("\n") == [
        "长江三角洲区域一体化发展规划纲要",
        "推动长三角一体化发展，建立成本共担利益共享机制。",
        "城市\t人口",
        "上海\t2487",
        "2019年12月1日",
    ]
    assert result.meta["title"] == "长三角一体化发展规划纲要"
    assert "created" in result.meta


def test_read_docx_table_cells_apart_by_one_tab(tmp_path: Path) -> None:
    """Cells of a row are never run together (``行政处罚4119``): one tab between them, empty cells
    left out, a cell of several paragraphs (or holding a tab) on the row's one line."""
    import docx

    document = docx.Document()
    document.add_paragraph("表1 行政执法情况")
    table = document.add_table(rows=3, cols=3)
    for r, row in enumerate((("类别", "件数", "备注"), ("行政处罚", "4119", ""), ("行政许可", "215", ""))):
        for c, value in enumerate(row):
            table.cell(r, c).text = value
    table.cell(2, 2).paragraphs[0].text = "含变更"
    table.cell(2, 2).add_paragraph("和延续\t事项")
    path = tmp_path / "cells.docx"
    document.save(str(path))
    lines = read_docx(path).pages[0].split("\n")
    assert lines == [
        "表1 行政执法情况",
        "类别\t件数\t备注",
        "行政处罚\t4119",
        "行政许可\t215\t含变更 和延续 事项",
    ]
    doc = build_document(path, doc_id="cells")
    assert "行政处罚\t4119" in doc.text
    assert "行政处罚4119" not in doc.text


def test_read_html_table_cells_apart_by_one_tab(tmp_path: Path) -> None:
    """Cells written without any space between them stay apart: one tab, the row on one line, also
    when a cell holds paragraphs or a line break; empty cells left out; no tab outside tables."""
    page = (
        "<html><body><p>表1\t行政执法情况</p><table>"
        "<tr><th>类别</th><th>件数</th></tr>"
        "<tr><td>行政处罚</td><td>4119</td><td></td></tr>"
        "<tr><td><p>行政</p><p>许可</p></td><td>215<br>件</td></tr>"
        "</table><p>以上数据截至年底。</p></body></html>"
    )
    result = read_html(_write(tmp_path, "cells.html", page.encode("utf-8")))
    assert result.pages[0].split("\n") == [
        "表1 行政执法情况",
        "类别\t件数",
        "行政处罚\t4119",
        "行政 许可\t215 件",
        "以上数据截至年底。",
    ]


def test_html_table_inside_a_text_file_keeps_its_cells_apart(tmp_path: Path) -> None:
    """A text file holding a page's HTML table (journal texts often do) reads its rows as the
    HTML reader does: numbers of neighbouring cells never run together into one number."""
    path = tmp_path / "paper.txt"
    path.write_text(
        "正文第一句。\n"
        "<html><body><table><tr><td>京津冀</td><td>115</td><td>192</td><td>52.58</td></tr>"
        "<tr><td>长三角</td><td>86</td><td></td><td>270</td></tr></table></body></html>\n"
        "正文第二句。\n",
        encoding="utf-8",
    )
    sentences = [s.text for s in build_document(path).sentences]
    assert sentences == ["正文第一句。", "京津冀\t115\t192\t52.58", "长三角\t86\t270", "正文第二句。"]


def test_read_document_sniffs_content_before_extension(tmp_path: Path) -> None:
    docx_path = _make_docx(tmp_path / "plan.docx")
    renamed = tmp_path / "plan.bin"
    renamed.write_bytes(docx_path.read_bytes())
    assert read_document(renamed).engine == "docx"
    html = _write(
        tmp_path, "page.txt", b"<!DOCTYPE html><html><body><p>\xe6\xad\xa3\xe6\x96\x87</p></body></html>"
    )
    assert read_document(html).engine == "html"
    md = _write(tmp_path, "notes.md", "# 标题\n正文".encode())
    assert read_document(md).engine == "md"
    txt = _write(tmp_path, "notes.txt", "# 标题\n正文".encode())
    assert read_document(txt).pages == ["# 标题\n正文"]


# fmt: off
DISPATCH_ERRORS = [
    # (file name, bytes, reason, words in the message)
    ("table.csv", b"a,b\n1,2\n", "unsupported", "unsupported file type .csv"),
    ("noext", b"text", "unsupported", "unsupported file type (none)"),
    ("empty.pdf", b"", "corrupt", "empty"),
    ("empty.docx", b"", "corrupt", "empty"),
    ("empty.txt", b"", "no_text", "empty"),
    ("blank.md", b"  \n\n ", "no_text", "no text"),
    ("broken.docx", b"PK\x03\x04 not really a zip", "corrupt", ".docx"),
    ("archive.zip", b"", "unsupported", "unsupported file type .zip"),
    ("legacy.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600, "unsupported", ".docx"),
    ("locked.docx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + "EncryptedPackage".encode("utf-16-le"), "encrypted",
     "password"),
    ("garbage.docx", b"this is not a word file at all", "corrupt", ".docx"),
]
# fmt: on


@pytest.mark.parametrize("name,data,reason,words", DISPATCH_ERRORS, ids=[e[0] for e in DISPATCH_ERRORS])
def test_read_document_errors(tmp_path: Path, name: str, data: bytes, reason: str, words: str) -> None:
    path = _write(tmp_path, name, data)
    with pytest.raises(IngestError) as err:
        read_document(path)
    assert err.value.reason == reason
    assert words in err.value.message
    assert err.value.path == str(path)


def test_read_document_zip_that_is_not_docx(tmp_path: Path) -> None:
    import zipfile

    path = tmp_path / "bundle.docx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("readme.txt", "hello")
    with pytest.raises(IngestError) as err:
        read_document(path)
    assert err.value.reason == "corrupt"


def test_read_document_directory_is_io(tmp_path: Path) -> None:
    folder = tmp_path / "folder.txt"
    folder.mkdir()
    with pytest.raises(IngestError) as err:
        read_document(folder)
    assert err.value.reason == "io"
    assert "directory" in err.value.message


def test_read_document_missing_file_is_io(tmp_path: Path) -> None:
    with pytest.raises(IngestError) as err:
        read_document(tmp_path / "missing.txt")
    assert err.value.reason == "io"


@pytest.mark.skipif(sys.platform == "win32" or os.geteuid() == 0, reason="root reads any file")
def test_read_document_permission_denied_is_io(tmp_path: Path) -> None:
    path = _write(tmp_path, "secret.txt", "正文".encode())
    path.chmod(0)
    try:
        with pytest.raises(IngestError) as err:
            read_document(path)
        assert err.value.reason == "io"
    finally:
        path.chmod(0o644)


def test_read_document_pdf_is_handed_to_the_pdf_reader(tmp_path: Path) -> None:
    pdf = pytest.importorskip("policytext.ingest.pdf")
    assert hasattr(pdf, "read_pdf")
    path = _write(tmp_path, "fake.pdf", b"%PDF-1.4\n%broken\n")
    with pytest.raises(IngestError):
        read_document(path)


@pytest.mark.shared
def test_read_document_real_corpus_file() -> None:
    path = (
        Path(__file__).resolve().parents[2].parent
        / "shared"
        / "corpus"
        / "real"
        / "txt"
        / "gwr2026-liaoning.txt"
    )
    if not path.exists():
        pytest.skip("shared corpus not beside the project")
    result = read_document(path)
    assert result.encoding == "utf-8"
    assert "2026年辽宁省政府工作报告" in result.pages[0]
