"""Runs a PyNN script as `/usr/bin/python3 SCRIPT ARGS...` would, with
pyNN.myelin importable from a build tree on PYTHONPATH (an installed
myelin finds it through its .pth file; this imports the same finder).

Usage: run_pynn.py SCRIPT [ARGS...]
"""
import os
import runpy
import sys

import _myelin_pynn  # noqa: F401

sys.argv = sys.argv[1:]
sys.path.insert(0, os.path.dirname(os.path.abspath(sys.argv[0])))
runpy.run_path(sys.argv[0], run_name="__main__")
