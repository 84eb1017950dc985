"""Shell completion through typer's own protocol (as `medins --install-completion` sets it up):
`config set` offers its keys and each key's values, `--person` the names in the ledger."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from medins_cli.app import app


def complete(line: str) -> list[str]:
    """What bash completion offers for ``line`` (a trailing space: a new word)."""
    words = line.split()
    cword = len(words) if line.endswith(" ") else len(words) - 1
    result = CliRunner().invoke(app, [], prog_name="medins", env={
        "_MEDINS_COMPLETE": "complete_bash", "COMP_WORDS": line, "COMP_CWORD": str(cword)})
    assert result.exit_code == 0, result.output
    return result.stdout.split()


@pytest.mark.parametrize("line, expected", [
    ("medins config set ", ["region", "type", "retired", "tier", "min_confidence"]),
    ("medins config set re", ["region", "retired"]),
    ("medins config get m", ["min_confidence"]),
    ("medins config unset t", ["type", "tier"]),
    ("medins config set retired ", ["true", "false"]),
    ("medins config set type ", ["employee", "resident", "职工", "居民"]),
    ("medins config set tier 3", ["3", "3a"]),
    ("medins config set min_confidence s", ["secondary"]),
    ("medins config set region 绵", ["绵阳"]),
])
def test_config_set_offers_keys_and_their_values(line, expected):
    assert complete(line) == expected


def test_person_offers_the_names_in_the_ledger(run):
    assert complete("medins estimate --person ") == []  # no ledger yet: nothing, and none is created
    from medins_cli.store.ledger import ledger_path

    assert not ledger_path().exists()
    for person in ("妈妈", "爸爸"):
        added = run("slip", "add", "--estimate", "-r", "绵阳", "--tier", "3", "--amount", "3000",
                    "--date", "2025-03-01", "--person", person, "-q")
        assert added.exit_code == 0, added.stderr
    assert complete("medins estimate --person ") == ["妈妈", "爸爸"]  # the ledger's order (by code point)
    assert complete("medins slip year --person 妈") == ["妈妈"]
    assert complete("medins balance --person 爸") == ["爸爸"]
