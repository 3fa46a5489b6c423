"""doccano and Label Studio: files for correction by hand, and bringing the corrections back.

Out: one task per sentence (boilerplate left out) with the machine labels pre-filled; every
task carries ``doc_id`` and ``sentence_idx`` so that a correction finds its sentence again.

- doccano, text classification (``doccano.jsonl``): ``{"text", "label": [types…, "status:…",
  "stage:…"], "doc_id", "sentence_idx", …}``; sequence labelling (``doccano_spans.jsonl``):
  ``{"text", "label": [[start, end, type]…]}`` with offsets into the sentence.
- Label Studio (``label_studio.json``, a JSON array as Label Studio's importer takes it, +
  ``label_studio_config.xml``): ``{"data": {...}, "predictions": [{"result": [...]}]}`` with
  choices ``types`` (multiple), ``status``, ``stage`` and span labels ``spans`` (mechanism
  types, ``agglomeration``, ``measure``).

Back (:func:`import_annotations`), each format recognised strictly (a file of any other shape is
refused, nothing imported): doccano exports, Label Studio full JSON exports (the latest
non-cancelled annotation of each task; tasks nobody annotated are skipped) and JSON-MIN exports,
corpora-style JSONL (``{"sentence", "types", "status"}``) become JSONL lines
``{"doc", "doc_id", "sentence_idx", "sentence", "types", "status", "stage", "domains", "source"}``
that :func:`policytext.classify.model.load_training_data` reads, and rows of the store's
``annotations`` table (the differences with what the store holds: ``add``, ``delete``, ``set``).
"""

from __future__ import annotations

import functools
import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

import pandas as pd

from policytext.errors import PolicytextError, UsageError
from policytext.export.tables import plain
from policytext.store.filters import STATUSES, stages
from policytext.store.filters import default_taxonomy as _default_taxonomy

IMPORT_FORMATS = ("auto", "doccano", "label-studio", "label-studio-min", "jsonl")
#: Span labels that are not mechanism types (exported for context, never imported as types).
_SPAN_ONLY_LABELS = ("agglomeration", "measure")
_META = ("doc_id", "sentence_idx", "document", "date", "page", "start", "end", "domains", "agglomerations")


def _meta(row: dict[str, Any]) -> dict[str, Any]:
    return {k: plain(row[k]) for k in _META}


# ----------------------------------------------------------------------------- out


def to_doccano(sentences: pd.DataFrame) -> str:
    """doccano text-classification JSONL: types plus ``status:…``/``stage:…`` labels."""
    lines = []
    for r in sentences.to_dict("records"):
        labels = list(plain(r["labels"]) or [])
        if plain(r["status"]):
            labels.append(f"status:{r['status']}")
        if plain(r["stage"]):
            labels.append(f"stage:{r['stage']}")
        lines.append(json.dumps({"text": r["text"], "label": labels, **_meta(r)}, ensure_ascii=False))
    return "".join(line + "\n" for line in lines)


def to_doccano_spans(sentences: pd.DataFrame) -> str:
    """doccano sequence-labelling JSONL: ``[start, end, label]`` spans relative to the sentence."""
    lines = []
    for r in sentences.to_dict("records"):
        spans = [
            [s["start"], s["end"], s["label"]]
            for s in (plain(r["spans"]) or [])
            if 0 <= s["start"] < s["end"] <= len(r["text"])
        ]
        lines.append(json.dumps({"text": r["text"], "label": spans, **_meta(r)}, ensure_ascii=False))
    return "".join(line + "\n" for line in lines)


def label_studio_tasks(sentences: pd.DataFrame, *, model_version: str = "policytext") -> list[dict[str, Any]]:
    """Label Studio tasks, the machine labels as predictions: choices ``types`` (mechanism types),
    ``status``, ``stage`` and span labels ``spans`` (mechanism types, ``agglomeration``, ``measure``)."""
    tasks = []
    for r in sentences.to_dict("records"):
        result: list[dict[str, Any]] = []
        labels = list(plain(r["labels"]) or [])
        if labels:
            result.append(
                {
                    "id": "types",
                    "from_name": "types",
                    "to_name": "text",
                    "type": "choices",
                    "value": {"choices": labels},
                }
            )
        for name in ("status", "stage"):
            if plain(r[name]):
                result.append(
                    {
                        "id": name,
                        "from_name": name,
                        "to_name": "text",
                        "type": "choices",
                        "value": {"choices": [r[name]]},
                    }
                )
        for n, s in enumerate(plain(r["spans"]) or []):
            if not 0 <= s["start"] < s["end"] <= len(r["text"]):
                continue
            label = s["label"] if s["kind"] == "mechanism" else s["kind"]
            result.append(
                {
                    "id": f"span{n}",
                    "from_name": "spans",
                    "to_name": "text",
                    "type": "labels",
                    "value": {
                        "start": s["start"],
                        "end": s["end"],
                        "text": r["text"][s["start"] : s["end"]],
                        "labels": [label],
                    },
                }
            )
        data: dict[str, Any] = {"text": r["text"]}
        data.update(_meta(r))
        tasks.append(
            {
                "data": data,
                "predictions": [{"model_version": model_version, "result": result}],
            }
        )
    return tasks


def to_label_studio(sentences: pd.DataFrame, *, model_version: str = "policytext") -> str:
    """Label Studio tasks as one JSON array (the ``.json`` file Label Studio's importer takes)."""
    return (
        json.dumps(label_studio_tasks(sentences, model_version=model_version), ensure_ascii=False, indent=1)
        + "\n"
    )


def label_studio_config() -> str:
    """The labelling interface matching :func:`to_label_studio` (types, status, stage, spans)."""
    tx = _default_taxonomy()
    types = "\n".join(f'    <Choice value="{escape(t.id)}" hint="{escape(t.zh)}"/>' for t in tx.types)
    labels = "\n".join(f'    <Label value="{escape(t.id)}"/>' for t in tx.types)
    status = "\n".join(f'    <Choice value="{s}"/>' for s in STATUSES)
    stage = "\n".join(f'    <Choice value="{s}"/>' for s in stages())
    return f"""<View>
  <Text name="text" value="$text"/>
  <Labels name="spans" toName="text">
{labels}
    <Label value="agglomeration" background="#999999"/>
    <Label value="measure" background="#66aa66"/>
  </Labels>
  <Choices name="types" toName="text" choice="multiple" showInline="true">
{types}
  </Choices>
  <Choices name="status" toName="text" choice="single" showInline="true">
{status}
  </Choices>
  <Choices name="stage" toName="text" choice="single" showInline="true">
{stage}
  </Choices>
</View>
"""


# ----------------------------------------------------------------------------- back


@dataclass
class Corrected:
    """One sentence as corrected by hand."""

    sentence: str
    types: list[str]
    status: str | None = None
    stage: str | None = None
    doc_id: str | None = None
    sentence_idx: int | None = None
    domains: list[str] = field(default_factory=list)
    document: str | None = None
    annotator: str | None = None
    source: str = ""

    def to_json(self) -> dict[str, Any]:
        """The corpora-style training line."""
        doc = Path(self.document).stem if self.document else (self.doc_id or "")
        return {
            "doc": doc,
            "doc_id": self.doc_id,
            "sentence_idx": self.sentence_idx,
            "sentence": self.sentence,
            "types": self.types,
            "status": self.status,
            "stage": self.stage,
            "domains": self.domains,
            "source": self.source,
        }


@dataclass
class ImportSummary:
    """What :func:`import_annotations` did."""

    read: int = 0
    skipped: int = 0  # tasks without a human annotation
    changed: int = 0  # sentences with new annotation rows
    unchanged: int = 0
    not_in_store: int = 0
    rows: int = 0  # annotation rows written (or, with dry_run, that would be)
    changes: list[str] = field(default_factory=list, repr=False)  # one line per annotation row
    out: str | None = None
    items: list[Corrected] = field(default_factory=list, repr=False)


def _load(path: Path) -> list[Any]:
    """The objects of a JSON array/object or JSONL file."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise UsageError(f"{path}: cannot read ({exc.strerror}); check the file name") from exc
    except UnicodeDecodeError as exc:
        raise UsageError(f"{path}: not UTF-8 text; export the file again as JSON or JSONL") from exc
    stripped = text.lstrip()
    objs: list[Any]
    if stripped.startswith("[") or (stripped.startswith("{") and "\n{" not in stripped):
        try:
            loaded = json.loads(text)
        except json.JSONDecodeError as exc:
            if stripped.startswith("["):
                raise PolicytextError(f"{path}: not valid JSON ({exc}); export the file again") from exc
        else:
            return loaded if isinstance(loaded, list) else [loaded]
    objs = []
    for n, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            objs.append(json.loads(line))
        except json.JSONDecodeError as exc:
            raise PolicytextError(f"{path}:{n}: not valid JSON ({exc}); fix or remove the line") from exc
    return objs


#: Keys every Label Studio JSON-MIN record carries (written by Label Studio's converter).
_MIN_KEYS = frozenset({"annotator", "annotation_id", "created_at", "updated_at", "lead_time"})


def _shape(o: Any) -> str | None:
    """The format one exported object has, or None when it is none of the supported ones.

    - ``label-studio``: ``{"data": {...}, "annotations": [...]}`` (full JSON export; a task
      file with only ``predictions`` also counts, every task then being unannotated);
    - ``label-studio-min``: the flat JSON-MIN record (data keys at the top level plus
      ``annotator``, ``annotation_id``, ``created_at``, ``updated_at``, ``lead_time``);
    - ``doccano``: ``{"text": ..., "label": [...]}`` (text classification or sequence labelling);
    - ``jsonl``: ``{"sentence": ..., "types": [...]}`` (policytext's own training lines).
    """
    if not isinstance(o, dict):
        return None
    if isinstance(o.get("data"), dict) and (
        isinstance(o.get("annotations"), list) or isinstance(o.get("predictions"), list)
    ):
        return "label-studio"
    if set(o) >= _MIN_KEYS and "data" not in o:
        return "label-studio-min"
    if isinstance(o.get("text"), str) and isinstance(o.get("label"), list) and not _MIN_KEYS & set(o):
        return "doccano"
    if isinstance(o.get("sentence"), str) and isinstance(o.get("types"), list):
        return "jsonl"
    return None


def _detect(objs: list[Any], path: Path, fmt: str) -> str:
    """The one format every object of the file has; refuse a mixed or unknown file."""
    if not objs:
        raise PolicytextError(f"{path}: no annotations in the file; export them again from the tool")
    shapes = [_shape(o) for o in objs]
    for n, (o, shape) in enumerate(zip(objs, shapes), start=1):
        expected = shapes[0] if fmt == "auto" else fmt
        if shape is None or shape != expected:
            keys = ", ".join(sorted(o)[:8]) if isinstance(o, dict) else type(o).__name__
            what = f"a {shape} record" if shape else f"not a supported record (keys: {keys})"
            wanted = expected or "doccano, Label Studio JSON / JSON-MIN or policytext JSONL"
            raise PolicytextError(
                f"{path}:{n}: {what}; expected {wanted}: export again from doccano (JSONL) or "
                "Label Studio (JSON or JSON-MIN), or pass the right --format; nothing was imported"
            )
    return shapes[0] or ""


def _types(values: list[str], where: str) -> list[str]:
    tx = _default_taxonomy()
    out = []
    for v in values:
        tid = tx.resolve(str(v))
        if tid is None:
            raise PolicytextError(
                f"{where}: unknown mechanism type {v!r}; use a taxonomy id such as eco_compensation"
            )
        if tid not in out:
            out.append(tid)
    return sorted(out)


def _check(value: Any, allowed: tuple[str, ...], what: str, where: str) -> str | None:
    if value in (None, ""):
        return None
    if value not in allowed:
        raise PolicytextError(f"{where}: {what} {value!r} is not one of {', '.join(allowed)}")
    return str(value)


def _int(value: Any) -> int | None:
    try:
        return int(value) if value is not None and value != "" else None
    except (TypeError, ValueError):
        return None


def _choices(value: Any) -> list[str]:
    """The choices of a Label Studio value: a list of strings (full JSON), or as JSON-MIN writes
    them: one choice as a string, several as ``{"choices": [...]}`` (or a list of such)."""
    if value is None:
        return []
    if isinstance(value, dict):
        return _choices(value.get("choices"))
    if isinstance(value, list):
        return [c for v in value for c in _choices(v)]
    return [str(value)]


def _one(value: Any) -> Any:
    """A single choice (see :func:`_choices`), or None."""
    got = _choices(value)
    return got[0] if got else None


def _span_types(spans: Any) -> list[str]:
    """Mechanism types of Label Studio span regions (agglomeration and measure spans carry none)."""
    tx = _default_taxonomy()
    out = []
    for region in spans if isinstance(spans, list) else []:
        labels = region.get("labels") if isinstance(region, dict) else None
        for lab in labels or []:
            if lab not in _SPAN_ONLY_LABELS and tx.resolve(str(lab)) is not None:
                out.append(str(lab))
    return out


def _corrected(
    data: dict[str, Any],
    types: list[str],
    status: Any,
    stage: Any,
    where: str,
    *,
    annotator: Any,
    source: str,
) -> Corrected:
    """One imported sentence from a task's data fields and its checked labels (every format)."""
    return Corrected(
        sentence=str(data.get("text") or ""),
        types=_types(types, where),
        status=_check(status, STATUSES, "status", where),
        stage=_check(stage, stages(), "stage", where),
        doc_id=data.get("doc_id"),
        sentence_idx=_int(data.get("sentence_idx")),
        domains=list(data.get("domains") or []),
        document=data.get("document"),
        annotator=str(annotator) if annotator is not None else None,
        source=source,
    )


def _label_studio_item(o: dict[str, Any], where: str) -> Corrected | None:
    anns = [a for a in o.get("annotations") or [] if not (a.get("was_cancelled") or a.get("skipped"))]
    if not anns:
        return None
    ann = anns[-1]
    data = o.get("data") or {}
    types: list[str] = []
    status = stage = None
    for res in ann.get("result") or []:
        value = res.get("value") or {}
        name = res.get("from_name")
        if name == "types":
            types += _choices(value.get("choices"))
        elif name == "status":
            status = _one(value.get("choices"))
        elif name == "stage":
            stage = _one(value.get("choices"))
        elif name == "spans":
            types += _span_types([value])
    who = ann.get("completed_by")
    who = who.get("email") if isinstance(who, dict) else who
    return _corrected(data, types, status, stage, where, annotator=who, source="label-studio")


def _label_studio_min_item(o: dict[str, Any], where: str) -> Corrected | None:
    if o.get("annotation_id") is None:  # a task nobody annotated
        return None
    types = _choices(o.get("types")) + _span_types(o.get("spans"))
    return _corrected(
        o,
        types,
        _one(o.get("status")),
        _one(o.get("stage")),
        where,
        annotator=o.get("annotator"),
        source="label-studio",
    )


def _doccano_item(o: dict[str, Any], where: str) -> Corrected:
    types: list[str] = []
    status = stage = None
    for lab in o["label"]:
        if isinstance(lab, list) and len(lab) == 3:  # a span [start, end, label]
            lab = lab[2]
            if lab in _SPAN_ONLY_LABELS or _default_taxonomy().resolve(str(lab)) is None:
                continue
        lab = str(lab)
        if lab.startswith("status:"):
            status = lab.split(":", 1)[1]
        elif lab.startswith("stage:"):
            stage = lab.split(":", 1)[1]
        else:
            types.append(lab)
    return _corrected(o, types, status, stage, where, annotator=o.get("user"), source="doccano")


def parse_annotations(path: str | os.PathLike[str], *, fmt: str = "auto") -> tuple[list[Corrected], int]:
    """Read corrected labels from a doccano, Label Studio (JSON or JSON-MIN) or policytext JSONL file.

    The format is recognised strictly: every object of the file must have the shape of one
    supported format (see :func:`_shape`), else nothing is read. Each item states the sentence's
    full set of mechanism types as the annotator left it: Label Studio's ``types`` choices plus
    the mechanism labels of its ``spans`` (a span added by hand adds its type), doccano's
    ``label`` list, the JSONL line's ``types``. Tasks nobody annotated (no annotation, or only
    cancelled ones; a JSON-MIN record without ``annotation_id``) are skipped, never read as
    "no types". Of several JSON-MIN records of one task the last is kept.

    Returns:
        The corrected sentences and the number of tasks skipped (no human annotation).

    Raises:
        UsageError: unknown ``fmt`` or unreadable file; PolicytextError: a file in no supported
        format, or an item with an unknown type or status.
    """
    if fmt not in IMPORT_FORMATS:
        raise UsageError(f"--format {fmt!r}: choose {', '.join(IMPORT_FORMATS)}")
    p = Path(path)
    objs = _load(p)
    fmt = _detect(objs, p, fmt)
    out: list[Corrected] = []
    skipped = 0
    seen: dict[Any, int] = {}
    for n, o in enumerate(objs, start=1):
        where = f"{p.name}:{n}"
        item: Corrected | None
        if fmt == "label-studio":
            item = _label_studio_item(o, where)
        elif fmt == "label-studio-min":
            item = _label_studio_min_item(o, where)
            if item is not None and o.get("id") is not None:
                if o["id"] in seen:  # an earlier annotation of the same task: keep the last
                    out[seen[o["id"]]] = item
                    _finish(item, where)
                    continue
                seen[o["id"]] = len(out)
        elif fmt == "doccano":
            item = _doccano_item(o, where)
        else:
            item = Corrected(
                sentence=str(o.get("sentence") or ""),
                types=_types(list(o["types"]), where),
                status=_check(o.get("status"), STATUSES, "status", where),
                stage=_check(o.get("stage"), stages(), "stage", where),
                doc_id=o.get("doc_id"),
                sentence_idx=_int(o.get("sentence_idx")),
                domains=list(o.get("domains") or []),
                document=o.get("doc"),
                source="jsonl",
            )
        if item is None:
            skipped += 1
            continue
        _finish(item, where)
        out.append(item)
    return out, skipped


def _finish(item: Corrected, where: str) -> None:
    if not item.sentence.strip():
        raise PolicytextError(f"{where}: no sentence text; every line needs its text")
    if not item.types:
        item.status = item.stage = None


def import_annotations(
    path: str | os.PathLike[str],
    *,
    db: str | os.PathLike[str] | None = None,
    out: str | os.PathLike[str] | None = None,
    fmt: str = "auto",
    annotator: str = "import",
    dry_run: bool = False,
) -> ImportSummary:
    """Bring corrected labels back: into the store's ``annotations`` table and/or a training JSONL.

    Args:
        path: a doccano or Label Studio export, or corpora-style JSONL.
        db: the store to record the corrections in (only differences with what it holds are written,
            so importing the same file twice adds nothing).
        out: a JSONL file (or a folder: ``<input stem>.jsonl`` inside it) for ``policytext train``.
        fmt: ``auto | doccano | label-studio | jsonl``.
        annotator: recorded with each row when the file names nobody.
        dry_run: change nothing (the store is opened read-only, no JSONL written); the summary's
            ``changes`` lists what would be recorded.

    A type is deleted only when the item of that sentence leaves it out (see
    :func:`parse_annotations`); sentences the file does not hold are never touched.

    Raises:
        UsageError: neither ``db`` nor ``out`` given.
    """
    if db is None and out is None:
        raise UsageError(
            "give --db (record the corrections in the store) and/or --out (write training JSONL)"
        )
    items, skipped = parse_annotations(path, fmt=fmt)
    summary = ImportSummary(read=len(items) + skipped, skipped=skipped, items=items)
    if db is not None:
        _record(db, items, annotator, summary, dry_run=dry_run)
    if out is not None and not dry_run:
        target = Path(out)
        if target.is_dir():
            target = target / f"{Path(path).stem}.jsonl"
        if not target.parent.is_dir():
            raise UsageError(f"--out {out}: folder {target.parent} does not exist; create it first")
        target.write_text(
            "".join(json.dumps(i.to_json(), ensure_ascii=False) + "\n" for i in items), encoding="utf-8"
        )
        summary.out = str(target)
    return summary


def _record(
    db: str | os.PathLike[str],
    items: list[Corrected],
    annotator: str,
    summary: ImportSummary,
    *,
    dry_run: bool = False,
) -> None:
    """Turn each imported sentence into corrections of the store (only the differences) and apply
    them all in one transaction through the store's one correction path (not with ``dry_run``)."""
    from policytext.store.corrections import Correction
    from policytext.store.db import Store, now

    with Store(db, readonly=dry_run) as store:
        stamp = now()
        corrections: list[Correction] = []
        for it in items:
            key = store.locate_sentence(it.sentence, doc_id=it.doc_id, idx=it.sentence_idx)
            if key is None:
                summary.not_in_store += 1
                continue
            it.doc_id, it.sentence_idx = key
            current: dict[str, dict[str, Any]] = {}
            mids: dict[str, int] = {}
            for m in store.sentence_mechanisms(*key):
                current.setdefault(m["type"], {"status": m["status"], "stage": m["stage"]})
                mids.setdefault(m["type"], m["mention_id"])
            who = it.annotator or annotator
            new: list[Correction] = []
            correction = functools.partial(
                Correction,
                doc_id=key[0],
                sentence_idx=key[1],
                annotator=who,
                source=it.source,
                created_at=stamp,
            )
            for t in sorted(set(current) - set(it.types)):
                new.append(
                    correction(
                        action="delete",
                        old_type=t,
                        mention_id=mids.get(t),
                        old_status=current[t].get("status"),
                    )
                )
            # One status and one stage per sentence in the file: where the sentence's mentions differ,
            # a value one of them already has is the export's own, not an edit (no change invented).
            statuses = {m.get("status") for m in current.values()}
            stages = {m.get("stage") for m in current.values()}

            status_given = it.status is not None and not (len(statuses) > 1 and it.status in statuses)
            stage_given = it.stage is not None and not (len(stages) > 1 and it.stage in stages)

            for t in it.types:
                if t not in current:
                    new.append(correction(action="add", type=t, status=it.status, stage=it.stage))
                elif (status_given and it.status != current[t].get("status")) or (
                    stage_given and it.stage != current[t].get("stage")
                ):
                    new.append(
                        correction(
                            action="set",
                            type=t,
                            status=it.status,
                            stage=it.stage,
                            old_type=t,
                            mention_id=mids.get(t),
                            old_status=current[t].get("status"),
                        )
                    )
            if new:
                summary.changed += 1
                corrections += new
            else:
                summary.unchanged += 1
        summary.changes = [_describe(c) for c in corrections]
        if corrections and not dry_run:
            store.apply_corrections(corrections)
        summary.rows = len(corrections)


def _describe(c: Any) -> str:
    """One line for a correction: ``doc_id[:12]#idx action type (status → …)``."""
    what = c.type if c.action != "delete" else (c.old_type or c.type)
    extra = ""
    if c.action == "set" or (c.action == "add" and (c.status or c.stage)):
        extra = " (" + ", ".join(f"{k} {v}" for k, v in (("status", c.status), ("stage", c.stage)) if v) + ")"
    return f"{c.doc_id[:12]}#{c.sentence_idx} {c.action} {what}{extra}"
