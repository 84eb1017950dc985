"""``medins regions`` and ``medins policy show|validate|init|schema``, through the CLI."""

from __future__ import annotations

import datetime as dt
import json
import re
from decimal import Decimal
from pathlib import Path

from conftest import DATA

from medins_cli.core.policy import policy_from_dict
from medins_cli.errors import ExitCode
from medins_cli.store.paths import shipped_data_dir
from medins_cli.store.regions import read_policy_dict

THIS_YEAR = dt.date.today().year
EXAMPLE = Path(__file__).resolve().parent / "policies" / "example.yaml"


def _user_regions(dirs) -> Path:
    return dirs["data"] / "regions"


# ---- regions ----------------------------------------------------------------------------


def test_regions_json_rows_say_plans_confidence_and_origin(run, isolated_dirs):
    _nothing_known(isolated_dirs, "体检县")
    rows = {r["name"]: r for r in run.json("regions")}
    mianyang = rows["绵阳"]
    assert mianyang["employee"] == ["inpatient", "outpatient", "critical_illness"]
    assert mianyang["confidence"] == "unverified" and mianyang["origin"] == "shipped" and mianyang["year"] == 2026
    assert mianyang["stale"] is (THIS_YEAR > 2026) and rows["体检县"]["stale"] is False  # no sources: no policy year
    assert rows["海南"]["resident"] == ["inpatient", "outpatient"] and rows["海南"]["employee"] == []
    assert rows["海南"]["confidence"] == "secondary"
    assert rows["体检县"]["confidence"] is None and rows["体检县"]["employee"] == [] and rows["体检县"]["notes"] == 0
    assert rows["盱眙"]["notes"] == 2 and rows["盱眙"]["employee"] == []


def _nothing_known(dirs, name: str) -> Path:
    """A user region file with only the place (no sources, no figures)."""
    folder = _user_regions(dirs)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "tijian.yaml"
    path.write_text(f"schema: 1\nregion: {{name: {name}, province: 云南}}\nyear: {THIS_YEAR}\nsources: []\nplans: {{}}\n",
                    encoding="utf-8")
    return path


def test_regions_province_filter_and_unknown_province(run):
    names = [r["name"] for r in run.json("regions", "--province", "四川省")]
    assert names[0] == "四川" and "绵阳" in names and "广州" not in names
    bad = run("regions", "--province", "四州")
    assert bad.exit_code == ExitCode.USAGE and "不认识的省份" in bad.stderr and bad.stdout == ""


def test_regions_table_and_csv(run, isolated_dirs):
    _nothing_known(isolated_dirs, "体检县")
    table = run("regions", "--format", "table")
    assert table.exit_code == 0 and "未核实" in table.stdout and "无数据" in table.stdout
    assert ("数字可能已调整" in table.stdout) is (THIS_YEAR > 2025)
    csv_out = run("regions", "-p", "四川", "--format", "csv").stdout.splitlines()
    assert csv_out[0].startswith("name,province,level,code,year,stale,employee,resident,notes,confidence,origin")
    assert len(csv_out) == 1 + 22  # 四川 itself and its 21 prefecture-level regions


# ---- policy show ------------------------------------------------------------------------


def test_show_table_has_every_section_with_source_and_missing_parts(run):
    result = run("policy", "show", "绵阳", "--format", "table")
    out = result.stdout
    assert result.exit_code == 0
    for text in ("职工医保 · 住院", "起付线 750.00 元,84%", "各比例加 3%", "第二次起起付线 × 0.5", "500,000.00 元",
                 "12,000.00–50,000.00 元 70%", "异地未备案", "本地比例 × 0.7", "城乡居民医保 · 门诊统筹", "[未核实]",
                 "0816-12393", "以参保地医保局", "data/regions/mianyang.yaml"):
        assert text in out, text
    hainan = run("policy", "show", "海南", "-f", "table").stdout
    assert "城乡居民医保未收录:大病保险 / 大病医疗补助".replace("大病医疗", "大额医疗") in hainan
    assert "发布 2025-04-18(生效日期未注明)" in hainan


def test_show_a_region_without_data(run, isolated_dirs):
    _nothing_known(isolated_dirs, "体检县")
    out = run("policy", "show", "体检县", "-f", "table").stdout
    assert "体检县(云南)· 暂无政策数据" in out and "来源:无" in out and "medins policy init 体检县" in out


def test_show_type_filter(run):
    out = run("policy", "show", "绵阳", "--type", "居民", "-f", "table").stdout
    assert "城乡居民医保 · 住院" in out and "职工医保 · 住院" not in out
    doc = run.json("policy", "show", "绵阳", "--type", "职工")
    assert {section["plan"] for section in doc["sections"]} == {"employee"}


def test_show_json_and_yaml_round_trip_to_the_same_policy(run, tmp_path):
    original = policy_from_dict(read_policy_dict(DATA / "regions" / "mianyang.yaml"))
    for fmt in ("json", "yaml"):
        result = run("policy", "show", "绵阳", "--format", fmt)
        assert result.exit_code == 0 and "内置数据" in result.stderr
        copy = tmp_path / f"copy.{fmt}.yaml"
        copy.write_text(result.stdout, encoding="utf-8")
        assert policy_from_dict(read_policy_dict(copy)) == original  # Decimal-equal, every field
    doc = run.json("policy", "show", "绵阳")
    inpatient = next(x for x in doc["sections"] if (x["plan"], x["kind"]) == ("employee", "inpatient"))
    assert inpatient["tiers"]["3"] == {"deductible": 750, "ratio": 0.84}
    assert inpatient["effective"] == "2026-01-01"
    assert list(doc)[:3] == ["schema", "region", "year"] and doc["schema"] == 2


def test_show_yaml_keeps_codes_and_tier_keys_as_strings(run):
    out = run("policy", "show", "绵阳", "-f", "yaml").stdout
    assert 'code: "510700"' in out and '"3":' in out and "ratio: 0.84" in out


def test_show_a_file_path_and_unknown_region(run):
    result = run("policy", "show", str(EXAMPLE), "-f", "table")
    assert result.exit_code == 0 and "示例市" in result.stdout and "指定的数据文件" in result.stdout
    unknown = run("policy", "show", "火星")
    assert unknown.exit_code == ExitCode.USAGE and unknown.stderr.startswith("错误:不认识的地区")
    missing = run("policy", "show", "nowhere/x.yaml")
    assert missing.exit_code == ExitCode.USAGE and "找不到政策文件" in missing.stderr


def test_show_takes_the_region_as_an_option_or_from_the_config(run, monkeypatch):
    # issue 20, item 5: -r/--region as every other command, the positional still works, and the configured region
    by_position = run("policy", "show", "绵阳", "-f", "json").stdout
    assert run("policy", "show", "-r", "绵阳", "-f", "json").stdout == by_position
    assert run("policy", "show", "--region", "mianyang", "-f", "json").stdout == by_position
    assert run("policy", "show", "绵阳", "-r", "绵阳市", "-f", "json").exit_code == 0  # said twice, the same place
    none = run("policy", "show")
    assert none.exit_code == ExitCode.USAGE and none.stdout == ""
    assert "没有指定地区" in none.stderr and "config set region" in none.stderr
    assert run("config", "set", "region", "绵阳").exit_code == 0
    assert run("policy", "show", "-f", "json").stdout == by_position
    assert "孝感" in run("policy", "show", "-r", "孝感", "-f", "json").stdout  # the option wins over the config
    path = run("policy", "show", "-r", str(EXAMPLE), "-f", "table")
    assert path.exit_code == 0 and "示例市" in path.stdout
    both = run("policy", "show", "绵阳", "-r", "武汉")
    assert both.exit_code == ExitCode.USAGE and "只写一个" in both.stderr and both.stdout == ""


def test_show_supports_every_format_its_help_names(run, monkeypatch):
    monkeypatch.setenv("COLUMNS", "200")
    help_text = " ".join(run("policy", "show", "--help").stdout.split())
    named = re.search(r"输出格式:(.*?)\(", help_text).group(1)
    formats = [f.strip() for f in named.split("|")]
    assert formats == ["table", "json", "yaml", "plain"] and "管道中为 yaml" in help_text
    for fmt in formats:
        result = run("policy", "show", "绵阳", "-f", fmt)
        assert result.exit_code == 0, (fmt, result.stderr)
    assert run("policy", "show", "绵阳", "-f", "plain").stdout == run("policy", "show", "绵阳", "-f", "yaml").stdout
    assert run("policy", "show", "绵阳").stdout == run("policy", "show", "绵阳", "-f", "yaml").stdout  # piped: yaml
    refused = run("policy", "show", "绵阳", "-f", "csv")
    assert refused.exit_code == ExitCode.USAGE and "table|json|yaml|plain" in refused.stderr


def test_show_warns_when_the_policy_year_is_past(run, tmp_path):
    past = tmp_path / "past.yaml"
    past.write_text(EXAMPLE.read_text(encoding="utf-8").replace("year: 2025", f"year: {THIS_YEAR - 1}"), encoding="utf-8")
    result = run("policy", "show", str(past), "-f", "json")
    assert f"示例市的数据是 {THIS_YEAR - 1} 年的政策" in result.stderr
    table = run("policy", "show", str(past), "-f", "table")
    assert "数字可能已调整" in table.stdout


# ---- every estimate says which file and warns on a past year ---------------------------


def test_estimate_says_which_file_was_used(run, isolated_dirs):
    data = run.json("estimate", "-r", "绵阳", "--tier", "3", "--amount", "8000", "-t", "职工")
    assert data["data_file"] == {"path": str(shipped_data_dir() / "regions" / "mianyang.yaml"), "origin": "shipped"}
    table = run("estimate", "-r", "绵阳", "--tier", "3", "--amount", "8000", "-t", "职工", "-f", "table")
    assert "数据文件:内置数据" in table.stdout
    assert run.json("estimate", "--policy-file", str(EXAMPLE), "--tier", "1", "--amount", "1000",
                    "-t", "职工")["data_file"]["origin"] == "file"


def test_past_year_warning_in_every_estimate_output(run, tmp_path):
    past = tmp_path / "past.yaml"
    past.write_text(EXAMPLE.read_text(encoding="utf-8").replace("year: 2025", f"year: {THIS_YEAR - 1}"), encoding="utf-8")
    now = tmp_path / "now.yaml"
    now.write_text(EXAMPLE.read_text(encoding="utf-8").replace("year: 2025", f"year: {THIS_YEAR}"), encoding="utf-8")
    args = ("--tier", "1", "--amount", "1000", "-t", "职工")
    stale = f"{THIS_YEAR - 1} 年的政策"
    assert any(stale in w for w in run.json("estimate", "--policy-file", str(past), *args)["warnings"])
    assert not any("年的政策" in w for w in run.json("estimate", "--policy-file", str(now), *args)["warnings"])
    compare = run.json("estimate", "--policy-file", str(past), "--amount", "1000", "-t", "职工", "--compare", "tiers")
    assert any(stale in w for w in compare["warnings"])
    assert stale in run("estimate", "--policy-file", str(past), *args, "-f", "plain").stdout
    assert stale in run("estimate", "--policy-file", str(past), *args, "-f", "table").stdout
    batch = tmp_path / "bills.csv"
    batch.write_text("tier,amount,type\n1,1000,职工\n", encoding="utf-8")
    assert stale in run("estimate", "--batch", str(batch), "--policy-file", str(past)).stderr


# ---- policy init ------------------------------------------------------------------------


def test_init_template_is_valid_and_the_region_works_at_once(run, isolated_dirs):
    result = run("policy", "init", "体检县", "--province", "四川", "--template")
    path = _user_regions(isolated_dirs) / "体检县.yaml"
    assert result.exit_code == 0 and path.is_file() and f"已写入 {path}" in result.stderr
    text = path.read_text(encoding="utf-8")
    assert text.startswith("# yaml-language-server: $schema=../policy.schema.json")
    assert json.loads((isolated_dirs["data"] / "policy.schema.json").read_text(encoding="utf-8"))["$schema"]
    assert run("policy", "validate", str(path)).exit_code == 0
    rows = {r["name"]: r for r in run.json("regions")}
    assert rows["体检县"]["origin"] == "user" and rows["体检县"]["province"] == "四川"
    estimate = run("estimate", "-r", "体检县", "--tier", "3", "--amount", "8000")
    assert estimate.exit_code == ExitCode.ERROR and str(path) in estimate.stderr and "sections" in estimate.stderr


def _uncomment_examples(text: str) -> list[str]:
    """What the template's comments tell the user to do first: drop the two stand-in lines,
    remove the leading "# " of the examples."""
    lines = []
    in_example = False
    for line in text.replace("sources: []\n", "").replace("sections: []\n", "").splitlines():
        if line.startswith(("# sources:", "# sections:", "# notes:")):
            in_example = True
        if in_example and line.startswith("#"):
            line = line[2:] if line.startswith("# ") else line[1:]
        lines.append(line)
    return lines


def _fill(lines: list[str], answers: dict[str, str | None], drop_blocks: tuple[str, ...]) -> str:
    """Replace each "key: 待填写" line with the notice's value (None: delete the line); delete
    whole example blocks the notice does not cover."""
    out: list[str] = []
    skip_indent = None
    for line in lines:
        stripped = line.lstrip()
        indent = len(line) - len(stripped)
        if skip_indent is not None and (indent > skip_indent or not stripped):
            continue
        skip_indent = None
        key = stripped.split(":", 1)[0].lstrip("- ")
        kind = stripped.split(":", 1)[1].split("#")[0].strip() if stripped.startswith("- kind:") else None
        if key in drop_blocks or kind in drop_blocks:  # a key's block, or a whole "- kind: …" section
            skip_indent = indent
            continue
        if "待填写" in line and not stripped.startswith("#"):
            value = answers[key]
            if value is None:
                continue
            line = line[:indent] + ("- " if stripped.startswith("- ") else "") + f"{key}: {value}"
        out.append(line)
    return "\n".join(out) + "\n"


def test_unfilled_template_examples_are_refused_not_used(run, isolated_dirs):
    run("policy", "init", "体检县", "--province", "四川", "--template")
    path = _user_regions(isolated_dirs) / "体检县.yaml"
    path.write_text("\n".join(_uncomment_examples(path.read_text(encoding="utf-8"))) + "\n", encoding="utf-8")
    result = run("policy", "validate", str(path))
    assert result.exit_code == ExitCode.ERROR
    lines = result.stdout.splitlines()
    assert lines and all("还是模板里的占位「待填写」" in line for line in lines)  # one clear line each
    assert any(".tiers.3:" in line or ".tiers.3.deductible:" in line for line in lines)
    estimate = run("estimate", "-r", "体检县", "--tier", "3", "--amount", "8000", "-t", "职工")
    assert estimate.exit_code == ExitCode.ERROR and "待填写" in estimate.stderr


def test_filled_template_gives_estimates_computed_by_hand(run, isolated_dirs):
    run("policy", "init", "体检县", "--province", "四川", "--template")
    path = _user_regions(isolated_dirs) / "体检县.yaml"
    answers = {"title": '"体检县医保待遇通知"', "publisher": None, "url": None, "date": "2026-01-05", "effective": None,
               "confidence": "unverified", '"1"': "{deductible: 200, ratio: 0.90}", '"2"': "{deductible: 400, ratio: 0.85}",
               '"3"': "{deductible: 800, ratio: 0.80}", '"3a"': None,  # the notice has no separate 三甲 line
               "retiree_bonus": "0.05", "repeat_admission": "{factor: 0.5}",
               "annual_cap": "400000", "threshold": "15000", "ratio": "0.6"}
    text = _fill(_uncomment_examples(path.read_text(encoding="utf-8")), answers, ("outpatient", "remote", "notes"))
    path.write_text(text, encoding="utf-8")  # (both caps 400000: the notice gives one figure for each)
    check = run("policy", "validate", str(path))
    assert check.exit_code == 0, check.stdout + path.read_text(encoding="utf-8")
    data = run.json("estimate", "-r", "体检县", "--tier", "3", "--amount", "8000", "-t", "职工")
    # (8000 − 800) × 80% = 5760.00; the rest, 2240.00, is the person's
    assert data["fund_pay"] == 5760 and data["out_of_pocket"] == 2240 and data["data_file"]["origin"] == "user"
    big = run.json("estimate", "-r", "体检县", "--tier", "3", "--amount", "100000", "-t", "职工", "--retired")
    # 统筹 (100000 − 800) × 85% = 84320.00; own share 15680.00 ≥ 15000: 大病 (15680 − 15000) × 60% = 408.00
    assert big["fund_pay"] == 84320 and big["critical_illness_pay"] == 408 and big["out_of_pocket"] == 15272
    assert run.json("estimate", "-r", "体检县", "--tier", "1", "--amount", "1000", "-t", "职工",
                    "--admission", "2")["deductible"] == 100  # second admission: 200 × 0.5


def test_init_never_overwrites_without_force(run, isolated_dirs):
    assert run("policy", "init", "体检县", "-p", "四川", "--template").exit_code == 0
    path = _user_regions(isolated_dirs) / "体检县.yaml"
    path.write_text(path.read_text(encoding="utf-8") + "# my edits\n", encoding="utf-8")
    again = run("policy", "init", "体检县", "-p", "四川", "--template")
    assert again.exit_code == ExitCode.USAGE and "已存在" in again.stderr and "--force" in again.stderr
    assert path.read_text(encoding="utf-8").endswith("# my edits\n")
    assert run("policy", "init", "体检县", "-p", "四川", "--template", "--force").exit_code == 0
    assert not path.read_text(encoding="utf-8").endswith("# my edits\n")


def test_init_output_options(run, tmp_path):
    out = run("policy", "init", "体检县", "-p", "四川", "--template", "--output", "-")
    assert out.exit_code == 0 and "name: \"体检县\"" in out.stdout and out.stdout.startswith("# medins")
    file = tmp_path / "tijian.yaml"
    assert run("policy", "init", "体检县", "-p", "四川", "--template", "-o", str(file)).exit_code == 0
    assert run("policy", "validate", str(file)).exit_code == 0
    assert run("policy", "init", "体检县", "-p", "四川", "-o", str(tmp_path)).exit_code == ExitCode.USAGE
    assert run("policy", "init", "体检县", "-p", "四川", "-o", str(tmp_path / "no" / "x.yaml")).exit_code == ExitCode.USAGE
    assert run("policy", "init", "a/b", "-p", "四川").exit_code == ExitCode.USAGE
    assert run("policy", "init", "体检县", "--template").exit_code == ExitCode.USAGE  # no province


def test_init_for_a_known_region_prefills_it_and_overrides_the_shipped_file(run, isolated_dirs):
    result = run("policy", "init", "德阳", "--template")
    path = _user_regions(isolated_dirs) / "德阳.yaml"
    text = path.read_text(encoding="utf-8")
    assert result.exit_code == 0 and 'code: "510600"' in text and "deyang" in text and "覆盖内置" in result.stderr
    row = {r["name"]: r for r in run.json("regions")}["德阳"]
    assert row["origin"] == "user" and row["overrides"].endswith("deyang.yaml")
    assert run("policy", "validate").exit_code == 0  # no file: the user's regions


ANSWERS = [
    "",                 # 省份 [四川]
    "",                 # 政策年度 [this year]
    "职工",
    "体检县医保待遇通知",
    "体检县医疗保障局",
    "",                 # no url
    "official",         # refused without a url …
    "secondary",        # … so: secondary
    "",                 # 社区 ratio: skip
    "92%", "200",       # 一级: ratio, deductible
    "",                 # 二级: skip
    "abc", "0.8", "800",  # 三级: a bad answer is asked again
    "",                 # 三级甲等: same as 三级 (skip)
    "3%",               # 退休加点
    "50万",             # 年度封顶线
    "y", "200", "",     # 门诊: annual deductible, no per-visit deductible
    "", "60%", "", "50", "", "3000",  # community skip, 一级 60 %, 二级 skip, 三级 50 %, 三甲 skip, cap
    "n",                # 大病
    "n",                # 异地
    "",                 # hotline
]


def test_init_interactive_asks_and_writes_a_validated_file(run, isolated_dirs):
    result = run("policy", "init", "体检县", "-p", "四川", "--interactive", input="\n".join(ANSWERS) + "\n")
    assert result.exit_code == 0, result.stderr
    assert result.stdout == ""  # prompts go to stderr
    assert "official 只用于" in result.stderr and "不是比例" in result.stderr
    path = _user_regions(isolated_dirs) / "体检县.yaml"
    policy = policy_from_dict(read_policy_dict(path))
    inpatient = policy.plans["employee"]["inpatient"].rule
    assert inpatient.tiers["3"].bands[0].ratio == Decimal("0.8") and inpatient.tiers["3"].deductible == 800
    assert inpatient.annual_cap == 500000 and inpatient.retiree_bonus == Decimal("0.03")
    assert set(inpatient.tiers) == {"1", "3"}
    assert policy.sources["notice-1"].confidence == "secondary"
    # retired, third-tier: (10000 − 800) × (80% + 3%) = 7636.00
    data = run.json("estimate", "-r", "体检县", "--tier", "3", "--amount", "10000", "-t", "职工", "--retired")
    assert data["fund_pay"] == 7636 and data["out_of_pocket"] == 2364
    # outpatient, first tier: (1000 − 200) × 60% = 480.00
    out = run.json("estimate", "-r", "体检县", "--visit", "门诊", "--tier", "1", "--amount", "1000", "-t", "职工")
    assert out["fund_pay"] == 480


def test_init_interactive_cut_short_writes_nothing(run, isolated_dirs):
    result = run("policy", "init", "体检县", "-p", "四川", "--interactive", input="四川\n")
    assert result.exit_code == ExitCode.ERROR and "没有写入文件" in result.stderr
    assert not (_user_regions(isolated_dirs) / "体检县.yaml").exists()


# ---- policy validate and schema ---------------------------------------------------------


def test_validate_directory_missing_and_empty(run, tmp_path):
    result = run("policy", "validate", str(DATA / "regions"))
    assert result.exit_code == 0 and "错误" not in result.stdout
    missing = run("policy", "validate", str(tmp_path / "nope.yaml"))
    assert missing.exit_code == ExitCode.USAGE and "找不到这个文件" in missing.stdout
    nothing = run("policy", "validate")
    assert nothing.exit_code == ExitCode.USAGE and "policy init" in nothing.stderr


def test_schema_to_stdout_and_file(run, tmp_path):
    schema = json.loads(run("policy", "schema").stdout)
    assert schema["$schema"].startswith("https://json-schema.org/") and "region" in schema["properties"]
    target = tmp_path / "policy.schema.json"
    assert run("policy", "schema", "-o", str(target)).exit_code == 0
    assert json.loads(target.read_text(encoding="utf-8")) == schema
    assert run("policy", "schema", "-o", str(tmp_path / "no" / "s.json")).exit_code == ExitCode.USAGE
    assert run("policy", "schema", "-o", f"{tmp_path}/no/").exit_code == ExitCode.USAGE and not (tmp_path / "no").exists()


def test_broken_user_file_is_reported_by_regions_and_validate(run, isolated_dirs):
    folder = _user_regions(isolated_dirs)
    folder.mkdir(parents=True)
    (folder / "broken.yaml").write_text("schema: 1\nregion: {name: 坏城, province: 四川}\nyear: 2026\n"
                                        "plans: {resident: {inpatient: {tiers: {'1': {ratio: 2}}, source: x}}}\n",
                                        encoding="utf-8")
    rows = {r["name"]: r for r in run.json("regions")}
    assert rows["坏城"]["broken"] and "ratio" in rows["坏城"]["problem"]
    result = run("policy", "validate")
    assert result.exit_code == ExitCode.ERROR
    assert "broken.yaml:4: 错误 plans.resident.inpatient.tiers.1.ratio:应不大于 1" in result.stdout
    assert "broken.yaml:4: 错误 plans.resident.inpatient.source:来源「x」不在 sources 的 id 里" in result.stdout


def test_init_province_is_checked_and_shortened(run, isolated_dirs):
    bad = run("policy", "init", "体检县", "--province", "火星省", "--template")
    assert bad.exit_code == ExitCode.USAGE and "不认识的省份" in bad.stderr
    assert not (_user_regions(isolated_dirs) / "体检县.yaml").exists()
    assert run("policy", "init", "体检县", "--province", "四川省", "--template").exit_code == 0
    assert "体检县" in [r["name"] for r in run.json("regions", "-p", "四川")]
    text = (_user_regions(isolated_dirs) / "体检县.yaml").read_text(encoding="utf-8")
    assert 'province: "四川"' in text


def test_validate_a_directory_without_yaml_files(run, tmp_path):
    result = run("policy", "validate", str(tmp_path))
    assert result.exit_code == ExitCode.USAGE and "没有 .yaml 文件" in result.stderr


def test_past_year_warning_in_balance_outputs(run, tmp_path):
    past = tmp_path / "past.yaml"
    past.write_text(EXAMPLE.read_text(encoding="utf-8").replace("year: 2025", f"year: {THIS_YEAR - 1}"), encoding="utf-8")
    stale = f"{THIS_YEAR - 1} 年的政策"
    bill = run.json("balance", "--policy-file", str(past), "--tier", "1", "--amount", "1000", "-t", "职工",
                    "--balance", "100")
    assert any(stale in w for w in bill["warnings"])
    projection = run.json("balance", "--policy-file", str(past), "-t", "职工", "--salary", "6000")
    assert any(stale in w for w in projection["warnings"])


def test_init_output_ending_in_a_slash_is_a_directory(run, tmp_path):
    result = run("policy", "init", "体检县", "-p", "四川", "--template", "-o", f"{tmp_path}/nodir/")
    assert result.exit_code == ExitCode.USAGE and "目录" in result.stderr
    assert not (tmp_path / "nodir").exists()


def test_init_unknown_type_is_a_usage_error_in_template_mode_too(run, isolated_dirs):
    result = run("policy", "init", "体检县", "-p", "四川", "--template", "--type", "农民")
    assert result.exit_code == ExitCode.USAGE and not (_user_regions(isolated_dirs) / "体检县.yaml").exists()


def test_init_interactive_re_asks_and_says_back(run, isolated_dirs):
    answers = ["", "", "职工",
               "", "体检县通知",          # the title may not be blank: asked again
               "", "", "",                # no publisher, no url, confidence [unverified]
               "", "", "", "85", "800",   # only 三级: 85 means 85%
               "",                        # 三级甲等: not listed apart
               "50", "3",                 # 50 points for retirees is refused, 3 is taken
               "",                        # no cap
               "n",                       # no 门诊
               "y", "", "",               # 大病: the usual mode [1], no threshold known → skipped
               "",                        # 异地 [n]
               ""]                        # hotline
    result = run("policy", "init", "体检县", "-p", "四川", "--interactive", input="\n".join(answers) + "\n")
    assert result.exit_code == 0, result.stderr
    assert "不能为空" in result.stderr and "记为 85%" in result.stderr and "太多了" in result.stderr
    assert "大病保险缺起付线或比例,这部分不写入" in result.stderr
    policy = policy_from_dict(read_policy_dict(_user_regions(isolated_dirs) / "体检县.yaml"))
    plan = policy.plans["employee"]
    inpatient = plan["inpatient"].rule
    assert inpatient.retiree_bonus == Decimal("0.03") and inpatient.tiers["3"].bands[0].ratio == Decimal("0.85")
    assert "critical_illness" not in plan and "outpatient" not in plan


def test_init_interactive_with_no_figures_says_so(run, isolated_dirs):
    answers = ["", "", "居民", "体检县通知", "", "", "", "", "", "", "", "", "n", "n", "n", ""]  # (five tiers, 门诊, 大病, 异地)
    result = run("policy", "init", "体检县", "-p", "四川", "--interactive", input="\n".join(answers) + "\n")
    assert result.exit_code == 0 and "没有填写任何报销数字" in result.stderr


def test_broken_user_file_shows_in_a_province_list_too(run, isolated_dirs):
    folder = _user_regions(isolated_dirs)
    folder.mkdir(parents=True)
    (folder / "坏城.yaml").write_text("schema: 1\nregion: {name: 坏城, province: 四川\n", encoding="utf-8")
    result = run("regions", "-p", "四川", "-f", "json")
    rows = {r["name"]: r for r in json.loads(result.stdout)}
    assert rows["坏城"]["broken"] and "第 2 行" in rows["坏城"]["problem"]


def test_unknown_region_points_to_policy_init(run):
    result = run("estimate", "-r", "某某县", "--tier", "3", "--amount", "100")
    assert result.exit_code == ExitCode.USAGE and "medins policy init 某某县" in result.stderr


def test_init_province_that_contradicts_the_shipped_region_is_a_usage_error(run, isolated_dirs):
    for extra in (["--template"], ["--template", "--force"], ["-o", "-", "--template"]):
        result = run("policy", "init", "德阳", "--province", "广东", *extra)
        assert result.exit_code == ExitCode.USAGE, (extra, result.stderr)
        assert "德阳" in result.stderr and "四川" in result.stderr and "广东" in result.stderr
        assert "内部错误" not in result.stderr and "报告此问题" not in result.stderr
        assert result.stderr.count("\n") == 1
    assert not (_user_regions(isolated_dirs) / "德阳.yaml").exists()
    assert run("policy", "init", "德阳", "--province", "四川省", "--template").exit_code == 0


def test_validate_with_no_files_still_speaks_json(run):
    result = run("policy", "validate", "-f", "json")
    assert result.exit_code == ExitCode.USAGE and "policy init" in result.stderr
    assert json.loads(result.stdout) == {"files": [], "errors": 0, "warnings": 0, "problems": []}
