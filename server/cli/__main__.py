"""`python -m server.cli`: the same as the `tevreden` command."""

from .base import main

main()
