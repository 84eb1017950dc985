"""Data health: every shipped region file validates, sources are honest, names are unique."""

from __future__ import annotations

import re

import pytest

from medins_cli.store.paths import shipped_data_dir
from medins_cli.store.regions import load_index, read_policy_dict, region_key
from medins_cli.store.yamlio import load_yaml

REGION_FILES = sorted((shipped_data_dir() / "regions").glob("*.yaml"))


def test_data_is_shipped():
    assert len(REGION_FILES) >= 10
    assert (shipped_data_dir() / "regions" / "mianyang.yaml").is_file()


@pytest.mark.parametrize("path", REGION_FILES, ids=[p.stem for p in REGION_FILES])
def test_region_file_validates(path):
    data = read_policy_dict(path)
    assert data["schema"] == 2  # the normalised form: schema 1 files are read as schema 2
    assert path.name.isascii()
    for src in data["sources"]:
        if src["confidence"] == "official":
            assert src.get("url"), f"{path.name}: official source without url"
        if "url" in src:
            assert re.fullmatch(r"https?://\S+", src["url"])


@pytest.mark.parametrize("path", REGION_FILES, ids=[p.stem for p in REGION_FILES])
def test_no_secondary_figure_claims_official(path):
    raw = load_yaml(path)
    # the seeds, pages and the aggregator are the only sources we have: nothing may be called official
    # (placeholder: the aggregator's tables repeated for cities in other provinces)
    assert all(s["confidence"] in ("secondary", "unverified", "placeholder") for s in raw["sources"])


def test_region_names_and_aliases_are_unique():
    # pinyin may be shared (suzhou: 苏州 and 宿州; a lookup by it asks which one), Chinese names never
    seen: dict[str, str] = {}
    for entry in load_index():
        for key in set(entry["keys"]):
            shared_pinyin = key.isascii() and key.isalnum()
            assert key not in seen or seen[key] == entry["name"] or shared_pinyin, (key, seen.get(key), entry["name"])
            seen[key] = entry["name"]


@pytest.mark.parametrize("query", ["绵阳", "绵阳市", "MianYang", "mianyang", " 绵阳 ", "my"])
def test_region_lookup_variants(run, query):
    data = run.json("estimate", "-r", query, "-t", "职工", "--tier", "3", "--amount", "8000")
    assert data["region"] == "绵阳"


def test_region_key_strips_suffixes():
    assert region_key("四川省") == "四川"
    assert region_key("绵阳市") == "绵阳"
    assert region_key("市") == "市"


def test_regions_command_lists_every_file(run):
    rows = run.json("regions")
    names = {r["name"] for r in rows}
    assert {"绵阳", "海南", "广州", "南京"} <= names
    assert len(rows) == len(REGION_FILES)


def test_user_region_overrides_shipped(run, isolated_dirs):
    from pathlib import Path

    text = (Path(__file__).parent / "policies" / "example.yaml").read_text(encoding="utf-8")
    text = text.replace("name: 示例市", "name: 绵阳").replace("aliases: [示例, shili]", "aliases: [mianyang]")
    folder = isolated_dirs["data"] / "regions"
    folder.mkdir(parents=True)
    (folder / "my-mianyang.yaml").write_text(text, encoding="utf-8")
    data = run.json("estimate", "-r", "绵阳", "-t", "employee", "--tier", "2", "--amount", "8000")
    assert data["fund_pay"] == 6600  # the user's figures, not the shipped ones
    assert data["sources"][0]["id"] == "notice-2024"


def test_cache_refreshes_when_file_changes(run, isolated_dirs):
    from pathlib import Path

    folder = isolated_dirs["data"] / "regions"
    folder.mkdir(parents=True)
    src = (Path(__file__).parent / "policies" / "example.yaml").read_text(encoding="utf-8")
    target = folder / "shili.yaml"
    target.write_text(src, encoding="utf-8")
    args = ("estimate", "-r", "示例", "-t", "employee", "--tier", "2", "--amount", "8000")
    assert run.json(*args)["fund_pay"] == 6600
    target.write_text(src.replace("ratio: 0.88}", "ratio: 0.80}", 1), encoding="utf-8")
    assert run.json(*args)["fund_pay"] == 6000  # 7500 × 0.80: the edit is seen, not a stale cache


def test_index_follows_added_and_edited_user_files(run, isolated_dirs):
    from pathlib import Path

    src = (Path(__file__).parent / "policies" / "example.yaml").read_text(encoding="utf-8")
    folder = isolated_dirs["data"] / "regions"
    folder.mkdir(parents=True)
    args = ("-t", "employee", "--tier", "2", "--amount", "8000")
    assert run("estimate", "-r", "aaa", *args).exit_code == 2  # builds the index, no such region yet
    target = folder / "mine.yaml"
    target.write_text(src.replace("aliases: [示例, shili]", "aliases: [aaa]"), encoding="utf-8")
    assert run.json("estimate", "-r", "aaa", *args)["region"] == "示例市"  # a new file is seen
    target.write_text(src.replace("aliases: [示例, shili]", "aliases: [bbbb]"), encoding="utf-8")  # edited in place
    assert run.json("estimate", "-r", "bbbb", *args)["region"] == "示例市"
    result = run("estimate", "-r", "aaa", *args)
    assert result.exit_code == 2 and "不认识的地区" in result.stderr


def test_regions_reports_a_user_file_that_does_not_validate(run, isolated_dirs):
    from pathlib import Path

    src = (Path(__file__).parent / "policies" / "example.yaml").read_text(encoding="utf-8")
    folder = isolated_dirs["data"] / "regions"
    folder.mkdir(parents=True)
    (folder / "bad.yaml").write_text(src.replace("source: notice-2024\n    outpatient", "source: nowhere\n    outpatient"),
                                     encoding="utf-8")
    rows = {r["name"]: r for r in run.json("regions")}
    assert rows["示例市"]["broken"] is True and "nowhere" in rows["示例市"]["problem"]
    assert rows["绵阳"]["broken"] is False
    result = run("regions", "--format", "plain")
    assert "nowhere" in result.stderr
