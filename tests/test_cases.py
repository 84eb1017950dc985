"""The worked cases kept as data (data/cases/*.yaml): each case's options are given to
``medins estimate`` and every expected figure must come out to the cent. A data contributor adds a
case without writing Python; the arithmetic sits beside each figure in the file."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from conftest import DATA

from medins_cli.store.yamlio import load_yaml

CASE_FILES = sorted((DATA / "cases").glob("*.yaml"))
#: option name in a case → the command line's option; true/false for a switch
OPTIONS = {"region", "type", "visit", "tier", "amount", "self_pay", "partial_self_pay", "retired", "admission",
           "ytd_fund", "ytd_outpatient", "ytd_burden", "ytd_critical", "remote", "date"}
RESULTS = {"eligible", "deductible", "fund_pay", "critical_illness_pay", "out_of_pocket", "effective_ratio", "bound",
           "cap_left", "tier_used"}


def _cases() -> list[tuple[str, Path, dict]]:
    out = []
    for path in CASE_FILES:
        doc = load_yaml(path)
        for case in doc["cases"]:
            out.append((f"{path.stem}: {case['name']}", path, {"region": doc["region"], **case}))
    return out


CASES = _cases()


def _arguments(options: dict) -> list[str]:
    args = []
    for key, value in options.items():
        flag = f"--{key.replace('_', '-')}"
        if key == "retired":
            args.append("--retired" if value else "--not-retired")
        else:
            args += [flag, str(value)]
    return args


def test_there_are_cases_for_the_headline_region():
    assert any(case["region"] == "绵阳" for _, _, case in CASES)


@pytest.mark.parametrize("name, path, case", CASES, ids=[c[0] for c in CASES])
def test_case_file_is_well_formed(name, path, case):
    assert set(case) <= {"region", "name", "options", "expect", "note"}, f"{path}: unknown keys"
    assert set(case["options"]) <= OPTIONS, f"{path}: {case['name']}: unknown options"
    assert case["expect"] and set(case["expect"]) <= RESULTS, f"{path}: {case['name']}: unknown results"


@pytest.mark.parametrize("name, path, case", CASES, ids=[c[0] for c in CASES])
def test_case(run, name, path, case):
    options = {"region": case["region"], **case["options"]}
    data = run.json("estimate", *_arguments(options))
    for key, expected in case["expect"].items():
        got = data[key]
        same = (Decimal(str(got)) == Decimal(str(expected))) if isinstance(got, (int, float)) else got == expected
        assert same, f"{path}: {case['name']}: {key} = {got}, expected {expected}"
    total = data["fund_pay"] + data["critical_illness_pay"] + data["out_of_pocket"]
    assert round(total, 2) == data["total"]
