"""A mention's attributes as the store keeps them: the columns, and only what no column holds.

The extractor gives every mention a dict of attributes (``status``, ``stage``, ``domains``,
``agglomerations``, ``link_basis``, ``family``; ``name``, ``kind``, ``known`` for an agglomeration
mention). Most of it is already stored in the mention's own columns or in the document's
``document_agglomerations`` row, so schema 4 stores the dict as two small parts:

- ``attribute_keys``: a bit per key of :data:`DERIVED` that the dict holds with exactly the value
  its column gives back;
- ``extra_json``: every other key (NULL when none), e.g. ``{"family": "fiscal"}``.

:data:`ATTRIBUTES_SQL` rebuilds the dict in SQL (the ``mentions`` view's ``attributes_json``, the
export). A key read from a column follows hand corrections of that column (a status set by hand
is the status of the attributes too).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

#: (key, bit, SQL of the value over mention ``m`` and its document agglomeration ``da``): the keys
#: the columns give back. ``da`` is the ``document_agglomerations`` row of the mention's document
#: whose id is the mention's type (an agglomeration mention's own entry).
DERIVED: tuple[tuple[str, int, str], ...] = (
    ("status", 1, "m.status"),
    ("stage", 2, "m.stage"),
    ("domains", 4, "json(m.domains_json)"),
    ("agglomerations", 8, "json(m.agglomerations_json)"),
    ("link_basis", 16, "COALESCE(m.link_basis, 'none')"),
    ("name", 32, "da.name"),
    ("kind", 64, "da.kind"),
    ("known", 128, "json(CASE WHEN da.known THEN 'true' ELSE 'false' END)"),
)
#: The bits that need the document agglomeration ``da`` joined.
AGGLOMERATION_BITS = 32 | 64 | 128
#: A JSON path no attribute uses: where :data:`ATTRIBUTES_SQL` sets what a mention does not have.
_ABSENT = "$.__absent__"


def _derived(columns: Mapping[str, Any], agglomeration: Mapping[str, Any] | None) -> dict[str, Any]:
    """What the columns give back for each key of :data:`DERIVED` (the Python twin of the SQL)."""
    out: dict[str, Any] = {
        "status": columns.get("status"),
        "stage": columns.get("stage"),
        "domains": json.loads(columns.get("domains_json") or "[]"),
        "agglomerations": json.loads(columns.get("agglomerations_json") or "[]"),
        "link_basis": columns.get("link_basis") or "none",
    }
    if agglomeration is not None:
        out.update(name=agglomeration["name"], kind=agglomeration["kind"], known=bool(agglomeration["known"]))
    return out


def _same(a: Any, b: Any) -> bool:
    """Equal as JSON (``True`` is not ``1``)."""
    return json.dumps(a, sort_keys=True, ensure_ascii=False) == json.dumps(
        b, sort_keys=True, ensure_ascii=False
    )


def pack(
    attributes: Mapping[str, Any] | None,
    columns: Mapping[str, Any],
    agglomeration: Mapping[str, Any] | None = None,
) -> tuple[int, str | None]:
    """``(attribute_keys, extra_json)`` of a mention's attributes.

    Args:
        attributes: the extractor's dict.
        columns: the mention's stored ``status``, ``stage``, ``domains_json``,
            ``agglomerations_json`` and ``link_basis``.
        agglomeration: the ``name``, ``kind`` and ``known`` of the document agglomeration whose id
            is the mention's type, if the document has one.
    """
    derived = _derived(columns, agglomeration)
    keys = 0
    extra: dict[str, Any] = {}
    for key, value in (attributes or {}).items():
        bit = next((b for k, b, _ in DERIVED if k == key), 0)
        if bit and key in derived and _same(value, derived[key]):
            keys |= bit
        else:
            extra[key] = value
    return keys, (json.dumps(extra, ensure_ascii=False, sort_keys=True) if extra else None)


def _attributes_sql() -> str:
    sets = ", ".join(
        f"CASE WHEN m.attribute_keys & {bit} THEN '$.{key}' ELSE '{_ABSENT}' END, {sql}"
        for key, bit, sql in DERIVED
    )
    return f"json_remove(json_set(COALESCE(m.extra_json, '{{}}'), {sets}), '{_ABSENT}')"


#: The attributes of mention ``m`` as a JSON object; needs :data:`AGGLOMERATION_JOIN` (``da``).
ATTRIBUTES_SQL = _attributes_sql()
#: The LEFT JOIN of the document agglomeration ``da`` that :data:`ATTRIBUTES_SQL` reads, over mention
#: ``m`` of document ``d`` (looked up only for the mentions whose attributes need it).
AGGLOMERATION_JOIN = (
    f"LEFT JOIN document_agglomerations da ON m.attribute_keys & {AGGLOMERATION_BITS} "
    "AND da.doc_id = d.doc_id AND da.agglomeration_id = m.type"
)

__all__ = ["AGGLOMERATION_BITS", "AGGLOMERATION_JOIN", "ATTRIBUTES_SQL", "DERIVED", "pack"]
