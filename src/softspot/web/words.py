"""The player's and the demonstration's own words (static/softspot/*.js), in the django catalog like the pages'.

The modules say English sentences through ``t()`` (static/softspot/words.js); the player page's JSON island
carries, for the page's one language, each sentence's translation, so a phone loads only its own
language. ``scripts/web_i18n.py extract`` finds these sentences here (``gettext_noop``); a test checks that
every ``t("…")`` in the modules is listed, so a new sentence cannot be left out of the catalog.
"""

from __future__ import annotations

from django.utils.translation import gettext, gettext_noop

PLAYER_WORDS = (
    # display.js
    gettext_noop("{seconds} s left"),
    gettext_noop("The phone's own voice will speak the steps."),
    gettext_noop("No voice: follow the screen."),
    gettext_noop("Getting the voice ready: {done} of {total}"),
    gettext_noop("Voice ready: all {total} clips are on this phone."),
    gettext_noop("The voice clips could not be fetched: the phone's own voice speaks the steps instead."),
    gettext_noop(
        "The voice clips could not be fetched and this browser has no voice of its own: the steps are only on screen."
    ),
    gettext_noop(
        "{failed} of {total} voice clips could not be fetched: the phone's own voice speaks those steps instead."
    ),
    gettext_noop(
        "{failed} of {total} voice clips could not be fetched and this browser has no voice of its own: "
        "those steps are only on screen."
    ),
    gettext_noop("Screen: kept on (wake lock)."),
    gettext_noop("Screen: will be kept on (wake lock)."),
    gettext_noop("Screen: kept on by a silent video."),
    gettext_noop("Screen: will be kept on by a silent video."),
    gettext_noop("Screen: will be kept on by a silent video (no wake lock on a plain http address)."),
    gettext_noop("Screen: cannot be kept on here; touch it now and then, or set a longer screen timeout."),
    gettext_noop("Works offline: yes."),
    gettext_noop("Works offline: not yet, keeping a copy…"),
    gettext_noop("Works offline: no, this address is not secure (plain http), so the browser keeps no offline copy."),
    gettext_noop("Works offline: no, {why}."),
    gettext_noop("the browser keeps no offline copy"),
    gettext_noop("Record: kept on this phone until it is sent."),
    gettext_noop("Record: this browser cannot keep it; it is sent when you save."),
    gettext_noop("Stopped early, without ratings after."),
    gettext_noop("Tension before → after: left {bl} → {al}, right {br} → {ar}, lower back {bb} → {ab}."),
    # keepalive.js
    gettext_noop(
        "This browser cannot keep the screen on. Timing and voice carry on with the screen off; "
        "turn on the soft background sound so they are not slowed down."
    ),
    gettext_noop(
        "The screen may turn off: the browser refused to keep it on (battery saver?). "
        "Timing and voice carry on; the soft background sound helps."
    ),
    # record.js
    gettext_noop("left hamstring"),
    gettext_noop("right hamstring"),
    gettext_noop("lower back"),
    # refused.js
    gettext_noop("The server refused this record: this phone is not signed in, or its sign-in has expired."),
    gettext_noop("It stays on this phone. Sign in again (with a new link from the computer), then press Try again."),
    gettext_noop("The server refused this record: its key is already used by a record of another account."),
    gettext_noop("It stays on this phone. Save a copy, and give it to whoever runs softspot for you."),
    gettext_noop("The server refused this record (HTTP {status}): sending it again would not change the answer."),
    gettext_noop(
        "It stays on this phone and is not sent again by itself. Save a copy: on the computer, "
        "`softspot import FILE` stores it and says what is wrong. Try again once softspot has been updated."
    ),
    gettext_noop("Save a copy"),
    gettext_noop("Try again"),
    # player.js
    gettext_noop("The ratings after"),
    gettext_noop("Paused, as you left it."),
    gettext_noop("Paused while the page reloaded."),
    gettext_noop("Where you were: {where}."),
    gettext_noop("the end"),
    gettext_noop("Tap to carry on"),
    gettext_noop("Resume"),
    gettext_noop("Pause"),
    gettext_noop("Saved"),
    gettext_noop("Saved. It is in your history."),
    gettext_noop("Saved on this device. It will be sent when the network is back."),
    gettext_noop("Choose a number from 0 to 10 for: {parts}."),
    gettext_noop("Saved on this device. Sending…"),
    gettext_noop("Kept on this phone, but the server refused it: see below."),
    gettext_noop("Sent. It is in your history."),
    gettext_noop(
        "The server refused a record kept on this phone; open this page again with the network on to see why."
    ),
    gettext_noop("this browser keeps no offline copy"),
    gettext_noop("the offline copy could not be made"),
    # demo.js (the technique page's demonstration)
    gettext_noop("softspot adds:"),
    gettext_noop("Step {n} of {total}"),
    gettext_noop("Play again"),
    gettext_noop("Play"),
)


def player_words() -> dict[str, str]:
    """The player's sentences in the active language: only those that differ (nothing at all in English)."""
    words = {}
    for text in PLAYER_WORDS:
        said = gettext(text)
        if said != text:
            words[text] = said
    return words
