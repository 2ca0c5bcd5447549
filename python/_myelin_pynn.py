"""Makes ``import pyNN.myelin`` load the pyNN_myelin package installed
beside this file. Debian's pyNN is a regular package in another directory,
so a pyNN/myelin/ here would not be found; myelin-pynn.pth imports this
module at start-up, which only appends a finder (pyNN is not imported)."""
import importlib.abc
import importlib.util
import os
import sys

_HERE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "pyNN_myelin")


class _PyNNMyelinFinder(importlib.abc.MetaPathFinder):
    def find_spec(self, fullname, path=None, target=None):
        if fullname != "pyNN.myelin":
            return None
        return importlib.util.spec_from_file_location(
            fullname, os.path.join(_HERE, "__init__.py"), submodule_search_locations=[_HERE])


if not any(isinstance(f, _PyNNMyelinFinder) for f in sys.meta_path):
    sys.meta_path.append(_PyNNMyelinFinder())
