"""Measure mentions: sentences that prescribe a concrete action, project or target.

Precision over recall: a measure needs an action verb directly governing a concrete
object (a line, a road, a university, a park, a project), e.g. 打通断头路,
筹建北部湾大学, 建设城际铁路.
"""

from __future__ import annotations

import re

_MEASURE_RE = re.compile(
    r"(?:打通|新建|建设|建成|开工|开通|筹建|改扩建|扩建|修建|共建|推进|实施|加快建设|规划建设|启动)"
    r"[^。；，、]{0,14}?"
    r"(?:断头路|瓶颈路|铁路|城际|高铁|高速公路|公路|轨道交通|地铁|机场|港口|码头|大桥|隧道|通道|枢纽|管网|"
    r"大学|学院|医院|分院|分校|学校|产业园|园区|基地|中心|工程|项目|走廊|示范区|合作区|平台)"
)


def find_measures(sentence: str) -> list[tuple[int, int]]:
    """Spans (within the sentence) of concrete measures, at most one per sentence."""
    m = _MEASURE_RE.search(sentence)
    return [m.span()] if m else []
