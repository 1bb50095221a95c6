"""Seeded fuzzing of technique files, with a watchdog that would notice a hang.

Each case is the built-in technique mutated by one to four mutations (byte flips, truncation,
duplication, deep nesting, aliases, huge numbers, control characters, unicode, key typos, type
swaps, value extremes, YAML syntax, random structure...). Case ``i`` of seed ``s`` is always the
same file, so any failure is reproduced by its seed and index:

    .venv/bin/python bench/fuzz_techniques.py --seed S --case I --write case.yaml

Cases run in worker processes (in-process within each, one after another). A worker reports
every case as it finishes; a case that takes more than ``cpu_limit`` seconds of CPU is a hang,
and a worker that reports nothing for ``wall_limit`` seconds (blocked, or stuck inside C code)
is killed, its case reported as a hang, and a new worker carries on with the next case.
"""

from __future__ import annotations

import copy
import multiprocessing
import multiprocessing.connection
import os
import random
import re
import resource
import tempfile
import time
import traceback
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

import yaml
from tests.helpers import ENGLISH_SOURCE
from tests.plan_checks import rules_broken

from softspot.core.loader import TechniqueError, load_technique
from softspot.core.planner import PlanError, PlanOptions, StopError, plan, room
from softspot.core.units import Length

BUILT_IN = ENGLISH_SOURCE  # the file's text as plain English strings, as edited below
BASE_DATA: dict[str, Any] = yaml.safe_load(BUILT_IN)
ONE_LINE = re.compile(r"[^\n]+:\d+:\d+: [^\x00-\x1f\x7f-\x9f\u2028\u2029]+")
EXTRA_MEMORY = 2**30  # a worker gets a MemoryError (a crash) rather than exhaust the machine

# -- making cases ----------------------------------------------------------------------------------

Mutation = Callable[[random.Random, bytes], bytes]


def _lines(data: bytes) -> list[bytes]:
    return data.split(b"\n")


def byte_flips(rng: random.Random, data: bytes) -> bytes:
    buffer = bytearray(data or b" ")
    for _ in range(rng.randint(1, 8)):
        buffer[rng.randrange(len(buffer))] ^= 1 << rng.randrange(8)
    return bytes(buffer)


def random_bytes(rng: random.Random, data: bytes) -> bytes:
    at = rng.randrange(len(data) + 1)
    noise = bytes(rng.randrange(256) for _ in range(rng.randint(1, 16)))
    return data[:at] + noise + data[at:]


def truncation(rng: random.Random, data: bytes) -> bytes:
    return data[: rng.randrange(len(data) + 1)]


def duplication(rng: random.Random, data: bytes) -> bytes:
    if rng.random() < 0.1:
        return data * rng.randint(2, 40)  # sometimes past the size limit
    lines = _lines(data)
    start = rng.randrange(len(lines))
    chunk = lines[start : start + rng.randint(1, 30)]
    at = rng.randrange(len(lines) + 1)
    return b"\n".join(lines[:at] + chunk * rng.randint(1, 50) + lines[at:])


def line_shuffle(rng: random.Random, data: bytes) -> bytes:
    lines = _lines(data)
    for _ in range(rng.randint(1, 5)):
        i, j = rng.randrange(len(lines)), rng.randrange(len(lines))
        lines[i], lines[j] = lines[j], lines[i]
    if rng.random() < 0.5:
        start = rng.randrange(len(lines))
        del lines[start : start + rng.randint(1, 10)]
    return b"\n".join(lines)


def _insert_line(rng: random.Random, data: bytes, line: bytes) -> bytes:
    lines = _lines(data)
    lines.insert(rng.randrange(len(lines) + 1), line)
    return b"\n".join(lines)


def _replace_value(rng: random.Random, data: bytes, value: bytes) -> bytes:
    """Put ``value`` after the colon of a random ``key: value`` line."""
    lines = _lines(data)
    candidates = [i for i, line in enumerate(lines) if b": " in line and not line.lstrip().startswith(b"#")]
    if not candidates:
        return _insert_line(rng, data, b"key: " + value)
    i = rng.choice(candidates)
    key = lines[i].split(b": ", 1)[0]
    lines[i] = key + b": " + value
    return b"\n".join(lines)


def deep_nesting(rng: random.Random, data: bytes) -> bytes:
    depth = rng.choice([15, 21, 50, 490, 1000, 5000])
    kind = rng.randrange(3)
    if kind == 0:
        value = b"[" * depth + b"]" * depth
    elif kind == 1:
        value = b"{a: " * depth + b"1" + b"}" * depth
    else:
        return _insert_line(rng, data, b"".join(b" " * i + b"k:\n" for i in range(min(depth, 300))) + b" " * 300 + b"x")
    return _replace_value(rng, data, value)


def aliases(rng: random.Random, data: bytes) -> bytes:
    kind = rng.randrange(4)
    if kind == 0:
        return _insert_line(rng, data, b"a: &a [*a]")
    if kind == 1:
        bomb = [b"l0: &l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
        bomb += [f"l{i}: &l{i} [{', '.join([f'*l{i - 1}'] * 9)}]".encode() for i in range(1, rng.randint(2, 12))]
        return data + b"\n" + b"\n".join(bomb) + b"\n"
    if kind == 2:
        return _replace_value(rng, data, b"&anchor " + rng.choice([b"2 min", b"{x: 1}", b"[1, 2]"]))
    return _replace_value(rng, data, b"*nowhere")


def huge_numbers(rng: random.Random, data: bytes) -> bytes:
    digits = rng.choice([20, 31, 400, 4301, 5000, 20000])
    value = rng.choice(
        [
            b"9" * digits,
            b"9" * digits + b" cm",
            b"0." + b"0" * digits + b"1 mm",
            b"1" + b"0" * digits + b".5",
            b"0x" + b"f" * digits,
            b"1:" + b":".join([b"59"] * (digits // 3 + 1)),
            b"1e308",
            b"1.0e+308",
            b"-1.0e+308 s",
            b".inf",
            b"-.inf",
            b".nan",
        ]
    )
    return _replace_value(rng, data, value)


_CONTROLS = [chr(c) for c in [*range(9), 11, 12, *range(14, 32), 127, 0x85, 0x9B]] + ["\u2028", "\u2029", "\ufeff"]


def control_chars(rng: random.Random, data: bytes) -> bytes:
    at = rng.randrange(len(data) + 1)
    if rng.random() < 0.3:
        escape = rng.choice([b'"\\a"', b'"\\x07"', b'"\\u2028"', b'"\\0"', b'"\\e[31m"', b'"\\ud800"', b'"\\N"'])
        return _replace_value(rng, data, escape)
    return data[:at] + rng.choice(_CONTROLS).encode("utf-8") + data[at:]


_UNICODE = [
    "é",
    "ß",
    "２ min",
    "٣ s",
    "😀",
    "\u202e",
    "\u200b",
    "e\u0301",
    "𝟙 in",
    "ｉｄ",
    "\U0010fffd",
    "\ufffd",
    "İ",
]


def unicode(rng: random.Random, data: bytes) -> bytes:
    if rng.random() < 0.3:
        return data + b"\n" + rng.choice([b"\xed\xa0\x80", b"\xc0\xaf", b"\xff\xfe", b"\xe2\x82"]) + b"\n"
    text = data.decode("utf-8", errors="surrogateescape")
    at = rng.randrange(len(text) + 1)
    return (text[:at] + rng.choice(_UNICODE) + text[at:]).encode("utf-8", errors="surrogateescape")


def key_typos(rng: random.Random, data: bytes) -> bytes:
    lines = _lines(data)
    keyed = [i for i, line in enumerate(lines) if re.match(rb"^\s*-?\s*[a-z_]+:", line)]
    for i in rng.sample(keyed, k=min(len(keyed), rng.randint(1, 3))):
        line = lines[i]
        match = re.match(rb"^(\s*-?\s*)([a-z_]+)(:.*)$", line)
        if not match:
            continue
        key = bytearray(match.group(2))
        kind = rng.randrange(4)
        if kind == 0 and len(key) > 1:
            j = rng.randrange(len(key) - 1)
            key[j], key[j + 1] = key[j + 1], key[j]
        elif kind == 1:
            del key[rng.randrange(len(key))]
        elif kind == 2:
            key = bytearray(key.upper())
        else:
            key.insert(rng.randrange(len(key) + 1), rng.choice(b"aeiou_"))
        lines[i] = match.group(1) + bytes(key) + match.group(3)
    return b"\n".join(lines)


def yaml_syntax(rng: random.Random, data: bytes) -> bytes:
    token = rng.choice(
        [b"? [a, b]\n: 1", b"!!binary aGk=", b"!custom x", b"!!python/name:os.system", b"---", b"...", b"%YAML 1.1",
         b"|", b">-", b"\t", b"'", b'"', b"{", b"[", b"&", b"*", b"<<: {a: 1}", b"- - -", b"? ", b": :", b"!!set {a}",
         b"!!omap [a: 1]", b"!!timestamp x", b"2001-02-30", b"!!int 1.5", b"!!bool maybe", b"!!float abc", b"~"]
    )  # fmt: skip
    if rng.random() < 0.5:
        return _replace_value(rng, data, token)
    at = rng.randrange(len(data) + 1)
    return data[:at] + token + data[at:]


def many_keys(rng: random.Random, data: bytes) -> bytes:
    count = rng.choice([60, 500, 5000, 20000])
    style = rng.randrange(3)
    if style == 0:
        return data + b"".join(b"unknown_%d: %d\n" % (i, i) for i in range(count))
    if style == 1:
        return data + b"flow: {" + b", ".join(b"k%d" % i for i in range(count)) + b"}\n"
    return data + b"questions:\n" + b"".join(b"  - {x: %d}\n" % i for i in range(count))


# Data-level mutations: change the built-in technique's data, then write it out as YAML.


def _paths(data: Any, here: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [here]
    if isinstance(data, dict):
        for key, value in data.items():
            found.extend(_paths(value, (*here, key)))
    elif isinstance(data, list):
        for i, value in enumerate(data):
            found.extend(_paths(value, (*here, i)))
    return found


_BASE_PATHS = [p for p in _paths(BASE_DATA) if p]
_EXTREMES = [
    "0 s", "0 in", "-1 in", "1e-9 cm", "0.0001 mm", "100000 min", "3600 s", "10 in", "1 in", "0.5 in", "6 in",
    "2 in", "5 in", "30 cm", "15 cm", "9 s", "10 s", "5 min", "301 s", "20 min", "21 min", "59 s", "61 s",
    "1 m", "2 m", "99 cm", "101 cm", "10 cm", 0, -1, 1, 2**70, 1e308, float("inf"), float("nan"), True, None, "",
    "{side:d}", "{side!r}", "{side.x}", "{side[0]}", "{:>99999999}", "{time:>999999999}", "{", "{nope}",
    "stop", "adapt", "ask_first", "heart condition", "Is the receiver pregnant?",
]  # fmt: skip


def _random_value(rng: random.Random, depth: int = 0) -> Any:
    kind = rng.randrange(9 if depth < 3 else 6)
    if kind == 0:
        return rng.choice(_EXTREMES)
    if kind == 1:
        return rng.randint(-(10**6), 10**6)
    if kind == 2:
        return rng.random() * 10 ** rng.randint(-5, 8)
    if kind == 3:
        return "".join(rng.choice("abc xyz{}:-_#&*!|>'\"") for _ in range(rng.randint(0, 20)))
    if kind == 4:
        return rng.choice([True, False, None])
    if kind == 5:
        return f"{rng.uniform(0, 200):.2f} {rng.choice(['s', 'min', 'cm', 'mm', 'in', 'm', 'h', ''])}"
    if kind in (6, 7):
        return [_random_value(rng, depth + 1) for _ in range(rng.randint(0, 4))]
    return {rng.choice(["id", "x", "max", "show", "say", "action"]): _random_value(rng, depth + 1) for _ in range(3)}


def _set(data: Any, path: tuple[Any, ...], value: Any) -> None:
    target = data
    for part in path[:-1]:
        target = target[part]
    target[path[-1]] = value


def data_change(rng: random.Random, _: bytes) -> bytes:
    """The built-in technique with a few values changed: extremes, type swaps, random structure."""
    data = copy.deepcopy(BASE_DATA)
    for _ in range(rng.randint(1, 4)):
        path = rng.choice(_BASE_PATHS)
        try:
            kind = rng.randrange(3)
            if kind == 0:
                _set(data, path, rng.choice(_EXTREMES))
            elif kind == 1:
                _set(data, path, _random_value(rng))
            else:  # a type swap: the value wrapped, or emptied
                old: Any = data
                for part in path:
                    old = old[part]
                _set(data, path, rng.choice([[old], {"value": old}, str(old), None, []]))
        except (KeyError, IndexError, TypeError):
            continue
    try:
        text = yaml.dump(data, Dumper=yaml.CSafeDumper, sort_keys=False, allow_unicode=True, width=2000)
    except (yaml.YAMLError, ValueError):
        return BUILT_IN.encode()
    return text.encode("utf-8", errors="surrogateescape")


MUTATIONS: dict[str, Mutation] = {
    "byte flips": byte_flips,
    "random bytes": random_bytes,
    "truncation": truncation,
    "duplication": duplication,
    "line shuffle": line_shuffle,
    "deep nesting": deep_nesting,
    "aliases": aliases,
    "huge numbers": huge_numbers,
    "control characters": control_chars,
    "unicode": unicode,
    "key typos": key_typos,
    "YAML syntax": yaml_syntax,
    "many keys": many_keys,
    "value changes": data_change,
}
_TEXT_MUTATIONS = [name for name in MUTATIONS if name != "value changes"]


def make_case(seed: int, index: int) -> tuple[bytes, list[str]]:
    """Case ``index`` of ``seed``: the file's bytes and the names of the mutations that made it."""
    rng = random.Random(f"softspot-fuzz:{seed}:{index}")
    names = ["value changes"] if rng.random() < 0.35 else []
    names += [rng.choice(_TEXT_MUTATIONS) for _ in range(rng.randint(0 if names else 1, 3))]
    data = BUILT_IN.encode()
    for name in names:
        data = MUTATIONS[name](rng, data)
    return data, names


# -- running cases ---------------------------------------------------------------------------------


@dataclass
class Outcome:
    """What one case did: ``passed`` or ``refused`` are fine; anything else is a failure."""

    index: int
    kind: str  # passed | refused | crash | hang | bad-message | unsafe-plan
    cpu_seconds: float = 0.0
    detail: str = ""
    wall_seconds: float = 0.0


def check_case(index: int, data: bytes, path: Path) -> tuple[str, str]:
    """Check one file as ``softspot technique check`` does, then plan it for a few people if it passes."""
    path.write_bytes(data)
    try:
        technique = load_technique(path)
    except TechniqueError as error:
        lines = [str(p) for p in error.problems]
        bad = [line for line in lines if not ONE_LINE.fullmatch(line) or not line.startswith(f"{path}:")]
        if bad or not lines or len(lines) > 51:
            return "bad-message", repr(bad[:2] or lines[:2] or "no problem listed")
        return "refused", ""
    seg, dose = technique.segment, technique.dose
    answers = {q.id: False for q in technique.questions}
    people = [
        PlanOptions(answers=answers),
        # The shortest thigh asks for the most it can fill: the technique's maximum, or less when its safe
        # spots cannot hold that long (a longer dose is refused, naming the option: tests/test_thigh_room.py).
        PlanOptions(
            thigh=Length(seg.min_length),
            minutes_per_leg=min(dose.maximum, room(technique, seg.min_length).seconds) / 60,
            answers=answers,
        ),
        PlanOptions(thigh=Length(seg.max_length, "in"), minutes_per_leg=dose.beginner_min / 60, answers=answers),
    ]
    for person in people:
        try:
            script = plan(technique, person)
        except (PlanError, StopError) as exc:
            return "unsafe-plan", f"a technique that passed check was not planned: {exc}"
        broken = rules_broken(technique, script)
        if broken:
            return "unsafe-plan", "; ".join(broken[:3])
    return "passed", ""


Target = Callable[[int, bytes, Path], tuple[str, str]]


def _memory_limit() -> int:
    """What the worker may use: what it has now (it is a fork of its parent) and 1 GB more."""
    with open("/proc/self/statm") as statm:
        pages = int(statm.read().split()[0])
    return pages * os.sysconf("SC_PAGE_SIZE") + EXTRA_MEMORY


def _worker(conn: Connection, seed: int, indices: list[int], target: Target, cpu_limit: float, folder: str) -> None:
    if os.path.exists("/proc/self/statm"):
        limit = _memory_limit()
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    baseline = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    path = Path(folder) / f"technique-{os.getpid()}.yaml"
    for index in indices:
        data, _ = make_case(seed, index)
        started, wall = time.process_time(), time.perf_counter()
        try:
            kind, detail = target(index, data, path)
        except BaseException as exc:  # a crash is what the fuzzer looks for: report it, never die of it
            kind, detail = "crash", "".join(traceback.format_exception_only(exc)).strip()[-500:]
            detail += " | " + " < ".join(
                f"{Path(f.filename).name}:{f.lineno}" for f in traceback.extract_tb(exc.__traceback__)[-4:]
            )
        cpu, wall = time.process_time() - started, time.perf_counter() - wall
        if cpu > cpu_limit and kind != "crash":
            kind, detail = "hang", f"{cpu:.1f} s of CPU (limit {cpu_limit:g} s)"
        conn.send(Outcome(index, kind, cpu, detail, wall))
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    conn.send(("done", baseline, peak))
    conn.close()


@dataclass
class Report:
    seed: int
    outcomes: list[Outcome] = field(default_factory=list)
    wall_seconds: float = 0.0
    baseline_rss_bytes: int = 0
    """A worker's resident memory before its first case (a fork of the process that runs the fuzzer)."""
    peak_rss_bytes: int = 0
    """The most resident memory any worker had, its baseline included."""

    def count(self, kind: str) -> int:
        return sum(1 for o in self.outcomes if o.kind == kind)

    @property
    def failures(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.kind not in ("passed", "refused")]

    def describe(self, outcome: Outcome) -> str:
        _, names = make_case(self.seed, outcome.index)
        return (
            f"seed {self.seed} case {outcome.index} ({', '.join(names)}): {outcome.kind}: {outcome.detail} "
            f"[reproduce: .venv/bin/python bench/fuzz_techniques.py --seed {self.seed} --case {outcome.index}]"
        )


@dataclass
class _Worker:
    process: Any
    conn: Connection
    share: list[int]
    done: int = 0
    last_heard: float = field(default_factory=time.monotonic)


def run(
    seed: int,
    indices: Iterable[int],
    *,
    workers: int = 2,
    target: Target = check_case,
    cpu_limit: float = 2.0,
    wall_limit: float = 20.0,
) -> Report:
    """Run the cases in ``workers`` processes; every case gets an outcome, hangs and crashes included."""
    todo = list(indices)
    report = Report(seed)
    started = time.perf_counter()
    context = multiprocessing.get_context("fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn")
    running: list[_Worker] = []
    # Each case is written to a file, so memory-backed /dev/shm is used when there is one.
    folder = tempfile.TemporaryDirectory(prefix="softspot-fuzz-", dir="/dev/shm" if os.path.isdir("/dev/shm") else None)

    def start(share: list[int]) -> None:
        if share:
            parent, child = context.Pipe(duplex=False)
            args = (child, seed, share, target, cpu_limit, folder.name)
            process = context.Process(target=_worker, args=args, daemon=True)
            process.start()
            child.close()
            running.append(_Worker(process, parent, share))

    def give_up(worker: _Worker, outcome: Outcome) -> None:
        """The case a worker is on hung or killed it: record it, and go on with a new worker after it."""
        report.outcomes.append(outcome)
        worker.process.kill()
        worker.process.join()
        worker.conn.close()
        running.remove(worker)
        start(worker.share[worker.done + 1 :])

    for i in range(workers):
        start(todo[i::workers])
    while running:
        ready = multiprocessing.connection.wait([w.conn for w in running], timeout=min(1.0, wall_limit))
        now = time.monotonic()
        for worker in list(running):
            if worker.conn not in ready:
                if now - worker.last_heard > wall_limit:
                    at = worker.share[worker.done]
                    give_up(worker, Outcome(at, "hang", wall_limit, f"no answer for {wall_limit:g} s"))
                continue
            try:
                message = worker.conn.recv()
            except EOFError:  # the worker died (killed by the system, or out of memory outside Python)
                if worker.done < len(worker.share):
                    at = worker.share[worker.done]
                    give_up(worker, Outcome(at, "crash", 0.0, f"the worker died ({worker.process.exitcode})"))
                else:
                    running.remove(worker)
                continue
            worker.last_heard = now
            if isinstance(message, Outcome):
                report.outcomes.append(message)
                worker.done += 1
                continue
            _, baseline, peak = message
            report.baseline_rss_bytes = max(report.baseline_rss_bytes, baseline)
            report.peak_rss_bytes = max(report.peak_rss_bytes, peak)
            worker.process.join()
            worker.conn.close()
            running.remove(worker)
    folder.cleanup()
    report.wall_seconds = time.perf_counter() - started
    report.outcomes.sort(key=lambda o: o.index)
    return report


def seed_from_environment(default: int) -> int:
    """``SOFTSPOT_FUZZ_SEED`` when set (to explore new cases), else ``default`` (the same cases every run)."""
    return int(os.environ.get("SOFTSPOT_FUZZ_SEED", default))
