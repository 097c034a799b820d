"""Tevreden: a self-hosted, privacy-minimal customer-satisfaction widget."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("tevreden")
except PackageNotFoundError:  # running from a checkout that was never installed
    __version__ = "0.0.0"
