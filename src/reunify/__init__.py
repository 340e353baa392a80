"""Reunify: one picture of where every person touched by an incident is, and who may know it."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("reunify")
except PackageNotFoundError:  # pragma: no cover - running from a source tree without install
    __version__ = "0.0.0"

__all__ = ["__version__"]
