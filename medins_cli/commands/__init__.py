"""One module per command. Each imports only typer and the standard library at the top.

The command modules do not use ``from __future__ import annotations``: typer resolves
every command's option types on every run, and each string annotation costs a
``compile()`` (about 12 ms in all), while real annotations cost nothing.
"""
