"""Health of data/guides/*.yaml: every file validates, every source exists, region rules name
known places, facts carry no invented 文号/URL/phone number; docs list every JSON key;
the guide commands stay light when the cache is warm."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from medins_cli.errors import DataError
from medins_cli.store import guide_schema, guides
from medins_cli.store.paths import shipped_data_dir
from medins_cli.store.regions import load_index, region_key
from medins_cli.store.yamlio import load_yaml

GUIDES = shipped_data_dir() / "guides"
DOCS = Path(__file__).resolve().parents[1] / "docs" / "guides.md"


@pytest.mark.parametrize("kind", guides.GUIDE_FILES)
def test_every_guide_file_validates(kind):
    path = GUIDES / f"{kind}.yaml"
    raw = load_yaml(path)
    getattr(guide_schema, f"validate_{kind}")(raw, str(path))  # pydantic, directly
    assert guides.load(kind)  # and through the cache, with the source-id check


def test_there_are_no_stray_guide_files():
    assert {p.stem for p in GUIDES.glob("*.yaml")} == set(guides.GUIDE_FILES)


@pytest.mark.parametrize("kind", [k for k in guides.GUIDE_FILES if k not in ("sources", "places")])
def test_every_source_id_exists(kind):
    known = set(guides.sources())
    used = list(guides.walk_sources(load_yaml(GUIDES / f"{kind}.yaml")))
    assert used, kind
    assert set(used) <= known, set(used) - known


def test_every_source_is_used():
    used = {sid for kind in ("checklists", "balance", "transfer", "filing")
            for sid in guides.walk_sources(guides.load(kind))}
    assert set(guides.sources()) == used


def test_seed_sources_match_the_seed_list():
    src = guides.sources()
    assert src["seed-000"].title == "医保个人余额不足能报销吗" and src["seed-000"].date == "2025-02-26"
    assert src["seed-004"].date == "2025-04-21"
    assert all(s.confidence != "official" for s in src.values())  # only seed articles and notes so far


def _all_rules():
    for s in guides.load("checklists")["scenarios"]:
        yield f"checklists:{s['id']}", s["region_rules"]
    for kind in ("balance", "transfer", "filing"):
        yield kind, guides.load(kind)["region_rules"]


def test_region_rules_name_known_regions_or_provinces():
    known = set()
    for entry in load_index():
        known.update(entry["keys"])
        known.add(region_key(entry.get("province") or entry["name"]))
    places = guides.load("places")
    for p in places["provinces"] + places["cities"]:
        known.update(region_key(w) for w in (p["name"], *p["aliases"]))
    for where, rules in _all_rules():
        for rule in rules:
            for name in rule["regions"]:
                assert region_key(name) in known, f"{where}: {name}"
                assert guides.find_place(name).name == name


def test_places_do_not_shadow_region_files():
    index_names = {e["name"] for e in load_index() if e.get("level") == "city"}
    assert not index_names & {c["name"] for c in guides.load("places")["cities"]}


def test_required_scenarios_exist():
    names = {s["name"] for s in guides.scenarios()}
    assert {"住院手工报销", "门诊手工报销", "异地就医备案", "医保关系转移接续", "生育医疗费与生育津贴",
            "门诊特定病种（门特/门慢）认定", "家庭共济绑定", "没带医保卡就医(医保电子凭证)"} <= names


def test_scenario_names_for_completion():
    names = guides.scenario_names()
    assert "住院手工报销" in names and "inpatient-manual" in names
    from medins_cli.commands.completion import complete_scenario

    assert complete_scenario("住院") == ["住院手工报销"]


#: The web pages the guides cite (found with the project's search of stored public pages, issue 20),
#: each URL exactly as that search gave it; no other URL may appear anywhere in the guides.
CITED_PAGES = {
    "https://m.jiusongjiankang.com/health/news/5744041.html",
    "https://www.jiusongjiankang.com/health/news/5006139.html",
    "https://www.jiusongjiankang.com/health/news/2466008.html",
    "http://huaxiashiwen.com/news/yiliaobx/886470.html",
    "http://m.bbbaike.com/baike/techan/192951.html",
}


def test_no_invented_document_numbers_urls_or_phones():
    text = "\n".join(p.read_text(encoding="utf-8") for p in GUIDES.glob("*.yaml") if p.stem != "sources")
    assert "http" not in text  # URLs only as a source's url, never in a guide's text
    urls = {s.url for s in guides.sources().values() if s.url}
    assert urls == CITED_PAGES
    sources_text = (GUIDES / "sources.yaml").read_text(encoding="utf-8")
    assert len(re.findall(r"https?://", sources_text)) == len(CITED_PAGES)  # each once, in its url field
    # a web page (not a seed article) is at most secondary; content farms and undated Q&A are unverified
    assert all(s.confidence == "unverified" for s in guides.sources().values() if s.url)
    text += sources_text
    # the one 文号 is the one POLICY-NOTES cites (as "待核实")
    assert set(re.findall(r"[\u4e00-\u9fff]+〔\d{4}〕\d+号", text)) == {"医保发〔2022〕22号"}
    assert not re.findall(r"\b\d{3,4}-\d{7,8}\b", text)  # no phone numbers
    # 12393 is the 医保 line (each region's area code + 12393); 12333 is 人社's and is not offered
    assert set(re.findall(r"\b1\d{4}\b", text)) <= {"12393"}


def _strings(data, where=""):
    """Every text in a guide file outside its region rules (which apply only to their places)."""
    if isinstance(data, dict):
        for key, value in data.items():
            if key not in ("region_rules", "aliases", "id", "source", "regions"):
                yield from _strings(value, f"{where}.{key}")
    elif isinstance(data, list):
        for i, value in enumerate(data):
            yield from _strings(value, f"{where}[{i}]")
    elif isinstance(data, str):
        yield where, data


def test_general_guide_texts_name_a_place_only_as_a_labelled_example():
    """A fact tied to a place is a region rule (shown for that place, or labelled as an example);
    general content may name a place only as 「以某地为例…各地不同,以参保地医保局为准」."""
    places = {e["name"] for e in load_index()} | {e["province"] for e in load_index() if e.get("province")}
    known = guides.load("places")
    places |= {p["name"] for p in known["provinces"] + known["cities"]}
    bad = []
    for kind in ("checklists", "balance", "transfer", "filing"):
        for where, text in _strings(guides.load(kind)):
            words = text.replace("医保定点", "")  # 保定 (a city) inside 医保定点 is not a place
            named = [p for p in places if p in words]
            if named and not ("为例" in text and "各地不同,以参保地医保局为准" in text):
                bad.append(f"{kind}{where}: {text} ({'、'.join(named)})")
    assert not bad, "\n".join(bad)


def test_example_rules_have_a_label():
    for where, rules in _all_rules():
        for rule in rules:
            if rule.get("example") is not None:
                assert rule["example"].strip() and "为例" not in rule["example"], where


def test_source_check_names_the_missing_id(tmp_path, monkeypatch):
    for kind in guides.GUIDE_FILES:
        (tmp_path / f"{kind}.yaml").write_bytes((GUIDES / f"{kind}.yaml").read_bytes())
    broken = (tmp_path / "transfer.yaml").read_text(encoding="utf-8").replace("source: seed-002}", "source: seed-999}", 1)
    (tmp_path / "transfer.yaml").write_text(broken, encoding="utf-8")
    monkeypatch.setattr(guides, "guides_dir", lambda: tmp_path)
    with pytest.raises(DataError, match="seed-999"):
        guides.load("transfer")


def test_schema_errors_are_one_chinese_line(tmp_path, monkeypatch, run):
    for kind in guides.GUIDE_FILES:
        (tmp_path / f"{kind}.yaml").write_bytes((GUIDES / f"{kind}.yaml").read_bytes())
    text = (tmp_path / "checklists.yaml").read_text(encoding="utf-8").replace("form: original+copy", "form: photo", 1)
    (tmp_path / "checklists.yaml").write_text(text, encoding="utf-8")
    monkeypatch.setattr(guides, "guides_dir", lambda: tmp_path)
    result = run("checklist", "住院手工报销")
    assert result.exit_code == 1
    assert "checklists.yaml" in result.stderr and "form" in result.stderr
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr


def test_duplicate_alias_is_rejected():
    raw = load_yaml(GUIDES / "checklists.yaml")
    raw["scenarios"][1]["aliases"].append("住院报销")
    with pytest.raises(ValueError, match="住院报销"):
        guide_schema.validate_checklists(raw, "checklists.yaml")


def test_step_numbers_are_checked():
    raw = load_yaml(GUIDES / "transfer.yaml")
    raw["steps"][1]["n"] = 7
    with pytest.raises(ValueError, match="编号"):
        guide_schema.validate_transfer(raw, "transfer.yaml")


# ---- docs --------------------------------------------------------------------------------


def _keys(data):
    out = set()
    if isinstance(data, dict):
        for k, v in data.items():
            out.add(k)
            if k not in ("estimate", "sources"):
                out |= _keys(v)
    elif isinstance(data, list):
        for v in data:
            out |= _keys(v)
    return out


@pytest.mark.parametrize("args", [
    ["checklist", "--list"],
    ["checklist", "异地就医备案", "--region", "绵阳"],
    ["transfer-guide", "--from", "广州", "--to", "南京"],
    ["transfer-guide", "--filing", "--from", "绵阳", "--tier", "3", "--amount", "8000", "-t", "职工"],
    ["balance", "--salary", "6000", "-r", "绵阳"],
    ["balance", "-r", "绵阳", "--tier", "3", "--amount", "8000", "-t", "职工", "--balance", "120", "--salary", "6000"],
])
def test_docs_name_every_json_key(run, args):
    docs = DOCS.read_text(encoding="utf-8")
    missing = sorted(k for k in _keys(run.json(*args)) if f"`{k}`" not in docs)
    assert not missing, f"docs/guides.md does not mention {missing}"


def test_docs_cover_the_commands():
    docs = DOCS.read_text(encoding="utf-8")
    for cmd in ("medins balance", "medins checklist", "medins transfer-guide"):
        assert cmd in docs


# ---- speed -------------------------------------------------------------------------------


@pytest.mark.parametrize("args", [
    ["checklist", "住院手工报销", "--region", "绵阳"],
    ["transfer-guide", "--from", "广州", "--to", "南京"],
    ["balance", "-r", "绵阳", "--tier", "3", "--amount", "8000", "--balance", "120"],
])
def test_json_guides_import_no_rich_yaml_or_pydantic_when_warm(tmp_path, args):
    code = (
        "import sys\n"
        f"sys.argv = ['medins', *{args!r}, '--format', 'json']\n"
        "from medins_cli.app import main\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "heavy = sorted(m for m in sys.modules if m.split('.')[0] in ('rich', 'yaml', 'pydantic'))\n"
        "sys.stderr.write('HEAVY=' + ','.join(heavy))\n"
    )
    env = {**os.environ, "MEDINS_CACHE_DIR": str(tmp_path / "cache"), "MEDINS_CONFIG_DIR": str(tmp_path / "config"),
           "MEDINS_DATA_DIR": str(tmp_path / "data")}
    for _ in range(2):  # the first run validates and fills the cache
        proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=60)
        assert proc.returncode == 0, proc.stderr
    json.loads(proc.stdout)
    assert proc.stderr.strip().endswith("HEAVY="), proc.stderr
