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
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, fields, replace
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


def resolve_types(
    values: str | Iterable[str] | None, *, taxonomy: Any = None, option: str = "--type"
) -> list[str]:
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
                f"{option} {name!r}: no such mechanism type; use an id or Chinese name of the taxonomy "
                f"({', '.join(tx.ids)})"
            )
        if tid not in out:
            out.append(tid)
    return out


def resolve_agglomerations(
    values: str | Iterable[str] | None,
    *,
    store: Store | None = None,
    gazetteer: Any = None,
    option: str = "--agglomeration",
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
                f"{option} {name!r}: not a known agglomeration id, name or alias; "
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


Clause = tuple[str, list[Any]]


@dataclass(frozen=True)
class FilterField:
    """One filter, declared once: its :class:`Filters` attribute, Python keyword, CLI flag, web
    parameter, labels and help in Chinese and English, how a value is resolved and how it turns
    into SQL.

    Attributes:
        name: the attribute of :class:`Filters` (canonical, resolved values).
        arg: the keyword of :meth:`Filters.make` and of the Python API (``query.mechanisms``).
        flag: the CLI option (``--agglomeration``); ``short`` its one-letter form or None.
        param: the web page's query parameter (``agg``).
        label: the short form label (Chinese, then English).
        help_en, help_zh: the option's help.
        multiple: a list of values (repeatable, comma-separated) rather than one.
        resolve: ``(option, raw value, store, taxonomy) -> value`` (raises :class:`UsageError`).
        where: ``(value, m, d) -> (clause, params)``: the condition on a mention ``m`` of document ``d``.
        document_where: the condition on a document ``d`` (None: the filter does not apply to
            documents); ``document_level`` says it looks at the document only (dates, type), so it
            also selects the denominators of shares and the documents per period.
        facet: what :func:`policytext.store.reads.counts` counts by for this filter (the web's facets).
        values: ``store -> every value`` offered in the web form (facet values with zero counts kept).
    """

    name: str
    arg: str
    flag: str
    short: str | None
    param: str
    label: str
    help_en: str
    help_zh: str
    multiple: bool
    resolve: Callable[[str, Any, Store | None, Any], Any]
    where: Callable[[Any, str, str], Clause]
    document_where: Callable[[Any, str], Clause] | None
    document_level: bool
    facet: str
    values: Callable[[Store], list[str]]

    @property
    def help(self) -> str:
        """The CLI help: English, then Chinese."""
        return f"{self.help_en} {self.help_zh}"


def _in(column: str, values: Sequence[Any]) -> Clause:
    return f"{column} IN ({_marks(values)})", list(values)


def _status_where(values: Sequence[str], m: str, d: str) -> Clause:
    named = [s for s in values if s != NO_STATUS]
    parts = [f"{m}.status IN ({_marks(named)})"] if named else []
    if NO_STATUS in values:
        parts.append(f"{m}.status IS NULL")
    return "(" + " OR ".join(parts) + ")", named


def _allowed(store: Store | None, key: str, declared: Sequence[str]) -> list[str]:
    extra: dict[str, list[str]] = store.vocabularies() if store is not None else {}
    return list(dict.fromkeys([*declared, *extra.get(key, [])]))


def _reads() -> Any:
    from policytext.store import reads

    return reads


#: Every filter of the store's reads, in the order the CLI, the web form and the docs show them.
#: :meth:`Filters.make`, :meth:`Filters.from_params`, the web form and facets and the CLI's
#: ``with_filters`` options are all made from this list.
FILTER_FIELDS: tuple[FilterField, ...] = (
    FilterField(
        name="types",
        arg="types",
        flag="--type",
        short="-t",
        param="type",
        label="类型 type",
        help_en="Mechanism type id or Chinese name (repeat or comma-separate).",
        help_zh="机制类型(编号或中文名)。",
        multiple=True,
        resolve=lambda opt, v, store, tx: tuple(resolve_types(v, taxonomy=tx, option=opt)),
        where=lambda v, m, d: _in(f"{m}.type", v),
        # the documents holding such a mechanism, found once (index mention_rows_type), not per document
        document_where=lambda v, d: (
            f"{d}.id IN (SELECT mt.doc FROM mention_rows mt WHERE mt.kind = 'mechanism' "
            f"AND mt.deleted = 0 AND mt.type IN ({_marks(v)}))",
            list(v),
        ),
        document_level=False,
        facet="type",
        values=lambda store: _reads().mention_types(store),
    ),
    FilterField(
        name="agglomerations",
        arg="agglomerations",
        flag="--agglomeration",
        short="-a",
        param="agg",
        label="城市群 agglomeration",
        help_en="Agglomeration id, name or alias, e.g. 长三角 (repeatable).",
        help_zh="城市群或都市圈(编号、名称或简称)。",
        multiple=True,
        resolve=lambda opt, v, store, tx: tuple(resolve_agglomerations(v, store=store, option=opt)),
        where=lambda v, m, d: (
            f"EXISTS (SELECT 1 FROM mention_agglomerations ma_f WHERE ma_f.mention_id = {m}.mention_id "
            f"AND ma_f.agglomeration_id IN ({_marks(v)}))",
            list(v),
        ),
        document_where=lambda v, d: (
            f"EXISTS (SELECT 1 FROM document_agglomerations da_f WHERE da_f.doc_id = {d}.doc_id "
            f"AND da_f.agglomeration_id IN ({_marks(v)}))",
            list(v),
        ),
        document_level=False,
        facet="agglomeration",
        values=lambda store: _reads().agglomeration_ids_by_occurrences(store),
    ),
    FilterField(
        name="since",
        arg="since",
        flag="--since",
        short=None,
        param="year_from",
        label="从 from",
        help_en="From this date on, inclusive (YYYY, YYYY-MM or YYYY-MM-DD).",
        help_zh="起始日期(含)。",
        multiple=False,
        resolve=lambda opt, v, store, tx: check_date(opt, v),
        where=lambda v, m, d: (f"{d}.date >= ?", [v]),
        document_where=lambda v, d: (f"{d}.date >= ?", [v]),
        document_level=True,
        facet="year",
        values=lambda store: [str(y) for y in _reads().years(store)],
    ),
    FilterField(
        name="until",
        arg="until",
        flag="--until",
        short=None,
        param="year_to",
        label="到 to",
        help_en="Up to this date, inclusive (YYYY, YYYY-MM or YYYY-MM-DD).",
        help_zh="截止日期(含)。",
        multiple=False,
        resolve=lambda opt, v, store, tx: check_date(opt, v),
        where=lambda v, m, d: (f"substr({d}.date, 1, ?) <= ?", [len(v), v]),
        document_where=lambda v, d: (f"substr({d}.date, 1, ?) <= ?", [len(v), v]),
        document_level=True,
        facet="year",
        values=lambda store: [str(y) for y in _reads().years(store)],
    ),
    FilterField(
        name="statuses",
        arg="status",
        flag="--status",
        short=None,
        param="status",
        label="状态 status",
        help_en="proposed | established | lacking, or any status of the taxonomy or the store; "
        "none = no status (repeatable).",
        help_zh="机制状态。",
        multiple=True,
        resolve=lambda opt, v, store, tx: tuple(
            choices(opt, v, [*_allowed(store, "status", statuses(tx)), NO_STATUS])
        ),
        where=lambda v, m, d: _status_where(v, m, d),
        document_where=None,
        document_level=False,
        facet="status",
        values=lambda store: list(statuses()),
    ),
    FilterField(
        name="stages",
        arg="stage",
        flag="--stage",
        short=None,
        param="stage",
        label="阶段 stage",
        help_en="explore | establish | improve | implement, or any stage of the taxonomy or the store "
        "(repeatable).",
        help_zh="机制阶段。",
        multiple=True,
        resolve=lambda opt, v, store, tx: tuple(choices(opt, v, _allowed(store, "stage", stages(tx)))),
        where=lambda v, m, d: _in(f"{m}.stage", v),
        document_where=None,
        document_level=False,
        facet="stage",
        values=lambda store: list(stages()),
    ),
    FilterField(
        name="doc_types",
        arg="doc_type",
        flag="--doc-type",
        short=None,
        param="doc_type",
        label="文件类型 document type",
        help_en="official | plan | article | news | other (repeatable).",
        help_zh="文件类型。",
        multiple=True,
        resolve=lambda opt, v, store, tx: tuple(choices(opt, v, _allowed(store, "doc_type", DOC_TYPES))),
        where=lambda v, m, d: _in(f"{d}.doc_type", v),
        document_where=lambda v, d: _in(f"{d}.doc_type", v),
        document_level=True,
        facet="doc_type",
        values=lambda store: _reads().doc_types(store),
    ),
    FilterField(
        name="basis",
        arg="basis",
        flag="--basis",
        short=None,
        param="basis",
        label="关联依据 link basis",
        help_en="How the agglomeration link was found: sentence,heading,paragraph,document.",
        help_zh="城市群关联依据。",
        multiple=True,
        resolve=lambda opt, v, store, tx: tuple(choices(opt, v, LINK_BASES)),
        where=lambda v, m, d: _in(f"{m}.link_basis", v),
        document_where=None,
        document_level=False,
        facet="basis",
        values=lambda store: list(LINK_BASES),
    ),
)
FIELDS_BY_ARG = {f.arg: f for f in FILTER_FIELDS}
FIELDS_BY_PARAM = {f.param: f for f in FILTER_FIELDS}
#: The filters that apply to documents (the ``query documents`` options).
DOCUMENT_FIELDS = tuple(f for f in FILTER_FIELDS if f.document_where is not None)


@dataclass(frozen=True)
class Filters:
    """Resolved filters (canonical ids); build with :meth:`make` (or :meth:`from_params` for the web).

    One attribute per entry of :data:`FILTER_FIELDS` (checked when this module is imported), then
    the switches and paging. ``since`` and ``until`` are inclusive and compare document dates to the
    precision given: ``until="2022"`` keeps every date of 2022. ``basis`` keeps mechanism mentions
    whose agglomeration link was found that way (``sentence``, ``heading``, ``paragraph``,
    ``document``). ``statuses`` may hold :data:`NO_STATUS` (mentions without a status).
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
        include_deleted: bool = False,
        limit: int | None = None,
        offset: int | None = 0,
        taxonomy: Any = None,
        _options: Callable[[FilterField], str] = lambda f: f.flag,
        **values: Any,
    ) -> Filters:
        """Resolve and validate user-facing filter values, given by the ``arg`` of each of
        :data:`FILTER_FIELDS` (``types``, ``agglomerations``, ``since``, ``until``, ``status``,
        ``stage``, ``doc_type``, ``basis``); None or empty means any.

        Statuses and stages allowed are those of the taxonomy plus any the store holds; document
        types those of :data:`DOC_TYPES` plus any the store holds.

        Raises:
            UsageError: an unknown filter name, type, agglomeration, status, stage, document type,
                link basis, a bad date or a negative limit/offset.
        """
        unknown = sorted(set(values) - set(FIELDS_BY_ARG))
        if unknown:
            raise UsageError(f"unknown filter {unknown[0]!r}: choose from {', '.join(FIELDS_BY_ARG)}")
        if limit is not None and int(limit) < 0:
            raise UsageError(f"--limit {limit}: give a positive number")
        if int(offset or 0) < 0:
            raise UsageError(f"--offset {offset}: give zero or a positive number")
        resolved = {
            f.name: f.resolve(_options(f), values[f.arg], store, taxonomy)
            for f in FILTER_FIELDS
            if values.get(f.arg) not in (None, "", [], ())
        }
        return cls(
            **resolved,
            include_deleted=bool(include_deleted),
            limit=int(limit) if limit is not None else None,
            offset=int(offset or 0),
        )

    @classmethod
    def from_params(
        cls, store: Store | None, params: Mapping[str, str], *, limit: int | None = None
    ) -> Filters:
        """Filters from the web page's query parameters (the ``param`` of each of
        :data:`FILTER_FIELDS`, and ``offset``): the same resolution as the CLI, so ``?agg=长三角``
        selects what ``--agglomeration 长三角`` selects. Errors name the parameter."""
        values: dict[str, Any] = {f.arg: (params.get(f.param) or "").strip() or None for f in FILTER_FIELDS}
        offset = (params.get("offset") or "0").strip()
        return cls.make(
            store,
            limit=limit,
            offset=min(int(offset), MAX_OFFSET) if offset.isdigit() else 0,
            _options=lambda f: f.param,
            **values,
        )

    def values(self) -> dict[str, Any]:
        """The set filters by ``arg`` (what :meth:`make` takes back): canonical ids."""
        out: dict[str, Any] = {}
        for f in FILTER_FIELDS:
            v = getattr(self, f.name)
            if v:
                out[f.arg] = list(v) if f.multiple else v
        return out

    def without(self, *names: str) -> Filters:
        """These filters with some fields cleared (``period`` clears since and until)."""
        change: dict[str, Any] = {}
        for name in names:
            for f in FILTER_FIELDS:
                if f.name == name or (name == "period" and f.facet == "year"):
                    change[f.name] = () if f.multiple else None
            if name not in change and name != "period":
                raise ValueError(f"no filter {name!r}")
        return replace(self, **change)

    def _set(self) -> list[tuple[FilterField, Any]]:
        return [(f, getattr(self, f.name)) for f in FILTER_FIELDS if getattr(self, f.name)]

    def document_sql(self, d: str = "d", *, related: bool = False) -> tuple[list[str], list[Any]]:
        """WHERE clauses (and their parameters) on the documents table aliased ``d``: the
        document-level filters (dates, document types); with ``related`` also the filters that
        relate documents to their content (naming an agglomeration, holding a mechanism type)."""
        where: list[str] = []
        params: list[Any] = []
        for f, v in self._set():
            if f.document_where is not None and (f.document_level or related):
                clause, ps = f.document_where(v, d)
                where.append(clause)
                params += ps
        return where, params

    def mention_sql(self, m: str = "m", d: str = "d") -> tuple[list[str], list[Any]]:
        """WHERE clauses on mentions ``m`` joined to documents ``d``: not deleted, then every set
        filter of :data:`FILTER_FIELDS`, and the document-links switch."""
        where: list[str] = [] if self.include_deleted else [f"{m}.deleted = 0"]
        params: list[Any] = []
        for f, v in self._set():
            clause, ps = f.where(v, m, d)
            where.append(clause)
            params += ps
        if not self.document_links:
            where.append(f"({m}.link_basis IS NULL OR {m}.link_basis != 'document')")
        return where, params

    def mention_filtered(self) -> bool:
        """Whether a filter that looks at mentions (not only documents) is set."""
        return any(not f.document_level for f, _ in self._set())

    def page_sql(self) -> tuple[str, list[Any]]:
        """``LIMIT ? OFFSET ?`` (or nothing) with its parameters."""
        if self.limit is None and not self.offset:
            return "", []
        return "LIMIT ? OFFSET ?", [self.limit if self.limit is not None else -1, self.offset]


#: The largest result offset taken from a URL (SQLite integers are 64-bit).
MAX_OFFSET = 1 << 31

_declared = [f.name for f in fields(Filters)][: len(FILTER_FIELDS)]
if _declared != [f.name for f in FILTER_FIELDS]:  # pragma: no cover - a programming error
    raise RuntimeError(f"Filters attributes {_declared} differ from FILTER_FIELDS")


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
    "DOCUMENT_FIELDS",
    "DOC_TYPES",
    "FIELDS_BY_ARG",
    "FIELDS_BY_PARAM",
    "FILTER_FIELDS",
    "KINDS",
    "LINK_BASES",
    "MAX_OFFSET",
    "NO_STATUS",
    "STATUSES",
    "FilterField",
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
