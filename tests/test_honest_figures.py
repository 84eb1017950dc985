"""Issue 19, the data half ("honest figures"): a confidence below unverified for the aggregator's
placeholder tables, the other readings of a figure as alternatives, and the evidence pass applied
by the importer. Through the public face where possible (policy show, estimate -f json, regions,
policy validate); the importer's evidence rules by unit tests with small synthetic evidence.
"""

from __future__ import annotations

from pathlib import Path

from conftest import DATA

from medins_cli.errors import ExitCode

EXAMPLE = Path(__file__).parent / "policies" / "example.yaml"


# ---- the placeholder confidence ------------------------------------------------------------


def _user_file(isolated_dirs, confidence: str) -> Path:
    folder = isolated_dirs["data"] / "regions"
    folder.mkdir(parents=True, exist_ok=True)
    text = EXAMPLE.read_text(encoding="utf-8").replace("confidence: unverified", f"confidence: {confidence}")
    path = folder / "shili.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_placeholder_is_the_weakest_confidence(run, isolated_dirs):
    from medins_cli.core.names import CONFIDENCE_RANK, normalize_confidence

    assert CONFIDENCE_RANK == ("placeholder", "unverified", "secondary", "observed", "official")
    assert normalize_confidence("疑似占位") == normalize_confidence("占位") == "placeholder"
    path = _user_file(isolated_dirs, "placeholder")
    assert run("policy", "validate", str(path)).exit_code == ExitCode.OK
    args = ("estimate", "-r", "示例", "-t", "职工", "--tier", "2", "--amount", "8000")
    refused = run(*args, "--min-confidence", "unverified")
    assert refused.exit_code == ExitCode.ERROR and refused.stdout == "" and "placeholder" in refused.stderr
    assert run(*args, "--min-confidence", "placeholder", "-f", "json").exit_code == ExitCode.OK
    assert "示例市" in [r["name"] for r in run.json("regions", "--confidence", "placeholder")]
    assert "示例市" in [r["name"] for r in run.json("regions", "-c", "疑似占位")]
    show = run("policy", "show", "示例", "-f", "table").stdout
    assert "疑似占位" in show


def test_the_json_schema_and_completion_know_placeholder():
    from medins_cli.commands.completion import complete_confidence, complete_regions_confidence
    from medins_cli.store.schema import json_schema

    assert "placeholder" in str(json_schema())
    assert complete_confidence("p") == ["placeholder"] and "placeholder" in complete_regions_confidence("")


# ---- other readings as alternatives -----------------------------------------------------------

def _shipped(name: str):
    from medins_cli.store.yamlio import load_yaml

    return load_yaml(DATA / "regions" / name)


def _employee_sections(doc):
    return {s["kind"]: s for s in doc.get("sections") or () if s["plan"] == "employee"}


def _value(figure):
    return figure["value"] if isinstance(figure, dict) and "value" in figure else figure


def test_every_big_bill_fund_starting_at_the_basic_cap_carries_the_other_reading():
    """An employee 大额 whose threshold is exactly the basic fund's cap (郑州, 济南, most of 湖北 and 湖南)
    may pay on the year's burden or above the cap: the file says both."""
    at_cap = []
    for path in sorted((DATA / "regions").glob("*.yaml")):
        sections = _employee_sections(_shipped(path.name))
        ci, inpatient = sections.get("critical_illness"), sections.get("inpatient")
        if not ci or not inpatient or _value(ci.get("mode", "on_burden")) != "on_burden":
            continue
        if ci.get("threshold") is not None and _value(ci["threshold"]) == _value(inpatient.get("annual_cap")):
            at_cap.append(path.stem)
            mode = ci["mode"]
            assert isinstance(mode, dict) and [a["value"] for a in mode["alternatives"]] == ["above_cap"], path.name
            assert mode["alternatives"][0]["source"] == "agg-file"
    assert len(at_cap) == 30 and {"zhengzhou", "jinan", "changde", "xiangyang"} <= set(at_cap)


def test_the_aggregators_own_words_decide_the_reading_where_they_say_it(run):
    """武汉 and 宜昌 quote 「…最高支付限额…，超过部分进入大额医保」, 西安 comments 「超过40万部分由大额补助支付」:
    above the cap, no alternative. 成都's 大额 starts at the cap with no words: both readings."""
    for city in ("武汉", "宜昌", "西安"):
        doc = run.json("policy", "show", city, "-t", "职工")
        ci = next(s for s in doc["sections"] if s["kind"] == "critical_illness")
        assert ci["mode"] == "above_cap" and "依据聚合表原文" in ci["note"], city
    chengdu = next(s for s in run.json("policy", "show", "成都", "-t", "职工")["sections"] if s["kind"] == "critical_illness")
    assert chengdu["mode"]["value"] == "above_cap"
    assert [a["value"] for a in chengdu["mode"]["alternatives"]] == ["on_burden"]
    assert "起付线取 450000 元" in chengdu["mode"]["alternatives"][0]["note"]


def test_a_pages_second_reading_is_an_alternative(run):
    dalian = run.json("policy", "show", "大连")
    resident = next(s for s in dalian["sections"] if s["plan"] == "resident" and s["kind"] == "inpatient")
    special = resident["tiers"]["3a"]["deductible"]
    assert special["value"] == 1200 and special["alternatives"][0]["value"] == 850
    ci = next(s for s in dalian["sections"] if s["plan"] == "employee" and s["kind"] == "critical_illness")
    assert ci["annual_cap"]["value"] == 250000 and ci["annual_cap"]["alternatives"][0]["value"] == 350000


def _script():
    import importlib.util
    import sys

    spec = importlib.util.spec_from_file_location("import_aggregator", DATA.parent / "scripts" / "import_aggregator.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def test_the_quoted_notice_is_read_only_where_it_reads_one_way():
    from decimal import Decimal as D

    read = _script().quoted_figures
    foshan = ("职工医保住院起付线：一级及以下250元、二级500元、三级1000元；报销比例在职一级95%、二级91%、三级87%"
              "（退休人员分别为97%、93%、89%）。基本医保年度封顶60万元。居民住院起付线同级，报销比例一级90%、二级85%、"
              "三级75%。大病保险起付线1.5万元，报销比例60%-80%，年度限额40万元。")
    got = {k: v for k, (v, _) in read(foshan).items()}
    assert got[("resident", "ratio", "3")] == D("0.75") and got[("employee", "ratio", "3")] == D("0.87")
    assert got[("employee", "deductible", "1")] == 250 and ("resident", "deductible", "1") not in got  # 「同级」
    assert ("employee", "annual_cap", None) not in got  # a sentence naming no plan, in a quote about both
    lists = "居民住院起付线一级200元、二级500元、三级800元，支付比例对应85%、80%、70%，限额30万元。"
    got = {k: v for k, (v, _) in read(lists).items()}
    assert [got[("resident", "ratio", t)] for t in "123"] == [D("0.85"), D("0.8"), D("0.7")]
    assert got[("resident", "annual_cap", None)] == 300000
    hefei = "居民住院起付线：一级200元/90%、二级500元/85%、市属三级700元/80%、省属三级1000元/75%，基本医保限额30万元。"
    got = {k: v for k, (v, _) in read(hefei).items()}
    assert got[("resident", "deductible", "2")] == 500 and ("resident", "ratio", "3") not in got  # 市属/省属: not "3"
    assert read("住院起付线：一级300元（报销80%）、三级1300元（报销75%-78%），年度最高支付限额为20万-25万元。", "resident") \
        == {("resident", "deductible", "1"): (D(300), "住院起付线：一级300元、三级1300元，年度最高支付限额为20万-25万元"),
            ("resident", "deductible", "3"): (D(1300), "住院起付线：一级300元、三级1300元，年度最高支付限额为20万-25万元")}
    assert read("职工统筹基金年度最高支付限额15万元，大额救助最高50万元。") == {}  # 住院? not said
    assert read("职工住院统筹基金年度最高支付限额15万元，大额救助最高50万元。") == {
        ("employee", "annual_cap", None): (D(150000), "职工住院统筹基金年度最高支付限额15万元，大额救助最高50万元")}
    assert read("居民住院：二级医疗机构起付线由800元下调至600元，支付比例由78%上调至80%。")[
        ("resident", "deductible", "2")][0] == 600


def test_where_the_aggregator_contradicts_its_own_quote_both_figures_are_shown(run):
    """佛山 居民: its quoted notice says 一级90%、二级85%、三级75%, its table 95/90/85 %."""
    doc = run.json("policy", "show", "佛山", "-t", "居民")
    tiers = next(s for s in doc["sections"] if s["kind"] == "inpatient")["tiers"]
    assert [tiers[t]["ratio"]["value"] for t in "123"] == [0.95, 0.9, 0.85]
    alternatives = [tiers[t]["ratio"]["alternatives"][0] for t in "123"]
    assert [a["value"] for a in alternatives] == [0.9, 0.85, 0.75]
    assert all(a["source"] == "agg-fs-medical-insurance-inpatient-2023" and a["note"].startswith("聚合表引用的通知原文写作")
               for a in alternatives)
    # the estimate itself still uses the table's figure (the range is the engine's business)
    assert run.json("estimate", "-r", "佛山", "-t", "居民", "--tier", "3", "--amount", "8000")["fund_pay"] == 5780


# ---- placeholder tables in the shipped data ----------------------------------------------------

AGGREGATOR_TABLE = ("agg-file", "agg-placeholder-", "agg-shared-")


def _as_the_aggregator_gives_it(value, section_source):
    if not (isinstance(value, dict) and "value" in value):
        return value
    own = value.get("source")
    if own is None or own == section_source or str(own).startswith(AGGREGATOR_TABLE):
        return value["value"]
    return next(a["value"] for a in value["alternatives"] if a["source"] == section_source)


def _key(section):
    """The section's figures as the aggregator's table gives them (not notes, sources or the name)."""
    import json
    from decimal import Decimal

    def norm(value):
        if isinstance(value, dict):
            return {str(k): norm(v) for k, v in value.items()}
        if isinstance(value, list):
            return [norm(v) for v in value]
        if isinstance(value, (int, float, Decimal)) and not isinstance(value, bool):
            return str(Decimal(str(value)).normalize())
        return value

    body = {}
    for key, value in section.items():
        if key in ("plan", "kind", "effective", "until", "source", "note", "name"):
            continue
        if key == "tiers":
            tiers = {}
            for tier_key, tier in value.items():
                tier = {k: _as_the_aggregator_gives_it(v, section["source"]) for k, v in tier.items()}
                bands = tier.get("bands")
                if isinstance(bands, list) and len(bands) == 1 and bands[0].get("upto") is None:
                    tier = {**{k: v for k, v in tier.items() if k != "bands"}, "ratio": bands[0]["ratio"]}
                tiers[str(tier_key)] = tier
            value = tiers
        else:
            value = _as_the_aggregator_gives_it(value, section["source"])
        body[key] = value
    return json.dumps([section["plan"], section["kind"], norm(body)], sort_keys=True, ensure_ascii=False)


def test_placeholder_groups_recomputed_from_the_shipped_files():
    """Every table identical to another city's in other provinces is placeholder; every placeholder
    table is in such a group; a group inside one province stays unverified (agg-shared-…)."""
    groups: dict[str, list[tuple[str, str]]] = {}
    sections = []
    for path in sorted((DATA / "regions").glob("*.yaml")):
        doc = _shipped(path.name)
        sources = {s["id"]: s for s in doc.get("sources") or ()}
        for section in doc.get("sections") or ():
            if str(section["source"]).startswith(AGGREGATOR_TABLE):
                key = _key(section)
                groups.setdefault(key, []).append((path.stem, doc["region"]["province"]))
                sections.append((path.stem, section, sources[section["source"]], key))
    placeholders = 0
    for stem, section, source, key in sections:
        group = groups[key]
        provinces = {p for _, p in group}
        where = f"{stem} {section['plan']} {section['kind']}"
        if len(group) == 1:
            assert section["source"] == "agg-file", where
        elif len(provinces) > 1:
            placeholders += 1
            assert section["source"] == f"agg-placeholder-{section['plan']}-{section['kind']}", where
            assert source["confidence"] == "placeholder", where
            assert f"与 {len(group) - 1} 个城市(跨 {len(provinces)} 个省" in source["note"], where
        else:
            assert section["source"] == f"agg-shared-{section['plan']}-{section['kind']}", where
            assert source["confidence"] == "unverified", where
            assert f"与省内 {len(group) - 1} 个城市相同:可能是全省统一政策,也可能是占位" in source["note"], where
    assert placeholders > 600  # remote tables alone: ~335 per plan


def test_a_placeholder_tables_estimate_says_so_and_min_confidence_refuses_it(run):
    args = ("estimate", "-r", "南阳", "-t", "职工", "--tier", "3", "--amount", "8000")
    data = run.json(*args)
    assert "placeholder" in {s["confidence"] for s in data["sources"]}
    refused = run(*args, "--min-confidence", "unverified")
    assert refused.exit_code == ExitCode.ERROR and refused.stdout == "" and "placeholder" in refused.stderr
    table = run(*args, "-f", "table").stdout
    assert table.splitlines()[0].startswith("⚠ 疑似占位")
    # 佛山's employee inpatient table is its own: the same question at unverified is answered
    assert run("estimate", "-r", "佛山", "-t", "职工", "--tier", "3", "--amount", "8000", "--min-confidence",
               "unverified", "-f", "json").exit_code == ExitCode.OK
    names = {r["name"] for r in run.json("regions", "--confidence", "placeholder")}
    assert {"南阳", "佛山"} <= names  # 佛山's remote table is the common one
    shown = run.json("policy", "show", "南阳", "-t", "职工")
    inpatient = next(s for s in shown["sections"] if s["kind"] == "inpatient")
    assert inpatient["source"] == "agg-placeholder-employee-inpatient"


# ---- the evidence pass: the importer's rules, on small synthetic evidence ---------------------------

SYNTHETIC_CITY = {
    "region": {"name": "示例", "level": "city", "province": "示例省"},
    "sources": [{"id": "agg-file", "title": "聚合表", "confidence": "unverified"}],
    "plans": {"employee": {
        "inpatient": {"tiers": {"2": {"deductible": 500, "ratio": 0.88}, "3": {"deductible": 1200, "ratio": 0.85}},
                      "annual_cap": 500000, "source": "agg-file"},
        "critical_illness": {"mode": "on_burden", "threshold": 15000, "bands": [{"ratio": 0.8}], "source": "agg-file"}}},
    "notes": [],
}


def _evidence(tmp_path, sources, findings, covers=None, name="shili"):
    """Write one synthetic evidence file (the EVIDENCE-FORMAT) and read it back as the importer does."""
    import copy

    import yaml

    ia = _script()
    folder = tmp_path / "evidence"
    folder.mkdir(exist_ok=True)
    doc = {"region": "示例", "province": "示例省", "searched": "2026-12-06", "queries": ["q"],
           "sources": sources, "findings": findings, "outcome": "found", "remarks": ""}
    if covers is not None:
        doc["covers"] = covers
    (folder / f"{name}.yaml").write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    city = ia.City(None, "示例", "示例市", "示例省", "shili", file="shili.yaml")
    evidence = ia.read_evidence(folder, [city])["shili.yaml"]
    return ia, copy.deepcopy(SYNTHETIC_CITY), evidence


def _page(pid, url, kind, date=None, doc_number=None, quote="摘录"):
    return {"id": pid, "url": url, "title": f"页面 {pid}", "date": date, "kind": kind, "doc_number": doc_number,
            "quote": quote}


def _finding(source, value, figure="deductible", tier="3", section="inpatient", year=None, note=""):
    out = {"plan": "employee", "section": section, "figure": figure, "value": value, "year": year, "source": source,
           "note": note}
    if tier is not None:
        out["tier"] = tier
    return out


def test_a_content_farm_alone_never_changes_a_figure(tmp_path):
    import datetime as dt

    pages = [_page("farm-a", "https://farm-a.example/1", "content_farm", dt.date(2025, 3, 1)),
             _page("farm-b", "https://farm-b.example/2", "content_farm", dt.date(2025, 4, 1))]
    ia, doc, ev = _evidence(tmp_path, pages, [_finding("farm-a", 880, year=2025), _finding("farm-b", 880, year=2025)])
    result = ia.apply_evidence("shili.yaml", doc, ev, ia.Report())
    figure = doc["plans"]["employee"]["inpatient"]["tiers"]["3"]["deductible"]
    assert figure["value"] == 1200 and "source" not in figure and result.changed == []
    [alternative] = figure["alternatives"]  # two farms, one value: one alternative, the other page named
    assert alternative["value"] == 880 and alternative["source"] == "ev-farm-b"  # the newer page
    assert "内容农场页面,仅供参考" in alternative["note"] and "另见 ev-farm-a" in alternative["note"]
    sources = ia.page_sources_from_evidence(ev, result)
    assert [s["confidence"] for s in sources] == ["unverified", "unverified"]
    assert sources[0]["url"] == "https://farm-a.example/1" and "内容农场" in sources[0]["note"]


def test_two_independent_dated_pages_change_a_figure_and_keep_the_old_one(tmp_path):
    import datetime as dt
    from decimal import Decimal

    pages = [_page("portal", "https://portal.example/a", "portal", dt.date(2024, 5, 1), quote="三级 880元"),
             _page("uni", "http://xxg.uni.example.edu/b", "institution", dt.date(2025, 1, 20), quote="三级医院 880"),
             _page("farm", "https://farm.example/c", "content_farm", dt.date(2025, 1, 1))]
    findings = [_finding("portal", 880, year=2024), _finding("uni", 880), _finding("farm", 1000)]
    ia, doc, ev = _evidence(tmp_path, pages, findings)
    result = ia.apply_evidence("shili.yaml", doc, ev, ia.Report())
    figure = doc["plans"]["employee"]["inpatient"]["tiers"]["3"]["deductible"]
    assert figure["value"] == Decimal(880) and figure["source"] == "ev-uni"  # the better kind first
    assert "ev-portal" in figure["note"] and "secondary" in figure["note"]
    old, farm = figure["alternatives"]
    assert old == {"value": 1200, "source": "agg-file", "note": "改用独立网页的数字之前本文件的数字(聚合表,未核实)"}
    assert farm["value"] == Decimal(1000) and farm["source"] == "ev-farm"
    assert len(result.changed) == 2
    by_id = {s["id"]: s for s in ia.page_sources_from_evidence(ev, result)}
    assert by_id["ev-uni"]["confidence"] == by_id["ev-portal"]["confidence"] == "secondary"  # never official
    assert "据此改动" in by_id["ev-uni"]["note"] and "1200 元 → 880 元" in by_id["ev-uni"]["note"]
    # the document still validates, and the old figure is what the placeholder grouping compares
    assert ia._aggregators_value(figure, "agg-file") == 1200


def test_what_is_not_enough_to_change_a_figure(tmp_path):
    import datetime as dt

    cases = {
        "one page": [_page("a", "https://a.example/1", "portal", dt.date(2024, 1, 1))],
        "same domain twice": [_page("a", "https://a.example/1", "portal", dt.date(2024, 1, 1)),
                              _page("b", "https://a.example/2", "news", dt.date(2024, 2, 1))],
        "undated": [_page("a", "https://a.example/1", "portal"), _page("b", "https://b.example/2", "institution")],
        "before 2023": [_page("a", "https://a.example/1", "portal", dt.date(2022, 6, 1)),
                        _page("b", "https://b.example/2", "news", dt.date(2020, 1, 1))],
        "authority, undated": [_page("a", "https://ybj.example.gov.cn/1", "authority")],
        "reprint without 文号": [_page("a", "https://a.example/1", "reprint", dt.date(2024, 1, 1))],
    }
    for label, pages in cases.items():
        ia, doc, ev = _evidence(tmp_path, pages, [_finding(p["id"], 880) for p in pages])
        ia.apply_evidence("shili.yaml", doc, ev, ia.Report())
        figure = doc["plans"]["employee"]["inpatient"]["tiers"]["3"]["deductible"]
        assert figure["value"] == 1200 and [a["value"] for a in figure["alternatives"]] == [880], label


def test_an_authority_page_or_a_dated_reprint_with_its_wenhao_is_enough(tmp_path):
    import datetime as dt

    for page in (_page("gov", "https://ybj.example.gov.cn/1", "authority", dt.date(2024, 3, 1)),
                 _page("rep", "https://news.example/2", "reprint", dt.date(2023, 7, 1), doc_number="示医保发〔2023〕1号")):
        ia, doc, ev = _evidence(tmp_path, [page], [_finding(page["id"], 0.9, figure="ratio")])
        ia.apply_evidence("shili.yaml", doc, ev, ia.Report())
        figure = doc["plans"]["employee"]["inpatient"]["tiers"]["3"]["ratio"]
        assert float(figure["value"]) == 0.9 and figure["source"] == f"ev-{page['id']}"
        assert [float(a["value"]) for a in figure["alternatives"]] == [0.85]


def test_agreement_is_recorded_and_strong_agreement_blocks_a_change(tmp_path):
    import datetime as dt

    pages = [_page("gov", "https://ybj.example.gov.cn/1", "authority", dt.date(2024, 3, 1)),
             _page("a", "https://a.example/1", "portal", dt.date(2024, 1, 1)),
             _page("b", "https://b.example/2", "institution", dt.date(2024, 2, 1))]
    findings = [_finding("gov", 1200), _finding("a", 880), _finding("b", 880)]
    ia, doc, ev = _evidence(tmp_path, pages, findings)
    result = ia.apply_evidence("shili.yaml", doc, ev, ia.Report())
    figure = doc["plans"]["employee"]["inpatient"]["tiers"]["3"]["deductible"]
    assert figure["value"] == 1200 and [a["value"] for a in figure["alternatives"]] == [880]
    assert [f.page.id for f, _ in result.agree] == ["ev-gov"]
    note = {s["id"]: s["note"] for s in ia.page_sources_from_evidence(ev, result)}["ev-gov"]
    assert "与本文件一致:职工住院三级起付线 1200 元" in note


def test_folded_caps_bands_and_modes_from_pages(tmp_path):
    import datetime as dt

    pages = [_page("p", "https://p.example/1", "portal", dt.date(2024, 8, 12), quote="基本 8 万,大病 42 万,合计 50 万")]
    findings = [_finding("p", 80000, figure="annual_cap", tier=None, note="folded: 基本 8万 + 大病 42万"),
                _finding("p", [{"upto": 40000, "ratio": 0.86}, {"upto": None, "ratio": 0.95}], figure="bands"),
                _finding("p", "above_cap", figure="mode", tier=None, section="critical_illness"),
                _finding("p", 0.9, figure="ratio", tier="1")]  # 一级: this file has no such tier
    ia, doc, ev = _evidence(tmp_path, pages, findings)
    result = ia.apply_evidence("shili.yaml", doc, ev, ia.Report())
    inpatient = doc["plans"]["employee"]["inpatient"]
    cap = inpatient["annual_cap"]
    assert cap["value"] == 500000 and cap["alternatives"][0]["value"] == 80000
    assert "把基本统筹的年度封顶线写作 80000 元" in cap["alternatives"][0]["note"]
    tier = inpatient["tiers"]["3"]  # a flat ratio and a page's bands: the tier is written as bands
    assert "ratio" not in tier and [float(b["ratio"]) for b in tier["bands"]["value"]] == [0.85]
    assert [float(b["ratio"]) for b in tier["bands"]["alternatives"][0]["value"]] == [0.86, 0.95]
    mode = doc["plans"]["employee"]["critical_illness"]["mode"]
    assert mode["value"] == "on_burden" and mode["alternatives"][0]["value"] == "above_cap"
    assert [why for _, why in result.not_applied] == ["本文件的职工住院没有一级这一级"]


def test_a_province_document_applies_to_every_city_it_covers(tmp_path):
    import datetime as dt

    ia = _script()
    import yaml

    folder = tmp_path / "evidence"
    folder.mkdir()
    doc = {"region": "示例省", "province": "示例省", "searched": "2026-12-06", "queries": [],
           "sources": [_page("farm", "https://farm.example/1", "content_farm", dt.date(2025, 3, 7))],
           "findings": [_finding("farm", 238218, figure="annual_cap", tier=None, year=2023)],
           "outcome": "found", "remarks": "", "covers": ["示例省 (the whole province)"]}
    (folder / "PROVINCE-shili.yaml").write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    cities = [ia.City(None, n, n + "市", "示例省", p, file=f"{p}.yaml") for n, p in (("甲", "jia"), ("乙", "yi"))]
    cities.append(ia.City(None, "丙", "丙市", "别的省", "bing", file="bing.yaml"))
    evidence = ia.read_evidence(folder, cities)
    assert sorted(evidence) == ["jia.yaml", "yi.yaml"]
    assert [p.id for p in evidence["jia.yaml"].pages] == ["ev-shili-farm"]


# ---- the evidence pass in the shipped data ------------------------------------------------------------


def test_the_shipped_evidence_files_keep_the_format():
    import datetime as dt

    from medins_cli.store.yamlio import load_yaml

    ia = _script()
    folder = DATA / "evidence"
    files = sorted(folder.glob("*.yaml"))
    assert len(files) == 73 and sum(p.name.startswith("PROVINCE-") for p in files) == 4
    for path in files:
        doc = load_yaml(path)
        assert ia._evidence_problem(path.name, doc) is None, path.name
        assert doc["outcome"] in ("found", "nothing_usable") and isinstance(doc["queries"], list), path.name
        for src in doc["sources"]:
            assert len(src["quote"]) <= 200 and (src["date"] is None or isinstance(src["date"], dt.date)), path.name
        if not path.name.startswith("PROVINCE-"):
            region = load_yaml(DATA / "regions" / path.name)["region"]
            assert (region["name"], region["province"]) == (doc["region"], doc["province"]), path.name


def test_pages_become_sources_with_their_urls_exactly_and_never_official(run):
    from medins_cli.store.yamlio import load_yaml

    kunming = run.json("policy", "show", "昆明")
    evidence = load_yaml(DATA / "evidence" / "kunming.yaml")
    pages = {s["id"]: s for s in kunming["sources"] if s["id"].startswith("ev-")}
    assert {f"ev-{s['id']}": s["url"] for s in evidence["sources"]} == {k: s["url"] for k, s in pages.items()}
    assert pages["ev-shbk-2024"]["confidence"] == "secondary" and pages["ev-jskk-5764885"]["confidence"] == "unverified"
    assert "与本文件一致:" in pages["ev-shbk-2024"]["note"] and "职工住院三级比例 85%" in pages["ev-shbk-2024"]["note"]
    inpatient = next(s for s in kunming["sections"] if s["plan"] == "employee" and s["kind"] == "inpatient")
    cap = inpatient["annual_cap"]  # 8万 basic + 42万 大病 = the 50万 we show: the page's basic cap as an alternative
    assert cap["value"] == 500000 and cap["alternatives"][0]["value"] == 80000
    assert "把基本统筹的年度封顶线写作 80000 元" in cap["alternatives"][0]["note"]
    assert inpatient["tiers"]["3"]["deductible"]["alternatives"][0]["value"] == 880
    assert all(s["confidence"] != "official" for s in kunming["sources"])
    guangxi = run.json("policy", "show", "桂林", "-t", "居民")  # PROVINCE-guangxi covers every 广西 city
    cap = next(s for s in guangxi["sections"] if s["kind"] == "inpatient")["annual_cap"]
    assert cap["alternatives"][0]["value"] == 238218 and "内容农场页面,仅供参考" in cap["alternatives"][0]["note"]


def test_the_quality_index_matches_the_shipped_files():
    """data/evidence/quality.json (what `regions --quality` reads) agrees with the region files."""
    import json

    index = json.loads((DATA / "evidence" / "quality.json").read_text(encoding="utf-8"))
    imported = [p for p in sorted((DATA / "regions").glob("*.yaml"))
                if p.read_text(encoding="utf-8").startswith("# medins-import:")]
    assert sorted(index["regions"]) == sorted(p.stem for p in imported)
    for path in imported:
        doc = _shipped(path.name)
        entry = index["regions"][path.stem]
        shared = {f"{s['plan']}.{s['kind']}": s["source"] for s in doc["sections"]
                  if s["source"].startswith(("agg-placeholder-", "agg-shared-"))}
        assert {k: v["source"] for k, v in entry["shared"].items()} == shared, path.name
        with_alternatives = 0
        for section in doc["sections"]:
            figures = [v for k, v in section.items() if k != "tiers"]
            figures += [v for tier in (section.get("tiers") or {}).values() for v in tier.values()]
            with_alternatives += sum(1 for v in figures if isinstance(v, dict) and v.get("alternatives"))
        assert entry["figures_with_alternatives"] == with_alternatives, path.name
        assert (entry["evidence"] is not None) == any(s["id"].startswith("ev-") for s in doc["sources"]) or \
            entry["evidence"]["outcome"] == "nothing_usable", path.name
    totals = index["totals"]
    assert totals["figures_changed_by_evidence"] == 0  # no page met the rules (see data/evidence/README.md)
    assert totals["alternatives_by_reason"]["self_contradiction"] == 110
    assert totals["alternatives_by_reason"]["mode_reading"] == 36


# ---- claims that match the measurements ------------------------------------------------------------


def test_no_claim_of_three_quarters_is_left_and_both_samples_are_said():
    repo = DATA.parent
    texts = [repo / "README.md", *sorted((repo / "docs").glob("*.md")), *sorted(DATA.rglob("*.md")),
             *sorted((DATA / "regions").glob("*.yaml")), *sorted((repo / "medins_cli").rglob("*.py")),
             *sorted((repo / "scripts").glob("*.py"))]
    for path in texts:
        text = path.read_text(encoding="utf-8")
        assert "四分之三" not in text and "three quarters" not in text.lower(), path
    for path in (repo / "README.md", DATA / "regions" / "README.md", DATA / "SOURCES.md"):
        text = path.read_text(encoding="utf-8")
        assert "196" in text and "270" in text and "31" in text and "92" in text and "占位" in text, path
    imported = _shipped("kunming.yaml")
    note = imported["notes"][0]["text"] + next(s["note"] for s in imported["sources"] if s["id"] == "agg-file")
    assert "196 个一致" in note and "只有 31 次一致" in note and "agg-placeholder-" in note


def test_the_caveat_lines_fit_80_columns():
    from rich.cells import cell_len

    from medins_cli.render.estimate import AGGREGATOR_CAVEAT, PLACEHOLDER_CAVEAT

    assert cell_len(f"⚠ {AGGREGATOR_CAVEAT}") <= 80 and cell_len(f"⚠ {PLACEHOLDER_CAVEAT}") <= 80
    assert "31/92" in AGGREGATOR_CAVEAT and "196/270" in AGGREGATOR_CAVEAT


def test_a_placeholder_is_the_first_warning_in_every_format_and_in_batch(run):
    # 沧州's 职工 异地 table is the one 283 cities share (agg-placeholder-employee-remote)
    bill = ["-r", "沧州", "-t", "职工", "--tier", "3", "--visit", "门诊", "--amount", "8000", "--remote", "unfiled"]
    first = ("疑似占位:职工医保异地就医的数字与 283 个城市(跨 30 个省)完全相同,很可能是聚合项目的占位数字,"
             "不是沧州自己的")
    data = run.json("estimate", *bill)
    assert data["warnings"][0].startswith(first)
    assert run("estimate", *bill, "-f", "plain").stdout.split("warnings: ", 1)[1].startswith(first)
    assert first[:20] in run("estimate", *bill, "-f", "table").stdout
    rows = "region,type,tier,visit,amount,remote\n沧州,职工,3,门诊,8000,unfiled\n沧州,职工,3,门诊,8000,filed\n绵阳,职工,3,住院,8000,\n"
    out = run("estimate", "--batch", "-", "-f", "jsonl", input=rows)
    import json

    warnings = [json.loads(line)["warnings"] for line in out.stdout.splitlines()]
    assert warnings[0][0].startswith(first) and warnings[1][0].startswith(first)
    assert not any(w.startswith("疑似占位") for w in warnings[2])  # 绵阳's 住院 uses no placeholder table
