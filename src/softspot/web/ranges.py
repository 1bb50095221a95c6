"""A file answered with HTTP Range requests (RFC 9110 §14), so a media player can seek in the session's audio.

* ``Accept-Ranges: bytes`` and a strong ``ETag`` (the file's content key) on every answer;
* ``Range: bytes=a-b``, ``bytes=a-`` and ``bytes=-n`` (the last n bytes): ``206 Partial Content`` with
  ``Content-Range: bytes a-b/size`` and just those bytes;
* a range that starts past the end, or one that is not a byte range at all (``bytes=5-2``, ``bytes=x``,
  ``bytes=``): ``416 Range Not Satisfiable`` with ``Content-Range: bytes */size``;
* several ranges at once: the whole file (200), which RFC 9110 allows and every player accepts;
* ``If-Range`` with another ETag (the file changed since the player kept part of it): the whole file (200);
* ``If-None-Match`` with this ETag: ``304``.
"""

from __future__ import annotations

import re
from pathlib import Path

from django.http import FileResponse, HttpRequest, HttpResponse, HttpResponseNotModified
from django.http.response import HttpResponseBase
from django.utils.http import parse_etags

_RANGE = re.compile(r"^bytes=(\d*)-(\d*)$")
CACHE = "private, max-age=31536000, immutable"


class _Window:
    """An open file that reads only ``length`` bytes from where it was placed (for FileResponse)."""

    def __init__(self, path: Path, start: int, length: int) -> None:
        self.file = path.open("rb")
        self.file.seek(start)
        self.left = length

    def read(self, size: int = -1) -> bytes:
        if self.left <= 0:
            return b""
        size = self.left if size < 0 else min(size, self.left)
        data = self.file.read(size)
        self.left -= len(data)
        return data

    def close(self) -> None:
        self.file.close()


def byte_range(header: str, size: int) -> tuple[int, int] | str | None:
    """``(first, last)`` to send, None to send everything, or ``"unsatisfiable"``."""
    spec = header.strip()
    if not spec.lower().startswith("bytes="):
        return None  # another unit: ignored (RFC 9110 §14.2)
    if "," in spec:
        return None  # several ranges: the whole file
    found = _RANGE.match(spec.replace(" ", ""))
    if found is None:
        return "unsatisfiable"
    first_text, last_text = found.groups()
    if not first_text:
        if not last_text or int(last_text) == 0 or size == 0:
            return "unsatisfiable"
        return max(0, size - int(last_text)), size - 1
    first = int(first_text)
    last = int(last_text) if last_text else size - 1
    if first >= size or (last_text and last < first):
        return "unsatisfiable"
    return first, min(last, size - 1)


def ranged_file(request: HttpRequest, path: Path, content_type: str, filename: str, etag: str) -> HttpResponseBase:
    """``path`` as a whole (200), in part (206), or a refusal (416), per the request's headers."""
    size = path.stat().st_size
    strong = f'"{etag}"'
    if strong in parse_etags(request.headers.get("If-None-Match", "")):
        return _headers(HttpResponseNotModified(), strong)
    wanted = request.headers.get("Range")
    if_range = request.headers.get("If-Range")
    if wanted and if_range is not None and if_range.strip() != strong:
        wanted = None  # the player holds part of another version: send all of this one
    span = byte_range(wanted, size) if wanted else None
    if span == "unsatisfiable":
        refused = HttpResponse(status=416)
        refused["Content-Range"] = f"bytes */{size}"
        return _headers(refused, strong)
    disposition = f'inline; filename="{filename}"'
    if span is None:
        response = FileResponse(path.open("rb"), content_type=content_type)
        response["Content-Length"] = str(size)
    else:
        assert isinstance(span, tuple)
        first, last = span
        response = FileResponse(_Window(path, first, last - first + 1), content_type=content_type, status=206)
        response["Content-Length"] = str(last - first + 1)
        response["Content-Range"] = f"bytes {first}-{last}/{size}"
    response["Content-Disposition"] = disposition
    return _headers(response, strong)


def _headers(response: HttpResponseBase, etag: str) -> HttpResponseBase:
    response["Accept-Ranges"] = "bytes"
    response["ETag"] = etag
    response["Cache-Control"] = CACHE
    return response
