"""softspot: guided, safety-screened partner massage sessions at home."""

__version__ = "0.1.0"
