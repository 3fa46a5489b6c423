"""One :class:`Filters` for every read of the store: CLI, Python API, web page, report, timelines, export.

Filters accept ids or Chinese names and aliases (``长三角`` = ``yangtze_delta``, ``生态补偿`` =
``eco_compensation``); statuses and stages come from the taxonomy (and the values the store holds),
document types from the known set and the store. Every value reaches SQLite as a bound
parameter, never spliced into a statement.

>>> Filters.make(None, types="生态补偿").types                              # doctest: +SKIP
('eco_compensation',)
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from policytext.errors import UsageError
from policytext.types import DIRECT_BASES, LINK_BASES

if TYPE_CHECKING:
    from policytext.store.db import Store

#: Document types the metadata classifier assigns.
DOC_TYPES = ("official", "plan", "article", "news", "other")
KINDS = ("mechanism", "measure", "agglomeration")
#: A status filter value that selects mentions without a status.
NO_STATUS = "none"

_DATE_RE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")
_SPLIT_RE = re.compile(r"[,，、;；]")

_TAXONOMY: Any = None
_GAZETTEER: Any = None


def default_taxonomy() -> Any:
    """The shipped taxonomy, loaded once."""
    global _TAXONOMY
    if _TAXONOMY is None:
        from policytext.lexicons.taxonomy import Taxonomy

        _TAXONOMY = Taxonomy.load()
    return _TAXONOMY


def default_gazetteer() -> Any:
    """The shipped gazetteer, loaded once."""
    global _GAZETTEER
    if _GAZETTEER is None:
        from policytext.lexicons.gazetteer import Gazetteer

        _GAZETTEER = Gazetteer.load()
    return _GAZETTEER


#: The statuses the extractor assigns (``extract.rules.status_of``). The taxonomy's ``[status]``
#: table holds cue patterns, some of which are helpers rather than values (``provision_task``),
#: so the vocabulary is declared here, in one place, until the taxonomy declares it.
STATUSES = ("proposed", "established", "lacking")


def statuses(taxonomy: Any = None) -> tuple[str, ...]:
    """Status values: those the extractor assigns, then any other named by the taxonomy's ``[status]``
    table that is a value (a helper pattern such as ``provision_task`` is not)."""
    tx = taxonomy or default_taxonomy()
    declared = getattr(tx, "statuses", None)
    if declared:
        return tuple(declared)
    return STATUSES


def stages(taxonomy: Any = None) -> tuple[str, ...]:
    """Stage values of the taxonomy, in file order."""
    return tuple((taxonomy or default_taxonomy()).stage)


def split_values(values: str | Iterable[str] | None) -> list[str]:
    """Flatten repeated and comma-separated option values (``a,b`` ``生态补偿、税收分成``).

    >>> split_values(["a,b", "c"])
    ['a', 'b', 'c']
    """
    if values is None:
        return []
    if isinstance(values, str):
        values = [values]
    out: list[str] = []
    for v in values:
        out.extend(p.strip() for p in _SPLIT_RE.split(str(v)) if p.strip())
    return out


def resolve_types(values: str | Iterable[str] | None, *, taxonomy: Any = None) -> list[str]:
    """Mechanism type ids from ids, Chinese or English names.

    >>> resolve_types(["生态补偿", "tax_sharing"])
    ['eco_compensation', 'tax_sharing']

    Raises:
        UsageError: a value names no type of the taxonomy.
    """
    names = split_values(values)
    if not names:
        return []
    tx = taxonomy or default_taxonomy()
    out: list[str] = []
    for name in names:
        tid = tx.resolve(name)
        if tid is None:
            raise UsageError(
                f"--type {name!r}: no such mechanism type; use an id or Chinese name of the taxonomy "
                f"({', '.join(tx.ids)})"
            )
        if tid not in out:
            out.append(tid)
    return out


def resolve_agglomerations(
    values: str | Iterable[str] | None, *, store: Store | None = None, gazetteer: Any = None
) -> list[str]:
    """Agglomeration ids from ids, names or aliases (``长三角`` → ``yangtze_delta``).

    Unlisted groups stored by ingest (``known = 0``, id = surface form such as ``徐州都市圈``)
    are accepted when the store holds them.

    Raises:
        UsageError: a value is neither in the gazetteer nor in the store.
    """
    names = split_values(values)
    if not names:
        return []
    gz = gazetteer or default_gazetteer()
    out: list[str] = []
    for name in names:
        entry = gz.get(name)
        aid = entry.id if entry is not None else None
        if aid is None and store is not None:
            aid = store.stored_agglomeration_id(name)
        if aid is None:
            raise UsageError(
                f"--agglomeration {name!r}: not a known agglomeration id, name or alias; "
                "list them with `policytext query agglomerations`"
            )
        if aid not in out:
            out.append(aid)
    return out


def choices(option: str, values: str | Iterable[str] | None, allowed: Sequence[str]) -> list[str]:
    """Split ``values`` and check each is in ``allowed``.

    Raises:
        UsageError: naming the option, the value and the choices.
    """
    out = split_values(values)
    for v in out:
        if v not in allowed:
            raise UsageError(f"{option} {v!r}: choose from {', '.join(allowed)}")
    return out


def check_date(option: str, value: str | int | None) -> str | None:
    """Validate a ``--since``/``--until`` value (YYYY, YYYY-MM or YYYY-MM-DD)."""
    if value is None or value == "":
        return None
    text = str(value).strip()
    if not _DATE_RE.match(text):
        raise UsageError(f"{option} {value!r}: write a year (2018), a month (2018-06) or a day (2018-06-30)")
    parts = [int(p) for p in text.split("-")]
    try:
        datetime.date(parts[0], parts[1] if len(parts) > 1 else 1, parts[2] if len(parts) > 2 else 1)
    except ValueError:
        raise UsageError(
            f"{option} {value!r}: no such month or day; write e.g. 2018-06 or 2018-06-30"
        ) from None
    return text


def _marks(values: Sequence[Any]) -> str:
    return ", ".join("?" for _ in values)


@dataclass(frozen=True)
class Filters:
    """Resolved filters (canonical ids); build with :meth:`make` (or :meth:`from_params` for the web).

    ``since`` and ``until`` are inclusive and compare document dates to the precision given:
    ``until="2022"`` keeps every date of 2022. ``basis`` keeps mechanism mentions whose
    agglomeration link was found that way (``sentence``, ``heading``, ``paragraph``, ``document``).
    ``statuses`` may hold :data:`NO_STATUS` (mentions without a status).
    """

    types: tuple[str, ...] = ()
    agglomerations: tuple[str, ...] = ()
    since: str | None = None
    until: str | None = None
    statuses: tuple[str, ...] = ()
    stages: tuple[str, ...] = ()
    doc_types: tuple[str, ...] = ()
    basis: tuple[str, ...] = ()
    include_deleted: bool = False
    document_links: bool = True
    limit: int | None = None
    offset: int = 0

    @classmethod
    def make(
        cls,
        store: Store | None = None,
        *,
        types: Any = None,
        agglomerations: Any = None,
        since: str | int | None = None,
        until: str | int | None = None,
        status: Any = None,
        stage: Any = None,
        doc_type: Any = None,
        basis: Any = None,
        include_deleted: bool = False,
        limit: int | None = None,
        offset: int = 0,
        taxonomy: Any = None,
    ) -> Filters:
        """Resolve and validate user-facing filter values.

        Statuses and stages allowed are those of the taxonomy plus any the store holds; document
        types those of :data:`DOC_TYPES` plus any the store holds.

        Raises:
            UsageError: an unknown type, agglomeration, status, stage, document type, link basis,
                a bad date or a negative limit/offset.
        """
        extra: dict[str, list[str]] = store.vocabularies() if store is not None else {}
        allowed_status = list(dict.fromkeys([*statuses(taxonomy), *extra.get("status", []), NO_STATUS]))
        allowed_stage = list(dict.fromkeys([*stages(taxonomy), *extra.get("stage", [])]))
        allowed_doc_types = list(dict.fromkeys([*DOC_TYPES, *extra.get("doc_type", [])]))
        if limit is not None and int(limit) < 0:
            raise UsageError(f"--limit {limit}: give a positive number")
        if int(offset or 0) < 0:
            raise UsageError(f"--offset {offset}: give zero or a positive number")
        return cls(
            types=tuple(resolve_types(types, taxonomy=taxonomy)),
            agglomerations=tuple(resolve_agglomerations(agglomerations, store=store)),
            since=check_date("--since", since),
            until=check_date("--until", until),
            statuses=tuple(choices("--status", status, allowed_status)),
            stages=tuple(choices("--stage", stage, allowed_stage)),
            doc_types=tuple(choices("--doc-type", doc_type, allowed_doc_types)),
            basis=tuple(choices("--basis", basis, LINK_BASES)),
            include_deleted=bool(include_deleted),
            limit=int(limit) if limit is not None else None,
            offset=int(offset or 0),
        )

    @classmethod
    def from_params(
        cls, store: Store | None, params: Mapping[str, str], *, limit: int | None = None
    ) -> Filters:
        """Filters from the web page's query parameters (``type``, ``agg``, ``year_from``, ``year_to``,
        ``status``, ``stage``, ``doc_type``, ``basis``, ``offset``): the same resolution as the CLI, so
        ``?agg=长三角`` selects what ``--agglomeration 长三角`` selects."""

        def get(key: str) -> str | None:
            v = (params.get(key) or "").strip()
            return v or None

        offset = get("offset") or "0"
        return cls.make(
            store,
            types=get("type"),
            agglomerations=get("agg"),
            since=get("year_from"),
            until=get("year_to"),
            status=get("status"),
            stage=get("stage"),
            doc_type=get("doc_type"),
            basis=get("basis"),
            limit=limit,
            offset=int(offset) if offset.isdigit() else 0,
        )

    def without(self, *names: str) -> Filters:
        """These filters with some fields cleared (``period`` clears since and until)."""
        change: dict[str, Any] = {}
        for name in names:
            if name == "period":
                change.update(since=None, until=None)
            else:
                change[name] = ()
        return replace(self, **change)

    def document_sql(self, d: str = "d") -> tuple[list[str], list[Any]]:
        """WHERE clauses (and their parameters) on the documents table aliased ``d``."""
        where: list[str] = []
        params: list[Any] = []
        if self.since:
            where.append(f"{d}.date >= ?")
            params.append(self.since)
        if self.until:
            where.append(f"substr({d}.date, 1, ?) <= ?")
            params += [len(self.until), self.until]
        if self.doc_types:
            where.append(f"{d}.doc_type IN ({_marks(self.doc_types)})")
            params += list(self.doc_types)
        return where, params

    def mention_sql(self, m: str = "m", d: str = "d") -> tuple[list[str], list[Any]]:
        """WHERE clauses on mentions ``m`` joined to documents ``d`` (deleted, types, agglomerations,
        status, stage, link basis, dates, document types)."""
        where, params = self.document_sql(d)
        if not self.include_deleted:
            where.insert(0, f"{m}.deleted = 0")
        if self.types:
            where.append(f"{m}.type IN ({_marks(self.types)})")
            params += list(self.types)
        if self.agglomerations:
            where.append(
                f"EXISTS (SELECT 1 FROM mention_agglomerations ma_f WHERE ma_f.mention_id = {m}.mention_id "
                f"AND ma_f.agglomeration_id IN ({_marks(self.agglomerations)}))"
            )
            params += list(self.agglomerations)
        if self.statuses:
            named = [s for s in self.statuses if s != NO_STATUS]
            parts = [f"{m}.status IN ({_marks(named)})"] if named else []
            if NO_STATUS in self.statuses:
                parts.append(f"{m}.status IS NULL")
            where.append("(" + " OR ".join(parts) + ")")
            params += named
        if self.stages:
            where.append(f"{m}.stage IN ({_marks(self.stages)})")
            params += list(self.stages)
        if self.basis:
            where.append(f"{m}.link_basis IN ({_marks(self.basis)})")
            params += list(self.basis)
        if not self.document_links:
            where.append(f"({m}.link_basis IS NULL OR {m}.link_basis != 'document')")
        return where, params

    def page_sql(self) -> tuple[str, list[Any]]:
        """``LIMIT ? OFFSET ?`` (or nothing) with its parameters."""
        if self.limit is None and not self.offset:
            return "", []
        return "LIMIT ? OFFSET ?", [self.limit if self.limit is not None else -1, self.offset]


def direct_only(f: Filters, include_document_links: bool = False) -> Filters:
    """Timelines and first mentions count direct links (sentence, heading, paragraph, see
    :data:`DIRECT_BASES`) unless asked to include document-level links; an explicit ``basis`` filter
    wins. Mentions with no link (``link_basis`` NULL: none linked, or stored before it was recorded)
    are kept: they count under agglomeration None, or cannot be told apart."""
    if f.basis or include_document_links:
        return f
    return replace(f, document_links=False)


__all__ = [
    "DIRECT_BASES",
    "DOC_TYPES",
    "KINDS",
    "LINK_BASES",
    "NO_STATUS",
    "STATUSES",
    "Filters",
    "check_date",
    "choices",
    "default_gazetteer",
    "default_taxonomy",
    "direct_only",
    "resolve_agglomerations",
    "resolve_types",
    "split_values",
    "stages",
    "statuses",
]
