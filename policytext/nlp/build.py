"""Build, save and load the policytext spaCy pipeline.

The pipeline is a Chinese (``zh``) Language built from
``policytext/data/default_config.cfg``: its tokenizer is
``policytext.JiebaTokenizer.v1`` (never spaCy's own Chinese tokenizer, which would
set up pkuseg or the global jieba module), followed by ``policytext_sentencizer``
and ``policytext_extractor``.
"""

from __future__ import annotations

import os
from importlib import resources
from pathlib import Path
from typing import Any

import spacy
from spacy.language import Language
from thinc.api import Config

from policytext.classify.model import MechanismClassifier
from policytext.extract.pipeline import Extractor
from policytext.lexicons.gazetteer import Gazetteer
from policytext.lexicons.taxonomy import Taxonomy
from policytext.nlp.components import EXTRACTOR, ExtractorComponent, register_factories
from policytext.nlp.tokenizer import JiebaTokenizer, build_userdict

CONFIG_RESOURCE = "data/default_config.cfg"

PathLike = str | os.PathLike[str]


def default_config() -> Config:
    """The default pipeline config (a fresh copy)."""
    text = resources.files("policytext").joinpath(CONFIG_RESOURCE).read_text(encoding="utf-8")
    return Config().from_str(text)


def make_nlp(
    *,
    with_components: bool = True,
    gazetteer: Gazetteer | PathLike | None = None,
    taxonomy: Taxonomy | PathLike | None = None,
    model: MechanismClassifier | PathLike | bool | None = None,
) -> Language:
    """Build a fresh policytext pipeline.

    Args:
        with_components: add the sentencizer and the extractor; False gives a
            tokenizer-only pipeline (what exports need to turn records into Docs).
        gazetteer: a Gazetteer or the path of one; None = the packaged gazetteer.
            Used by both the tokenizer's user dictionary and the extractor.
        taxonomy: a Taxonomy or the path of one; None = the packaged taxonomy.
        model: a classifier or its folder; None = the shipped model if present;
            False = rules only.

    Returns:
        The Language. Paths are written into ``nlp.config``; in-memory objects are
        attached directly (and saved with the pipeline by ``save_nlp``).
    """
    register_factories()
    config = default_config()
    tok = config["nlp"]["tokenizer"]
    ext = config["components"][EXTRACTOR]
    if isinstance(gazetteer, (str, os.PathLike)):
        tok["gazetteer"] = ext["gazetteer"] = os.fspath(gazetteer)
    if isinstance(taxonomy, (str, os.PathLike)):
        tok["taxonomy"] = ext["taxonomy"] = os.fspath(taxonomy)
    if model is False:
        ext["use_model"] = False
    elif isinstance(model, (str, os.PathLike)):
        ext["model"] = os.fspath(model)
    if not with_components:
        config["nlp"]["pipeline"] = []
        config["components"] = {}
    nlp = spacy.util.load_model_from_config(config, auto_fill=True, validate=True)
    in_memory = isinstance(gazetteer, Gazetteer) or isinstance(taxonomy, Taxonomy)
    tokenizer = nlp.tokenizer
    if in_memory and isinstance(tokenizer, JiebaTokenizer):
        tokenizer.set_userdict(build_userdict(gazetteer, taxonomy))
    if with_components and (in_memory or isinstance(model, MechanismClassifier)):
        component = nlp.get_pipe(EXTRACTOR)
        assert isinstance(component, ExtractorComponent)
        component.set_extractor(
            Extractor.load(taxonomy=_as_path(taxonomy), gazetteer=_as_path(gazetteer), model=_as_path(model))
        )
    return nlp


def _as_path(value: Any) -> Any:
    """``os.PathLike`` values as ``Path`` (what the loaders accept); other values unchanged."""
    return Path(value) if isinstance(value, os.PathLike) else value


def save_nlp(nlp: Language, path: PathLike) -> Path:
    """Save a pipeline folder (config, tokenizer user dictionary, component data).

    Returns:
        The folder.
    """
    out = Path(path)
    nlp.to_disk(out)
    return out


def load_nlp(path: PathLike) -> Language:
    """Load a pipeline saved by :func:`save_nlp` (segments exactly as when saved)."""
    register_factories()
    return spacy.load(Path(path))
