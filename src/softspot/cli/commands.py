"""The command table: every command, with its options declared here and its work in a module loaded on use.

Keeping declarations in one place lets ``--help`` render without importing
pydantic, Rich tables or Django.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from softspot.cli.args import PlanArgs as PlanArgs
from softspot.i18n import N_

BAD_INPUT = 2
STOPPED = 3
ASK_FIRST = 4

TechniqueOpt = Annotated[
    str,
    typer.Option("--technique", "-t", help=N_("A built-in technique id or the path of a technique file.")),
]
AnswerOpt = Annotated[
    list[str] | None,
    typer.Option("--answer", "-a", metavar="ID=yes|no", help=N_("Answer a screening question (repeatable).")),
]
JsonOpt = Annotated[bool, typer.Option("--json", help=N_("Print JSON instead of a table."))]
ThighOpt = Annotated[
    str | None,
    typer.Option(help=N_("Receiver's thigh length, gluteal fold to the crease behind the knee: '42 cm', '16.5 in'.")),
]
HeightOpt = Annotated[
    str | None, typer.Option(help=N_("Receiver's height, to estimate the thigh when it is not measured: '172 cm'."))
]
MinutesOpt = Annotated[
    float | None, typer.Option(help=N_("Minutes on each leg (beginners 2 to 5). Default: the technique's start."))
]
StartLegOpt = Annotated[str | None, typer.Option(help=N_("Leg to start with: left or right."))]
PositionOpt = Annotated[str | None, typer.Option(help=N_("Giver's position: sideways (main) or straddle."))]
SurfaceOpt = Annotated[str | None, typer.Option(help=N_("Where the receiver lies: floor or bed."))]
AddOnOpt = Annotated[list[str] | None, typer.Option("--add-on", help=N_("Add-on to include (repeatable)."))]
VoiceNameOpt = Annotated[
    str | None,
    typer.Option(
        help=N_("espeak-ng voice, e.g. en, en-gb or en-us+f3 (`espeak-ng --voices`). Default: the language's voice.")
    ),
]
LangOpt = Annotated[
    str | None,
    typer.Option(
        "--lang",
        metavar="en|es|de|th",
        help=N_("Language: en, es (Español), de (Deutsch) or th (ไทย). Default: LC_ALL / LC_MESSAGES / LANG, else en."),
    ),
]
RateOpt = Annotated[int, typer.Option(help=N_("Speaking rate, words per minute (80 to 450)."))]
ClearedOpt = Annotated[
    bool,
    typer.Option(
        "--cleared",
        help=N_("A doctor or therapist has said this technique is fine for the receiver (after an ask-first answer)."),
    ),
]
SessionsOpt = Annotated[
    int | None,
    typer.Option(
        min=0,
        show_default=False,
        help=N_("Comfortable sessions done so far (add-ons unlock with experience). Default 0."),
    ),
]
ReceiverOpt = Annotated[
    str | None,
    typer.Option(
        "--receiver",
        "-r",
        metavar="NAME",
        help=N_("Who receives: a name from `softspot people list` (any case). Default: the only one."),
    ),
]
PlanReceiverOpt = Annotated[
    str | None,
    typer.Option(
        "--receiver",
        "-r",
        metavar="NAME",
        help=N_("Plan from this receiver's thigh, first leg and their own dose and add-ons (`softspot people list`)."),
    ),
]


technique_app = typer.Typer(help=N_("Check, list and show techniques."), no_args_is_help=True)


@technique_app.command("check")
def technique_check(
    files: Annotated[list[Path], typer.Argument(help=N_("Technique files (YAML) to validate."), show_default=False)],
) -> None:
    """Validate technique files; print every problem as FILE:LINE:COLUMN: message."""
    from softspot.cli import technique_cmd

    technique_cmd.check(files)


@technique_app.command("list")
def technique_list(json: JsonOpt = False) -> None:
    """List the built-in techniques."""
    from softspot.cli import technique_cmd

    technique_cmd.list_(json)


@technique_app.command("show")
def technique_show(
    technique_id: Annotated[str, typer.Argument(metavar="ID", help=N_("A built-in id or a technique file."))],
    json: JsonOpt = False,
    lang: LangOpt = None,
) -> None:
    """Show a technique: what it helps, who must not do it, setup, steps, dose and add-ons."""
    from softspot.cli import technique_cmd

    technique_cmd.show(technique_id, json, lang)


@technique_app.command("schema")
def technique_schema() -> None:
    """Print the JSON Schema of technique files, for editors."""
    from softspot.cli import technique_cmd

    technique_cmd.schema()


people_app = typer.Typer(
    help=N_("The receivers in this household: each has their own thigh, first leg, dose, history and progress."),
    no_args_is_help=True,
)


@people_app.command("add")
def people_add(
    name: Annotated[str, typer.Argument(help=N_("Their name, unique here whatever the case (up to 40 characters)."))],
    thigh: ThighOpt = None,
    height: HeightOpt = None,
    first_leg: Annotated[str | None, typer.Option(help=N_("The leg to start with: left or right."))] = None,
    lang: Annotated[
        str | None,
        typer.Option(
            "--lang", metavar="en|es|de|th", help=N_("Their sessions in this language (default: the device's).")
        ),
    ] = None,
) -> None:
    """Add a receiver, e.g. `softspot people add Sam --thigh "44 cm"`."""
    from softspot.cli import people_cmd

    people_cmd.add(name, thigh, height, first_leg, lang)


@people_app.command("language")
def people_language(
    name: Annotated[str, typer.Argument(help=N_("Their name (any case)."))],
    lang: Annotated[
        str,
        typer.Argument(metavar="LANG", help=N_("en, es, de or th; 'auto' to follow the device or terminal again.")),
    ],
) -> None:
    """Set the language a receiver's sessions are in (guide and the web app use it unless told otherwise)."""
    from softspot.cli import people_cmd

    people_cmd.language(name, lang)


@people_app.command("list")
def people_list(json: JsonOpt = False) -> None:
    """List the receivers with their measurements and sessions."""
    from softspot.cli import people_cmd

    people_cmd.list_(json)


@people_app.command("rename")
def people_rename(
    old: Annotated[str, typer.Argument(help=N_("Their name now (any case)."))],
    new: Annotated[str, typer.Argument(help=N_("Their new name."))],
) -> None:
    """Give a receiver another name; their sessions stay with them."""
    from softspot.cli import people_cmd

    people_cmd.rename(old, new)


@people_app.command("remove")
def people_remove(
    name: Annotated[str, typer.Argument(help=N_("Their name (any case)."))],
    yes: Annotated[
        bool, typer.Option("--yes", "-y", help=N_("Do not ask (scripts). Without it, removing asks on a terminal."))
    ] = False,
    move_to: Annotated[
        str | None,
        typer.Option(metavar="NAME", help=N_("Give their sessions to this receiver instead of deleting them.")),
    ] = None,
) -> None:
    """Remove a receiver. Says how many sessions they have and asks: their sessions are deleted with them
    (export them first, or keep them with --move-to NAME). Unattended, nothing is removed without --yes."""
    from softspot.cli import people_cmd

    people_cmd.remove(name, yes, move_to)


def screen(
    technique: TechniqueOpt = "hands-free-hamstring",
    answer: AnswerOpt = None,
    cleared: ClearedOpt = False,
    json: JsonOpt = False,
) -> None:
    """Ask the technique's safety questions; exit 0 to go, 3 to stop, 4 to ask a doctor or therapist first.

    On a terminal, unanswered questions are asked; otherwise each must be given with --answer.
    After an ask-first answer, --cleared says a doctor or therapist has said the technique is fine.
    """
    from softspot.cli import plan_cmd

    plan_cmd.screen(technique, answer or [], json, cleared=cleared)


def plan(
    technique: TechniqueOpt = "hands-free-hamstring",
    thigh: ThighOpt = None,
    height: HeightOpt = None,
    minutes_per_leg: MinutesOpt = None,
    start_leg: StartLegOpt = None,
    position: PositionOpt = None,
    surface: SurfaceOpt = None,
    add_on: AddOnOpt = None,
    sessions: SessionsOpt = None,
    answer: AnswerOpt = None,
    cleared: ClearedOpt = False,
    receiver: PlanReceiverOpt = None,
    json: Annotated[bool, typer.Option("--json", help=N_("Print the session script as JSON."))] = False,
    lang: LangOpt = None,
) -> None:
    """Plan a session: every step, spot and cue with its time, for this receiver (exit 3 stop, 4 ask first)."""
    from softspot.cli import plan_cmd

    args = PlanArgs(
        technique,
        thigh,
        height,
        minutes_per_leg,
        start_leg,
        position,
        surface,
        add_on or [],
        sessions,
        answer or [],
        cleared,
        receiver,
        lang,
    )
    plan_cmd.plan(args, as_json=json)


def history(
    receiver: Annotated[
        str | None,
        typer.Option(
            "--receiver", "-r", metavar="NAME", help=N_("Only this receiver's sessions. Default: everyone's.")
        ),
    ] = None,
    json: JsonOpt = False,
    limit: Annotated[int, typer.Option("--limit", "-n", min=1, help=N_("Show this many of the newest sessions."))] = 20,
    all_: Annotated[bool, typer.Option("--all", help=N_("Show every session (overrides --limit)."))] = False,
) -> None:
    """List the sessions recorded on this computer, newest first, with whose they are (the latest 20 unless
    --limit or --all)."""
    from softspot.cli import records_cmd

    records_cmd.history(json, receiver, None if all_ else limit)


def progress(
    technique: TechniqueOpt = "hands-free-hamstring",
    receiver: ReceiverOpt = None,
    json: Annotated[bool, typer.Option("--json", help=N_("Print the numbers as JSON."))] = False,
) -> None:
    """Show one receiver's tension before and after over time, minutes per week, regularity, and next time's dose.

    With several receivers, say whose with --receiver (asked on a terminal).
    """
    from softspot.cli import records_cmd

    records_cmd.progress_(technique, json, receiver=receiver)


def export(
    format: Annotated[
        str, typer.Option("--format", "-f", metavar="csv|json", help=N_("csv (one row per spot) or json."))
    ],
    out: Annotated[
        Path | None, typer.Option("--out", "-o", help=N_("Write to this file instead of printing ('-': print)."))
    ] = None,
    receiver: Annotated[
        str | None,
        typer.Option(
            "--receiver", "-r", metavar="NAME", help=N_("Only this receiver's sessions. Default: everyone's.")
        ),
    ] = None,
) -> None:
    """Export every recorded session (each with the receiver's name), to keep or to analyse elsewhere."""
    from softspot.cli import records_cmd

    records_cmd.export(format, out, receiver)


def render_audio(
    technique: TechniqueOpt = "hands-free-hamstring",
    thigh: ThighOpt = None,
    height: HeightOpt = None,
    minutes_per_leg: MinutesOpt = None,
    start_leg: StartLegOpt = None,
    position: PositionOpt = None,
    surface: SurfaceOpt = None,
    add_on: AddOnOpt = None,
    sessions: SessionsOpt = None,
    answer: AnswerOpt = None,
    cleared: ClearedOpt = False,
    receiver: PlanReceiverOpt = None,
    out: Annotated[
        Path | None,
        typer.Option(
            "--out", "-o", help=N_("File to write (default: softspot-session.wav, or the suffix of --format).")
        ),
    ] = None,
    format: Annotated[
        str | None, typer.Option("--format", "-f", metavar="wav|ogg|mp3|m4a", help=N_("Default: from --out, else wav."))
    ] = None,
    voice_name: VoiceNameOpt = None,
    rate: RateOpt = 150,
    lang: LangOpt = None,
) -> None:
    """Render the planned session into one audio file, every cue at its time, with a chapters file beside it."""
    from softspot.cli import audio_cmd

    args = PlanArgs(
        technique,
        thigh,
        height,
        minutes_per_leg,
        start_leg,
        position,
        surface,
        add_on or [],
        sessions,
        answer or [],
        cleared,
        receiver,
        lang,
    )
    audio_cmd.render_audio(args, out=out, fmt=format, voice_name=voice_name, rate=rate)


def guide(
    technique: TechniqueOpt = "hands-free-hamstring",
    receiver: Annotated[
        str | None,
        typer.Option(
            "--receiver",
            "-r",
            metavar="NAME",
            help=N_("Who receives today (any case); a new name adds them. Default: the only one; asked when several."),
        ),
    ] = None,
    answer: AnswerOpt = None,
    cleared: ClearedOpt = False,
    thigh: Annotated[
        str | None,
        typer.Option(help=N_("Thigh length ('42 cm', '16.5 in'); default: the receiver's, kept from last time.")),
    ] = None,
    height: Annotated[str | None, typer.Option(help=N_("Height, to estimate the thigh: '172 cm'."))] = None,
    minutes_per_leg: Annotated[
        float | None, typer.Option(help=N_("Minutes on each leg. Default: the suggestion from your history."))
    ] = None,
    start_leg: StartLegOpt = None,
    position: PositionOpt = None,
    surface: SurfaceOpt = None,
    add_on: AddOnOpt = None,
    before: Annotated[
        str | None, typer.Option(metavar="L,R,B", help=N_("Tension before, 0-10: left hamstring, right, lower back."))
    ] = None,
    after: Annotated[
        str | None, typer.Option(metavar="L,R,B", help=N_("Tension after, 0-10, as for --before."))
    ] = None,
    note: Annotated[str | None, typer.Option(help=N_("A note to keep with the session."))] = None,
    voice: Annotated[
        bool, typer.Option("--voice/--no-voice", help=N_("Speak cues with espeak-ng (--no-voice: chimes only)."))
    ] = True,
    voice_name: VoiceNameOpt = None,
    rate: RateOpt = 150,
    speed: Annotated[float, typer.Option(help=N_("Run time this many times faster (demos and tests)."))] = 1.0,
    lang: Annotated[
        str | None,
        typer.Option(
            "--lang",
            metavar="en|es|de|th",
            help=N_(
                "Language of the whole session: en, es, de or th. Default: the receiver's, else LC_ALL/LANG, else en."
            ),
        ),
    ] = None,
) -> None:
    """Take the pair through a whole session: who is receiving, safety check, set-up, plan, tension before, the live
    session (space = softened, move on; p pause; e a little longer; s other leg; q or Esc stops at once, then d/o/x
    say why or c carries on), tension after, saved.

    Every question has an option, so it runs unattended when all are given. A new --thigh, --height or
    --start-leg is remembered for the receiver.
    """
    from softspot.cli import guide_cmd

    guide_cmd.guide(
        guide_cmd.GuideOptions(
            technique=technique,
            receiver=receiver,
            answers=answer or [],
            cleared=cleared,
            thigh=thigh,
            height=height,
            minutes_per_leg=minutes_per_leg,
            start_leg=start_leg,
            position=position,
            surface=surface,
            add_ons=add_on or [],
            before=before,
            after=after,
            note=note,
            voice=voice,
            voice_name=voice_name,
            rate=rate,
            speed=speed,
            language=lang,
        )
    )


def serve(
    host: Annotated[str | None, typer.Option(help=N_("Address to listen on (default 127.0.0.1; --lan: all)."))] = None,
    port: Annotated[
        int | None, typer.Option(help=N_("Port to listen on (default 8000; with --https 8443). 0: any free port."))
    ] = None,
    lan: Annotated[
        bool, typer.Option("--lan", help=N_("Serve to the home network: sign-in required; prints a one-time link."))
    ] = False,
    https: Annotated[
        bool,
        typer.Option(
            "--https",
            help=N_(
                "With --lan: HTTPS with this household's own certificate, so a phone gets the full player "
                "(screen kept on, offline start). Each phone trusts the certificate once, at the /trust/ address shown."
            ),
        ),
    ] = False,
    http_port: Annotated[
        int | None,
        typer.Option(
            help=N_(
                "With --https: the plain-HTTP port for the trust page (default 8000); other pages there "
                "redirect to HTTPS."
            ),
        ),
    ] = None,
) -> None:
    """Start the web app (applies migrations first). On loopback no sign-in is asked."""
    from softspot.cli import serve_cmd

    serve_cmd.serve(host, port, lan, https, http_port)


def admin(ctx: typer.Context) -> None:
    """Run a Django management command against softspot's settings.

    A practice: `softspot admin therapist USER --name NAME` makes a therapist account and prints a link to set its
    password; `softspot admin reset_link USER` prints a one-time password-reset link and its QR code. Also
    `migrate`, `check --deploy`, `createsuperuser` and Django's other commands.
    """
    from softspot.cli import serve_cmd

    serve_cmd.admin(list(ctx.args))


def remind(
    days: Annotated[
        str, typer.Option(metavar="DAY,DAY", help=N_("Days to practise: mon, tue, wed, thu, fri, sat, sun."))
    ] = "mon,wed,fri",
    at: Annotated[
        str, typer.Option(metavar="HH:MM", help=N_("Time of day, 24-hour, on the phone's own clock."))
    ] = "19:30",
    out: Annotated[Path, typer.Option("--out", "-o", help=N_("Calendar file to write."))] = Path(
        "softspot-reminders.ics"
    ),
    technique: TechniqueOpt = "hands-free-hamstring",
) -> None:
    """Write weekly practice reminders as a calendar file (.ics) to open on a phone or laptop; no account needed."""
    from softspot.cli import remind_cmd

    remind_cmd.remind(days, at, out, technique)


def import_(
    file: Annotated[Path, typer.Argument(help=N_("A session record (JSON), e.g. the recovery file `guide` wrote."))],
    receiver: Annotated[
        str | None,
        typer.Option(
            "--receiver", "-r", metavar="NAME", help=N_("Whose session it is. Default: the receiver the file names.")
        ),
    ] = None,
) -> None:
    """Store a session record kept in a file (after `guide` could not save it); a record is stored only once."""
    from softspot.cli import data_cmd

    data_cmd.import_(file, receiver)


def backup(
    file: Annotated[Path, typer.Argument(help=N_("The backup file to write (replaced atomically if it exists)."))],
) -> None:
    """Copy the SQLite database to FILE, safely while softspot is in use (PostgreSQL: use pg_dump)."""
    from softspot.cli import data_cmd

    data_cmd.backup(file)


def doctor() -> None:
    """Check the data folder, the database, espeak-ng, sound output and the certificate; exit 1 on a problem."""
    from softspot.cli import doctor_cmd

    doctor_cmd.doctor()


def register(app: typer.Typer) -> None:
    app.add_typer(technique_app, name="technique")
    app.add_typer(people_app, name="people")
    app.command()(screen)
    app.command()(plan)
    app.command()(guide)
    app.command()(history)
    app.command()(progress)
    app.command()(export)
    app.command("render-audio")(render_audio)
    app.command()(serve)
    app.command(context_settings={"allow_extra_args": True, "ignore_unknown_options": True})(admin)
    app.command()(remind)
    app.command("import")(import_)
    app.command()(backup)
    app.command()(doctor)
