"""The spaCy export: stored documents as one ``DocBin`` with sentence starts and mention spans.

Each document is tokenised by the pipeline's own tokenizer (:func:`policytext.nlp.make_nlp`,
jieba with the gazetteer's and the taxonomy's words) and turned into a Doc by
:func:`policytext.nlp.convert.document_to_doc` from what the store holds (no extraction runs
again). The cost is the tokenizer's, linear in the text: documents are shared out over worker
processes (:func:`policytext.ingest.pool.run_tasks`, largest first), each of which packs its
documents into DocBin parts; the parent joins the parts in document order and serialises the
DocBin once. The tokenizer is set up once, before the workers start, so that they inherit it.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from typing import Any

from policytext.errors import PolicytextError
from policytext.store import reads
from policytext.store.db import Store
from policytext.store.filters import Filters

#: Fewer characters than this in all are tokenised in this process: starting workers would not pay.
POOL_MIN_CHARS = 200_000

# This process's pipeline and open store while an export runs (a worker inherits the pipeline).
_STATE: dict[str, Any] = {}


def _pipeline() -> Any:
    """The tokenizer-only pipeline, its jieba segmenter initialised (once per process)."""
    if "nlp" not in _STATE:
        try:
            from policytext.nlp import make_nlp
        except ImportError as exc:
            raise PolicytextError(
                f"the spacy export needs policytext.nlp (make_nlp, convert) which cannot be imported "
                f"({exc}); use another --format or update policytext"
            ) from exc
        nlp = make_nlp(with_components=False)
        segment = getattr(nlp.tokenizer, "segment", None)
        if segment is not None:
            segment("长三角")  # builds the jieba instance and the user dictionary now, not per worker
        _STATE["nlp"] = nlp
    return _STATE["nlp"]


def _open(path: str) -> None:
    """Open the store read-only for this process's tasks."""
    _STATE["store"] = Store(path, readonly=True)


def _pack(doc_id: str) -> dict[str, Any] | None:
    """One document as the fields of a one-document DocBin (None when it is not stored)."""
    from policytext.export import extraction_of
    from policytext.nlp.convert import document_to_doc

    store: Store = _STATE["store"]
    document = store.load_document(doc_id)
    if document is None:
        return None
    return docbin_fields(document_to_doc(_pipeline(), document, extraction_of(store, doc_id)))


def docbin_fields(doc: Any) -> dict[str, Any]:
    """What ``DocBin(store_user_data=True).add(doc)`` stores, as the fields :meth:`DocBin.merge` joins.

    ``DocBin.add`` collects the strings of a Doc one token at a time in Python (nine attribute
    lookups per token: a quarter of the export's time); here they come from one ``to_array``
    call and the distinct hashes. The fields are plain lists, sets and arrays, cheap to send
    between processes (a DocBin itself is pickled through its compressed ``to_bytes``).
    """
    import numpy
    import srsly
    from spacy.attrs import DEP, ENT_ID, ENT_KB_ID, ENT_TYPE, LEMMA, MORPH, NORM, ORTH, SPACY, TAG
    from spacy.tokens import DocBin, MorphAnalysis

    attrs = DocBin(store_user_data=True).attrs
    array = doc.to_array(attrs)
    if len(array.shape) == 1:
        array = array.reshape((array.shape[0], 1))
    spaces = numpy.asarray(doc.to_array(SPACY).reshape((len(doc), 1)), dtype=bool)
    vocab = doc.vocab
    strings: set[str] = set()
    if len(doc):
        keys = numpy.unique(doc.to_array([ORTH, TAG, LEMMA, NORM, DEP, ENT_TYPE, ENT_KB_ID, ENT_ID]))
        strings.update(vocab.strings[int(k)] for k in keys)
        strings.update(str(MorphAnalysis.from_id(vocab, int(k))) for k in numpy.unique(doc.to_array(MORPH)))
    for group in doc.spans.values():
        for span in group:
            strings.add(span.label_)
            if span.kb_id in vocab.strings:
                strings.add(span.kb_id_)
            if span.id in vocab.strings:
                strings.add(span.id_)
    return {
        "tokens": [array],
        "spaces": [spaces],
        "strings": strings,
        "cats": [doc.cats],
        "flags": [{"has_unknown_spaces": doc.has_unknown_spaces}],
        "span_groups": [doc.spans.to_bytes()],
        "user_data": [srsly.msgpack_dumps(doc.user_data)],
    }


def _task(task: tuple[int, str]) -> tuple[int, dict[str, Any] | None]:
    return task[0], _pack(task[1])


def spacy_bytes(
    store: Store,
    doc_ids: Sequence[str] | None = None,
    *,
    progress: Callable[[int, int], None] | None = None,
    workers: int | None = None,
) -> bytes:
    """A spaCy DocBin of stored documents (every one, or ``doc_ids``, in that order) with their
    sentence starts and mention spans (:func:`policytext.nlp.convert.document_to_doc`).

    Args:
        store: an open store (read by path in the workers).
        doc_ids: the documents; None = every document.
        progress: called with (documents done, documents in all) after each document.
        workers: worker processes; None = every core; 0 = in this process. Fewer than
            :data:`POOL_MIN_CHARS` characters in all are always tokenised in this process.

    Raises:
        PolicytextError: :mod:`policytext.nlp` is not available in this installation, or a
            document could not be converted.
    """
    from spacy.tokens import DocBin

    from policytext.ingest.pool import TaskQueue, default_workers, run_tasks

    ids = list(reads.document_ids(store) if doc_ids is None else doc_ids)
    sizes = {d["doc_id"]: int(d["n_chars"] or 0) for d in reads.documents(store, Filters())}
    n = default_workers() if workers is None else max(0, workers)
    n = min(n, len(ids))
    if n == 1 or sum(sizes.values()) < POOL_MIN_CHARS:
        n = 0
    _pipeline()  # before the workers start: they inherit it
    queue = TaskQueue()
    for i, doc_id in enumerate(ids):
        queue.put((i, doc_id), sizes.get(doc_id, 0))
    parts: list[dict[str, Any] | None] = [None] * len(ids)
    done = 0
    try:
        for result in run_tasks(
            _task, queue, workers=n, initializer=functools.partial(_open, str(store.path))
        ):
            if not result.ok:
                i, doc_id = result.task
                raise PolicytextError(
                    f"spacy export: document {doc_id} could not be converted ({result.error}: "
                    f"{result.message}); report it with the store's `policytext info` output"
                )
            i, parts[i] = result.value
            done += 1
            if progress is not None:
                progress(done, len(ids))
    finally:
        opened = _STATE.pop("store", None)
        if opened is not None:
            opened.close()
    docbin = DocBin(store_user_data=True)
    for fields in parts:
        if fields is not None:
            part = DocBin(store_user_data=True)
            for k, v in fields.items():
                setattr(part, k, v)
            docbin.merge(part)
    return bytes(docbin.to_bytes())


__all__ = ["POOL_MIN_CHARS", "docbin_fields", "spacy_bytes"]
