"""Status and stage vocabularies have one home: the taxonomy module."""

from __future__ import annotations

from policytext.classify import model
from policytext.extract.rules import status_of
from policytext.lexicons.taxonomy import STATUSES, Taxonomy


def test_statuses_and_stages_come_from_the_taxonomy() -> None:
    tx = Taxonomy.load()
    assert tx.statuses == STATUSES == ("proposed", "established", "lacking")
    assert model.STATUSES is STATUSES
    assert tx.stages == ("explore", "establish", "improve", "implement")


def test_status_of_assigns_each_declared_status() -> None:
    tx = Taxonomy.load()
    found = {
        status_of(sentence, tx)
        for sentence in ("建立成本共担机制。", "已建立成本共担机制。", "成本共担机制尚不健全。")
    }
    assert found == set(tx.statuses)
