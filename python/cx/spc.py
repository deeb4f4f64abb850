"""Statistical process control: control charts with run rules, capability, Six Sigma
arithmetic and a streaming monitor (``cx-core``'s ``spc`` module).

>>> import cx
>>> chart = cx.spc.control_chart([5.0, 6.0, 5.5, 6.5, 5.0, 6.0], kind="xmr", rules="nelson")
>>> chart.violations
[]
"""

from __future__ import annotations

from cx._cx import (
    Capability,
    ControlChart,
    SigmaLevel,
    SpcMonitor,
    capability,
    control_chart,
    dpmo_to_sigma,
    first_time_yield,
    rolled_throughput_yield,
    sigma_level,
    sigma_to_dpmo,
)

__all__ = [
    "Capability",
    "ControlChart",
    "SigmaLevel",
    "SpcMonitor",
    "capability",
    "control_chart",
    "dpmo_to_sigma",
    "first_time_yield",
    "rolled_throughput_yield",
    "sigma_level",
    "sigma_to_dpmo",
]
