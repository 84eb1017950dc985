"""Property: any valid policy written by ``policy show -f yaml``'s writer validates cleanly and
reads back as the same policy (the file format round-trips, numbers exact to the fen)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from medins_cli.core.policy import policy_from_dict
from medins_cli.store.policy_check import check_file
from medins_cli.store.schema import validate_policy
from medins_cli.store.yamlio import policy_text

RATIOS = st.integers(0, 10000).map(lambda n: Decimal(n) / 10000)
AMOUNTS = st.integers(0, 10**9).map(lambda n: Decimal(n) / 100)


def _a_real_title(text: str) -> bool:
    """Not blank, and not the template's placeholder 待填写, which validation refuses on purpose
    (hypothesis draws string constants from the code, so it does find that one)."""
    return bool(text.strip()) and "待填写" not in text


@st.composite
def bands(draw):
    limits = sorted(draw(st.sets(st.integers(1, 10**8), max_size=3)))
    return [{"upto": Decimal(u), "ratio": draw(RATIOS)} for u in limits] + [{"ratio": draw(RATIOS)}]


@st.composite
def tiers(draw, with_deductible):
    keys = draw(st.sets(st.sampled_from(["community", "1", "2", "3"]), min_size=1))
    out = {}
    # the data-health rules want 起付线 not falling from community up to 3: draw them sorted
    deductibles = iter(sorted(draw(st.lists(AMOUNTS, min_size=len(keys), max_size=len(keys)))))
    for key in sorted(keys, key=["community", "1", "2", "3"].index):
        tier = {"deductible": next(deductibles)} if with_deductible and draw(st.booleans()) else {}
        if draw(st.booleans()):
            tier["ratio"] = draw(RATIOS)
        else:
            tier["bands"] = draw(bands())
        out[key] = tier
    return out


@st.composite
def policies(draw):
    plan = {"inpatient": {"tiers": draw(tiers(True)), "retiree_bonus": draw(RATIOS), "source": "s"}}
    if draw(st.booleans()):  # above every 起付线 (a data-health rule)
        highest = max((t.get("deductible", Decimal(0)) for t in plan["inpatient"]["tiers"].values()))
        plan["inpatient"]["annual_cap"] = highest + draw(AMOUNTS) + Decimal("0.01")
    if draw(st.booleans()):
        plan["inpatient"]["repeat_admission"] = {"factor": draw(RATIOS)}
    if draw(st.booleans()):
        plan["outpatient"] = {"tiers": draw(tiers(False)), "annual_deductible": draw(AMOUNTS), "source": "s"}
    if draw(st.booleans()):
        plan["critical_illness"] = {"threshold": draw(AMOUNTS), "bands": draw(bands()), "source": "s"}
    if draw(st.booleans()):
        plan["remote"] = {"unfiled": {"ratio_minus": draw(RATIOS)}, "filed": {"factor": draw(RATIOS)}, "source": "s"}
    return {"schema": 1,
            "region": {"name": draw(st.sampled_from(["甲市", "乙县", "510700"])), "province": "四川", "aliases": []},
            "year": dt.date.today().year,
            "sources": [{"id": "s", "title": draw(st.text(min_size=1, max_size=20).filter(_a_real_title)),
                         "date": dt.date(2025, 1, 2), "confidence": "secondary"}],
            "plans": {draw(st.sampled_from(["employee", "resident"])): plan}}


@settings(max_examples=150, deadline=None)
@given(policies())
def test_written_policies_validate_and_read_back_the_same(tmp_path_factory, doc):
    path = Path(tmp_path_factory.mktemp("rt")) / "p.yaml"
    path.write_text(policy_text(doc), encoding="utf-8")
    assert [p.text() for p in check_file(path).problems if p.level == "error"] == []  # hints may appear
    assert policy_from_dict(validate_policy(check_file(path).data, str(path))) == \
        policy_from_dict(validate_policy(doc, "doc"))
