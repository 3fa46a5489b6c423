"""doccano and Label Studio: files for correction by hand, and bringing the corrections back.

Out: one task per sentence (boilerplate left out) with the machine labels pre-filled; every
task carries ``doc_id`` and ``sentence_idx`` so that a correction finds its sentence again.

- doccano, text classification (``doccano.jsonl``): ``{"text", "label": [types…, "status:…",
  "stage:…"], "doc_id", "sentence_idx", …}``; sequence labelling (``doccano_spans.jsonl``):
  ``{"text", "label": [[start, end, type]…]}`` with offsets into the sentence.
- Label Studio (``label_studio.jsonl`` + ``label_studio_config.xml``): ``{"data": {...},
  "predictions": [{"result": [...]}]}`` with choices ``types`` (multiple), ``status``, ``stage``
  and span labels ``spans``.

Back (:func:`import_annotations`): doccano exports, Label Studio exports (JSON array or JSONL;
the latest non-cancelled annotation of each task; tasks nobody annotated are skipped) and
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

IMPORT_FORMATS = ("auto", "doccano", "label-studio", "jsonl")
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


def to_label_studio(sentences: pd.DataFrame, *, model_version: str = "policytext") -> str:
    """Label Studio tasks (JSONL), the machine labels as predictions."""
    lines = []
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
            if s["kind"] == "measure" or not 0 <= s["start"] < s["end"] <= len(r["text"]):
                continue
            label = s["label"] if s["kind"] == "mechanism" else "agglomeration"
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
        task = {
            "data": {"text": r["text"], **_meta(r)},
            "predictions": [{"model_version": model_version, "result": result}],
        }
        lines.append(json.dumps(task, ensure_ascii=False))
    return "".join(line + "\n" for line in lines)


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
    <Label value="agglomeration"/>
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
    rows: int = 0  # annotation rows written
    out: str | None = None
    items: list[Corrected] = field(default_factory=list, repr=False)


def _load(path: Path) -> tuple[list[Any], str]:
    """The objects of a JSON array/object or JSONL file, with a guessed format."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise UsageError(f"{path}: cannot read ({exc.strerror}); check the file name") from exc
    stripped = text.lstrip()
    objs: list[Any]
    if stripped.startswith("["):
        try:
            objs = json.loads(text)
        except json.JSONDecodeError as exc:
            raise PolicytextError(f"{path}: not valid JSON ({exc}); export the file again") from exc
    else:
        objs = []
        for n, line in enumerate(text.splitlines(), start=1):
            if not line.strip():
                continue
            try:
                objs.append(json.loads(line))
            except json.JSONDecodeError as exc:
                raise PolicytextError(f"{path}:{n}: not valid JSON ({exc}); fix or remove the line") from exc
    first = next((o for o in objs if isinstance(o, dict)), {})
    if "data" in first and ("annotations" in first or "predictions" in first):
        return objs, "label-studio"
    if "sentence" in first and "text" not in first:
        return objs, "jsonl"
    return objs, "doccano"


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


def parse_annotations(path: str | os.PathLike[str], *, fmt: str = "auto") -> tuple[list[Corrected], int]:
    """Read corrected labels from a doccano, Label Studio or corpora-style file.

    Returns:
        The corrected sentences and the number of tasks skipped (no human annotation).

    Raises:
        UsageError: unknown format or unreadable file; PolicytextError: a line with an unknown type or status.
    """
    if fmt not in IMPORT_FORMATS:
        raise UsageError(f"--format {fmt!r}: choose {', '.join(IMPORT_FORMATS)}")
    p = Path(path)
    objs, guessed = _load(p)
    fmt = guessed if fmt == "auto" else fmt
    out: list[Corrected] = []
    skipped = 0
    for n, o in enumerate(objs, start=1):
        where = f"{p.name}:{n}"
        if not isinstance(o, dict):
            raise PolicytextError(f"{where}: expected a JSON object; export the file again")
        if fmt == "label-studio":
            anns = [a for a in o.get("annotations") or [] if not a.get("was_cancelled")]
            if not anns:
                skipped += 1
                continue
            ann = anns[-1]
            data = o.get("data") or {}
            types: list[str] = []
            status = stage = None
            for res in ann.get("result") or []:
                value = res.get("value") or {}
                if res.get("from_name") == "types":
                    types += list(value.get("choices") or [])
                elif res.get("from_name") == "status":
                    status = (value.get("choices") or [None])[0]
                elif res.get("from_name") == "stage":
                    stage = (value.get("choices") or [None])[0]
            who = ann.get("completed_by")
            who = who.get("email") if isinstance(who, dict) else who
            item = Corrected(
                sentence=str(data.get("text") or ""),
                types=_types(types, where),
                status=_check(status, STATUSES, "status", where),
                stage=_check(stage, stages(), "stage", where),
                doc_id=data.get("doc_id"),
                sentence_idx=_int(data.get("sentence_idx")),
                domains=list(data.get("domains") or []),
                document=data.get("document"),
                annotator=str(who) if who is not None else None,
                source="label-studio",
            )
        elif fmt == "doccano":
            raw = o.get("label", o.get("labels", [])) or []
            types, status, stage = [], None, None
            for lab in raw:
                if isinstance(lab, list) and len(lab) == 3:  # a span [start, end, label]
                    lab = lab[2]
                    if lab == "agglomeration" or _default_taxonomy().resolve(str(lab)) is None:
                        continue
                lab = str(lab)
                if lab.startswith("status:"):
                    status = lab.split(":", 1)[1]
                elif lab.startswith("stage:"):
                    stage = lab.split(":", 1)[1]
                else:
                    types.append(lab)
            item = Corrected(
                sentence=str(o.get("text") or ""),
                types=_types(types, where),
                status=_check(status, STATUSES, "status", where),
                stage=_check(stage, stages(), "stage", where),
                doc_id=o.get("doc_id"),
                sentence_idx=_int(o.get("sentence_idx")),
                domains=list(o.get("domains") or []),
                document=o.get("document"),
                annotator=str(o["user"]) if o.get("user") is not None else None,
                source="doccano",
            )
        else:
            item = Corrected(
                sentence=str(o.get("sentence") or ""),
                types=_types(list(o.get("types") or []), where),
                status=_check(o.get("status"), STATUSES, "status", where),
                stage=_check(o.get("stage"), stages(), "stage", where),
                doc_id=o.get("doc_id"),
                sentence_idx=_int(o.get("sentence_idx")),
                domains=list(o.get("domains") or []),
                document=o.get("doc"),
                source="jsonl",
            )
        if not item.sentence.strip():
            raise PolicytextError(f"{where}: no sentence text; every line needs its text")
        if not item.types:
            item.status = item.stage = None
        out.append(item)
    return out, skipped


def import_annotations(
    path: str | os.PathLike[str],
    *,
    db: str | os.PathLike[str] | None = None,
    out: str | os.PathLike[str] | None = None,
    fmt: str = "auto",
    annotator: str = "import",
) -> ImportSummary:
    """Bring corrected labels back: into the store's ``annotations`` table and/or a training JSONL.

    Args:
        path: a doccano or Label Studio export, or corpora-style JSONL.
        db: the store to record the corrections in (only differences with what it holds are written,
            so importing the same file twice adds nothing).
        out: a JSONL file (or a folder: ``<input stem>.jsonl`` inside it) for ``policytext train``.
        fmt: ``auto | doccano | label-studio | jsonl``.
        annotator: recorded with each row when the file names nobody.

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
        _record(db, items, annotator, summary)
    if out is not None:
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
    db: str | os.PathLike[str], items: list[Corrected], annotator: str, summary: ImportSummary
) -> None:
    """Turn each imported sentence into corrections of the store (only the differences) and apply
    them all in one transaction through the store's one correction path."""
    from policytext.store.corrections import Correction
    from policytext.store.db import Store, now

    with Store(db) as store:
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
            for t in it.types:
                if t not in current:
                    new.append(correction(action="add", type=t, status=it.status, stage=it.stage))
                elif (it.status is not None and it.status != current[t].get("status")) or (
                    it.stage is not None and it.stage != current[t].get("stage")
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
        if corrections:
            store.apply_corrections(corrections)
        summary.rows = len(corrections)
