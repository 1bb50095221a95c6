"""Where softspot keeps its data on this machine."""

from __future__ import annotations

import os
import sys
from pathlib import Path


def data_dir() -> Path:
    """The per-user data folder: ``SOFTSPOT_DATA_DIR``, else the platform's usual place.

    Linux: ``$XDG_DATA_HOME/softspot`` (``~/.local/share/softspot``); macOS:
    ``~/Library/Application Support/softspot``; Windows: ``%APPDATA%\\softspot``.
    """
    override = os.environ.get("SOFTSPOT_DATA_DIR")
    if override:
        return Path(override).expanduser()
    home = Path.home()
    if sys.platform == "darwin":
        return home / "Library" / "Application Support" / "softspot"
    if sys.platform == "win32":
        return Path(os.environ.get("APPDATA", home / "AppData" / "Roaming")) / "softspot"
    return Path(os.environ.get("XDG_DATA_HOME") or home / ".local" / "share") / "softspot"


def database_url() -> str:
    """The database: ``SOFTSPOT_DATABASE_URL``, else SQLite in the data folder (``softspot.sqlite3``)."""
    return os.environ.get("SOFTSPOT_DATABASE_URL") or f"sqlite:///{data_dir() / 'softspot.sqlite3'}"


def cache_dir() -> Path:
    """Where softspot keeps things it can always make again: ``SOFTSPOT_CACHE_DIR``, else the platform's cache.

    Linux: ``$XDG_CACHE_HOME/softspot`` (``~/.cache/softspot``); macOS: ``~/Library/Caches/softspot``;
    Windows: ``%LOCALAPPDATA%\\softspot\\cache``. Deleting it at any time is safe.
    """
    override = os.environ.get("SOFTSPOT_CACHE_DIR")
    if override:
        return Path(override).expanduser()
    home = Path.home()
    if sys.platform == "darwin":
        return home / "Library" / "Caches" / "softspot"
    if sys.platform == "win32":
        return Path(os.environ.get("LOCALAPPDATA", home / "AppData" / "Local")) / "softspot" / "cache"
    return Path(os.environ.get("XDG_CACHE_HOME") or home / ".cache") / "softspot"
