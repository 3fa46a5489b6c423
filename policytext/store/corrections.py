"""Hand corrections: the one place where a correction changes a mention and is logged.

Every correction — made on the web page (``policytext serve --edit``), brought back with
``policytext import-annotations``, or replayed after a forced re-ingest of the same file —
goes through :func:`apply_correction`, which updates (or adds, or marks ``deleted``) the
mention and writes its ``annotations`` row on the same connection. Callers hold the write
transaction (:meth:`Store._write`), so the update and its log row are committed together.
Every read (``query``, the web page, the report, the timelines, the export) therefore sees
the corrected mentions; none of them re-applies the log.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from policytext.errors import StoreError
from policytext.types import LINK_BASES, NO_LINK

ACTIONS = ("add", "set", "delete")


def link_basis_of(attributes: Mapping[str, Any], agglomerations: list[str] | None = None) -> str | None:
    """The ``link_basis`` stored for a mention: one of :data:`LINK_BASES`, or None.

    None when the extractor gave none (unknown), said :data:`~policytext.types.NO_LINK`, or no
    agglomeration is linked.

    Raises:
        StoreError: a value outside :data:`LINK_BASES` (the extractor and the store disagree).
    """
    value = attributes.get("link_basis")
    if value is None or value == NO_LINK or (agglomerations is not None and not agglomerations):
        return None
    if value not in LINK_BASES:
        raise StoreError(
            f"mention link_basis {value!r}: expected one of {', '.join(LINK_BASES)} or None; "
            "update policytext so that the extractor and the store agree"
        )
    return str(value)


@dataclass(frozen=True)
class Correction:
    """One hand correction of a sentence's mechanisms.

    Attributes:
        doc_id, sentence_idx: the sentence corrected.
        action: ``add`` (a mechanism the extractor missed), ``set`` (change type, status or
            stage of a mention) or ``delete`` (a false mention: kept, marked ``deleted``).
        annotator: who made it.
        type: the new type (``add``/``set``); for ``delete`` the type removed when
            ``old_type`` is not given.
        status, stage: the new values (None keeps the old ones for ``set``).
        old_type: the type corrected (``set``/``delete``); defaults to ``type``.
        mention_id: the mention corrected, when known (web page); else it is found by
            sentence and type.
        source: ``web``, ``doccano``, ``label-studio``, ``jsonl``, …
        created_at, annotation_id: kept when a logged correction is replayed.
    """

    doc_id: str
    sentence_idx: int
    action: str
    annotator: str
    type: str | None = None
    status: str | None = None
    stage: str | None = None
    old_type: str | None = None
    old_status: str | None = None
    mention_id: int | None = None
    source: str = "web"
    note: str | None = None
    created_at: str | None = None
    annotation_id: int | None = None

    @classmethod
    def from_row(cls, row: Mapping[str, Any]) -> Correction:
        """A logged correction (a row of ``annotations``) to replay on new mentions."""
        return cls(
            doc_id=row["doc_id"],
            sentence_idx=row["sentence_idx"],
            action=row["action"],
            annotator=row["annotator"],
            type=row.get("type"),
            status=row.get("status"),
            stage=row.get("stage"),
            old_type=row.get("old_type"),
            old_status=row.get("old_status"),
            source=row.get("source") or "web",
            note=row.get("note"),
            created_at=row.get("created_at"),
            annotation_id=row.get("annotation_id"),
        )


def _find(conn: sqlite3.Connection, doc_id: str, idx: int, type_: str | None) -> sqlite3.Row | None:
    if type_ is None:
        return None
    row: sqlite3.Row | None = conn.execute(
        "SELECT mention_id, type, status, stage FROM mention_rows "
        "WHERE doc=(SELECT id FROM doc_rows WHERE doc_id=?) AND kind='mechanism' AND sentence_idx=? "
        "AND type=? AND deleted=0 ORDER BY mention_id LIMIT 1",
        (doc_id, idx, type_),
    ).fetchone()
    return row


def _add_mention(conn: sqlite3.Connection, c: Correction) -> int:
    """A mechanism mention spanning the whole sentence, linked to the document's main agglomeration."""
    s = conn.execute(
        'SELECT s.doc, s.start, s."end", s.page, s.text, d.primary_agglomeration FROM sentence_rows s '
        "JOIN doc_rows d ON d.id = s.doc WHERE d.doc_id=? AND s.idx=?",
        (c.doc_id, c.sentence_idx),
    ).fetchone()
    if s is None:
        raise StoreError(f"no sentence {c.sentence_idx} of document {c.doc_id}; reload the page or re-export")
    aggs = [s["primary_agglomeration"]] if s["primary_agglomeration"] else []
    cur = conn.execute(
        """INSERT INTO mention_rows (doc, kind, type, text, sentence_idx, start, "end", page, source,
            status, stage, agglomerations_json, link_basis)
           VALUES (?, 'mechanism', ?, ?, ?, ?, ?, ?, 'annotation', ?, ?, ?, ?)""",
        (
            s["doc"],
            c.type,
            s["text"],
            c.sentence_idx,
            s["start"],
            s["end"],
            s["page"],
            c.status,
            c.stage,
            json.dumps(aggs, ensure_ascii=False),
            "document" if aggs else None,
        ),
    )
    mention_id = int(cur.lastrowid or 0)
    conn.executemany(
        "INSERT OR IGNORE INTO mention_agglomerations (mention_id, agglomeration_id) VALUES (?, ?)",
        [(mention_id, a) for a in aggs],
    )
    return mention_id


def apply_correction(conn: sqlite3.Connection, c: Correction) -> int:
    """Apply one correction to the mentions and log it in ``annotations``; returns the annotation id.

    Must run inside the caller's write transaction. A ``set`` whose mention the extractor no
    longer finds adds it (so a replay after re-ingest keeps the corrected label); a ``delete``
    whose mention is gone is logged only.

    Raises:
        StoreError: an unknown action, or ``add``/``set`` without a type, or a missing sentence.
    """
    if c.action not in ACTIONS:
        raise StoreError(f"annotation action {c.action!r}: choose {', '.join(ACTIONS)}")
    if not c.annotator or not c.annotator.strip():
        raise StoreError("an annotation needs an annotator name; pass --annotator NAME")
    target_type = c.old_type or c.type
    row: sqlite3.Row | None = None
    if c.mention_id is not None:
        row = conn.execute(
            "SELECT mention_id, type, status, stage FROM mention_rows WHERE mention_id=? AND deleted=0",
            (c.mention_id,),
        ).fetchone()
    if row is None and c.action != "add":
        row = _find(conn, c.doc_id, c.sentence_idx, target_type)
    mention_id: int | None = int(row["mention_id"]) if row is not None else None
    if c.action == "delete":
        if mention_id is not None:
            conn.execute("UPDATE mention_rows SET deleted=1 WHERE mention_id=?", (mention_id,))
    elif c.action == "set":
        if c.type is None and c.status is None and c.stage is None:
            raise StoreError("a 'set' correction needs a new type, status or stage")
        if mention_id is not None:
            conn.execute(
                "UPDATE mention_rows SET type=COALESCE(?, type), status=COALESCE(?, status), "
                "stage=COALESCE(?, stage) WHERE mention_id=?",
                (c.type, c.status, c.stage, mention_id),
            )
        elif c.type is not None:
            existing = _find(conn, c.doc_id, c.sentence_idx, c.type)
            mention_id = int(existing["mention_id"]) if existing is not None else _add_mention(conn, c)
    else:
        if c.type is None:
            raise StoreError("an 'add' correction needs a mechanism type")
        existing = _find(conn, c.doc_id, c.sentence_idx, c.type)
        mention_id = int(existing["mention_id"]) if existing is not None else _add_mention(conn, c)
    old_type = (
        c.old_type
        if c.old_type is not None
        else (row["type"] if row is not None and c.action != "add" else None)
    )
    old_status = c.old_status if c.old_status is not None else (row["status"] if row is not None else None)
    values: dict[str, Any] = {
        "doc_id": c.doc_id,
        "sentence_idx": c.sentence_idx,
        "mention_id": mention_id,
        "action": c.action,
        "type": c.type,
        "status": c.status,
        "stage": c.stage,
        "old_type": old_type,
        "old_status": old_status,
        "annotator": c.annotator,
        "source": c.source,
        "created_at": c.created_at or _now(),
        "note": c.note,
    }
    if c.annotation_id is not None:
        values["annotation_id"] = c.annotation_id
    cols = list(values)
    cur = conn.execute(
        f"INSERT INTO annotations ({', '.join(cols)}) VALUES ({', '.join('?' for _ in cols)})",
        [values[k] for k in cols],
    )
    return int(cur.lastrowid or 0)


def _now() -> str:
    from policytext.store.db import now

    return now()


def replay(conn: sqlite3.Connection, rows: list[dict[str, Any]]) -> None:
    """Re-apply logged corrections (oldest first) to a document's new mentions, keeping their ids."""
    for row in rows:
        apply_correction(conn, Correction.from_row(row))
