"""Six Sigma DMAIC projects: charter, CTQ tree, SIPOC, fishbone, actions, control plan.

A :class:`Project` moves define → measure → analyze → improve → control → closed;
:meth:`Project.advance` refuses with :class:`cx.TollgateNotMetError` (``.unmet``
lists what is missing) until the current phase's tollgate is met. Projects
round-trip through JSON (``to_json`` / ``from_json``) and, with the optional
PyYAML installed, YAML (``to_yaml`` / ``from_yaml``).

>>> from cx.dmaic import Project
>>> Project("Cut repeat calls", owner="ops").phase
'define'
"""

from __future__ import annotations

from cx._cx import Project, TollgateReport

__all__ = ["Project", "TollgateReport"]
