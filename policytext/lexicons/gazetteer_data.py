"""The agglomeration gazetteer as data: entries, loading, validation, aliases and lookup.

The gazetteer (``data/gazetteers/agglomerations.jsonl``) is a JSON-lines file: a header
object (``{"gazetteer": "policytext-agglomerations", "version": "…"}`` plus the matching
resources ``place_names``, ``blocked``, ``ambiguous`` …), then one :class:`Entry` a line.
This module reads and validates it, looks entries up by id, name or alias (dash variants
included) and writes it back. Finding mentions in text is :mod:`policytext.lexicons.gazetteer`.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from functools import cached_property
from importlib import resources
from pathlib import Path
from typing import Any, Self

from policytext.errors import LexiconError

GAZETTEER_NAME = "policytext-agglomerations"
KINDS = ("agglomeration", "metro", "region", "foreign")
DEFAULT_RESOURCE = "data/gazetteers/agglomerations.jsonl"

#: Dash characters that texts use inside dashed names (兰州—西宁). The data file
#: may extend this list in its header; the canonical dash in the data is "—".
DEFAULT_DASHES = ("—", "–", "-", "－", "―", "‐", "‑")
CANONICAL_DASH = "—"

_ISO_DATE = re.compile(r"^\d{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01]))?)?$")


@dataclass(frozen=True)
class Entry:
    """One place group of the gazetteer.

    Attributes:
        id: stable canonical id (``yangtze_delta``).
        name: canonical Chinese name (``长江三角洲城市群``).
        kind: one of :data:`KINDS`.
        aliases: forms that always denote this group.
        context_aliases: short forms that denote it only where a city group is
            meant (in a list ending in 城市群, or right before 城市群).
        conditional_aliases: ``(alias, requires)`` pairs: the alias counts only
            when the text contains one of the ``requires`` strings.
        provinces: member provinces.
        core_city: the core city of a metropolitan area.
        parent: id of the enclosing group (``changzhutan`` → ``middle_yangtze``).
        plan: title of the national plan, where known.
        plan_approved: ISO date (``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``) of its
            approval, or None where not known.
        plan_order: rank among the national metropolitan-area plan approvals.
        note: free remark for curators.
    """

    id: str
    name: str
    kind: str
    aliases: tuple[str, ...] = ()
    context_aliases: tuple[str, ...] = ()
    conditional_aliases: tuple[tuple[str, tuple[str, ...]], ...] = ()
    provinces: tuple[str, ...] = ()
    core_city: str | None = None
    parent: str | None = None
    plan: str | None = None
    plan_approved: str | None = None
    plan_order: int | None = None
    note: str | None = None

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], *, where: str = "<entry>") -> Entry:
        """Build an entry from one JSON object, checking types.

        Args:
            data: the decoded object.
            where: location used in error messages (``file.jsonl, line 3``).

        Returns:
            The entry.

        Raises:
            LexiconError: a field is missing or has the wrong type.
        """

        def fail(problem: str, fix: str) -> LexiconError:
            return LexiconError(f"{where}: {problem}; fix: {fix}")

        if not isinstance(data, Mapping):
            raise fail("an entry must be a JSON object", 'write {"id": …, "name": …, "kind": …}')
        for key in ("id", "name", "kind"):
            value = data.get(key)
            if not isinstance(value, str) or not value.strip():
                raise fail(f"field {key!r} is missing or empty", f"give {key!r} as a non-empty string")
        if data["kind"] not in KINDS:
            raise fail(f"kind {data['kind']!r} is not valid", f"use one of {', '.join(KINDS)}")

        def str_list(key: str) -> tuple[str, ...]:
            value = data.get(key) or []
            if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
                raise fail(f"field {key!r} must be a list of non-empty strings", f'write "{key}": ["…"]')
            return tuple(value)

        def opt_str(key: str) -> str | None:
            value = data.get(key)
            if value is not None and not isinstance(value, str):
                raise fail(f"field {key!r} must be a string or null", f'write "{key}": null or a string')
            return value

        conditional: list[tuple[str, tuple[str, ...]]] = []
        for item in data.get("conditional_aliases") or []:
            if (
                not isinstance(item, Mapping)
                or not isinstance(item.get("alias"), str)
                or not isinstance(item.get("requires"), list)
                or not all(isinstance(r, str) and r for r in item["requires"])
            ):
                raise fail(
                    "each conditional alias must be an object with 'alias' and 'requires'",
                    'write {"alias": "双城经济圈", "requires": ["成渝"]}',
                )
            conditional.append((item["alias"], tuple(item["requires"])))
        approved = opt_str("plan_approved")
        if approved is not None and not _ISO_DATE.match(approved):
            raise fail(
                f"plan_approved {approved!r} is not an ISO date", "write YYYY, YYYY-MM or YYYY-MM-DD, or null"
            )
        order = data.get("plan_order")
        if order is not None and (not isinstance(order, int) or isinstance(order, bool)):
            raise fail("plan_order must be an integer or null", 'write "plan_order": 3 or leave it out')
        return cls(
            id=data["id"],
            name=data["name"],
            kind=data["kind"],
            aliases=str_list("aliases"),
            context_aliases=str_list("context_aliases"),
            conditional_aliases=tuple(conditional),
            provinces=str_list("provinces"),
            core_city=opt_str("core_city"),
            parent=opt_str("parent"),
            plan=opt_str("plan"),
            plan_approved=approved,
            plan_order=order,
            note=opt_str("note"),
        )

    def to_dict(self) -> dict[str, Any]:
        """Return the entry as a JSON-ready dict (the data-file shape)."""
        out: dict[str, Any] = {
            "id": self.id,
            "name": self.name,
            "kind": self.kind,
            "aliases": list(self.aliases),
            "context_aliases": list(self.context_aliases),
        }
        if self.conditional_aliases:
            out["conditional_aliases"] = [
                {"alias": alias, "requires": list(req)} for alias, req in self.conditional_aliases
            ]
        out.update(
            provinces=list(self.provinces),
            core_city=self.core_city,
            parent=self.parent,
            plan=self.plan,
            plan_approved=self.plan_approved,
        )
        if self.plan_order is not None:
            out["plan_order"] = self.plan_order
        if self.note:
            out["note"] = self.note
        return out

    @property
    def all_forms(self) -> tuple[str, ...]:
        """Name, aliases, context and conditional aliases, in that order."""
        return (
            self.name,
            *self.aliases,
            *self.context_aliases,
            *(alias for alias, _ in self.conditional_aliases),
        )


class GazetteerData:
    """A versioned set of place-group entries, with lookup by id, name or alias.

    Build one with :meth:`load`; the instance is immutable in use and can be
    shared by threads.

    Attributes:
        version: data version of the gazetteer (CalVer, e.g. ``2026.1``).
        entries: entries by id, in file order.
        header: the header object of the data file (matching resources such as
            ``place_names`` and ``blocked`` live there).
        source: where the data came from (a path, or ``package:…``).
    """

    def __init__(
        self,
        entries: Mapping[str, Entry],
        *,
        version: str,
        header: Mapping[str, Any] | None = None,
        source: str = "<memory>",
    ) -> None:
        self.version = version
        self.entries: dict[str, Entry] = dict(entries)
        self.header: dict[str, Any] = dict(header or {})
        self.source = source

    # ------------------------------------------------------------------ loading

    @classmethod
    def load(
        cls,
        path: str | os.PathLike[str] | None = None,
        *,
        extra: Iterable[Entry | Mapping[str, Any]] | str | os.PathLike[str] | None = None,
    ) -> Self:
        """Load and validate a gazetteer.

        Args:
            path: a JSON-lines gazetteer file; by default the one shipped in the
                package. Its first line is the header
                ``{"gazetteer": "policytext-agglomerations", "version": "…"}``.
            extra: user entries added on top: an iterable of :class:`Entry` or
                dicts, or the path of a JSON-lines file of entries (a header
                line is optional there). An extra entry whose id exists
                replaces the packaged one.

        Returns:
            The gazetteer.

        Raises:
            LexiconError: the file is missing or malformed; the message names
                the file, the line and the fix.
        """
        if path is None:
            source = f"package:policytext/{DEFAULT_RESOURCE}"
            text = _packaged_text()
        else:
            source = os.fspath(path)
            text = _read_text(source)
        header, entries = _parse_jsonl(text, source, require_header=True)
        where_of = {entry.id: f"{source}, line {line}" for line, entry in entries}
        merged: dict[str, Entry] = {}
        for line, entry in entries:
            if entry.id in merged:
                raise LexiconError(
                    f"{source}, line {line}: duplicate id {entry.id!r}; fix: give each entry its own id"
                )
            merged[entry.id] = entry
        if extra is not None:
            if isinstance(extra, (str, os.PathLike)):
                extra_source = os.fspath(extra)
                _, extra_entries = _parse_jsonl(_read_text(extra_source), extra_source, require_header=False)
                for line, entry in extra_entries:
                    merged[entry.id] = entry
                    where_of[entry.id] = f"{extra_source}, line {line}"
            else:
                for number, item in enumerate(extra, start=1):
                    where = f"extra entry {number}"
                    entry = item if isinstance(item, Entry) else Entry.from_dict(item, where=where)
                    merged[entry.id] = entry
                    where_of[entry.id] = where
        gazetteer = cls(merged, version=str(header["version"]), header=header, source=source)
        gazetteer._validate(where_of)
        return gazetteer

    def _validate(self, where_of: Mapping[str, str]) -> None:
        """Cross-check entries: parents exist, every form maps to one id."""
        ambiguous = self.header.get("ambiguous") or {}
        owner: dict[str, str] = {}
        for entry in self.entries.values():
            where = where_of.get(entry.id, entry.id)
            if entry.parent is not None and entry.parent not in self.entries:
                raise LexiconError(
                    f"{where}: parent {entry.parent!r} of {entry.id!r} is not an id of the gazetteer; "
                    "fix: add that entry or correct the parent"
                )
            for form in set(self._expand_dashes(entry.all_forms)):
                key = _normalise_key(form)
                previous = owner.get(key)
                if previous is not None and previous != entry.id and key not in ambiguous:
                    raise LexiconError(
                        f"{where}: form {form!r} of {entry.id!r} is also a form of {previous!r}; "
                        f'fix: keep it in one entry, or list it under "ambiguous" in the header'
                    )
                owner[key] = entry.id

    # ------------------------------------------------------------------ lookup

    @cached_property
    def _lookup(self) -> dict[str, str]:
        ambiguous = set(self.header.get("ambiguous") or {})
        table: dict[str, str] = {}
        for entry in self.entries.values():
            for form in (entry.id, *entry.all_forms):
                key = _normalise_key(form)
                if key not in ambiguous:
                    table.setdefault(key, entry.id)
        return table

    def get(self, key: str) -> Entry | None:
        """Return the entry for an id, name, alias or context alias.

        ``get("长三角")``, ``get("yangtze_delta")`` and ``get("长江三角洲城市群")``
        give the same entry; dash variants and surrounding spaces are ignored,
        ids are case-insensitive.

        Args:
            key: id, canonical name or any alias.

        Returns:
            The entry, or None when nothing (or an ambiguous form) matches.
        """
        entry_id = self._lookup.get(_normalise_key(key))
        return self.entries.get(entry_id) if entry_id else None

    def __len__(self) -> int:
        return len(self.entries)

    def __iter__(self) -> Iterator[Entry]:
        return iter(self.entries.values())

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and self.get(key) is not None

    # ------------------------------------------------------------------ dash variants

    @property
    def dashes(self) -> tuple[str, ...]:
        """Dash characters accepted inside dashed names."""
        extra = tuple(self.header.get("dashes") or ())
        return tuple(dict.fromkeys(DEFAULT_DASHES + extra))

    def _expand_dashes(self, forms: Iterable[str]) -> Iterator[str]:
        """Yield each form and, for dashed forms, one variant per dash character."""
        dashes = self.dashes
        for form in forms:
            yield form
            if CANONICAL_DASH in form:
                for dash in dashes:
                    if dash != CANONICAL_DASH:
                        yield form.replace(CANONICAL_DASH, dash)

    # ------------------------------------------------------------------ export

    def jieba_userdict(self, *, freq: int = 100000, tag: str = "ns") -> str:
        """Return a jieba user dictionary that keeps every name and alias whole.

        Args:
            freq: frequency given to each word (high, so jieba keeps it whole).
            tag: part-of-speech tag written on each line.

        Returns:
            UTF-8 text, one ``word freq tag`` line per form (names, aliases,
            context and conditional aliases, all dash variants), sorted.
        """
        words: set[str] = set()
        for entry in self.entries.values():
            words.update(self._expand_dashes(entry.all_forms))
        lines = [f"{word} {freq} {tag}" for word in sorted(words) if " " not in word]
        return "\n".join(lines) + "\n"

    def to_dict(self) -> dict[str, Any]:
        """Return header fields plus ``entries`` as one JSON-ready dict."""
        out = dict(self.header)
        out["gazetteer"] = self.header.get("gazetteer", GAZETTEER_NAME)
        out["version"] = self.version
        out["entries"] = [entry.to_dict() for entry in self.entries.values()]
        return out

    def to_jsonl(self) -> str:
        """Serialise to the data-file format (header line, then one entry a line)."""
        header = {k: v for k, v in self.to_dict().items() if k != "entries"}
        lines = [json.dumps(header, ensure_ascii=False)]
        lines += [json.dumps(entry.to_dict(), ensure_ascii=False) for entry in self.entries.values()]
        return "\n".join(lines) + "\n"

    def __repr__(self) -> str:
        name = type(self).__name__
        return f"{name}(version={self.version!r}, entries={len(self.entries)}, source={self.source!r})"


# ---------------------------------------------------------------------- helpers


def _packaged_text() -> str:
    """Text of the packaged gazetteer, read through :mod:`importlib.resources`.

    Falls back to the path beside this module while ``policytext`` is a
    namespace package (no ``__init__.py``), which ``resources.files`` cannot
    read in an editable install.
    """
    try:
        return resources.files("policytext").joinpath(DEFAULT_RESOURCE).read_text(encoding="utf-8")
    except (NotADirectoryError, FileNotFoundError, TypeError, ModuleNotFoundError):
        return (Path(__file__).resolve().parent.parent / DEFAULT_RESOURCE).read_text(encoding="utf-8")


def _read_text(source: str) -> str:
    try:
        return Path(source).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise LexiconError(
            f"{source}: file not found; fix: pass the path of a gazetteer .jsonl file"
        ) from None
    except UnicodeDecodeError as exc:
        raise LexiconError(f"{source}: not UTF-8 ({exc.reason}); fix: save the file as UTF-8") from None


def _parse_jsonl(
    text: str, source: str, *, require_header: bool
) -> tuple[dict[str, Any], list[tuple[int, Entry]]]:
    """Parse a gazetteer file into its header and ``(line, entry)`` pairs."""
    header: dict[str, Any] | None = None
    entries: list[tuple[int, Entry]] = []
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip().lstrip("\ufeff")
        if not line or line.startswith("#"):
            continue
        try:
            data = json.loads(line)
        except json.JSONDecodeError as exc:
            raise LexiconError(
                f"{source}, line {number}: invalid JSON ({exc.msg} at column {exc.colno}); "
                "fix: write one JSON object per line"
            ) from None
        if header is None and not entries and isinstance(data, dict) and "gazetteer" in data:
            version = data.get("version")
            if not isinstance(version, str) or not version:
                raise LexiconError(
                    f"{source}, line {number}: the header has no version; "
                    f'fix: add "version": "YYYY.N" to the header object'
                )
            header = data
            continue
        if header is None and require_header:
            raise LexiconError(
                f"{source}, line {number}: the first line must be the header; "
                f'fix: start the file with {{"gazetteer": "{GAZETTEER_NAME}", "version": "2026.1"}}'
            )
        entries.append((number, Entry.from_dict(data, where=f"{source}, line {number}")))
    if header is None:
        if require_header:
            raise LexiconError(
                f"{source}, line 1: the file is empty or has no header; "
                f'fix: start the file with {{"gazetteer": "{GAZETTEER_NAME}", "version": "2026.1"}}'
            )
        header = {}
    return header, entries


def _normalise_key(key: str) -> str:
    """Key used by :meth:`GazetteerData.get`: trimmed, canonical dash, lower-case ASCII."""
    key = key.strip()
    for dash in DEFAULT_DASHES:
        key = key.replace(dash, CANONICAL_DASH)
    return key.lower()
