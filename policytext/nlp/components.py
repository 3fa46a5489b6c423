"""Pipeline components of the policytext spaCy pipeline, and their one registration point.

* ``policytext_sentencizer`` (:class:`PolicySentencizer`): sentence starts where
  :func:`policytext.clean.sentences.split_sentences` puts them (。！？!? and line ends).
* ``policytext_extractor`` (:class:`ExtractorComponent`): runs the
  :class:`~policytext.extract.pipeline.Extractor` on the Doc's text and writes its
  mentions into ``doc.spans["agglomerations"|"mechanisms"|"measures"]`` (label =
  type id, details on ``Span._.policytext``) and ``Doc._.policytext_doc_id``.

Components never change the text or the tokens. The classes hold no registration
code: :func:`register_factories` registers both, and ``import policytext.nlp`` calls it.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterable
from importlib import resources
from pathlib import Path
from typing import Any

import srsly
from spacy.language import Language
from spacy.tokens import Doc

from policytext.clean.sentences import split_sentences
from policytext.extract.pipeline import Extractor
from policytext.nlp.convert import (
    add_mention_spans,
    align_mentions,
    doc_to_document,
    document_to_doc,
    set_sentences,
)

SENTENCIZER = "policytext_sentencizer"
EXTRACTOR = "policytext_extractor"


class PolicySentencizer:
    """Sets ``token.is_sent_start`` from :func:`policytext.clean.sentences.split_sentences`."""

    def __init__(self, nlp: Language, name: str = SENTENCIZER, *, max_len: int = 2000) -> None:
        """Args:
        nlp: the pipeline.
        name: component name.
        max_len: longest sentence before a forced cut (as in ``split_sentences``).
        """
        self.name = name
        self.max_len = max_len

    def __call__(self, doc: Doc) -> Doc:
        """Mark sentence starts; the text and tokens are unchanged."""
        set_sentences(doc, split_sentences(doc.text, max_len=self.max_len))
        return doc

    def pipe(self, docs: Iterable[Doc], batch_size: int = 128) -> Iterable[Doc]:
        """Process a stream of Docs."""
        for doc in docs:
            yield self(doc)


class ExtractorComponent:
    """The policytext extractor as a spaCy component.

    The extractor (taxonomy, gazetteer, optional classifier) is loaded on first
    use, from the paths given, else the packaged data and shipped model.
    ``to_disk`` copies the taxonomy, gazetteer and model into the pipeline folder,
    so a saved pipeline extracts the same after loading.
    """

    def __init__(
        self,
        nlp: Language,
        name: str = EXTRACTOR,
        *,
        taxonomy: str | None = None,
        gazetteer: str | None = None,
        model: str | None = None,
        use_model: bool = True,
        add_threshold: float | None = None,
    ) -> None:
        """Store the settings; nothing is loaded here.

        Args:
            nlp: the pipeline.
            name: component name.
            taxonomy: path of a taxonomy file (None = packaged).
            gazetteer: path of a gazetteer file (None = packaged).
            model: path of a classifier folder (None = the shipped model if present).
            use_model: False = rules only.
            add_threshold: probability a model-only mechanism needs (None = the model's).
        """
        self.name = name
        self.taxonomy = taxonomy
        self.gazetteer = gazetteer
        self.model = model
        self.use_model = use_model
        self.add_threshold = add_threshold
        self._extractor: Extractor | None = None

    @property
    def extractor(self) -> Extractor:
        """The extractor, loaded on first access."""
        if self._extractor is None:
            self._extractor = Extractor.load(
                taxonomy=self.taxonomy,
                gazetteer=self.gazetteer,
                model=(self.model if self.use_model else False),
                add_threshold=self.add_threshold,
            )
        return self._extractor

    def set_extractor(self, extractor: Extractor) -> None:
        """Use a ready extractor (e.g. built from in-memory taxonomy and gazetteer)."""
        self._extractor = extractor

    def __call__(self, doc: Doc) -> Doc:
        """Extract from the Doc's text and write spans; the text and tokens are unchanged."""
        document = doc_to_document(doc)
        extraction = self.extractor.extract(document)
        doc._.policytext_doc_id = document.doc_id
        add_mention_spans(doc, align_mentions(extraction.mentions, document, doc.text))
        return doc

    def pipe(self, docs: Iterable[Doc], batch_size: int = 32) -> Iterable[Doc]:
        """Process a stream of Docs."""
        for doc in docs:
            yield self(doc)

    # -- serialization --------------------------------------------------------
    def to_disk(self, path: str | Path, *, exclude: Iterable[str] = ()) -> None:
        """Write ``taxonomy.toml``, ``gazetteer.jsonl``, ``model/`` (if any) and ``cfg``."""
        folder = Path(path)
        folder.mkdir(parents=True, exist_ok=True)
        ex = self.extractor
        (folder / "gazetteer.jsonl").write_text(ex.gazetteer.to_jsonl(), encoding="utf-8")
        (folder / "taxonomy.toml").write_bytes(_taxonomy_bytes(ex.taxonomy.source))
        model_dir = folder / "model"
        if model_dir.exists():
            shutil.rmtree(model_dir)
        if ex.model is not None:
            ex.model.save(model_dir)
        srsly.write_json(folder / "cfg", {"add_threshold": ex.add_threshold, "versions": ex.versions})

    def from_disk(self, path: str | Path, *, exclude: Iterable[str] = ()) -> ExtractorComponent:
        """Load the extractor from a folder written by :meth:`to_disk`."""
        folder = Path(path)
        cfg: dict[str, Any] = srsly.read_json(folder / "cfg") if (folder / "cfg").exists() else {}
        model_dir = folder / "model"
        self._extractor = Extractor.load(
            taxonomy=folder / "taxonomy.toml",
            gazetteer=folder / "gazetteer.jsonl",
            model=model_dir if (self.use_model and model_dir.exists()) else False,
            add_threshold=cfg.get("add_threshold", self.add_threshold),
        )
        return self


def doc_from_file(nlp: Language, path: str | Path, *, pdf_engine: str = "auto") -> Doc:
    """Read a file as ``ingest`` does (same readers, cleaning, pages, metadata) and return its Doc.

    The extraction is that of the pipeline's ``policytext_extractor`` (or the default extractor
    when the pipeline has none); spans carry their page in ``Span._.policytext["page"]``.

    Raises:
        IngestError: the file cannot be read (reason code and message, as ``ingest`` records them).
    """
    from policytext.errors import IngestError
    from policytext.ingest.job import FileFailed, FileJob

    pipe = nlp.get_pipe(EXTRACTOR) if EXTRACTOR in nlp.pipe_names else None
    extractor = pipe.extractor if isinstance(pipe, ExtractorComponent) else Extractor.load()
    result = FileJob(extractor, pdf_engine=pdf_engine).read(path)
    if isinstance(result, FileFailed):
        raise IngestError(result.reason, result.message, result.path)
    return document_to_doc(nlp, result.document, result.extraction)


def _taxonomy_bytes(source: str) -> bytes:
    """Bytes of the taxonomy file a Taxonomy was loaded from (packaged or a path)."""
    if source.startswith("policytext:"):
        return resources.files("policytext").joinpath(source.split(":", 1)[1]).read_bytes()
    return Path(source).read_bytes()


# ---------------------------------------------------------------------- factories


def make_sentencizer(nlp: Language, name: str, max_len: int) -> PolicySentencizer:
    """Factory of ``policytext_sentencizer``."""
    return PolicySentencizer(nlp, name, max_len=max_len)


def make_extractor(
    nlp: Language,
    name: str,
    taxonomy: str | None,
    gazetteer: str | None,
    model: str | None,
    use_model: bool,
    add_threshold: float | None,
) -> ExtractorComponent:
    """Factory of ``policytext_extractor``."""
    return ExtractorComponent(
        nlp,
        name,
        taxonomy=taxonomy,
        gazetteer=gazetteer,
        model=model,
        use_model=use_model,
        add_threshold=add_threshold,
    )


_REGISTERED = False


def register_factories() -> None:
    """Register the policytext component factories with spaCy (idempotent)."""
    global _REGISTERED
    if _REGISTERED:
        return
    if not Language.has_factory(SENTENCIZER):
        Language.factory(
            SENTENCIZER,
            assigns=["token.is_sent_start", "doc.sents"],
            default_config={"max_len": 2000},
        )(make_sentencizer)
    if not Language.has_factory(EXTRACTOR):
        Language.factory(
            EXTRACTOR,
            assigns=["doc.spans", "doc._.policytext_doc_id", "span._.policytext"],
            default_config={
                "taxonomy": None,
                "gazetteer": None,
                "model": None,
                "use_model": True,
                "add_threshold": None,
            },
        )(make_extractor)
    _REGISTERED = True
