"""`python -m intake` runs the `tasteget` command line."""

from intake.cli import main

main(prog_name="tasteget")
