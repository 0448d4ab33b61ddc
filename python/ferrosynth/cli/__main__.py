"""``python -m ferrosynth.cli``: the same as the ``ferrosynth`` command."""

from ferrosynth.cli import main

main()
