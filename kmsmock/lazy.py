"""Modules imported on the first use of a name they define (issue 12, the cold first call): a
package keeps a static table, name -> the module of the package that defines it, and asks
``import_for`` before using a name not yet ready. A leaf: it imports nothing from kmsmock."""

from __future__ import annotations

import importlib
from collections.abc import Mapping


def import_for(package: str, modules: Mapping[str, str], ready: set[str], name: str) -> bool:
    """Import the module of ``package`` that ``modules`` names for ``name``; False when none
    does. ``ready`` collects the names whose module has been imported completely: a module
    defines its names while it is still being imported, and ``import_module`` waits for an
    import another thread has under way, so a name is never used from a half-run module."""
    module = modules.get(name)
    if module is None:
        return False
    importlib.import_module(f"{package}.{module}")
    ready.add(name)
    return True
