"""The terminal player: runs the engine against the clock, reads keys, shows the live screen, speaks cues.

Time comes from deadlines: the loop sleeps (in ``select`` on the keyboard) until
the engine's next moment (``state.wake_in``: a segment's end, a timed cue such as
the check-in, the hold text) or a key, then ticks the engine with the clock's
``now``. It never counts ticks, so it does not drift, and a cue is late only by
the scheduler's wake-up delay (measured in ``bench/cue_lateness.py``).

Stop is immediate: the first ``q`` or Esc halts the engine (the clock freezes),
silences the voice at once and says "Stopped · lift off gently", then asks why.
Only ``c`` (Carry on) resumes; ``d``, ``o`` or ``x`` end the session as of the
first press; another ``q`` or Esc changes nothing.
"""

from __future__ import annotations

import math
import os
import select
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Protocol

from rich.console import Console, Group, RenderableType
from rich.panel import Panel
from rich.progress_bar import ProgressBar
from rich.table import Table
from rich.text import Text

from softspot import i18n
from softspot.cli.views import thigh_map
from softspot.core.engine import Cue, Engine, Outcome, State
from softspot.core.script import SessionScript
from softspot.core.units import format_seconds
from softspot.i18n import N_, _

# Keys: space/enter/→/PageDown = softened, move on; p pause; e longer; s other leg; q/Esc stop (at once);
# after a stop: d/o/x why, c carry on.
NEXT_KEYS = {" ", "\r", "\n", "right", "pagedown", "n"}
STOP_KEYS = {"q", "escape"}
CARRY_ON_KEY = "c"
STOP_WHY = {"d": "discomfort", "o": "out_of_time", "x": "other"}
KEY_HELP = N_("space/enter softened, move on · p pause · e a little longer · s other leg · q or Esc STOP")
WHY_PROMPT = N_("Why did you stop?  d discomfort · o out of time · x other        c carry on")
_ESCAPES = {"\x1b[C": "right", "\x1b[6~": "pagedown", "\x1bOC": "right"}

Clock = Callable[[], float]


class Voice(Protocol):
    def say(self, text: str | Sequence[str], *, chime: bool = True) -> None: ...

    def hush(self) -> None: ...

    def close(self, *, drain: bool = True, timeout: float = 15.0) -> None: ...


class Silent:
    """A voice that says nothing (``--no-voice`` with no chimes, and tests)."""

    def say(self, text: str | Sequence[str], *, chime: bool = True) -> None:
        return None

    def hush(self) -> None:
        return None

    def close(self, *, drain: bool = True, timeout: float = 15.0) -> None:
        return None


def scaled_clock(speed: float, base: Clock = time.monotonic) -> Clock:
    """Session seconds: real seconds times ``speed`` (``--speed`` compresses time for demos and tests)."""
    start = base()
    return lambda: (base() - start) * speed


class Keys:
    """Single key presses from a terminal in cbreak mode; ``read`` waits at most ``timeout`` seconds.

    Keys that arrive together (a fast pedal, a presenter's double press) are all kept, in order.
    """

    def __init__(self, fd: int | None) -> None:
        self.fd = fd
        self.pending: list[str] = []

    def read(self, timeout: float) -> str | None:
        if self.pending:
            return self.pending.pop(0)
        if self.fd is None:
            time.sleep(max(0.0, timeout))
            return None
        ready, _w, _x = select.select([self.fd], [], [], max(0.0, timeout))
        if not ready:
            return None
        data = os.read(self.fd, 64).decode("utf-8", "replace")
        if not data:  # end of input: no more keys
            self.fd = None
            return None
        self.pending.extend(split_keys(data))
        return self.pending.pop(0) if self.pending else None


def split_keys(data: str) -> list[str]:
    """``"ps\x1b[C"`` -> ``["p", "s", "right"]``: escape sequences become names, letters lower case."""
    keys: list[str] = []
    i = 0
    while i < len(data):
        sequence = next((seq for seq in _ESCAPES if data.startswith(seq, i)), None)
        if sequence is not None:
            keys.append(_ESCAPES[sequence])
            i += len(sequence)
        elif data[i] == "\x1b":
            keys.append("escape")
            i += 1
            # An unknown sequence (another arrow, a function key): skip the rest of it.
            if data.startswith("[", i) or data.startswith("O", i):
                i += 1
                while i < len(data) and not data[i].isalpha() and data[i] != "~":
                    i += 1
                i += 1
                keys[-1] = "other"
        else:
            keys.append(data[i] if data[i] in "\r\n " else data[i].lower())
            i += 1
    return keys


@contextmanager
def keyboard(enabled: bool) -> Iterator[Keys]:
    """Put the terminal in cbreak mode (keys arrive at once, not echoed) and restore it after."""
    if not enabled or not sys.stdin.isatty():
        yield Keys(None)
        return
    import termios
    import tty

    fd = sys.stdin.fileno()
    saved = termios.tcgetattr(fd)
    try:
        tty.setcbreak(fd)
        yield Keys(fd)
    finally:
        termios.tcsetattr(fd, termios.TCSADRAIN, saved)


_DIGITS = {
    "0": ("███", "█ █", "█ █", "█ █", "███"),
    "1": (" █ ", "██ ", " █ ", " █ ", "███"),
    "2": ("███", "  █", "███", "█  ", "███"),
    "3": ("███", "  █", "███", "  █", "███"),
    "4": ("█ █", "█ █", "███", "  █", "  █"),
    "5": ("███", "█  ", "███", "  █", "███"),
    "6": ("███", "█  ", "███", "█ █", "███"),
    "7": ("███", "  █", "  █", "  █", "  █"),
    "8": ("███", "█ █", "███", "█ █", "███"),
    "9": ("███", "█ █", "███", "  █", "███"),
    ":": ("   ", " ▀ ", "   ", " ▀ ", "   "),
}


def big(text: str) -> Text:
    """Digits five rows high, readable from across a room."""
    rows = [" ".join(_DIGITS[ch][row] for ch in text if ch in _DIGITS) for row in range(5)]
    return Text("\n".join(rows), style="bold")


@dataclass
class Lateness:
    """How late each cue was played, in real seconds after its moment."""

    samples: list[float] = field(default_factory=list)

    def add(self, cue: Cue, now: float, speed: float) -> None:
        self.samples.append(max(0.0, now - cue.at) / speed)


class LiveSession:
    """Plays one script: ``run()`` returns the engine when the session is finished or stopped."""

    def __init__(
        self,
        script: SessionScript,
        *,
        console: Console,
        voice: Voice,
        speed: float = 1.0,
        clock: Clock | None = None,
        interactive: bool = True,
        on_cue: Callable[[Cue], None] | None = None,
    ) -> None:
        self.script = script
        self.engine = Engine(script)
        self.console = console
        self.voice = voice
        self.speed = speed
        self.clock = clock or scaled_clock(speed)
        self.interactive = interactive
        self.lateness = Lateness()
        self.on_cue = on_cue
        self.notice = ""

    @property
    def asking_why(self) -> bool:
        """Stop was pressed: the clock is frozen and the screen asks why (or Carry on)."""
        return self.engine.halted

    # -- events --------------------------------------------------------------

    def start(self, now: float) -> None:
        """Begin the session at ``now`` (the clock's)."""
        self._play(self.engine.start(now), now)

    def tick(self, now: float) -> None:
        """Catch up with the clock: play whatever became due."""
        self._play(self.engine.tick(now), now)

    def _play(self, outcome: Outcome, now: float) -> None:
        # Cues of one moment (a spot, its add-on, the check-in) are said as one utterance, so none is dropped.
        said: list[Cue] = []
        for cue in outcome.cues:
            self.lateness.add(cue, now, self.speed)
            if said and cue.at != said[0].at:
                self._say(said)
                said = []
            said.append(cue)
            if self.on_cue is not None:
                self.on_cue(cue)
            if not self.interactive:
                self.console.print(f"[dim]{format_seconds(cue.at)}[/] {cue.show}", highlight=False)
        if said:
            self._say(said)
        if not outcome.accepted and outcome.reason:
            self.notice = outcome.reason[0].upper() + outcome.reason[1:] + "."

    def _say(self, cues: list[Cue]) -> None:
        self.voice.say([c.say for c in cues], chime=cues[0].chime)

    def handle(self, key: str, now: float) -> None:
        """One key press."""
        engine = self.engine
        if engine.halted:
            if key in STOP_WHY:
                self.notice = ""
                self._play(engine.stop(now, STOP_WHY[key]), now)
            elif key == CARRY_ON_KEY:
                self.notice = _("Carrying on.")
                self._play(engine.resume(now), now)
            else:
                self.notice = _("Still stopped: press c to carry on, or d, o or x to say why.")
            return
        self.notice = ""
        if key in NEXT_KEYS:
            self._play(engine.softened(now), now)
            if engine.state(now).confirm_left is not None:
                self.notice = ""  # the screen asks for the second press itself, while it counts
        elif key == "p":
            self._play(engine.resume(now) if engine.paused else engine.pause(now), now)
        elif key == "e":
            self._play(engine.extend(now), now)
        elif key == "s":
            self._play(engine.skip(now), now)
        elif key in STOP_KEYS:
            self.stop_now(now)

    def stop_now(self, now: float) -> None:
        """Stop at once: freeze the clock, cut the voice off, say "Stopped · lift off gently", then ask why."""
        outcome = self.engine.halt(now)
        if not outcome.accepted:
            self._play(outcome, now)
            return
        self.voice.hush()
        stopped = [c for c in outcome.cues if c.kind == "stopped"]
        for cue in outcome.cues:
            self.lateness.add(cue, now, self.speed)
            if self.on_cue is not None:
                self.on_cue(cue)
        self._say(stopped)

    # -- the loop ------------------------------------------------------------

    def run(self) -> Engine:
        engine = self.engine
        self.start(self.clock())
        with keyboard(self.interactive) as keys, self._display() as show:
            while not engine.finished:
                now = self.clock()
                self.tick(now)
                if engine.finished:
                    break
                state = engine.state(now)
                show(self.screen(state))
                # Wake when the engine next does something; with a screen, also every quarter second.
                wait = 0.25 if state.wake_in is None else state.wake_in / self.speed
                key = keys.read(min(wait, 0.25) if self.interactive else wait)
                if key is not None:
                    now = self.clock()
                    self.tick(now)
                    if not engine.finished:
                        self.handle(key, now)
            last = engine.cues[-1] if engine.cues else None
            final = Text(last.show.upper() if last else "", style="bold white on blue", justify="center")
            show(Panel(final, title=self.script.technique.title, border_style="blue", padding=(1, 2)))
        return engine

    @contextmanager
    def _display(self) -> Iterator[Callable[[RenderableType], None]]:
        """The live screen on a terminal; unattended, cues are printed as lines (see ``_play``) instead."""
        if not self.interactive:
            yield lambda _: None
            return
        from rich.live import Live

        with Live(console=self.console, auto_refresh=False, screen=False) as live:
            yield lambda renderable: live.update(renderable, refresh=True)

    # -- the screen ----------------------------------------------------------

    def screen(self, state: State) -> RenderableType:
        script = self.script
        unit = script.person.unit
        where = ""
        if state.leg:
            name = next((leg.name for leg in script.legs if leg.leg == state.leg), state.leg)
            where = _("%(leg)s LEG") % {"leg": name.upper()}
            if state.spot is not None:
                where += " · " + _("spot %(spot)d of %(spots)d") % {"spot": state.spot, "spots": state.spot_count}
                if state.from_knee_cm is not None:
                    where += " · " + _("%(distance)s from the %(joint)s") % {
                        "distance": i18n.format_distance(state.from_knee_cm, unit),
                        "joint": script.joint,
                    }
        now_text = Text(state.show.upper() if state.show else "", style="bold white on blue", justify="center")
        header = Panel(now_text, title=where or script.technique.title, border_style="blue", padding=(1, 2))
        clock = big(format_seconds(state.remaining))
        if state.halted:
            clock = Text(_("STOPPED"), style="bold white on red")
            header = Panel(now_text, title=where or script.technique.title, border_style="red", padding=(1, 2))
        elif state.paused:
            clock = Text(_("PAUSED"), style="bold black on yellow")
        bars = Table.grid(padding=(0, 1))
        bars.add_column(justify="right", style="dim")
        bars.add_column(ratio=1)
        bars.add_column(style="dim")
        if state.leg:
            bars.add_row(
                _("leg"),
                ProgressBar(total=max(state.leg_budget, 1), completed=state.leg_seconds),
                f"{format_seconds(state.leg_seconds)} / {format_seconds(state.leg_budget)}",
            )
        bars.add_row(
            _("session"),
            ProgressBar(total=max(state.expected_total, 1), completed=state.elapsed),
            f"{format_seconds(state.elapsed)} / ~{format_seconds(state.expected_total)}",
        )
        parts: list[RenderableType] = [header, clock, Text("")]
        if state.leg:
            parts.append(thigh_map(script, current=state.spot))
        parts.append(bars)
        if state.next is not None:
            parts.append(Text(_("Next:") + f" {state.next.show}", style="cyan"))
        if state.halted:
            parts.append(Text(_(WHY_PROMPT), style="bold black on yellow"))
        if state.confirm_left is not None:
            left = max(1, math.ceil(state.confirm_left))
            parts.append(
                Text(
                    _("Softened already? Press space again within %(seconds)d s to confirm.") % {"seconds": left},
                    style="bold black on yellow",
                )
            )
        elif self.notice:
            parts.append(Text(self.notice, style="yellow"))
        parts.append(Text(_(KEY_HELP), style="dim"))
        if script.cues.pain_rule is not None:
            parts.append(Text(_("Pain rule:") + f" {script.cues.pain_rule.show}", style="bold"))
        return Group(*parts)
