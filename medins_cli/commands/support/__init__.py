"""Helpers only the commands use: options and completion, from options and config to a core
claim (claims), batch mode, ``policy init``'s template and questions, writing ``--output``."""
