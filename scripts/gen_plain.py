"""Write (or check) each built-in technique's plain file, ``core/techniques/<id>.plain.json``, and the session
script's fields, ``core/script_fields.json``.

    python scripts/gen_plain.py          # rewrite them
    python scripts/gen_plain.py --check  # exit 1 if any is missing or out of date

Each is the technique as :func:`softspot.core.loader.parse_technique` validates it, read back without pydantic
by :func:`softspot.core.plain.built_in` (``softspot plan``, ``screen`` and ``technique show``). Run it after
changing a built-in technique or the code that validates one (:data:`softspot.core.plain.CODE`), or the
script's models (``core/script.py``, whose fields :mod:`softspot.core.script_plain` reads from
``script_fields.json``); tests/test_plain.py runs the check.
"""

from __future__ import annotations

import json
import sys

from softspot.core import plain, script_plain
from softspot.core.built_ins import built_in_ids, read_built_in
from softspot.core.loader import parse_technique


def expected(technique_id: str) -> str:
    text = read_built_in(technique_id)
    technique = parse_technique(text, f"{technique_id}.yaml")
    return json.dumps(plain.plain_data(technique, text), ensure_ascii=False, indent=1) + "\n"


def script_fields() -> str:
    """Each script model's fields in order: name, and how it is filled when not given (and with what)."""
    from pydantic_core import PydanticUndefined

    from softspot.core import script

    models: dict[str, list[list[object]]] = {}
    for name, model in vars(script).items():
        if not (isinstance(model, type) and issubclass(model, script._Data) and model is not script._Data):
            continue
        fields: list[list[object]] = []
        for field_name, field in model.model_fields.items():
            if field.default_factory is not None:
                made = field.default_factory()  # type: ignore[call-arg]
                how = {list: "list", dict: "dict"}[type(made)]
                fields.append([field_name, how, None])
            elif field.default is PydanticUndefined:
                fields.append([field_name, "required", None])
            else:
                json.dumps(field.default)  # a plain value (None, a number, a word)
                fields.append([field_name, "value", field.default])
        models[name] = fields
    body = {"format": script_plain.FORMAT, "key": script_plain.key(), "models": models}
    return json.dumps(body, ensure_ascii=False, indent=1) + "\n"


def main(check: bool) -> int:
    stale = []
    wanted_files = [(plain.path(i), lambda i=i: expected(i)) for i in built_in_ids()]
    wanted_files.append((script_plain.FIELDS, script_fields))
    for path, make in wanted_files:
        wanted = make()
        found = path.read_text(encoding="utf-8") if path.exists() else None
        if found == wanted:
            continue
        stale.append(path.name)
        if not check:
            path.write_text(wanted, encoding="utf-8")
    if stale:
        print(("out of date: " if check else "wrote: ") + ", ".join(stale), file=sys.stderr)
    return 1 if check and stale else 0


if __name__ == "__main__":
    sys.exit(main("--check" in sys.argv[1:]))
