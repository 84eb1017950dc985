"""One module per command; :mod:`medins_cli.commands.support` holds what only commands use
(option declarations, completion, claim building, batch mode, policy init, writing --output).

The command modules do not use ``from __future__ import annotations``: typer resolves
every command's option types on every run, and each string annotation costs a
``compile()`` (about 12 ms in all), while real annotations cost nothing.
"""
