"""The data layer: reading, validating, caching and writing files — policy files (schema and
health rules), guide content, the region index, the user's config, paths and YAML.

May import :mod:`medins_cli.core`; never Rich, typer or the layers above (checked by
import-linter, see pyproject.toml).
"""
