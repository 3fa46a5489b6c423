"""The trained model ships inside the package: same files as models/, loads from an installed wheel."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import sysconfig
import warnings
from pathlib import Path

import numpy as np
import pytest

from policytext.classify.model import MODEL_FILE, MechanismClassifier, default_model_dir
from policytext.errors import ExtractionWarning, VersionMismatchWarning
from policytext.extract import Extractor

REPO = Path(__file__).resolve().parents[2]
TEXTS = [
    "两地按比例分担污染治理费用。",
    "建立跨省流域横向生态补偿机制。",
    "加快发展现代服务业。",
    "设立长三角一体化发展投资基金。",
]


def test_package_copy_is_the_trained_source() -> None:
    src, shipped = REPO / "models" / "mechanisms", default_model_dir()
    for name in (MODEL_FILE, "meta.json"):
        assert (src / name).read_bytes() == (shipped / name).read_bytes(), (
            f"{name}: run models/train.py (it ships)"
        )
    meta = json.loads((shipped / "meta.json").read_text(encoding="utf-8"))
    assert meta["model_sha256"] and meta["labels"]


def test_shipped_model_loads_fast_format_and_names_itself() -> None:
    clf = MechanismClassifier.load()
    assert clf.version.startswith("mechanisms@") and len(clf.version) > len("mechanisms@")
    ex = Extractor.load()
    assert ex.model is not None and ex.versions["model"] == clf.version
    assert ex.versions["model_sha256"] == clf.meta["model_sha256"]


def test_missing_model_is_a_visible_warning(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    import policytext.classify.model as model_mod

    monkeypatch.setattr(model_mod, "default_model_dir", lambda: tmp_path / "nothing")
    with pytest.warns(ExtractionWarning, match="model is missing"):
        ex = Extractor.load()
    assert ex.model is None and ex.versions["model"] == "none"


def test_mismatched_model_files_warn(tmp_path: Path) -> None:
    folder = tmp_path / "m"
    shutil.copytree(default_model_dir(), folder)
    meta = json.loads((folder / "meta.json").read_text(encoding="utf-8"))
    meta["model_sha256"] = "0" * 64
    (folder / "meta.json").write_text(json.dumps(meta), encoding="utf-8")
    with pytest.warns(VersionMismatchWarning, match="checksum"):
        MechanismClassifier.load(folder)


def test_wheel_installs_and_loads_the_same_model(tmp_path: Path) -> None:
    """Build the wheel, install it into a fresh venv (no deps, offline) and compare predictions."""
    src = tmp_path / "src"
    src.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(REPO / name, src / name)
    shutil.copytree(REPO / "policytext", src / "policytext", ignore=shutil.ignore_patterns("__pycache__"))
    wheels = tmp_path / "wheels"
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", str(src), "--no-deps", "-w", str(wheels), "-q"],
        check=True,
        capture_output=True,
        text=True,
    )
    wheel = next(wheels.glob("policytext-*.whl"))
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    py = venv / "bin" / "python"
    site = subprocess.run(
        [str(py), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    # the dependencies come from this environment's site-packages, appended after the venv's own
    Path(site, "zz_deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n", encoding="utf-8")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "--python",
            str(py),
            "install",
            "--no-deps",
            "--no-index",
            "-q",
            str(wheel),
        ],
        check=True,
        capture_output=True,
        text=True,
    )
    script = (
        "import json, sys, warnings\n"
        "warnings.simplefilter('error')\n"
        "import policytext\n"
        "from policytext.extract import Extractor\n"
        "ex = Extractor.load()\n"
        f"texts = {TEXTS!r}\n"
        "print(json.dumps({'file': policytext.__file__, 'model': ex.versions['model'],\n"
        "                  'probs': ex.model.predict_proba(texts).tolist()}))\n"
    )
    run = subprocess.run([str(py), "-c", script], cwd=tmp_path, check=True, capture_output=True, text=True)
    got = json.loads(run.stdout)
    assert got["file"].startswith(str(venv)), got["file"]  # the installed copy, not the checkout
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        here = MechanismClassifier.load()
    assert got["model"] == here.version
    assert np.allclose(np.asarray(got["probs"]), here.predict_proba(TEXTS), atol=1e-12)
