"""Shell-completion callbacks (typer's --install-completion): names come from the data."""

from __future__ import annotations

from typing import Any


def complete_region(incomplete: str) -> list[str]:
    """Region names from the data; once something is typed, aliases and pinyin too (mian → mianyang).
    A pinyin several regions share offers their names instead (suzhou → 宿州, 苏州), never one key
    that would only ask back."""
    try:
        from medins_cli.store.regions import ambiguous_keys, load_index

        entries = [e for e in load_index() if not e.get("broken")]
        shared = ambiguous_keys(entries)
    except Exception:  # noqa: BLE001 - completion must never fail loudly
        return []
    names = sorted({e["name"] for e in entries})
    if not incomplete:
        return names
    key = incomplete.lower()
    keys = sorted({k for e in entries for k in e.get("keys", ()) if k.startswith(key)} - set(names))
    out = [n for n in names if n.startswith(incomplete)]
    for k in keys:
        out += [e["name"] for e in shared[k]] if k in shared else [k]
    return list(dict.fromkeys(out))


def complete_province(incomplete: str) -> list[str]:
    from medins_cli.core.names import PROVINCE_CODES

    return _starting(sorted(PROVINCE_CODES, key=lambda name: PROVINCE_CODES[name]), incomplete)


def complete_regions_confidence(incomplete: str) -> list[str]:
    """``medins regions --confidence``: the levels, and none (regions without any source)."""
    return _starting(["official", "observed", "secondary", "unverified", "placeholder", "none"], incomplete)


def _starting(words: list[str], incomplete: str) -> list[str]:
    return [w for w in words if w.startswith(incomplete)]


def _accepted(kind: str, incomplete: str) -> list[str]:
    """Nothing typed yet: the keys and each one's first (shortest) word, a short list to choose from.
    Something typed: the keys, the labels medins prints, then the other words of core.names.ACCEPTED
    (the table the option reads) that start so."""
    from medins_cli.core.names import ACCEPTED, LABELS

    if not incomplete:
        words = [*ACCEPTED[kind], *(ws[0] for ws in ACCEPTED[kind].values() if ws)]
    else:
        words = [*ACCEPTED[kind], *LABELS[kind].values(), *(w for ws in ACCEPTED[kind].values() for w in ws)]
    return _starting([w for w in dict.fromkeys(words) if "(" not in w], incomplete)  # a shell would need quotes


def complete_type(incomplete: str) -> list[str]:
    return _accepted("plan", incomplete)


def complete_visit(incomplete: str) -> list[str]:
    return _accepted("visit", incomplete)


def complete_tier(incomplete: str) -> list[str]:
    return _accepted("tier", incomplete)


def complete_remote(incomplete: str) -> list[str]:
    return _accepted("remote", incomplete)


def complete_confidence(incomplete: str) -> list[str]:
    return _starting(["official", "observed", "secondary", "unverified", "placeholder"], incomplete)


def complete_scenario(incomplete: str) -> list[str]:
    try:
        from medins_cli.store.guides import scenario_names

        names = scenario_names()
    except Exception:  # noqa: BLE001
        return []
    return [n for n in names if n.startswith(incomplete)]


def complete_input_format(incomplete: str) -> list[str]:
    return _starting(["csv", "jsonl"], incomplete)


def complete_person(incomplete: str) -> list[str]:
    """``--person``: the names already in the ledger (nothing when there is no ledger yet: completion
    never creates one)."""
    try:
        from medins_cli.store.ledger import ledger_path, persons

        if not ledger_path().is_file():
            return []
        names = persons()
    except Exception:  # noqa: BLE001 - a locked or broken ledger: no names, never a traceback
        return []
    return [n for n in names if n.startswith(incomplete)]


def complete_config_key(incomplete: str) -> list[str]:
    """``config set|get|unset KEY``: the config's keys."""
    from medins_cli.store.config import KEYS

    return _starting(list(KEYS), incomplete)


def complete_config_value(ctx: Any, incomplete: str) -> list[str]:
    """``config set KEY VALUE``: the values that key takes (regions for region, true/false for retired …)."""
    key = (getattr(ctx, "params", None) or {}).get("key")
    values = {"type": complete_type, "tier": complete_tier, "min_confidence": complete_confidence,
              "region": complete_region, "retired": lambda text: _starting(["true", "false"], text)}
    return values[key](incomplete) if key in values else []
