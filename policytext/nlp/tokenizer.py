"""The jieba tokenizer of the policytext spaCy pipeline.

spaCy's own Chinese tokenizer drives the *global* ``jieba`` module and saves no
jieba user dictionary, so a saved pipeline segments differently from the one
that was saved. :class:`JiebaTokenizer` closes that gap:

* it owns a private ``jieba.Tokenizer()`` instance, created lazily on first use,
  and never touches the module-level ``jieba.dt`` (no ``jieba.cut``);
* its user dictionary is generated from the gazetteer (every name, alias and dash
  variant, ``Gazetteer.jieba_userdict()``) plus the taxonomy's plain cue words
  (成本共担, 税收分成, 生态补偿, 联席会议 …) and the generic heads (城市群, 都市圈 …);
* user-dictionary words are *protected*: they are matched first, longest and
  leftmost, gazetteer forms (tag ``ns``) before the other words, and jieba only
  segments the text between them. jieba alone cannot keep ``兰州—西宁城市群``
  whole (its word regex stops at an em dash) and its route search may let a
  frequent word cross a short alias in some contexts;
* ``to_disk``/``from_disk``/``to_bytes``/``from_bytes`` save and restore the user
  dictionary, so a loaded pipeline segments exactly as the saved one did.

Tokens cover the text exactly: a single space after a token becomes that token's
``whitespace_``; any other whitespace is a token of its own.
"""

from __future__ import annotations

import logging
import os
import re
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

import jieba
import spacy
import srsly
from spacy.language import Language
from spacy.tokens import Doc
from spacy.vocab import Vocab

from policytext.clean.resources import HAN_UNIFIED
from policytext.errors import LexiconError
from policytext.lexicons.gazetteer import Gazetteer, trie_pattern
from policytext.lexicons.taxonomy import Taxonomy

jieba.setLogLevel(logging.WARNING)
logging.getLogger("jieba").setLevel(logging.WARNING)

#: Registered name of the tokenizer factory.
TOKENIZER_NAME = "policytext.JiebaTokenizer.v1"
#: Tag of gazetteer words in the user dictionary; these words are protected first.
PLACE_TAG = "ns"
#: Tag of the other user-dictionary words (taxonomy cue words, generic heads).
TERM_TAG = "nz"
PLACE_FREQ = 100_000
TERM_FREQ = 50_000
#: Head words of place groups, kept whole where a name is not in the gazetteer.
GENERIC_HEADS = ("城市群", "都市圈", "城市圈", "经济圈", "经济带", "大湾区")
USERDICT_FILE = "userdict.txt"
CFG_FILE = "cfg"

_HAN_WORD = re.compile(f"[{HAN_UNIFIED}]+")
_USERDICT_LINE = re.compile(r"^(\S+?)(?: ([0-9]+))?(?: ([a-z]+))?$")
_CUE_LEN = (2, 6)
_NAME_LEN = (2, 8)
_NOT_IN_WORD = frozenset("的之与和及、")


# ---------------------------------------------------------------------- user dictionary


def _plain_word(word: str, bounds: tuple[int, int]) -> bool:
    return (
        bounds[0] <= len(word) <= bounds[1]
        and _HAN_WORD.fullmatch(word) is not None
        and not _NOT_IN_WORD.intersection(word)
    )


def taxonomy_words(taxonomy: Taxonomy) -> list[str]:
    """The taxonomy's plain words: its literal cue words (``words``, ``weak_words``) and type names.

    Regular-expression cues (``共同承担[^。；]{0,15}费用``) give nothing. Words are 2–6
    Han characters (type names up to 8) without function characters (的 之 与 和 及).

    Args:
        taxonomy: a loaded taxonomy.

    Returns:
        The words, sorted.
    """
    words: set[str] = set()
    for mtype in taxonomy.types:
        for word in (*mtype.words, *mtype.weak_words):
            if _plain_word(word, _CUE_LEN):
                words.add(word)
        if _plain_word(mtype.zh, _NAME_LEN):
            words.add(mtype.zh)
    return sorted(words)


def build_userdict(
    gazetteer: Gazetteer | str | os.PathLike[str] | None = None,
    taxonomy: Taxonomy | str | os.PathLike[str] | None = None,
    *,
    cue_words: bool = True,
) -> str:
    """Generate the jieba user dictionary of the pipeline.

    Args:
        gazetteer: a gazetteer or the path of one; None = the packaged gazetteer.
        taxonomy: a taxonomy or the path of one; None = the packaged taxonomy.
        cue_words: add the taxonomy's plain words and the generic head words.

    Returns:
        UTF-8 text in jieba's format, one ``word freq tag`` line per word:
        gazetteer forms tagged ``ns``, then the other words tagged ``nz``.
    """
    gz = gazetteer if isinstance(gazetteer, Gazetteer) else Gazetteer.load(gazetteer)
    text = gz.jieba_userdict(freq=PLACE_FREQ, tag=PLACE_TAG)
    if not cue_words:
        return text
    places = {line.split(" ", 1)[0] for line in text.splitlines() if line}
    tx = (
        taxonomy
        if isinstance(taxonomy, Taxonomy)
        else Taxonomy.load(None if taxonomy is None else Path(taxonomy))
    )
    terms = sorted((set(taxonomy_words(tx)) | set(GENERIC_HEADS)) - places)
    return text + "".join(f"{word} {TERM_FREQ} {TERM_TAG}\n" for word in terms)


def parse_userdict(text: str, *, source: str = "<userdict>") -> list[tuple[str, int | None, str | None]]:
    """Parse a jieba user dictionary (``word [freq] [tag]`` per line).

    Raises:
        LexiconError: a line is not in jieba's format.
    """
    entries: list[tuple[str, int | None, str | None]] = []
    for number, line in enumerate(text.splitlines(), start=1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        match = _USERDICT_LINE.match(line)
        if match is None:
            raise LexiconError(
                f"{source}, line {number}: {line!r} is not a jieba user-dictionary line; "
                "fix: write `word freq tag` (freq and tag optional, no spaces inside the word)"
            )
        word, freq, tag = match.groups()
        entries.append((word, int(freq) if freq else None, tag))
    return entries


def _cache_dir() -> str | None:
    """Folder for jieba's dictionary cache (``POLICYTEXT_CACHE_DIR``, else ~/.cache/policytext).

    Returns None (jieba's default, the system temp folder) when it cannot be created.
    """
    root = os.environ.get("POLICYTEXT_CACHE_DIR")
    if root is None:
        base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
        root = os.path.join(base, "policytext")
    folder = os.path.join(root, "jieba")
    try:
        os.makedirs(folder, exist_ok=True)
    except OSError:
        return None
    return folder if os.access(folder, os.W_OK) else None


# ---------------------------------------------------------------------- tokenizer


class JiebaTokenizer:
    """A spaCy tokenizer backed by a private ``jieba.Tokenizer`` with a saved user dictionary.

    The jieba instance and the user dictionary are built lazily, on the first call
    (or when :attr:`userdict` is read), so creating the tokenizer, or loading a
    saved one, is cheap.
    """

    def __init__(
        self,
        vocab: Vocab,
        *,
        gazetteer: str | None = None,
        taxonomy: str | None = None,
        cue_words: bool = True,
        hmm: bool = True,
        userdict: str | None = None,
    ) -> None:
        """Store the settings; nothing is loaded here.

        Args:
            vocab: the pipeline's vocab.
            gazetteer: path of the gazetteer the user dictionary is built from
                (None = packaged). Ignored once a user dictionary is set or loaded.
            taxonomy: path of the taxonomy whose cue words are added (None = packaged).
            cue_words: add the taxonomy's plain words and generic head words.
            hmm: let jieba guess unknown words with its HMM (as ``jieba.cut`` does by default).
            userdict: a ready user dictionary in jieba's format, used instead of
                generating one.
        """
        self.vocab = vocab
        self.gazetteer = gazetteer
        self.taxonomy = taxonomy
        self.cue_words = cue_words
        self.hmm = hmm
        self._userdict: str | None = userdict
        self._segmenter: jieba.Tokenizer | None = None
        self._protect: list[re.Pattern[str]] | None = None

    # -- user dictionary ------------------------------------------------------
    @property
    def userdict(self) -> str:
        """The user dictionary in jieba's format (generated on first access)."""
        if self._userdict is None:
            self._userdict = build_userdict(self.gazetteer, self.taxonomy, cue_words=self.cue_words)
        return self._userdict

    def set_userdict(self, text: str) -> None:
        """Replace the user dictionary (jieba format); the segmenter is rebuilt on next use.

        Raises:
            LexiconError: a line is not in jieba's format.
        """
        parse_userdict(text)
        self._userdict = text
        self._segmenter = None
        self._protect = None

    @property
    def words(self) -> list[str]:
        """The words of the user dictionary, in file order."""
        return [word for word, _, _ in parse_userdict(self.userdict)]

    @property
    def segmenter(self) -> jieba.Tokenizer:
        """The private jieba instance, initialised with the user dictionary."""
        if self._segmenter is None:
            self._initialize()
        assert self._segmenter is not None
        return self._segmenter

    def _initialize(self) -> None:
        entries = parse_userdict(self.userdict)
        segmenter = jieba.Tokenizer()
        segmenter.tmp_dir = _cache_dir()
        segmenter.initialize()
        for word, freq, tag in entries:
            segmenter.add_word(word, freq, tag)
        places = [w for w, _, tag in entries if tag == PLACE_TAG]
        others = [w for w, _, tag in entries if tag != PLACE_TAG]
        self._protect = [re.compile(trie_pattern(tier)) for tier in (places, others) if tier]
        self._segmenter = segmenter

    # -- segmentation ---------------------------------------------------------
    def segment(self, text: str) -> list[str]:
        """Split ``text`` into pieces whose concatenation is ``text``.

        Whitespace comes out as separate pieces (one per character, as jieba does).
        """
        segmenter = self.segmenter
        assert self._protect is not None
        pieces: list[str] = []
        self._segment_tier(text, 0, segmenter, pieces)
        return pieces

    def _segment_tier(self, text: str, tier: int, segmenter: jieba.Tokenizer, out: list[str]) -> None:
        assert self._protect is not None
        if tier >= len(self._protect):
            if text:
                out.extend(piece for piece in segmenter.cut(text, HMM=self.hmm) if piece)
            return
        pos = 0
        for match in self._protect[tier].finditer(text):
            if match.end() == match.start():
                continue
            self._segment_tier(text[pos : match.start()], tier + 1, segmenter, out)
            out.append(match.group())
            pos = match.end()
        self._segment_tier(text[pos:], tier + 1, segmenter, out)

    def __call__(self, text: str) -> Doc:
        """Tokenize ``text`` into a Doc whose ``doc.text == text``."""
        words, spaces = words_and_spaces(self.segment(text))
        return Doc(self.vocab, words=words, spaces=spaces)

    def pipe(self, texts: Iterable[str], batch_size: int = 1000) -> Iterator[Doc]:
        """Tokenize a stream of texts."""
        for text in texts:
            yield self(text)

    # -- serialization --------------------------------------------------------
    def _cfg(self) -> dict[str, Any]:
        return {"hmm": self.hmm, "cue_words": self.cue_words, "words": len(self.words)}

    def to_bytes(self, *, exclude: Iterable[str] = ()) -> bytes:
        """Serialise the user dictionary and settings."""
        return srsly.msgpack_dumps({"cfg": self._cfg(), "userdict": self.userdict})

    def from_bytes(self, data: bytes, *, exclude: Iterable[str] = ()) -> JiebaTokenizer:
        """Restore the user dictionary and settings from :meth:`to_bytes` output."""
        msg = srsly.msgpack_loads(data)
        self.hmm = bool(msg.get("cfg", {}).get("hmm", self.hmm))
        self.set_userdict(msg["userdict"])
        return self

    def to_disk(self, path: str | os.PathLike[str], *, exclude: Iterable[str] = ()) -> None:
        """Write ``userdict.txt`` (jieba format, UTF-8) and ``cfg`` into the folder ``path``."""
        folder = Path(path)
        folder.mkdir(parents=True, exist_ok=True)
        (folder / USERDICT_FILE).write_text(self.userdict, encoding="utf-8")
        srsly.write_json(folder / CFG_FILE, self._cfg())

    def from_disk(self, path: str | os.PathLike[str], *, exclude: Iterable[str] = ()) -> JiebaTokenizer:
        """Restore the user dictionary written by :meth:`to_disk`."""
        folder = Path(path)
        if (folder / CFG_FILE).exists():
            self.hmm = bool(srsly.read_json(folder / CFG_FILE).get("hmm", self.hmm))
        userdict = folder / USERDICT_FILE
        if userdict.exists():
            try:
                text = userdict.read_text(encoding="utf-8")
            except UnicodeDecodeError as exc:
                raise LexiconError(
                    f"{userdict}: not UTF-8 ({exc.reason}); fix: save the file as UTF-8"
                ) from None
            self.set_userdict(text)
        return self

    def __getstate__(self) -> dict[str, Any]:
        state = dict(self.__dict__)
        state["_segmenter"] = None  # jieba instances hold a lock; rebuilt lazily
        state["_protect"] = None
        return state


def words_and_spaces(pieces: Iterable[str]) -> tuple[list[str], list[bool]]:
    """Turn contiguous pieces into spaCy ``words`` and ``spaces``.

    One space after a token becomes its trailing whitespace; any other run of
    whitespace becomes one token. Unlike ``spacy.util.get_words_and_spaces`` this
    needs no search in the text (the pieces already cover it), so it is linear.
    """
    words: list[str] = []
    spaces: list[bool] = []
    pending = ""

    def flush() -> None:
        nonlocal pending
        run = pending
        pending = ""
        if not run:
            return
        if words and not spaces[-1] and not words[-1].isspace() and run[0] == " ":
            spaces[-1] = True
            run = run[1:]
        if run:
            words.append(run)
            spaces.append(False)

    for piece in pieces:
        if piece.isspace():
            pending += piece
            continue
        flush()
        words.append(piece)
        spaces.append(False)
    flush()
    return words, spaces


@spacy.registry.tokenizers(TOKENIZER_NAME)
def create_jieba_tokenizer(
    gazetteer: str | None = None,
    taxonomy: str | None = None,
    cue_words: bool = True,
    hmm: bool = True,
) -> Callable[[Language], JiebaTokenizer]:
    """Registered factory: ``[nlp.tokenizer] @tokenizers = "policytext.JiebaTokenizer.v1"``.

    Args:
        gazetteer: path of a gazetteer file; None = the packaged gazetteer.
        taxonomy: path of a taxonomy file; None = the packaged taxonomy.
        cue_words: add the taxonomy's plain words and generic heads to the user dictionary.
        hmm: let jieba guess unknown words with its HMM.

    Returns:
        A function building the tokenizer for a Language.
    """

    def make(nlp: Language) -> JiebaTokenizer:
        return JiebaTokenizer(nlp.vocab, gazetteer=gazetteer, taxonomy=taxonomy, cue_words=cue_words, hmm=hmm)

    return make
