"""A log file in the data folder that never gets in the way.

Settings point Django's ``django.request`` errors (a 500 and its traceback) and
softspot's own warnings at stderr and at ``<data dir>/softspot.log``. The file's
place is worked out, and the file opened, on the first record, not when settings
load; when the folder cannot be written the file is skipped quietly (stderr
still has the errors).
"""

from __future__ import annotations

import logging
import logging.handlers
import os
import sys
from typing import Any

LOG_FILE = "softspot.log"
MAX_BYTES = 1_000_000
BACKUPS = 3


def log_path() -> str:
    from softspot.paths import data_dir

    return os.path.abspath(data_dir() / LOG_FILE)


class DataFolderFileHandler(logging.handlers.RotatingFileHandler):
    """``<data dir>/softspot.log``, rotated at 1 MB (3 old ones kept); gives up silently when it cannot write."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("maxBytes", MAX_BYTES)
        kwargs.setdefault("backupCount", BACKUPS)
        kwargs.setdefault("encoding", "utf-8")
        super().__init__(log_path(), delay=True, **kwargs)
        self.unusable = False

    def emit(self, record: logging.LogRecord) -> None:
        if self.unusable:
            return
        if self.stream is None:
            self.baseFilename = log_path()
            try:
                self.stream = self._open()
            except OSError:
                self.unusable = True
                return
        super().emit(record)

    def handleError(self, record: logging.LogRecord) -> None:
        if isinstance(sys.exc_info()[1], OSError):  # the disk filled up, the folder went away...
            self.unusable = True
            return
        super().handleError(record)
