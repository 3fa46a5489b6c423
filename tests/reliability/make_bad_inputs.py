"""Generate bad (and borderline) inputs for the reliability tests.

Every builder writes one or more files into a folder and returns their paths.
:func:`build_bad_folder` writes the whole mixed batch (bad files between good
ones) and returns a table of :class:`Case` records: the file, what policytext is
expected to do with it (``"stored"`` or a failure reason) and a note.

The heavy inputs (the 2,000-page PDF, the decompression bomb) and the ones that
need special file types (FIFO, symlink loops, undecodable names) have builders of
their own. Run as a script to write everything into a folder and look at it::

    .venv/bin/python tests/reliability/make_bad_inputs.py /tmp/bad
"""

from __future__ import annotations

import functools
import hashlib
import importlib.util
import io
import os
import re
import sys
import zlib
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
FONT_FILE = ROOT / "policytext" / "data" / "fonts" / "DroidSansFallbackFull.ttf"
CID_FONT = "STSong-Light"  # reportlab's built-in CJK font: CMap-encoded, every engine maps it to Unicode
TTF_FONT = "RelDroidSans"  # the bundled font, embedded as a subset (its ToUnicode map can be removed)

SENTENCES = [
    "关于推动长三角区域一体化发展的实施意见",
    "建立成本共担、利益共享机制，推动长三角一体化发展。",
    "完善生态保护补偿机制，探索跨省横向补偿。",
    "加快建设粤港澳大湾区，推进基础设施互联互通。",
    "健全都市圈协调推进机制，建立联席会议制度。",
    "推动成渝地区双城经济圈建设，设立区域合作基金。",
]
TRADITIONAL = "關於推動粵港澳大灣區建設的實施意見。建立成本共擔、利益共享機制，完善生態保護補償機制。"


@dataclass(frozen=True)
class Case:
    """One generated input and what policytext should do with it."""

    name: str
    path: Path
    expect: str  # "stored", or a failure reason (encrypted | corrupt | no_text | timeout | unsupported | io)
    note: str
    needle: str | None = None  # text the stored document must contain


#: With the OCR extra, a PDF whose text layer is garbled is read by OCR instead of failing.
OCR_AVAILABLE = importlib.util.find_spec("rapidocr_onnxruntime") is not None


def policy_text(seed: int | str, lines: int = 4) -> str:
    """A few policy sentences, made unique by ``seed`` (so every file has its own hash)."""
    tag = hashlib.sha1(str(seed).encode()).hexdigest()[:8]
    body = [SENTENCES[(i + len(tag)) % len(SENTENCES)] for i in range(lines)]
    return f"{SENTENCES[0]}（{tag}）\n" + "\n".join(body[1:]) + f"\n编号{tag}。\n"


def tag_line(seed: int | str) -> str:
    """The last line of :func:`policy_text` (unique to the seed)."""
    return policy_text(seed).splitlines()[-1]


# ---------------------------------------------------------------------------
# PDFs
# ---------------------------------------------------------------------------


def _register_fonts() -> None:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfbase.ttfonts import TTFont

    if TTF_FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont(TTF_FONT, str(FONT_FILE)))
    if CID_FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(CID_FONT))


def text_pdf(
    pages: list[list[str]], *, font: str = CID_FONT, encrypt: object = None, compress: bool = True
) -> bytes:
    """A PDF with the given lines on each page (deterministic bytes)."""
    from reportlab.pdfgen.canvas import Canvas

    _register_fonts()
    buf = io.BytesIO()
    c = Canvas(buf, pagesize=(595.28, 841.89), invariant=1, encrypt=encrypt, pageCompression=int(compress))
    c.setDateFormatter(lambda *_: "D:20210315090000+08'00'")
    for lines in pages:
        y = 760.0
        c.setFont(font, 14)
        for line in lines:
            c.drawString(72, y, line)
            y -= 24
        c.showPage()
    c.save()
    return buf.getvalue()


def good_pdf(seed: int | str) -> bytes:
    """A small readable one-page PDF."""
    return text_pdf([policy_text(seed).splitlines()])


def truncated_pdf(seed: int | str = "truncated") -> bytes:
    """The first 60 % of a good PDF (no xref, no %%EOF)."""
    data = text_pdf([policy_text(seed).splitlines()] * 3)
    return data[: len(data) * 6 // 10]


def broken_xref_pdf(seed: int | str = "xref") -> bytes:
    """A good PDF whose cross-reference table points at wrong offsets (repairable by a reader)."""
    data = text_pdf([policy_text(seed).splitlines()], compress=False)
    start = data.rindex(b"xref")

    def shift(m: re.Match[bytes]) -> bytes:
        return b"%010d" % (int(m.group(1)) + 7) + m.group(2)

    return data[:start] + re.sub(rb"(\d{10})( \d{5} n)", shift, data[start:])


def garbage_xref_pdf() -> bytes:
    """A PDF header, then objects and an xref that are garbage: not repairable."""
    noise = hashlib.sha256(b"noise").digest() * 64
    return (
        b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pages 9 0 R >>\nendobj\n"
        + noise
        + b"\nxref\n0 3\nzzzzzzzzzz 65535 f \nxxxx\ntrailer\n<< /Root 7 0 R >>\nstartxref\n999999\n%%EOF\n"
    )


def encrypted_pdf(user_password: str, owner_password: str = "owner-secret", seed: int | str = "enc") -> bytes:
    """An RC4/AES-encrypted PDF; with an empty user password it opens without one."""
    from reportlab.lib.pdfencrypt import StandardEncryption

    enc = StandardEncryption(
        user_password,
        ownerPassword=owner_password,
        canPrint=1,
        canModify=0,
        canCopy=0,
        canAnnotate=0,
        strength=128,
    )
    return text_pdf([policy_text(seed).splitlines()], encrypt=enc)


def scanned_pdf(pages: int = 2) -> bytes:
    """Pages that are only images of text (no text layer), as a scanner makes them."""
    from PIL import Image, ImageDraw
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen.canvas import Canvas

    buf = io.BytesIO()
    c = Canvas(buf, pagesize=(595.28, 841.89), invariant=1)
    for n in range(pages):
        img = Image.new("L", (600, 850), 255)
        draw = ImageDraw.Draw(img)
        for k in range(30):
            draw.rectangle((60, 60 + k * 25 + n, 540 - (k * 13) % 200, 72 + k * 25), fill=0)
        png = io.BytesIO()
        img.save(png, format="PNG")
        c.drawImage(ImageReader(io.BytesIO(png.getvalue())), 0, 0, 595.28, 841.89)
        c.showPage()
    c.save()
    return buf.getvalue()


def strip_tounicode(data: bytes) -> bytes:
    """Blank every ``/ToUnicode n 0 R`` entry in place (same length keeps the xref valid)."""
    return re.sub(rb"/ToUnicode \d+ 0 R", lambda m: b" " * len(m.group()), data)


def no_tounicode_pdf(seed: int | str = "cid") -> bytes:
    """Chinese text in an embedded subset font without ToUnicode maps: extraction yields garbage."""
    pages = [policy_text(f"{seed}-{n}", lines=6).splitlines() for n in range(2)]
    return strip_tounicode(text_pdf(pages, font=TTF_FONT, compress=False))


def many_pages_pdf(n_pages: int = 2000) -> bytes:
    """A long PDF written by hand (one small content stream per page, Helvetica text)."""
    objects: list[bytes] = [b"", b""]  # 1: catalog, 2: pages (filled in below)
    objects.append(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>")  # 3
    kids = []
    for n in range(1, n_pages + 1):
        lines = [
            f"Regional integration plan, section {n}.",
            f"Cost sharing and benefit sharing item {n * 7 % 1000}.",
            f"Joint fund for the metropolitan area, clause {n}.",
        ]
        ops = ["BT /F1 12 Tf 72 760 Td 16 TL"] + [f"({s}) Tj T*" for s in lines] + ["ET"]
        content = "\n".join(ops).encode("latin-1")
        objects.append(b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream")
        content_id = len(objects)
        objects.append(
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 3 0 R >> >>"
            b" /Contents %d 0 R >>" % content_id
        )
        kids.append(len(objects))
    objects[0] = b"<< /Type /Catalog /Pages 2 0 R >>"
    objects[1] = b"<< /Type /Pages /Count %d /Kids [%s] >>" % (
        n_pages,
        b" ".join(b"%d 0 R" % k for k in kids),
    )
    return _assemble(objects)


def nested_bomb_pdf(inflated_bytes: int = 1 << 30) -> bytes:
    """Like :func:`bomb_pdf` with the zeros deflated twice (``[/FlateDecode /FlateDecode]``): a 2 KB file."""
    stream = zlib.compress(deflate_zeros(inflated_bytes), 9)
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Count 1 /Kids [3 0 R] >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>",
        b"<< /Length %d /Filter [/FlateDecode /FlateDecode] >>\nstream\n" % len(stream)
        + stream
        + b"\nendstream",
    ]
    return _assemble(objects)


def _assemble(objects: list[bytes]) -> bytes:
    out = bytearray(b"%PDF-1.5\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for i, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % i + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for off in offsets:
        out += b"%010d 00000 n \n" % off
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


@functools.lru_cache(maxsize=4)
def deflate_zeros(n: int) -> bytes:
    """``n`` zero bytes deflated, written in chunks (the zeros are never all in memory)."""
    comp = zlib.compressobj(9)
    chunk = bytes(1 << 20)
    parts = []
    while n > 0:
        parts.append(comp.compress(chunk[: min(n, len(chunk))]))
        n -= len(chunk)
    parts.append(comp.flush())
    return b"".join(parts)


def bomb_pdf(inflated_bytes: int = 1 << 30) -> bytes:
    """One page whose FlateDecode content stream is zeros that inflate to ``inflated_bytes``.

    The file is about a thousandth of that size (zlib compresses zeros ~1000:1).
    """
    stream = deflate_zeros(inflated_bytes)
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Count 1 /Kids [3 0 R] >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>",
        b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(stream) + stream + b"\nendstream",
    ]
    return _assemble(objects)


# ---------------------------------------------------------------------------
# Text files
# ---------------------------------------------------------------------------


def mixed_encoding_txt(seed: int | str = "mixed") -> bytes:
    """Lines in UTF-8 followed by lines in GB18030 (a file assembled from two sources)."""
    text = policy_text(seed, lines=6).splitlines()
    return ("\n".join(text[:3]) + "\n").encode("utf-8") + ("\n".join(text[3:]) + "\n").encode("gb18030")


def nul_bytes_txt(seed: int | str = "nul") -> bytes:
    """UTF-8 text with NUL bytes between the lines and inside a line."""
    lines = policy_text(seed).splitlines()
    return b"\x00\x00".join(line.encode("utf-8") + b"\n" for line in lines) + b"\x00" * 10 + "末尾。".encode()


def long_line_txt(n_bytes: int = 1 << 20, seed: int | str = "long") -> bytes:
    """One line of about ``n_bytes`` bytes of Chinese text, without any line break."""
    unit = "".join(policy_text(seed).splitlines())
    text = unit * (n_bytes // len(unit.encode("utf-8")) + 1)
    return text.encode("utf-8")


# ---------------------------------------------------------------------------
# The mixed batch
# ---------------------------------------------------------------------------


def build_bad_folder(folder: Path, *, good: int = 3) -> list[Case]:
    """Write good files and one of each ordinary bad input into ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    cases: list[Case] = []

    def put(name: str, data: bytes, expect: str, note: str, needle: str | None = None) -> None:
        path = folder / name
        path.write_bytes(data)
        cases.append(Case(name, path, expect, note, needle))

    for n in range(good):
        text = policy_text(f"good-{n}")
        put(f"good-{n}.txt", text.encode("utf-8"), "stored", "good UTF-8 text", text.splitlines()[-1])
    put("good.pdf", good_pdf("good-pdf"), "stored", "good PDF", tag_line("good-pdf"))
    put("empty.pdf", b"", "corrupt", "zero-byte PDF")
    put(
        "empty.txt",
        b"",
        "no_text",
        "zero-byte text file: the same bytes as empty.pdf, read on its own (another extension)",
    )
    put("blank.txt", b" \n\t\n  ", "no_text", "white space only")
    put("truncated.pdf", truncated_pdf(), "corrupt", "PDF cut at 60 %")
    put(
        "broken-xref.pdf",
        broken_xref_pdf(),
        "stored",
        "xref offsets wrong: PDFium rebuilds the xref",
        tag_line("xref"),
    )
    put("garbage-xref.pdf", garbage_xref_pdf(), "corrupt", "xref and objects are garbage")
    put("encrypted-user.pdf", encrypted_pdf("user-secret"), "encrypted", "user password set")
    put(
        "encrypted-owner.pdf",
        encrypted_pdf("", seed="owner"),
        "stored",
        "owner password only: opens without a password",
        tag_line("owner"),
    )
    put("scanned.pdf", scanned_pdf(), "no_text", "page images only, no text layer")
    if (
        OCR_AVAILABLE
    ):  # a garbled text layer goes to OCR (``--ocr auto``): the true text is stored, never garbage
        put(
            "no-tounicode.pdf",
            no_tounicode_pdf(),
            "stored",
            "embedded fonts without ToUnicode: read by OCR",
            needle=SENTENCES[0][:12],
        )
    else:
        put(
            "no-tounicode.pdf",
            no_tounicode_pdf(),
            "no_text",
            "embedded fonts without ToUnicode: garbage glyphs",
        )
    put("png-renamed.pdf", b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4, "unsupported", "a PNG named .pdf")
    put("text-renamed.pdf", policy_text("renamed").encode("utf-8"), "corrupt", "a text file named .pdf")
    put("zip-renamed.pdf", _zip_bytes(), "unsupported", "a ZIP archive named .pdf")
    gb = policy_text("gb18030")
    put("gb18030.txt", gb.encode("gb18030"), "stored", "GB18030 text", gb.splitlines()[-1])
    put(
        "big5.txt",
        TRADITIONAL.encode("big5"),
        "stored",
        "Big5 traditional text (converted to simplified)",
        "粤港澳大湾区",
    )
    u16 = policy_text("utf16")
    put("utf16-bom.txt", u16.encode("utf-16"), "stored", "UTF-16 with BOM", u16.splitlines()[-1])
    u16le = policy_text("utf16le")
    put(
        "utf16le-nobom.txt",
        u16le.encode("utf-16-le"),
        "stored",
        "UTF-16 LE without BOM",
        u16le.splitlines()[-1],
    )
    mixed = policy_text("mixed", lines=6).splitlines()
    put("mixed-encoding.txt", mixed_encoding_txt(), "stored", "UTF-8 lines then GB18030 lines", mixed[0])
    put("binary.txt", bytes(range(256)) * 64, "unsupported", "random binary named .txt")
    put("nul-bytes.txt", nul_bytes_txt(), "stored", "NUL bytes inside UTF-8 text", "末尾")
    zh = policy_text("中文名")
    put(
        "政策 文件 (副本).txt",
        zh.encode("utf-8"),
        "stored",
        "Chinese characters and spaces in the name",
        zh.splitlines()[-1],
    )
    return cases


def _zip_bytes() -> bytes:
    import zipfile

    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("a.txt", "不是PDF")
    return buf.getvalue()


def undecodable_name(folder: Path, seed: int | str = "badname") -> tuple[Path, str]:
    """A file whose name holds bytes that are not UTF-8 (``b'bad\\xff\\xfe名.txt'``)."""
    name = b"bad-\xff\xfe-" + "名".encode("gbk") + b".txt"
    path = os.path.join(os.fsencode(folder), name)
    text = policy_text(seed)
    with open(path, "wb") as fh:
        fh.write(text.encode("utf-8"))
    return Path(os.fsdecode(path)), text.splitlines()[-1]


def symlink_loops(folder: Path) -> list[Path]:
    """A folder linking back to its parent, a link to itself named .txt and a dangling .pdf link."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "sub").mkdir(exist_ok=True)
    os.symlink("..", folder / "sub" / "up")  # sub/up -> folder: a directory loop
    os.symlink("self.txt", folder / "self.txt")  # ELOOP when opened
    os.symlink("missing-target.pdf", folder / "dangling.pdf")
    return [folder / "sub" / "up", folder / "self.txt", folder / "dangling.pdf"]


def fifo_txt(folder: Path, name: str = "pipe.txt") -> Path:
    """A named pipe with a .txt name: opening it for reading blocks until a writer comes."""
    path = folder / name
    os.mkfifo(path)
    return path


def main(argv: list[str]) -> int:
    out = Path(argv[1] if len(argv) > 1 else "bad-inputs")
    for case in build_bad_folder(out):
        print(f"{case.name:28s} {case.expect:12s} {case.note}")
    undecodable_name(out)
    (out / "many-pages.pdf").write_bytes(many_pages_pdf())
    (out / "bomb.pdf").write_bytes(bomb_pdf())
    print(f"and undecodable name, many-pages.pdf, bomb.pdf in {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
