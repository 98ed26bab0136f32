"""Every on-premises cmdlet the sandbox's PowerShell remoting front end serves, looked up by name.

``cmdlets_onprem.py`` holds the on-premises table (``cmdlets_onprem.CMDLETS``) and its mailbox
cmdlets; each other on-premises family lives in a ``cmdlets_onprem_<family>.py`` module beside
it and adds its cmdlets to that table when imported. This module imports every such family, so
adding one is adding its file (``catalog.py`` leaves them out of Exchange Online's table).
"""

import importlib
import os
import pkgutil

from . import cmdlets_onprem

FAMILIES = tuple(
    importlib.import_module("%s.%s" % (__package__, info.name))
    for info in sorted(pkgutil.iter_modules([os.path.dirname(__file__)]), key=lambda info: info.name)
    if info.name.startswith("cmdlets_onprem_"))

lookup = cmdlets_onprem.lookup
