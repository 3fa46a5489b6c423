"""Deterministic benchmark PDFs built from ``corpora/sources`` with the sample layouts.

Every document is assembled from the paragraphs of the bundled sources (a base source
gives the title, date, issuer and opening; paragraphs of other sources of the same kind
follow until the page budget is reached) and rendered by ``corpora/build_sample.py``:
one-column official layout or two-column journal layout (every fourth document).
The same name always gives the same bytes, so the files are generated once into a
cache folder and reused.
"""

from __future__ import annotations

import math
import os
import random
import sys
from dataclasses import dataclass
from functools import lru_cache
from multiprocessing import get_context
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "corpora"))

import build_sample as bs  # noqa: E402

CHARS_PER_PAGE = {"pdf-official": 600, "pdf-journal": 2000}


@dataclass(frozen=True)
class Spec:
    """One benchmark PDF: a name, a layout and a page budget."""

    name: str
    layout: str  # pdf-official | pdf-journal
    pages: int
    fill: float = 1.0  # text budget factor (the page estimate is rough)


def main_specs(n: int) -> list[Spec]:
    """``n`` documents, 5-100 pages (log-uniform: many short, some long), both layouts."""
    out = []
    for i in range(n):
        rng = random.Random(f"policytext-bench-{i}")
        pages = round(math.exp(rng.uniform(math.log(5), math.log(100))))
        layout = "pdf-journal" if i % 4 == 3 else "pdf-official"
        out.append(Spec(f"bench-{i:04d}", layout, pages))
    return out


def scaling_specs(n: int) -> list[Spec]:
    """``n`` short documents (2-4 pages, both layouts) for the growth test."""
    return [
        Spec(f"scale-{i:04d}", "pdf-journal" if i % 4 == 3 else "pdf-official", 2 + i % 3) for i in range(n)
    ]


def big_spec(pages: int) -> Spec:
    return Spec(f"big-{pages}", "pdf-official", pages, fill=1.05)


@lru_cache(maxsize=1)
def _pools() -> dict[str, list[bs.Source]]:
    sources = bs.read_sources(bs.SOURCES)
    return {
        "pdf-journal": [s for s in sources if s.format == "pdf-journal"],
        "pdf-official": [s for s in sources if s.format != "pdf-journal"],
    }


def source_for(spec: Spec) -> bs.Source:
    """The text of a benchmark document, assembled deterministically from the sources."""
    rng = random.Random(f"policytext-bench-text-{spec.name}")
    pool = _pools()[spec.layout]
    base = pool[rng.randrange(len(pool))]
    budget = spec.pages * CHARS_PER_PAGE[spec.layout] * spec.fill
    body = list(base.lines[1:])
    used = sum(map(len, body))
    while used < budget:
        other = pool[rng.randrange(len(pool))]
        lines = [
            ln
            for ln in other.lines[1:]
            if not ln.startswith(bs.META_PREFIXES) and not bs.DATE_LINE_RE.match(ln)
        ]
        start = rng.randrange(len(lines))
        chunk = lines[start:] + lines[:start]
        body.extend(chunk)
        used += sum(map(len, chunk))
    title = f"{base.title}（基准样本{spec.name[-4:]}）"
    return bs.Source(
        id=spec.name,
        title=title,
        date=base.date,
        doc_type=base.doc_type,
        issuer=base.issuer,
        doc_number=base.doc_number,
        format=spec.layout,
        lines=(title, *body),
    )


def _build(args: tuple[Spec, str]) -> str:
    spec, folder = args
    path = Path(folder) / f"{spec.name}.pdf"
    if not path.exists():
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        bs.build_pdf(source_for(spec), tmp)
        tmp.replace(path)
    return str(path)


def ensure(specs: list[Spec], folder: Path, *, processes: int = 2) -> list[str]:
    """Generate the PDFs that are not in ``folder`` yet; return all paths in spec order."""
    folder.mkdir(parents=True, exist_ok=True)
    missing = sorted((s for s in specs if not (folder / f"{s.name}.pdf").exists()), key=lambda s: -s.pages)
    if missing:
        print(f"generating {len(missing)} PDFs in {folder} …", file=sys.stderr, flush=True)
        with get_context("fork").Pool(processes) as pool:
            for _ in pool.imap_unordered(_build, [(s, str(folder)) for s in missing], chunksize=1):
                pass
    return [str(folder / f"{s.name}.pdf") for s in specs]
