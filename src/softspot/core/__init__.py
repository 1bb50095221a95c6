"""The domain: techniques, screening, body measures, planning and the session engine.

Pure Python. Nothing here imports Django, Typer or Rich, and nothing does I/O
beyond reading technique files.
"""
