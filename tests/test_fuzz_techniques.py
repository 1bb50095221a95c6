"""Fuzzing: 10,000 mutated technique files, each checked as `softspot technique check` does (and planned when it
passes), with no crash, no hang and no message that is not one FILE:LINE:COLUMN line.

The cases come from a fixed seed, so every run checks the same files and a failure names its seed and case.
Set SOFTSPOT_FUZZ_SEED to try other files. The watchdog itself is tested too: a case that blocks, spins or
crashes is found and named, and the run carries on.
"""

from __future__ import annotations

import collections
import os
import time
from pathlib import Path

from tests.fuzzing import check_case, make_case, run, seed_from_environment

CASES = 10_000
SEED = seed_from_environment(20261124)


def test_ten_thousand_mutated_technique_files_give_no_crash_no_hang_and_one_line_messages() -> None:
    report = run(SEED, range(CASES), workers=2)

    kinds = collections.Counter(o.kind for o in report.outcomes)
    print(f"fuzz seed {SEED}: {dict(kinds)} in {report.wall_seconds:.0f} s")
    assert len(report.outcomes) == CASES
    assert [report.describe(o) for o in report.failures] == []
    assert kinds["passed"] > 0  # some mutated files are still valid techniques: those are planned too


def test_every_case_is_the_same_file_for_the_same_seed_and_index() -> None:
    assert make_case(7, 123) == make_case(7, 123)
    assert make_case(7, 123) != make_case(8, 123)
    mutations = collections.Counter(name for i in range(2000) for name in make_case(7, i)[1])
    assert len(mutations) == 14  # every kind of mutation is used


def blocks_on_case_2(index: int, data: bytes, path: Path) -> tuple[str, str]:
    if index == 2:
        os.mkfifo(path.with_suffix(".fifo"))
        path.with_suffix(".fifo").read_bytes()  # nobody writes: blocked for ever, as a FIFO once did to check
    return check_case(index, data, path)


def spins_on_case_1_and_crashes_on_case_3(index: int, data: bytes, path: Path) -> tuple[str, str]:
    if index == 1:
        until = time.process_time() + 0.5
        while time.process_time() < until:
            pass
    if index == 3:
        raise RecursionError("maximum recursion depth exceeded")
    return check_case(index, data, path)


def test_the_watchdog_names_a_case_that_blocks_and_carries_on_after_it() -> None:
    report = run(5, range(5), workers=1, target=blocks_on_case_2, wall_limit=1.0)

    assert [(o.index, o.kind) for o in report.failures] == [(2, "hang")]
    assert [o.index for o in report.outcomes] == [0, 1, 2, 3, 4]
    assert report.describe(report.failures[0]).startswith("seed 5 case 2 (")
    assert "no answer for 1 s" in report.failures[0].detail
    assert "--seed 5 --case 2" in report.describe(report.failures[0])


def test_the_watchdog_names_a_case_that_spins_and_one_that_crashes() -> None:
    report = run(5, range(5), workers=2, target=spins_on_case_1_and_crashes_on_case_3, cpu_limit=0.2)

    assert [(o.index, o.kind) for o in report.failures] == [(1, "hang"), (3, "crash")]
    assert "of CPU (limit 0.2 s)" in report.failures[0].detail
    assert report.failures[1].detail.startswith("RecursionError: maximum recursion depth exceeded")
    assert len(report.outcomes) == 5
