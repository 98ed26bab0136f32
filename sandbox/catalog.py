"""Every Exchange Online cmdlet the sandbox serves, looked up by name.

``cmdlets.py`` holds the binding machinery (``Cmdlet``, the parameter converters, the
``CMDLETS`` table) and the core mailbox and permission cmdlets; each family of other cmdlets
lives in a ``cmdlets_<family>.py`` module beside it and adds its cmdlets to the table when
imported. This module imports every such family it finds, so adding a family is adding its file,
and nothing imports back from the bottom of ``cmdlets.py``. The on-premises cmdlets keep a table
of their own (``cmdlets_onprem`` and ``cmdlets_onprem_*``, see ``onprem_catalog``): the same names answer differently there.
"""

import importlib
import os
import pkgutil

from . import cmdlets, errors

# Families with a table of their own, not Exchange Online's: cmdlets_onprem and every
# cmdlets_onprem_<family> (onprem_catalog.py imports those).
_SEPARATE_PREFIX = "cmdlets_onprem"

FAMILIES = tuple(
    importlib.import_module("%s.%s" % (__package__, info.name))
    for info in sorted(pkgutil.iter_modules([os.path.dirname(__file__)]), key=lambda info: info.name)
    if info.name.startswith("cmdlets_") and not info.name.startswith(_SEPARATE_PREFIX))


def lookup(name):
    """The cmdlet called ``name`` (case-insensitive), or a CommandNotFound failure."""
    cmdlet = cmdlets.CMDLETS.get(str(name).strip().lower())
    if cmdlet is None:
        raise errors.command_not_found(name)
    return cmdlet
