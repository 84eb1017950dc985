"""One module per command. Each imports only typer and the standard library at the top."""
