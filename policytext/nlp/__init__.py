"""The policytext spaCy pipeline: jieba tokenizer, components, build/load, conversion.

Importing this package registers the tokenizer ``policytext.JiebaTokenizer.v1``,
the factories ``policytext_sentencizer`` and ``policytext_extractor``, and the
``policytext`` extensions on Doc and Span.
"""

from policytext.nlp.build import load_nlp, make_nlp, save_nlp
from policytext.nlp.components import register_factories
from policytext.nlp.convert import docs_to_docbin, document_to_doc
from policytext.nlp.tokenizer import JiebaTokenizer

register_factories()

__all__ = ["JiebaTokenizer", "docs_to_docbin", "document_to_doc", "load_nlp", "make_nlp", "save_nlp"]
