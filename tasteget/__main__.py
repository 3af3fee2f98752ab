"""`python -m tasteget` runs the command line."""

from .cli import main

main()
