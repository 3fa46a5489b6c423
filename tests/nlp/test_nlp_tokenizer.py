"""JiebaTokenizer: exact coverage, whole gazetteer names, saved user dictionary, global jieba untouched."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import jieba
import pytest
import spacy
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from spacy.language import Language

from policytext.lexicons.gazetteer import Gazetteer
from policytext.nlp import load_nlp, make_nlp, save_nlp
from policytext.nlp.tokenizer import (
    TOKENIZER_NAME,
    JiebaTokenizer,
    parse_userdict,
    words_and_spaces,
)

GAZETTEER = Gazetteer.load()
NAMES = sorted({line.split(" ", 1)[0] for line in GAZETTEER.jieba_userdict().splitlines() if line})
CONTEXT_CHARS = (
    "的发展建设推进区域合作机制城市经济一体化协同共享省市"
    "北京上海广州深圳成都重庆长江珠三角群圈都市中部西部东部和与及、，。 \n"
)

# fmt: off
WHOLE = [
    ("支持长株潭都市圈建设", "长株潭都市圈"),
    ("推进兰州-西宁城市群发展", "兰州-西宁城市群"),
    ("推进兰州—西宁城市群发展", "兰州—西宁城市群"),
    ("探索建立税收分成机制", "税收分成"),
    ("建立成本共担机制", "成本共担"),
    ("完善生态补偿机制", "生态补偿"),
    ("完善横向生态补偿机制", "横向生态补偿"),
    ("召开联席会议", "联席会议"),
    ("成渝地区双城经济圈建设", "成渝地区双城经济圈"),
]
# fmt: on


def _token_bounds(doc: spacy.tokens.Doc) -> set[int]:
    bounds = {0, len(doc.text)}
    for token in doc:
        bounds.add(token.idx)
        bounds.add(token.idx + len(token.text))
    return bounds


def test_tokenizer_registered(tok_nlp: Language) -> None:
    assert spacy.registry.tokenizers.get(TOKENIZER_NAME) is not None
    assert isinstance(tok_nlp.tokenizer, JiebaTokenizer)
    assert tok_nlp.lang == "zh"
    assert tok_nlp.config["nlp"]["tokenizer"]["@tokenizers"] == TOKENIZER_NAME


@pytest.mark.parametrize("text,word", WHOLE)
def test_tokenizer_keeps_words_whole(tok_nlp: Language, text: str, word: str) -> None:
    assert word in [t.text for t in tok_nlp(text)]


@pytest.mark.parametrize(
    "text",
    ["", " ", "\n", "  前导空格", "末尾空格  ", "a  b\tc\r\nd", "长三角 城市群\n\n 京津冀", "。！？\n\n"],
)
def test_tokenizer_covers_edge_texts(tok_nlp: Language, text: str) -> None:
    doc = tok_nlp(text)
    assert doc.text == text
    assert "".join(t.text_with_ws for t in doc) == text


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(alphabet=CONTEXT_CHARS + "ab1 \t\u3000—-《》", max_size=80))
def test_tokenizer_tokens_cover_text(tok_nlp: Language, text: str) -> None:
    doc = tok_nlp(text)
    assert doc.text == text
    assert all(t.text for t in doc)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    name=st.sampled_from(NAMES),
    left=st.text(alphabet=CONTEXT_CHARS, max_size=8),
    right=st.text(alphabet=CONTEXT_CHARS, max_size=8),
)
def test_tokenizer_gazetteer_names_whole(tok_nlp: Language, name: str, left: str, right: str) -> None:
    """A name in random context is a run of whole tokens, unless a longer gazetteer
    form overlaps or contains it there (then that form wins, as it should)."""
    text = left + name + right
    start, end = len(left), len(left) + len(name)
    for other in NAMES:
        pos = text.find(other)
        while pos != -1:
            other_end = pos + len(other)
            if (
                (pos, other_end) != (start, end)
                and pos < end
                and start < other_end
                and not (start <= pos and other_end <= end)
            ):
                return  # another form overlaps or contains the placed name
            pos = text.find(other, pos + 1)
    doc = tok_nlp(text)
    bounds = _token_bounds(doc)
    assert start in bounds and end in bounds, [t.text for t in doc]
    assert name in [t.text for t in doc]


def test_tokenizer_global_jieba_untouched(tok_nlp: Language) -> None:
    tok_nlp("长株潭都市圈建立税收分成机制")
    assert "长株潭都市圈" not in jieba.dt.user_word_tag_tab
    assert "税收分成" not in jieba.dt.user_word_tag_tab
    if jieba.dt.initialized:
        assert jieba.dt.FREQ.get("长株潭都市圈") is None
    assert tok_nlp.tokenizer.segmenter is not jieba.dt


def test_tokenizer_bytes_round_trip(tok_nlp: Language) -> None:
    custom = "甲乙丙丁城市群 100000 ns\n"
    tokenizer = JiebaTokenizer(tok_nlp.vocab, userdict=custom)
    restored = JiebaTokenizer(tok_nlp.vocab, userdict="占位 1 nz\n").from_bytes(tokenizer.to_bytes())
    assert restored.userdict == custom
    assert "甲乙丙丁城市群" in [t.text for t in restored("推进甲乙丙丁城市群建设")]


_CHILD = """
import json, sys
import jieba
from policytext.nlp import load_nlp
nlp = load_nlp(sys.argv[1])
doc = nlp(sys.argv[2])
print(json.dumps({"tokens": [t.text for t in doc], "words": len(nlp.tokenizer.words),
                  "global": "甲乙丙丁城市群" in jieba.dt.user_word_tag_tab}, ensure_ascii=False))
"""


def test_tokenizer_userdict_survives_fresh_process(tmp_path: Path) -> None:
    """A custom user dictionary saved with the pipeline segments the same in a new process."""
    nlp = make_nlp(with_components=False)
    nlp.tokenizer.set_userdict(nlp.tokenizer.userdict + "甲乙丙丁城市群 100000 ns\n")
    text = "推进甲乙丙丁城市群与长株潭都市圈建立税收分成机制"
    expected = [t.text for t in nlp(text)]
    assert "甲乙丙丁城市群" in expected
    save_nlp(nlp, tmp_path / "pipeline")
    assert (tmp_path / "pipeline" / "tokenizer" / "userdict.txt").exists()
    out = subprocess.run(
        [sys.executable, "-c", _CHILD, str(tmp_path / "pipeline"), text],
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    result = json.loads(out.stdout.strip().splitlines()[-1])
    assert result["tokens"] == expected
    assert result["words"] == len(nlp.tokenizer.words)
    assert result["global"] is False
    assert out.stderr.strip() == ""  # jieba stays quiet
    assert [t.text for t in load_nlp(tmp_path / "pipeline")(text)] == expected


def test_tokenizer_userdict_entries() -> None:
    words = {w for w, _, _ in parse_userdict(make_nlp(with_components=False).tokenizer.userdict)}
    assert {
        "长株潭都市圈",
        "兰州—西宁城市群",
        "兰州-西宁城市群",
        "税收分成",
        "成本共担",
        "生态补偿",
        "联席会议",
    } <= words


def test_tokenizer_userdict_takes_the_literal_cue_words_not_the_patterns(tmp_path: Path) -> None:
    from policytext.lexicons.taxonomy import Taxonomy
    from policytext.nlp.tokenizer import taxonomy_words

    toml = tmp_path / "t.toml"
    toml.write_text(
        '[taxonomy]\nversion = "1"\n[[types]]\nid = "cost_sharing"\nzh = "成本共担"\n'
        'words = ["成本分摊", "按比例出资", "的成本"]\n'
        'cues = ["共同承担[^。；]{0,15}费用", "(?:成本|费用)共担"]\n'
        'weak_words = ["费用互认"]\n',
        encoding="utf-8",
    )
    words = taxonomy_words(Taxonomy.load(toml))
    # literal words and the type name, not expansions of regular expressions; 的 never inside a word
    assert words == ["成本共担", "成本分摊", "按比例出资", "费用互认"]
    assert "费用共担" not in words


def test_tokenizer_words_and_spaces() -> None:
    assert words_and_spaces(["a", " ", "b", " ", " ", "c", "\n"]) == (
        ["a", "b", " ", "c", "\n"],
        [True, True, False, False, False],
    )
    assert words_and_spaces([" ", "a"]) == ([" ", "a"], [False, False])
