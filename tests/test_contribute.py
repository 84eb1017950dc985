"""`medins policy contribute` (issue 19 item 6): the figures a person's slips taught, and any they
corrected by hand, written as a file for the project — each with its source, nothing personal."""

from __future__ import annotations

import json

import yaml

# 绵阳 as shipped: 职工 住院 三级 750 / 84 %. The slip: (10000 − 800) × 80 % = 7360.
SLIP = {"医疗费总额": 10000, "符合政策范围金额": 10000, "起付标准": 800, "统筹基金支出": 7360, "个人现金支出": 2640,
        "结算日期": "2026-03-02", "就诊类型": "住院", "医院名称": "绵阳市中心医院", "住院号": "ZY123456", "姓名": "张三"}
MIANYANG = ["-r", "绵阳", "-t", "职工", "--tier", "3"]


def _learn(run, tmp_path):
    slip = tmp_path / "slip.yaml"
    slip.write_text(yaml.safe_dump(SLIP, allow_unicode=True), encoding="utf-8")
    result = run("slip", "check", str(slip), *MIANYANG, "--learn", "--yes")
    assert result.exit_code == 0, result.stderr


def test_the_slips_figures_go_out_with_their_source_and_nothing_personal(run, tmp_path, monkeypatch):
    _learn(run, tmp_path)
    monkeypatch.chdir(tmp_path)
    result = run("policy", "contribute", "绵阳")
    assert result.exit_code == 0, result.stderr
    written = sorted(tmp_path.glob("medins-contribution-绵阳-*.yaml"))
    assert len(written) == 1 and str(written[0].name) in result.stderr
    text = written[0].read_text(encoding="utf-8")
    doc = yaml.safe_load(text)
    assert doc["region"] == {"name": "绵阳", "province": "四川", "code": "510700"}
    got = {(f["figure"], f["value"], f["shipped"], f["from"]) for f in doc["figures"]}
    assert got == {("tiers.3.deductible", 800, 750, "slip"), ("tiers.3.ratio", 0.8, 0.84, "slip")}
    (source,) = doc["sources"]
    assert source["confidence"] == "observed" and source["title"] == "本人结算单 2026-03-02"
    assert all(f["source"] == source["id"] for f in doc["figures"])
    for personal in ("张三", "ZY123456", "绵阳市中心医院"):
        assert personal not in text
    again = run("policy", "contribute", "绵阳")  # never over a file already there
    assert again.exit_code == 2 and "--force" in again.stderr


def test_json_to_stdout_and_a_figure_corrected_by_hand(run, tmp_path, isolated_dirs):
    _learn(run, tmp_path)
    mine = next((isolated_dirs["data"] / "regions").glob("*.yaml"))
    mine.write_text(mine.read_text(encoding="utf-8").replace("annual_cap: 500000", "annual_cap: 450000", 1),
                    encoding="utf-8")
    data = json.loads(run("policy", "contribute", "绵阳", "-o", "-", "-f", "json").stdout)
    by_figure = {(f["kind"], f["figure"]): f for f in data["figures"]}
    cap = by_figure[("inpatient", "annual_cap")]
    assert (cap["value"], cap["shipped"], cap["from"]) == (450000, 500000, "hand")
    assert len(data["figures"]) == 3


def test_nothing_to_contribute_is_said(run):
    result = run("policy", "contribute", "成都")
    assert result.exit_code == 2 and "还没有自己的成都数据文件" in result.stderr and result.stdout == ""
    unknown = run("policy", "contribute", "火星市")
    assert unknown.exit_code == 2 and "不认识的地区" in unknown.stderr
