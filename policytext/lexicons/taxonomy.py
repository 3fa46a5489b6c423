"""The mechanism taxonomy as data: ids, families, names, definitions, cue patterns.

The default file is ``policytext/data/taxonomy/mechanisms.toml`` (TAXONOMY v1). A
user can load another file of the same shape (``--taxonomy FILE``).
"""

from __future__ import annotations

import functools
import hashlib
import re
import tomllib
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from policytext.errors import LexiconError


@dataclass(frozen=True)
class MechanismType:
    """One mechanism type of the taxonomy with its compiled patterns."""

    id: str
    family: str
    zh: str
    en: str
    definition: str
    cues: tuple[re.Pattern[str], ...]
    weak_cues: tuple[re.Pattern[str], ...] = ()
    exclude: tuple[re.Pattern[str], ...] = ()
    require: tuple[re.Pattern[str], ...] = ()
    defines: tuple[re.Pattern[str], ...] = ()
    #: the type needs parties of different jurisdictions: named in the sentence (``[context]
    #: parties``) or given by the document's scope (``[context] scope``); ``require = ["@parties"]``
    needs_parties: bool = False
    words: tuple[str, ...] = ()
    weak_words: tuple[str, ...] = ()

    cue_re: re.Pattern[str] | None = field(default=None, compare=False, repr=False)
    weak_re: re.Pattern[str] | None = field(default=None, compare=False, repr=False)
    exclude_re: re.Pattern[str] | None = field(default=None, compare=False, repr=False)
    require_re: re.Pattern[str] | None = field(default=None, compare=False, repr=False)

    def __post_init__(self) -> None:
        # One alternation per kind of pattern, compiled once: one scan per sentence.
        object.__setattr__(self, "cue_re", _union(self.cue_patterns))
        object.__setattr__(self, "weak_re", _union(self.weak_patterns))
        object.__setattr__(self, "exclude_re", _union(self.exclude))
        object.__setattr__(self, "require_re", _union(self.require))

    @property
    def cue_patterns(self) -> tuple[re.Pattern[str], ...]:
        """The literal words (escaped) and the regex cues: everything that fires on its own."""
        return (*_literal(self.words), *self.cues)

    @property
    def weak_patterns(self) -> tuple[re.Pattern[str], ...]:
        """The weak literal words (escaped) and weak regex cues."""
        return (*_literal(self.weak_words), *self.weak_cues)


def _literal(words: tuple[str, ...]) -> tuple[re.Pattern[str], ...]:
    # longest first, so an alternation prefers 横向生态补偿 over 生态补偿 at the same position
    return (
        (re.compile("|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))),) if words else ()
    )


def _union(patterns: tuple[re.Pattern[str], ...]) -> re.Pattern[str] | None:
    return re.compile("|".join(f"(?:{p.pattern})" for p in patterns)) if patterns else None


#: The statuses a mechanism mention takes (``extract.rules.status_of``): ``proposed`` unless a
#: pattern of the taxonomy's ``[status]`` table of the same name fires. The table also holds
#: helper patterns (``news_task``, ``provision_task``) that are not values, so the values are
#: declared here, once.
STATUSES: tuple[str, ...] = ("proposed", "established", "lacking")
#: The ``require`` entry of a type whose parties must be different jurisdictions.
PARTIES = "@parties"


@dataclass
class Taxonomy:
    """A loaded taxonomy: types in file order plus status, stage, domain and context patterns."""

    name: str
    version: str
    types: list[MechanismType]
    context: re.Pattern[str] | None
    status: dict[str, re.Pattern[str]]
    stage: dict[str, re.Pattern[str]]
    domains: dict[str, re.Pattern[str]]
    guards: tuple[re.Pattern[str], ...] = ()
    parties: re.Pattern[str] | None = None
    scope: re.Pattern[str] | None = None
    sha256: str = ""
    source: str = ""
    raw: dict[str, Any] = field(default_factory=dict, repr=False)

    @functools.cached_property
    def guard_re(self) -> re.Pattern[str] | None:
        """The ``[guards] no_mechanism`` patterns as one alternation: a sentence it matches has no type."""
        return _union(self.guards)

    @functools.cached_property
    def any_cue(self) -> re.Pattern[str] | None:
        """One alternation of every cue of every type: a sentence it misses asserts no type."""
        return _union(tuple(p for t in self.types for p in (*t.cue_patterns, *t.weak_patterns)))

    @property
    def statuses(self) -> tuple[str, ...]:
        """The status values (:data:`STATUSES`)."""
        return STATUSES

    @property
    def stages(self) -> tuple[str, ...]:
        """The stage values: the keys of the ``[stage]`` table, in file order."""
        return tuple(self.stage)

    @property
    def ids(self) -> list[str]:
        """Type ids in file order."""
        return [t.id for t in self.types]

    def get(self, type_id: str) -> MechanismType | None:
        """The type with this id, or None."""
        return next((t for t in self.types if t.id == type_id), None)

    def resolve(self, name: str) -> str | None:
        """An id from an id, a Chinese name or an English name (for CLI filters)."""
        key = name.strip().lower()
        for t in self.types:
            if key in {t.id.lower(), t.zh.lower(), t.en.lower()}:
                return t.id
        return None

    @classmethod
    def load(cls, path: str | Path | None = None) -> Taxonomy:
        """Load the default taxonomy, or a user's file of the same shape.

        Raises:
            LexiconError: the file is missing, not TOML, or a field or pattern is wrong.
        """
        if path is None:
            data_bytes = resources.files("policytext").joinpath("data/taxonomy/mechanisms.toml").read_bytes()
            source = "policytext:data/taxonomy/mechanisms.toml"
        else:
            try:
                data_bytes = Path(path).read_bytes()
            except OSError as exc:
                raise LexiconError(
                    f"{path}: cannot read the taxonomy file ({exc.strerror}); check the --taxonomy path"
                ) from exc
            source = str(path)
        try:
            data = tomllib.loads(data_bytes.decode("utf-8"))
        except (UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
            raise LexiconError(
                f"{source}: not a valid UTF-8 TOML taxonomy ({exc}); "
                "see policytext/data/taxonomy/mechanisms.toml for the shape"
            ) from exc
        return cls._from_dict(data, source, hashlib.sha256(data_bytes).hexdigest())

    @classmethod
    def _from_dict(cls, data: dict[str, Any], source: str, sha: str) -> Taxonomy:
        def compile_(pattern: str, where: str) -> re.Pattern[str]:
            try:
                return re.compile(pattern)
            except re.error as exc:
                raise LexiconError(
                    f"{source}: bad pattern in {where}: {pattern!r} ({exc}); fix the regular expression"
                ) from exc

        def named(pattern: str, where: str) -> re.Pattern[str]:
            compiled = compile_(pattern, where)
            if "name" not in compiled.groupindex:
                raise LexiconError(
                    f"{source}: pattern in {where} has no group (?P<name>…): {pattern!r}; "
                    "a defining pattern must capture the name it defines"
                )
            return compiled

        head = data.get("taxonomy") or {}
        if "version" not in head:
            raise LexiconError(
                f'{source}: missing [taxonomy] version; add `version = "YYYY.N"` under [taxonomy]'
            )
        types = []
        seen: set[str] = set()
        for i, t in enumerate(data.get("types") or []):
            if "id" not in t:
                raise LexiconError(
                    f"{source}: type #{i + 1} has no `id`; every [[types]] entry needs id and cues"
                )
            if "cues" not in t and "words" not in t:
                raise LexiconError(
                    f"{source}: type #{i + 1} has no `cues`; every [[types]] entry needs id and cues "
                    "(regular expressions) or words (literal cue words)"
                )
            for key in ("words", "weak_words"):
                bad = [w for w in t.get(key, []) if not isinstance(w, str) or not w.strip()]
                if bad:
                    raise LexiconError(
                        f"{source}: {t['id']}.{key} holds {bad[0]!r}; words are non-empty strings"
                    )
            if t["id"] in seen:
                raise LexiconError(f"{source}: duplicate type id {t['id']!r}; ids must be unique")
            seen.add(t["id"])
            types.append(
                MechanismType(
                    id=t["id"],
                    family=t.get("family", ""),
                    zh=t.get("zh", t["id"]),
                    en=t.get("en", t["id"]),
                    definition=t.get("definition", ""),
                    cues=tuple(compile_(p, f"{t['id']}.cues") for p in t.get("cues", [])),
                    words=tuple(t.get("words", [])),
                    weak_words=tuple(t.get("weak_words", [])),
                    weak_cues=tuple(compile_(p, f"{t['id']}.weak_cues") for p in t.get("weak_cues", [])),
                    exclude=tuple(compile_(p, f"{t['id']}.exclude") for p in t.get("exclude", [])),
                    require=tuple(
                        compile_(p, f"{t['id']}.require") for p in t.get("require", []) if p != PARTIES
                    ),
                    needs_parties=PARTIES in t.get("require", []),
                    defines=tuple(named(p, f"{t['id']}.defines") for p in t.get("defines", [])),
                )
            )
        if not types:
            raise LexiconError(f"{source}: no [[types]] entries; a taxonomy needs at least one type")
        context = data.get("context") or {}
        for key in ("parties", "scope"):
            if any(t.needs_parties for t in types) and not context.get(key):
                needing = next(t.id for t in types if t.needs_parties)
                raise LexiconError(
                    f'{source}: {needing}.require holds "{PARTIES}" but [context] has no {key!r}; '
                    f"define {key} under [context] or remove {PARTIES}"
                )
        ctx = context.get("cross")
        return cls(
            name=head.get("name", "taxonomy"),
            version=str(head["version"]),
            types=types,
            context=compile_(ctx, "context.cross") if ctx else None,
            parties=compile_(context["parties"], "context.parties") if context.get("parties") else None,
            scope=compile_(context["scope"], "context.scope") if context.get("scope") else None,
            status={k: compile_(v, f"status.{k}") for k, v in (data.get("status") or {}).items()},
            stage={k: compile_(v, f"stage.{k}") for k, v in (data.get("stage") or {}).items()},
            domains={k: compile_(v, f"domains.{k}") for k, v in (data.get("domains") or {}).items()},
            guards=tuple(
                compile_(p, "guards.no_mechanism") for p in (data.get("guards") or {}).get("no_mechanism", [])
            ),
            sha256=sha,
            source=source,
            raw=data,
        )
