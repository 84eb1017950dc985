"""One module (or package) per command, mounted on the app in :mod:`medins_cli.app`.

Command modules never import one another (an import-linter contract); what several commands share
is here beside them: the run's context (:mod:`env`), the shared options (:mod:`options`), from
options to a claim (:mod:`claims`), shell completion and help layout."""
