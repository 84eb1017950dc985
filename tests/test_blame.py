"""Blame only what the user typed (issue 20, item 6): a warning about a value names where it came from
(the option, the config, the ledger, a batch column, a person's earlier rows); an estimate lists the
notes about the plan and kinds it used; batch says once which data files it used; a --min-confidence
refusal says which regions have figures that sure."""

from __future__ import annotations

import datetime as dt
import json

from medins_cli.errors import ExitCode

RESIDENT = ("estimate", "-r", "武汉", "-t", "居民", "--tier", "3", "--amount", "8000")
YEAR = dt.date.today().year


# ---- where a value came from ------------------------------------------------------------------


def test_retired_from_the_config_is_not_blamed_on_an_option(run):
    assert run("config", "set", "retired", "true").exit_code == 0
    warnings = run.json(*RESIDENT)["warnings"]
    said = [w for w in warnings if "退休" in w]
    assert said and "配置里的 retired" in said[0] and "medins config set retired" in said[0]
    assert not any("--retired" in w for w in warnings)


def test_retired_typed_is_named_as_the_option(run):
    warnings = run.json(*RESIDENT, "--retired")["warnings"]
    assert "城乡居民医保不区分退休,已忽略 --retired" in warnings
    assert not any("配置" in w for w in warnings)


def test_retired_typed_wins_over_the_config_and_is_named(run):
    assert run("config", "set", "retired", "false").exit_code == 0
    assert "城乡居民医保不区分退休,已忽略 --retired" in run.json(*RESIDENT, "--retired")["warnings"]


# 安康 职工: 大额 pays above the basic cap (mode above_cap), so a 本年个人负担 is not used.
ANKANG = ("estimate", "-r", "安康", "-t", "职工", "--tier", "3", "--amount", "300000")


def test_burden_from_the_ledger_is_not_blamed_on_an_option(run):
    added = run("slip", "add", "--estimate", "-r", "安康", "-t", "职工", "--tier", "3", "--amount", "50000",
                "--date", f"{YEAR}-01-01", "--person", "妈妈", "-q")
    assert added.exit_code == 0, added.stderr
    data = run.json(*ANKANG, "--person", "妈妈")
    said = [w for w in data["warnings"] if "不看个人负担" in w]
    assert said and "账本填入的本年政策内个人负担" in said[0] and "--person" in said[0]
    assert not any("--ytd-burden" in w for w in data["warnings"])
    assert "本年政策内个人负担" in data["notes"][0]  # what the ledger filled is said among the notes


def test_burden_typed_is_named_as_the_option(run):
    warnings = run.json(*ANKANG, "--ytd-burden", "5000")["warnings"]
    assert any(w.endswith("已忽略 --ytd-burden") for w in warnings)


# ---- the notes of the sections used ---------------------------------------------------------------


def test_a_resident_estimate_lists_no_notes_about_employee_figures(run):
    # data/regions/wuhan.yaml has four page comparisons, all of 职工 figures (three of 住院)
    resident = run.json(*RESIDENT)["notes"]
    assert not any("职工 住院" in n or "职工 统筹基金" in n for n in resident)
    employee = run.json("estimate", "-r", "武汉", "-t", "职工", "--tier", "3", "--amount", "8000")["notes"]
    assert sum("独立网页对照" in n for n in employee) == 4
    outpatient = run.json("estimate", "-r", "武汉", "-t", "职工", "--visit", "门诊", "--tier", "3", "--amount", "800")["notes"]
    assert [n for n in outpatient if "独立网页对照" in n] == [n for n in employee if "统筹基金年度最高支付限额" in n]
    # every note stays in policy show
    shown = run("policy", "show", "武汉", "--format", "json")
    assert shown.exit_code == 0
    assert sum("独立网页对照" in n["text"] for n in json.loads(shown.stdout)["notes"]) == 4


def test_an_explained_table_lists_only_the_notes_about_it(run):
    out = run(*RESIDENT, "--explain", "--format", "table").stdout
    assert "聚合文件开头的说明" in out  # a note about the whole file
    assert "独立网页对照" not in out


def test_a_note_names_a_known_plan_and_kind(run, tmp_path):
    text = (
        "schema: 2\nregion: {name: 测试市, province: 四川}\n"
        "sources: [{id: s, title: 通知, confidence: unverified}]\n"
        "sections:\n  - {plan: employee, kind: inpatient, effective: 2025-01-01, source: s,\n"
        "     tiers: {\"3\": {deductible: 500, ratio: 0.8}}}\n"
        "notes:\n  - {text: 关于居民门诊, source: s, plan: resident, kind: outpatient}\n"
        "  - {text: 关于职工住院, source: s, plan: employee, kind: inpatient}\n"
    )
    good = tmp_path / "good.yaml"
    good.write_text(text, encoding="utf-8")
    notes = run.json("estimate", "--policy-file", str(good), "-t", "职工", "--tier", "3", "--amount", "1000")["notes"]
    assert "关于职工住院" in notes and "关于居民门诊" not in notes
    bad = tmp_path / "bad.yaml"
    bad.write_text(text.replace("kind: outpatient}", "kind: dental}"), encoding="utf-8")
    result = run("estimate", "--policy-file", str(bad), "-t", "职工", "--tier", "3", "--amount", "1000")
    assert result.exit_code == ExitCode.ERROR and "dental" in result.stderr and "Traceback" not in result.stderr


# ---- batch: the data files said once; the origin of a value ----------------------------------------


def _batch_file(tmp_path, rows):
    path = tmp_path / "bills.csv"
    path.write_text("region,type,tier,amount,retired\n" + "".join(f"{r}\n" for r in rows), encoding="utf-8")
    return str(path)


def test_batch_says_which_data_files_it_used_in_one_line(run, tmp_path):
    rows = ["武汉,居民,3,8000,", "绵阳,职工,3,8000,", "安康,职工,2,5000,", "北京,职工,3,9000,", "武汉,职工,1,100,"]
    result = run("estimate", "--batch", _batch_file(tmp_path, rows), "-f", "jsonl")
    assert result.exit_code == 0, result.stderr
    lines = result.stderr.splitlines()
    assert not any("使用内置数据" in line for line in lines)
    summary = [line for line in lines if line.startswith("数据文件:")]
    assert summary == ["数据文件:共 4 个地区,4 个用内置数据。加 -v 逐个列出地区和文件"]
    assert lines[-1] == "已估算 5 行"

    verbose = run("estimate", "--batch", _batch_file(tmp_path, rows), "-f", "jsonl", "-v").stderr.splitlines()
    assert [line.split(":")[0] for line in verbose if "使用内置数据" in line] == ["武汉", "绵阳", "安康", "北京"]
    assert not any(line.startswith("数据文件:") for line in verbose)
    assert run("estimate", "--batch", _batch_file(tmp_path, rows), "-q").stderr == ""


def test_batch_counts_the_users_own_files_and_old_years(run, tmp_path):
    shown = json.loads(run("policy", "show", "绵阳", "--format", "json").stdout)
    shown["year"] = YEAR - 2
    import yaml

    from medins_cli.store.paths import user_data_dir

    folder = user_data_dir() / "regions"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "绵阳.yaml").write_text(yaml.safe_dump(shown, allow_unicode=True), encoding="utf-8")
    result = run("estimate", "--batch", _batch_file(tmp_path, ["绵阳,职工,3,8000,", "武汉,职工,3,8000,"]), "-f", "jsonl")
    assert result.exit_code == 0, result.stderr
    summary = [line for line in result.stderr.splitlines() if line.startswith("数据文件:")]
    assert summary == [f"数据文件:共 2 个地区,1 个用内置数据、1 个用用户数据文件;1 个地区的数据是往年的政策({YEAR - 2} 年 1 个),"
                       "数字可能已调整。加 -v 逐个列出地区和文件"]


def test_batch_with_one_region_names_its_file(run, tmp_path):
    result = run("estimate", "--batch", _batch_file(tmp_path, ["绵阳,职工,3,8000,"]), "-f", "jsonl")
    line = next(x for x in result.stderr.splitlines() if x.startswith("数据文件:"))
    assert line.startswith("数据文件:绵阳用内置数据 ") and line.endswith("mianyang.yaml")


def test_verbose_is_for_batch_only(run):
    result = run("estimate", "-r", "绵阳", "--tier", "3", "--amount", "8000", "-v")
    assert result.exit_code == ExitCode.USAGE and "--verbose" in result.stderr


def _warnings(run, path, *options):
    result = run("estimate", "--batch", path, "-f", "jsonl", *options)
    assert result.exit_code == 0, result.stderr
    return [json.loads(line)["warnings"] for line in result.stdout.splitlines()]


def test_batch_names_the_column_the_option_or_the_config(run, tmp_path):
    path = _batch_file(tmp_path, ["武汉,居民,3,8000,true", "武汉,居民,3,8000,"])
    column, empty = _warnings(run, path)
    assert "城乡居民医保不区分退休,已忽略 retired 列" in column and not any("退休" in w for w in empty)
    column, option = _warnings(run, path, "--retired")
    assert "城乡居民医保不区分退休,已忽略 retired 列" in column
    assert "城乡居民医保不区分退休,已忽略 --retired" in option
    assert run("config", "set", "retired", "true").exit_code == 0
    _, config = _warnings(run, path)
    assert any("配置里的 retired" in w for w in config) and not any("retired 列" in w or "--retired" in w for w in config)


def test_batch_year_to_date_names_the_earlier_rows(run, tmp_path):
    path = tmp_path / "ytd.csv"
    path.write_text("person,date,region,type,tier,amount,ytd_burden\n"
                    f"妈妈,{YEAR}-01-02,安康,职工,3,50000,\n妈妈,{YEAR}-02-02,安康,职工,3,300000,\n"
                    f"爸爸,{YEAR}-02-02,安康,职工,3,300000,4000\n", encoding="utf-8")
    first, second, own = _warnings(run, str(path), "--year-to-date")
    assert not any("不看个人负担" in w for w in first)  # nothing carried yet
    assert any("同一人前面各行累计的政策内个人负担" in w for w in second)
    assert any(w.endswith("已忽略 ytd_burden 列") for w in own)


# ---- --min-confidence: how many regions have figures that sure, and how to see them -----------------


def test_min_confidence_refusal_says_which_regions_have_such_figures(run):
    result = run("estimate", "-r", "武汉", "--tier", "3", "--amount", "8000", "--min-confidence", "secondary")
    assert result.exit_code == ExitCode.ERROR and result.stdout == ""
    message = result.stderr
    assert "低于 --min-confidence secondary" in message
    listed = run.json("regions", "--confidence", "secondary")
    estimable = [r["name"] for r in listed if r["employee"] or r["resident"]]
    assert f"可以估算的地区有 {len(estimable)} 个" in message and "medins regions --confidence secondary" in message
    assert result.stderr.count("\n") == 1
    # nothing at official: said so
    official = run("estimate", "-r", "武汉", "--tier", "3", "--amount", "8000", "--min-confidence", "official").stderr
    assert "没有哪个地区的数字全部达到 official" in official


def test_min_confidence_from_the_config_is_named_there(run):
    assert run("config", "set", "min_confidence", "secondary").exit_code == 0
    message = run("estimate", "-r", "武汉", "--tier", "3", "--amount", "8000").stderr
    assert "配置里的 min_confidence secondary" in message and "--min-confidence secondary" not in message
