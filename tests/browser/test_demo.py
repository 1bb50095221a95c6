"""The moving demonstration on the technique page (issue 8, item 8): drawn in SVG, played and paused,
captions in step with the motion, stills and no motion for a visitor who prefers reduced motion, and light."""

from __future__ import annotations

import json
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

pytestmark = pytest.mark.browser

T = "/t/hands-free-hamstring/"
LIMIT = 30 * 1024


def frames(page: Page) -> list[dict[str, Any]]:
    return list(json.loads(page.locator("#demo-data").text_content() or "{}")["frames"])


MATRIX = """el => { const m = el.transform.baseVal.consolidate().matrix;
  return [m.a, m.b, m.c, m.d, m.e, m.f].map((v) => Math.round(v * 100) / 100 + 0); }"""


def giver(page: Page) -> list[float]:
    """Where the moving giver is drawn: the transform as a matrix (so 90° and -270° agree)."""
    return list(page.eval_on_selector("#demo-giver", MATRIX))


def still_giver(page: Page, n: int) -> list[float]:
    return list(page.eval_on_selector(f"#demo-stills li[data-frame='{n}'] g.giver", MATRIX))


def wait_settled(page: Page, n: int) -> None:
    page.wait_for_selector(f"#demo-player[data-frame='{n}'][data-settled='true']", state="attached")


def animation_frames(page: Page, count: int) -> None:
    """Let the page draw `count` more frames (a state to wait for, not a duration)."""
    page.evaluate(
        "n => new Promise((done) => { const next = () => (n-- > 0 ? requestAnimationFrame(next) : done()); next(); })",
        count,
    )


def test_the_demonstration_plays_and_pauses_with_each_caption_in_step_with_the_drawing(
    page: Page, site: str
) -> None:
    page.goto(f"{site}{T}")
    page.wait_for_selector("#demo[data-ready='true']", state="attached")
    player, caption = page.locator("#demo-player"), page.locator("#demo-caption")
    expect(player).to_be_visible()
    expect(page.locator("#demo-stills")).to_be_hidden()
    expect(caption).to_have_attribute("aria-live", "polite")
    shown = frames(page)
    expect(caption).to_have_text(shown[0]["caption"])
    expect(page.locator("#demo-step")).to_have_text(f"Step 1 of {len(shown)}")

    # What it shows, in order: face down, palpating, sitting sideways facing away, moving toward the knee,
    # stopping short of the red zone, the other leg, then the straddle.
    words = " | ".join(f["caption"] for f in shown)
    for said in (
        "face down",
        "feels along the back of the thigh for its centre",
        "facing away from the receiver",
        "lift your bottom",
        "toward the knee",
        "stops short of the red zone",
        "move to the right leg",
        "straddle the thigh",
        "never on the other leg",
    ):
        assert said in words, said
    assert [f["pose"] for f in shown].count("straddle") >= 2

    page.get_by_role("button", name="Play").click()
    expect(player).to_have_attribute("data-playing", "true")
    for n in (2, 3):
        wait_settled(page, n)
        expect(caption).to_have_text(shown[n - 1]["caption"])  # the words change with the picture
    assert giver(page) == still_giver(page, 3)  # sitting on the first spot, as the still of that step shows

    page.get_by_role("button", name="Pause").click()
    expect(player).to_have_attribute("data-playing", "false")
    expect(page.locator("#demo-play")).to_have_attribute("aria-pressed", "false")
    held = (player.get_attribute("data-frame"), giver(page))
    animation_frames(page, 20)
    assert (player.get_attribute("data-frame"), giver(page)) == held  # paused: nothing moves

    # Step by step while paused: each step is shown in place, at once, with its caption.
    page.get_by_role("button", name="Next").click()
    frame = int(held[0] or 0) + 1
    wait_settled(page, frame)
    expect(caption).to_have_text(shown[frame - 1]["caption"])
    if page.locator(f"#demo-stills li[data-frame='{frame}']").count():
        assert giver(page) == still_giver(page, frame)
    page.get_by_role("button", name="Back").click()
    wait_settled(page, frame - 1)
    expect(caption).to_have_text(shown[frame - 2]["caption"])


def test_with_reduced_motion_the_demonstration_is_a_sequence_of_stills_with_captions(
    browser: Browser, site: str
) -> None:
    context = browser.new_context(viewport={"width": 390, "height": 844}, reduced_motion="reduce")
    try:
        page = context.new_page()
        page.goto(f"{site}{T}")
        page.wait_for_selector("#demo[data-ready='true']", state="attached")
        expect(page.locator("#demo-player")).to_be_hidden()
        stills = page.locator("#demo-stills li")
        expect(page.locator("#demo-stills")).to_be_visible()
        shown = frames(page)
        kept = [f for f in shown if f.get("still", True)]
        expect(stills).to_have_count(len(kept))
        for n, f in enumerate(kept):
            item = stills.nth(n)
            expect(item.locator("svg.demo-still")).to_be_visible()
            expect(item.locator("figcaption")).to_contain_text(f["caption"])
        # Nothing moves: no animation anywhere in the demonstration.
        moving = page.evaluate(
            """document.getAnimations()
                .filter((a) => a.effect && document.getElementById("demo").contains(a.effect.target)).length"""
        )
        assert moving == 0
        assert page.locator("#demo").get_attribute("data-mode") == "stills"
    finally:
        context.close()


def test_the_demonstration_weighs_under_30_kb_as_transferred(browser: Browser, site: str) -> None:
    context = browser.new_context(viewport={"width": 390, "height": 844})
    try:
        page = context.new_page()
        cdp = context.new_cdp_session(page)
        cdp.send("Network.enable")
        cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})
        urls: dict[str, str] = {}
        sizes: dict[str, int] = {}
        cdp.on("Network.responseReceived", lambda e: urls.__setitem__(e["requestId"], e["response"]["url"]))
        cdp.on("Network.loadingFinished", lambda e: sizes.__setitem__(e["requestId"], int(e["encodedDataLength"])))
        html: dict[str, bytes] = {}
        page.on("response", lambda r: html.__setitem__("page", r.body()) if r.url.endswith(T) else None)
        page.goto(f"{site}{T}", wait_until="networkidle")
        page.wait_for_selector("#demo[data-ready='true']", state="attached")
        files = {
            urls[rid].rsplit("/", 1)[-1]: size
            for rid, size in sizes.items()
            if rid in urls and urls[rid].rsplit("/", 1)[-1] in {"demo.js", "demo-motion.js", "demo.css"}
        }
        assert set(files) == {"demo.js", "demo-motion.js", "demo.css"}
        body = html["page"]
        start = body.index(b'<section id="demo"')
        section = body.index(b"</section>", start) + len(b"</section>") - start
        total = section + sum(files.values())
        print(f"demonstration: {section:,} B of the page + {files} = {total:,} B transferred")
        assert total < LIMIT, (section, files)
    finally:
        context.close()
