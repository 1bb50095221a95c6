"""``python -m softspot``: the same entry point as the ``softspot`` command (its fast paths included)."""

from softspot.entry import main

main()
