"""`medins config`: round trip, validation, atomic writes, corrupt files never overwritten."""

from __future__ import annotations

import json
import os

import pytest

from medins_cli.errors import ExitCode


def cfg_file(isolated_dirs):
    return isolated_dirs["config"] / "config.json"


def test_round_trip(run, isolated_dirs):
    assert run("config", "set", "region", "绵阳市").exit_code == 0
    assert run("config", "set", "type", "居民").exit_code == 0
    assert run("config", "set", "retired", "true").exit_code == 0
    assert run("config", "set", "tier", "二级").exit_code == 0
    assert run("config", "get", "region").stdout == "绵阳\n"
    assert run("config", "get", "type").stdout == "resident\n"
    assert run("config", "get", "retired").stdout == "true\n"
    assert run("config", "get", "tier").stdout == "2\n"
    assert json.loads(cfg_file(isolated_dirs).read_text(encoding="utf-8")) == {
        "region": "绵阳", "type": "resident", "retired": True, "tier": "2"}
    shown = run.json("config", "show")
    assert shown["region"] == "绵阳"
    assert run("config", "unset", "tier").exit_code == 0
    assert run("config", "get", "tier").exit_code == ExitCode.ERROR
    assert run("config", "path").stdout.strip() == str(cfg_file(isolated_dirs))


def test_estimate_uses_config(run):
    run("config", "set", "region", "mianyang")
    run("config", "set", "type", "employee")
    run("config", "set", "retired", "yes")
    data = run.json("estimate", "--tier", "2", "--amount", "8000")
    assert data["region"] == "绵阳" and data["plan"] == "employee" and data["retired"] is True
    assert data["fund_pay"] == 6870.5  # (8000 − 450) × (0.88 + 0.03) = 7550 × 0.91
    data = run.json("estimate", "--tier", "2", "--amount", "8000", "--not-retired", "--type", "resident")
    assert data["retired"] is False and data["plan"] == "resident"


@pytest.mark.parametrize("key, value, word", [
    ("region", "火星", "不认识的地区"),
    ("type", "gold", "参保类型"),
    ("retired", "maybe", "true 或 false"),
    ("tier", "9", "医院等级"),
    ("colour", "red", "没有配置项"),
])
def test_set_refuses_bad_values(run, isolated_dirs, key, value, word):
    result = run("config", "set", key, value)
    assert result.exit_code == ExitCode.USAGE
    assert word in result.stderr
    assert not cfg_file(isolated_dirs).exists()


@pytest.mark.parametrize("content, word", [
    ("{not json", "不是有效的 JSON"),
    ("[1, 2]", "顶层"),
    ('{"region": "绵阳", "colour": 1}', "colour"),
    ('{"retired": "yes"}', "retired"),
    ('{"type": "gold"}', "type"),
    ('{"region": "\\ud800"}', "无效字符"),
])
def test_corrupt_config_reported_never_overwritten(run, isolated_dirs, content, word):
    path = cfg_file(isolated_dirs)
    path.parent.mkdir(parents=True)
    path.write_text(content, encoding="utf-8")
    for args in (["config", "show"], ["config", "set", "region", "绵阳"],
                 ["estimate", "-r", "绵阳", "--tier", "3", "--amount", "100"]):
        result = run(*args)
        assert result.exit_code == ExitCode.ERROR, args
        assert str(path) in result.stderr and word in result.stderr
        assert "config reset" in result.stderr
        assert "Traceback" not in result.stderr
    assert path.read_text(encoding="utf-8") == content


def test_reset_backs_up(run, isolated_dirs):
    path = cfg_file(isolated_dirs)
    path.parent.mkdir(parents=True)
    path.write_text("{broken", encoding="utf-8")
    assert run("config", "reset").exit_code == ExitCode.USAGE  # needs --yes
    result = run("config", "reset", "--yes")
    assert result.exit_code == 0
    backups = list(path.parent.glob("config.json.bak-*"))
    assert len(backups) == 1 and backups[0].read_text(encoding="utf-8") == "{broken"
    assert run("config", "set", "region", "绵阳").exit_code == 0


def test_interrupted_write_leaves_old_file(run, isolated_dirs, monkeypatch):
    run("config", "set", "region", "绵阳")
    path = cfg_file(isolated_dirs)
    before = path.read_text(encoding="utf-8")

    def crash(src, dst):
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", crash)
    result = run("config", "set", "type", "居民")
    assert result.exit_code == ExitCode.ERROR
    assert path.read_text(encoding="utf-8") == before
    assert [p.name for p in path.parent.iterdir()] == ["config.json"]  # no temp file left behind


def test_config_dir_override_is_used(run, isolated_dirs):
    run("config", "set", "region", "绵阳")
    assert cfg_file(isolated_dirs).exists()


def test_config_region_may_be_a_place_the_guides_know(run):
    assert run("config", "set", "region", "安宁").exit_code == 0  # a guide place with no region file
    checklist = run("checklist", "异地就医备案", "--format", "plain")
    assert checklist.exit_code == 0 and "云南" in checklist.stdout  # 云南's own rule applies to 安宁
    result = run("estimate", "--tier", "3", "--amount", "100")
    assert result.exit_code == 2 and "还没有报销数据" in result.stderr


def test_config_region_with_a_file_but_no_figures_says_so(run):
    assert run("config", "set", "region", "盱眙").exit_code == 0  # a county with notes only
    checklist = run("checklist", "异地就医备案", "--format", "plain")
    assert checklist.exit_code == 0 and "江苏" in checklist.stdout  # 江苏's own rule applies to 盱眙
    result = run("estimate", "--tier", "3", "--amount", "100")
    assert result.exit_code == 1 and "盱眙的数据还没有可计算的报销规则" in result.stderr
    assert "medins policy init 盱眙" in result.stderr and "xuyi.yaml" not in result.stderr  # never edit shipped files
