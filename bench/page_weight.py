"""Bytes transferred for the player page before any audio (goal: under 100 KB).

Runs ``softspot serve``, makes a plan as a new user would, then opens the player
page in a fresh Chromium context (empty cache, no service worker yet) and adds
up what the network carried (Chrome DevTools ``encodedDataLength``: headers and
body) until the page is idle, leaving out audio (cue clips, chime, the whole
session WAV). Also shows what the same files weigh gzipped, as a production
server (``collectstatic`` with whitenoise's compressed storage) sends them, and
the keep-awake video that the first tap loads where there is no wake lock
(plain HTTP on the home network): the larger of its two formats is added.

    .venv/bin/python bench/page_weight.py [LANG]

LANG (es, de, th; default en): the browser's language, so every page and the plan are in it (issue 11).

Then the other pages (technique, plan, history) the same way, each in a fresh context, and the whole session
as audio in each format the server offers (Opus in Ogg, M4A, WAV): its size, and whether a ``Range`` request
is answered 206.
"""

from __future__ import annotations

import gzip
import sys
from pathlib import Path
from typing import Any

from playwright.sync_api import sync_playwright

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.browser.conftest import SPEECH_STUB
from tests.browser.flow import CHROMIUM_ARGS, new_session_in_any_language, served

CHROMIUM = "/usr/bin/chromium"
GOAL = 100 * 1024
LOCALE = {"en": "en-GB", "es": "es-ES", "de": "de-DE", "th": "th-TH"}[sys.argv[1] if len(sys.argv) > 1 else "en"]


def is_audio(url: str, mime: str) -> bool:
    return mime.startswith("audio/") or "/cue/" in url or url.endswith((".wav", ".mp3", ".ogg"))


def main() -> None:
    with served() as base, sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        setup = browser.new_context(locale=LOCALE)
        page = setup.new_page()
        page.add_init_script(SPEECH_STUB)
        new_session_in_any_language(page, base, {"left": 5, "right": 5, "back": 5})
        play_url = page.url
        cookies = setup.cookies()
        setup.close()

        context = browser.new_context(viewport={"width": 390, "height": 844}, locale=LOCALE)
        context.add_cookies(cookies)
        page = context.new_page()
        cdp = context.new_cdp_session(page)
        cdp.send("Network.enable")
        cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})
        responses: dict[str, dict[str, Any]] = {}
        done: dict[str, int] = {}
        cdp.on("Network.responseReceived", lambda e: responses.__setitem__(e["requestId"], e["response"]))
        cdp.on("Network.loadingFinished", lambda e: done.__setitem__(e["requestId"], int(e["encodedDataLength"])))
        bodies: dict[str, bytes] = {}
        page.on("response", lambda r: bodies.__setitem__(r.url, r.body()) if r.ok else None)
        page.goto(play_url, wait_until="networkidle")
        page.wait_for_timeout(500)
        videos = [
            (src.removeprefix(base), len(page.request.get(src).body()))
            for src in page.eval_on_selector_all("#keep-awake source", "els => els.map((e) => e.src)")
        ]
        browser_rows = []
        for rid, size in done.items():
            response = responses.get(rid)
            if response is None:
                continue
            url, mime = response["url"], response.get("mimeType", "")
            if is_audio(url, mime):
                continue
            body = bodies.get(url, b"")
            browser_rows.append((url.removeprefix(base), size, len(body), len(gzip.compress(body, 9)) if body else 0))
        context.close()
        pages = {
            "technique": f"{base}/t/hands-free-hamstring/",
            "plan": play_url.removesuffix("play/"),
            "history": f"{base}/history/",
        }
        others = {}
        for name, url in pages.items():
            fresh = browser.new_context(viewport={"width": 390, "height": 844}, locale=LOCALE)
            fresh.add_cookies(cookies)
            other = fresh.new_page()
            sizes: list[int] = []
            session = fresh.new_cdp_session(other)
            session.send("Network.enable")
            session.send("Network.setCacheDisabled", {"cacheDisabled": True})
            session.on("Network.loadingFinished", lambda e, sizes=sizes: sizes.append(int(e["encodedDataLength"])))
            other.goto(url, wait_until="networkidle")
            others[name] = (sum(sizes), len(sizes))
            fresh.close()
        audio = {}
        request = browser.new_context(locale=LOCALE)
        request.add_cookies(cookies)
        for fmt in ("ogg", "m4a", "wav"):
            url = f"{play_url.removesuffix('play/')}audio.{fmt}"
            answer = request.request.get(url, timeout=300_000)
            if answer.status != 200:
                audio[fmt] = (answer.status, 0, "")
                continue
            ranged = request.request.get(url, headers={"Range": "bytes=1000-1999"})
            audio[fmt] = (200, len(answer.body()), f"{ranged.status} {ranged.headers.get('content-range', '')}")
        request.close()
        browser.close()

    total = sum(r[1] for r in browser_rows)
    gz = sum(r[3] for r in browser_rows)
    width = max(len(r[0]) for r in browser_rows)
    print(f"{'resource':<{width}}  transferred   body  gzipped")
    for url, size, body, zipped in sorted(browser_rows, key=lambda r: -r[1]):
        print(f"{url:<{width}}  {size:>11,}  {body:>6,}  {zipped:>7,}")
    print(f"{'total (before audio)':<{width}}  {total:>11,}  {'':>6}  {gz:>7,}")
    verdict = "under" if total < GOAL else "OVER"
    print(f"{total / 1024:.1f} KB transferred as served here ({verdict} the 100 KB goal); {gz / 1024:.1f} KB gzipped")
    for name, (size, count) in others.items():
        print(f"{name} page: {size / 1024:.1f} KB transferred in {count} requests (fresh cache)")
    for fmt, (status, size, ranged) in audio.items():
        print(
            f"session audio .{fmt}: "
            + (f"{size / 1024:,.0f} KB; Range bytes=1000-1999 -> {ranged}" if status == 200 else f"HTTP {status}")
        )
    if videos:
        video = max(size for _, size in videos)
        with_video = total + video
        verdict = "under" if with_video < GOAL else "OVER"
        print("keep-awake video (the tap loads one of): " + ", ".join(f"{url} {size:,} B" for url, size in videos))
        print(f"{with_video / 1024:.1f} KB with the larger one added (its body; {verdict} the 100 KB goal)")


if __name__ == "__main__":
    main()
