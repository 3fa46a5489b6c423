"""Property-based tests: no exception on any Unicode input, offsets always valid, cleaning idempotent."""

from __future__ import annotations

from functools import lru_cache

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from policytext.clean.pipeline import clean_text
from policytext.clean.sentences import split_sentences
from policytext.ingest.metadata import extract_metadata, parse_date
from policytext.lexicons.gazetteer import Gazetteer

SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# Any Unicode (surrogates excluded: they are not text), biased toward what policy texts hold.
CHINESE = st.sampled_from(
    list(
        "关于推动长三角区域一体化发展的实施意见建立成本共担利益共享机制粤港澳大湾区都市圈城市群"
        "年月日第号〔〕《》，。、；：？！“”（）　\n\r\t 0123456789二〇一九十"
    )
)
ANY = st.text(alphabet=st.one_of(st.characters(blacklist_categories=("Cs",)), CHINESE), max_size=300)


@lru_cache(maxsize=1)
def _gazetteer() -> Gazetteer:
    return Gazetteer.load()


@SETTINGS
@given(ANY)
def test_clean_never_fails_and_is_idempotent(text: str) -> None:
    once = clean_text(text)
    assert isinstance(once, str)
    assert clean_text(once) == once


@SETTINGS
@given(ANY)
def test_sentences_have_valid_offsets(text: str) -> None:
    clean = clean_text(text)
    sentences = split_sentences(clean)
    last_end = 0
    for i, s in enumerate(sentences):
        assert s.index == i
        assert 0 <= s.start <= s.end <= len(clean)
        assert s.start >= last_end
        assert clean[s.start : s.end] == s.text
        last_end = s.end


@SETTINGS
@given(st.one_of(ANY, st.none(), st.integers(), st.floats(allow_nan=True)))
def test_parse_date_total(value: object) -> None:
    out = parse_date(value)
    assert out is None or (isinstance(out, str) and len(out) in (4, 7, 10) and out[:4].isdigit())


@SETTINGS
@given(ANY, st.text(max_size=40))
def test_extract_metadata_total(text: str, name: str) -> None:
    meta = extract_metadata(text, path=f"/x/{name.replace('/', '_')}.txt")
    assert meta.date is None or meta.date[:4].isdigit()


@SETTINGS
@given(ANY)
def test_gazetteer_offsets_valid(text: str) -> None:
    for m in _gazetteer().find(text):
        assert 0 <= m.start < m.end <= len(text)
        assert text[m.start : m.end] == m.surface
