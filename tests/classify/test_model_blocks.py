"""The model scores a long document's sentences a block at a time, exactly as all at once."""

from __future__ import annotations

import numpy as np
import pytest

import policytext.classify.model as model_module
from policytext.extract.pipeline import Extractor


def test_blocks_give_the_scores_of_one_pass(monkeypatch: pytest.MonkeyPatch) -> None:
    model = Extractor.load().model
    assert model is not None and model.weights is not None  # the shipped model
    weights = model.weights
    base = "长三角三省一市建立成本共担和利益共享机制，推动都市圈同城化发展，设立跨区域投资基金。"
    texts = [base[n % 17 :] + f"第{n}条" for n in range(250)]
    extras = [{"rule:cost_sharing"} if n % 3 else set() for n in range(250)]
    monkeypatch.setattr(model_module, "DECISION_BLOCK", 10_000)
    whole = weights.decision(texts, extras)
    monkeypatch.setattr(model_module, "DECISION_BLOCK", 64)  # four blocks, the last one short
    blocks = weights.decision(texts, extras)
    assert whole.shape == (250, weights.coef.shape[0]) and np.array_equal(blocks, whole)
