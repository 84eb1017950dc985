"""``medins estimate --person`` (and ``--ledger``, ``slip check --person``) with bills of another region
in the ledger: the year-to-date figures may not apply there, and that is said the way a plan mismatch
already is (in the estimate's warnings). Before, nothing was said.
"""

from __future__ import annotations

import json
from pathlib import Path

import yaml

from medins_cli.errors import ExitCode

SLIP = {"医疗费总额": 8000, "全自费金额": 500, "先行自付金额": 300, "符合政策范围金额": 7200, "起付标准": 750,
        "统筹基金支出": 5418, "个人账户支出": 1000, "个人现金支出": 1582, "结算日期": "2025-02-10", "就诊类型": "住院"}
WARNING = ("账本里{person} 2025 年有 {n} 张账单是{there}的,不是{here}的:本年累计可能不适用"
           "(已一起计入;请核对地区,或用 --ytd-fund 等选项自己给出)")


def _add(run, tmp_path: Path, region: str, person: str = "本人", date: str = "2025-02-10") -> None:
    path = tmp_path / f"{region}-{date}.yaml"
    path.write_text(yaml.safe_dump({**SLIP, "结算日期": date}, allow_unicode=True), encoding="utf-8")
    result = run("slip", "add", str(path), "-r", region, "-t", "职工", "--tier", "3", "--person", person)
    assert result.exit_code == ExitCode.OK, result.stderr


def _warnings(run, *args: str) -> list[str]:
    result = run("estimate", *args, "-t", "职工", "--tier", "3", "--amount", "8000", "--date", "2025-12-01",
                 "-f", "json")
    assert result.exit_code == ExitCode.OK, result.stderr
    return json.loads(result.stdout)["warnings"]


def test_bills_of_another_region_are_said(run, tmp_path):
    _add(run, tmp_path, "绵阳", "妈妈")
    _add(run, tmp_path, "绵阳", "妈妈", "2025-03-10")
    warning = WARNING.format(person="妈妈", n=2, there="绵阳", here="成都")
    assert warning in _warnings(run, "-r", "成都", "--person", "妈妈")
    # the same region, by any of its names: nothing to say
    for name in ("绵阳", "绵阳市", "mianyang"):
        assert not any("张账单是" in w for w in _warnings(run, "-r", name, "--person", "妈妈")), name


def test_only_the_bills_from_elsewhere_are_counted_and_named(run, tmp_path):
    _add(run, tmp_path, "绵阳")
    _add(run, tmp_path, "成都", date="2025-03-10")
    _add(run, tmp_path, "德阳", date="2025-04-10")
    warning = WARNING.format(person="本人", n=2, there="成都、德阳", here="绵阳")
    assert warning in _warnings(run, "-r", "绵阳", "--ledger")


def test_slip_check_with_person_says_it_too(run, tmp_path):
    _add(run, tmp_path, "绵阳")
    path = tmp_path / "new.yaml"
    path.write_text(yaml.safe_dump({**SLIP, "结算日期": "2025-06-01"}, allow_unicode=True), encoding="utf-8")
    result = run("slip", "check", str(path), "-r", "成都", "-t", "职工", "--tier", "3", "--person", "本人", "-f", "json")
    assert WARNING.format(person="本人", n=1, there="绵阳", here="成都") in json.loads(result.stdout)["warnings"]
