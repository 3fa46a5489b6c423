"""The decompression-bomb pre-check: it always ends, in work bounded by the input, and counts right."""

from __future__ import annotations

import zlib
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from policytext.errors import IngestError
from policytext.ingest.pdf import _inflated_size, check_streams

LIMIT = 8 << 20


def pdf_with_stream(payload: bytes, eol: bytes = b"\n") -> bytes:
    """A minimal file holding one stream object, the way a PDF lays it out."""
    return (
        b"%PDF-1.7\n1 0 obj\n<< /Length "
        + str(len(payload)).encode()
        + b" /Filter /FlateDecode >>\nstream\n"
        + payload
        + eol
        + b"endstream\nendobj\n%%EOF\n"
    )


@pytest.mark.parametrize("eol", [b"\n", b"\r\n", b"\r", b"", b"\n\n  "])
def test_large_compressible_stream_with_end_of_line_is_counted_and_ends(tmp_path: Path, eol: bytes) -> None:
    # 3 MB of repetitive content streams (what xdvipdfmx writes for figures): the stream ends inside
    # a step and the end-of-line byte before ``endstream`` stays unconsumed after the end of the stream
    data = b"0 0 m 10 10 l S\n" * (3 << 16)
    path = tmp_path / "eol.pdf"
    path.write_bytes(pdf_with_stream(zlib.compress(data, 9), eol))
    check_streams(str(path), limit=LIMIT)  # returns (used to loop for ever)
    raw = pdf_with_stream(zlib.compress(data, 9), eol)
    start = raw.index(b"stream\n") + len(b"stream\n")
    assert _inflated_size(raw, start, raw.index(b"endstream"), LIMIT) == len(data)


def test_real_journal_pdf_that_looped_is_checked(shared_dir: Path) -> None:
    check_streams(str(shared_dir / "pdfs" / "real" / "A04_journal_aas_template.pdf"))


def test_bomb_over_the_limit_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "bomb.pdf"
    path.write_bytes(pdf_with_stream(zlib.compress(bytes(LIMIT + 4096), 9)))
    with pytest.raises(IngestError) as err:
        check_streams(str(path), limit=LIMIT)
    assert err.value.reason == "corrupt" and "decompression bomb" in str(err.value)


def test_nested_flate_is_counted_at_the_inner_level() -> None:
    data = b"BT /F1 12 Tf (x) Tj ET\n" * 50_000
    raw = zlib.compress(zlib.compress(data, 9), 9) + b"\r\n"
    assert _inflated_size(raw, 0, len(raw), LIMIT) == len(data)
    assert _inflated_size(raw, 0, len(raw), 1000) > 1000


@settings(max_examples=300, deadline=2000, suppress_health_check=[HealthCheck.too_slow])
@given(
    body=st.binary(max_size=4096),
    repeat=st.integers(min_value=1, max_value=3000),
    level=st.integers(min_value=0, max_value=9),
    tail=st.binary(max_size=8),
    cut=st.integers(min_value=0, max_value=64),
    nested=st.booleans(),
    limit=st.sampled_from([1 << 10, 1 << 16, 1 << 20, LIMIT]),
)
def test_inflated_size_fuzz(
    body: bytes, repeat: int, level: int, tail: bytes, cut: int, nested: bool, limit: int
) -> None:
    data = body * repeat
    comp = zlib.compress(data, level)
    if nested:
        comp = zlib.compress(comp, level)
    whole = comp + tail
    size = _inflated_size(whole, 0, len(whole), limit)
    if len(data) > limit:
        assert size > limit
    else:
        assert size == len(data)
    truncated = comp[: max(0, len(comp) - cut)] + tail  # a damaged stream: counted, never looped on
    assert 0 <= _inflated_size(truncated, 0, len(truncated), limit) <= max(len(data), limit + 1) + (1 << 20)


@settings(max_examples=300, deadline=2000)
@given(stream=st.binary(max_size=20_000), limit=st.sampled_from([1 << 10, 1 << 20]))
def test_inflated_size_on_arbitrary_bytes_ends(stream: bytes, limit: int) -> None:
    raw = b"\x78\x9c" + stream  # a valid zlib header followed by anything
    assert _inflated_size(raw, 0, len(raw), limit) >= 0


def test_a_file_is_checked_again_once_it_changes(tmp_path: Path) -> None:
    from policytext.ingest import pdf as pdfmod

    path = tmp_path / "same-name.pdf"
    path.write_bytes(pdf_with_stream(zlib.compress(b"0 0 m 10 10 l S\n" * 1000, 9)))
    pdfmod.check_streams_once(str(path))
    assert any(key[0] == str(path.resolve()) for key in pdfmod._CHECKED)  # passed: remembered
    pdfmod.check_streams_once(str(path))
    # the same name now holds a bomb: size and time changed, so the check runs again and refuses it
    path.write_bytes(pdf_with_stream(zlib.compress(bytes(pdfmod.MAX_STREAM_BYTES + 4096), 9)))
    with pytest.raises(IngestError) as err:
        pdfmod.check_streams_once(str(path))
    assert err.value.reason == "corrupt"
