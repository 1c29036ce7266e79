"""TRANSITIONAL: the demo deployment moved to `fieldclient.demo` (it uses the write
path; it is not storage). This name stays only until the main window imports it
from there; nothing else may use it."""

from fieldclient.demo import load_demo

__all__ = ["load_demo"]
