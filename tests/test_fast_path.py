"""The fast path (softspot.cli.fast) answers exactly as the Typer app: each argv runs through the ``softspot``
entry point twice, once as users run it and once with ``SOFTSPOT_NO_FAST_PATH=1``, and stdout, stderr and the
exit code must be identical. The matrix covers every option of the four commands, every language, JSON,
screening outcomes and bad input, and argvs the fast path must hand to Typer (help, unknown options, odd
values, the store)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from softspot.cli import fast

ROOT = Path(__file__).resolve().parents[1]
TECHNIQUE_FILE = str(ROOT / "tests" / "data" / "hands-free-hamstring-en.yaml")
BROKEN_FILE = str(ROOT / "tests" / "data" / "broken-techniques.yaml")
QUESTIONS = (
    "heart_condition", "varicose_veins", "pregnant", "floor_difficulty", "blood_clots", "skin",
    "recent_injury", "bones", "joint_replacement", "nerves",
)  # fmt: skip


def answers(**yes: str) -> list[str]:
    return [f"--answer={q}={yes.get(q, 'no')}" for q in QUESTIONS]


NO = answers()
SHORT_NO = [a for q in QUESTIONS for a in ("-a", f"{q}=no")]
STOP = answers(heart_condition="yes")
ASK_FIRST = answers(recent_injury="yes")
ADAPT = answers(floor_difficulty="yes")
DE = {"LANG": "de_DE.UTF-8"}

# (argv, extra environment, whether the fast path answers it itself)
MATRIX: list[tuple[list[str], dict[str, str], bool]] = [
    # screen
    (["screen", *NO], {}, True),
    (["screen", *SHORT_NO], {}, True),
    (["screen", *NO, "--json"], {}, True),
    (["screen", *STOP], {}, True),
    (["screen", *STOP, "--json"], {}, True),
    (["screen", *ASK_FIRST], {}, True),
    (["screen", *ASK_FIRST, "--cleared"], {}, True),
    (["screen", *ADAPT], {}, True),
    (["screen", *ADAPT], DE, True),
    (["screen", *NO], {"LANG": "th_TH.UTF-8"}, True),
    (["screen", *NO, "-t", "hands-free-hamstring"], {}, True),
    (["screen", *NO, f"--technique={TECHNIQUE_FILE}"], {}, True),
    (["screen", *NO, "--technique", BROKEN_FILE], {}, True),
    (["screen", *NO, "-t", "no-such-technique"], {}, True),
    (["screen", "--answer", "heart_condition=maybe"], {}, True),
    (["screen", "--answer", "hart_condition=no"], {}, True),
    (["screen", "-a", "heart_condition=no"], {}, True),  # the rest unanswered, no terminal
    (["screen"], {}, True),
    (["screen", *NO, "--lang", "de"], {}, False),  # screen has no --lang: Typer's error
    (["screen", "--answer"], {}, False),
    (["screen", "--help"], {}, False),
    (["screen", *NO, "--json=yes"], {}, False),
    (["screen", *NO, "extra"], {}, False),
    # plan
    (["plan", *NO], {}, True),
    (["plan", *NO, "--json"], {}, True),
    (["plan", *NO, "--lang", "es"], {}, True),
    (["plan", *NO, "--lang=de"], {}, True),
    (["plan", *NO, "--lang", "th", "--thigh", "16.5 in"], {}, True),
    (["plan", *NO], DE, True),
    (["plan", *NO, "--json"], DE, True),
    (["plan", *NO, "--lang", "es-MX"], {}, True),
    (["plan", *NO, "--lang", "fr"], {}, True),
    (["plan", *NO, "--thigh", "42 cm", "--minutes-per-leg", "4", "--start-leg", "right"], {}, True),
    (["plan", *NO, "--height", "172 cm", "--position", "straddle", "--surface", "bed"], {}, True),
    (["plan", *NO, "--sessions", "6", "--add-on", "calf", "--add-on", "lower_back"], {}, True),
    (["plan", *NO, "--add-on", "calf"], {}, True),
    (["plan", *NO, "--add-on", "elbow"], {}, True),
    (["plan", *NO, "--thigh", "3 cm"], {}, True),
    (["plan", *NO, "--thigh", "forty"], {}, True),
    (["plan", *NO, "--thigh", "42 cm", "--thigh", "44 cm"], {}, True),
    (["plan", *NO, "--minutes-per-leg", "0.5"], {}, True),
    (["plan", *NO, "--minutes-per-leg", "2.", "--sessions", "007"], {}, True),
    (["plan", *NO, "--start-leg", "middle"], {}, True),
    (["plan", *NO, "--position", "upside-down"], {}, True),
    (["plan", *STOP], {}, True),
    (["plan", *STOP, "--json"], {}, True),
    (["plan", *ASK_FIRST], {}, True),
    (["plan", *ASK_FIRST, "--cleared", "--lang", "es"], {}, True),
    (["plan", *ADAPT], {}, True),
    (["plan", *NO, "-t", TECHNIQUE_FILE], {}, True),
    (["plan", *NO, "-tno-such-technique"], {}, True),
    (["plan", *NO, "--minutes-per-leg", "abc"], {}, False),
    (["plan", *NO, "--minutes-per-leg", "-3"], {}, False),
    (["plan", *NO, "--sessions", "-1"], {}, False),
    (["plan", *NO, "--receiver", "Sam"], {}, False),
    (["plan", *NO, "-r", "Sam"], {}, False),
    (["plan", *NO, "--lang"], {}, False),
    (["plan", *NO, "--min", "3"], {}, False),
    (["plan", "-h"], {}, False),
    (["plan", *NO, "--", "x"], {}, False),
    # technique list and show
    (["technique", "list"], {}, True),
    (["technique", "list", "--json"], {}, True),
    (["technique", "list"], DE, True),
    (["technique", "list", "all"], {}, False),
    (["technique", "list", "--help"], {}, False),
    (["technique", "show", "hands-free-hamstring"], {}, True),
    (["technique", "show", "--json", "hands-free-hamstring"], {}, True),
    (["technique", "show", "hands-free-hamstring", "--lang", "de"], {}, True),
    (["technique", "show", "hands-free-hamstring", "--lang", "th"], {}, True),
    (["technique", "show", "hands-free-hamstring", "--json", "--lang=es"], {}, True),
    (["technique", "show", "hands-free-hamstring"], DE, True),
    (["technique", "show", "hands-free-hamstring", "--lang", "xx"], {}, True),
    (["technique", "show", "no-such-technique"], {}, True),
    (["technique", "show", TECHNIQUE_FILE], {}, True),
    (["technique", "show", BROKEN_FILE], {}, True),
    (["technique", "show", "missing-file.yaml"], {}, True),
    (["technique", "show"], {}, False),
    (["technique", "show", "a", "b"], {}, False),
    (["technique", "show", "hands-free-hamstring", "--lang"], {}, False),
    (["technique"], {}, False),
    (["technique", "schema"], {}, False),
]
IDS = [
    f"{n:02d}-" + " ".join(Path(a).name if "/" in a else a for a in argv if not a.startswith("--answer="))
    for n, (argv, _e, _m) in enumerate(MATRIX)
]


def softspot(argv: list[str], *envs: dict[str, str]) -> list[tuple[str, str, int]]:
    """stdout, stderr and exit code of ``softspot <argv>`` in each environment, the runs side by side."""
    runs = [
        subprocess.Popen(
            [sys.executable, "-c", "from softspot.entry import main; main()", *argv],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            stdin=subprocess.DEVNULL,
            text=True,
            env=env,
        )
        for env in envs
    ]
    results = []
    for run in runs:
        out, err = run.communicate(timeout=120)
        results.append((out, err, run.returncode))
    return results


@pytest.fixture(scope="module")
def base_env(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    folder = tmp_path_factory.mktemp("fast-path")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("LANG", "LC_", "SOFTSPOT_"))}
    env.update(SOFTSPOT_DATA_DIR=str(folder / "data"), SOFTSPOT_CACHE_DIR=str(folder / "cache"), COLUMNS="100")
    return env


@pytest.mark.parametrize(("argv", "extra", "mine"), MATRIX, ids=IDS)
def test_the_fast_path_answers_as_typer_does(
    argv: list[str], extra: dict[str, str], mine: bool, base_env: dict[str, str]
) -> None:
    env = {**base_env, **extra}
    if mine:  # side by side: the fast path never opens the store
        fast_run, typer_run = softspot(argv, env, {**env, fast.DISABLE: "1"})
    else:  # one after the other: both may make and migrate the same database
        (fast_run,), (typer_run,) = softspot(argv, env), softspot(argv, {**env, fast.DISABLE: "1"})
    assert fast_run == typer_run
    assert "Traceback" not in fast_run[1]


@pytest.mark.parametrize(("argv", "extra", "mine"), MATRIX, ids=IDS)
def test_the_fast_path_takes_what_it_understands_and_nothing_else(
    argv: list[str], extra: dict[str, str], mine: bool
) -> None:
    try:
        fast.command(argv)
    except fast.NotMine:
        taken = False
    else:
        taken = True
    assert taken == mine


def test_the_fast_path_runs_without_typer_or_django(base_env: dict[str, str]) -> None:
    probe = (
        "import atexit, sys\n"
        "atexit.register(lambda: print(sorted({m.split('.')[0] for m in sys.modules} & {'typer', 'click', 'django'}),"
        " file=sys.__stderr__))\n"
        "from softspot.entry import main; main()"
    )
    for argv in (["plan", *NO], ["screen", *NO], ["technique", "list"], ["technique", "show", "hands-free-hamstring"]):
        result = subprocess.run(
            [sys.executable, "-c", probe, *argv], capture_output=True, text=True, env=base_env, timeout=120
        )
        assert result.returncode == 0, result.stderr
        assert result.stderr.strip().splitlines()[-1] == "[]", argv


def test_json_output_runs_without_rich(base_env: dict[str, str]) -> None:
    probe = (
        "import atexit, sys\n"
        "atexit.register(lambda: print('rich' in sys.modules, file=sys.__stderr__))\n"
        "from softspot.entry import main; main()"
    )
    for argv in (["plan", *NO, "--json"], ["screen", *NO, "--json"]):
        result = subprocess.run(
            [sys.executable, "-c", probe, *argv], capture_output=True, text=True, env=base_env, timeout=120
        )
        assert result.returncode == 0, result.stderr
        assert result.stderr.strip().splitlines()[-1] == "False", argv


def test_text_output_to_a_pipe_runs_without_rich_and_a_forced_terminal_with_it(base_env: dict[str, str]) -> None:
    probe = (
        "import atexit, sys\n"
        "atexit.register(lambda: print('rich' in sys.modules, file=sys.__stderr__))\n"
        "from softspot.entry import main; main()"
    )
    for argv in (["plan", *NO], ["screen", *NO], ["technique", "show", "hands-free-hamstring"]):
        for env, rich in ((base_env, "False"), ({**base_env, "FORCE_COLOR": "1"}, "True")):
            result = subprocess.run(
                [sys.executable, "-c", probe, *argv], capture_output=True, text=True, env=env, timeout=120
            )
            assert result.returncode == 0, result.stderr
            assert result.stderr.strip().splitlines()[-1] == rich, (argv, env.get("FORCE_COLOR"))
            assert ("\x1b[" in result.stdout) == (rich == "True")


def test_a_stop_or_bad_input_exits_with_its_code_without_typer(base_env: dict[str, str]) -> None:
    probe = (
        "import atexit, sys\n"
        "atexit.register(lambda: print('typer' in sys.modules, file=sys.__stderr__))\n"
        "from softspot.entry import main; main()"
    )
    for argv, code in ((["screen", *STOP], 3), (["plan", *ASK_FIRST, "--json"], 4), (["plan", *NO, "--thigh", "x"], 2)):
        result = subprocess.run(
            [sys.executable, "-c", probe, *argv], capture_output=True, text=True, env=base_env, timeout=120
        )
        assert result.returncode == code, result.stderr
        assert result.stderr.strip().splitlines()[-1] == "False", argv


def test_listing_techniques_loads_no_pydantic_once_they_were_validated(base_env: dict[str, str]) -> None:
    probe = (
        "import atexit, sys\n"
        "atexit.register(lambda: print('pydantic' in sys.modules, file=sys.__stderr__))\n"
        "from softspot.entry import main; main()"
    )
    argv = [sys.executable, "-c", probe, "technique", "list"]
    runs = [subprocess.run(argv, capture_output=True, text=True, env=base_env, timeout=120) for _ in range(2)]
    assert runs[0].stdout == runs[1].stdout
    assert runs[1].stderr.strip().splitlines()[-1] == "False"


@pytest.mark.parametrize(
    ("path", "spec", "left_to_typer"),
    [
        (["screen"], fast.SCREEN, {"--help", "-h"}),
        (["plan"], fast.PLAN, {"--help", "-h", "--receiver", "-r"}),
        (["technique", "list"], fast.LIST, {"--help", "-h"}),
        (["technique", "show"], fast.SHOW, {"--help", "-h"}),
    ],
)
def test_the_fast_path_knows_each_option_the_typer_command_has(
    path: list[str], spec: fast.Spec, left_to_typer: set[str]
) -> None:
    """An option added to a command is left to Typer until the fast path reads it; one removed fails here."""
    import typer.main

    from softspot.cli import app

    command = typer.main.get_command(app)
    for name in path:
        command = command.commands[name]  # type: ignore[attr-defined]
    names = {opt for param in command.params for opt in (*param.opts, *param.secondary_opts) if opt.startswith("-")}
    assert set(spec) == names - left_to_typer
