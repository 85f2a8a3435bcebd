"""The installed package's version (``0.0.0+local`` in a checkout that was never pip-installed)."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("orderloom")
except PackageNotFoundError:
    __version__ = "0.0.0+local"
