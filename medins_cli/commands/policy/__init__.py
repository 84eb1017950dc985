"""``medins policy show|validate|init|schema``: read, check and write region policy files."""

import sys
from pathlib import Path
from typing import Annotated, Any, Optional

import typer

from medins_cli.commands import options as o
from medins_cli.commands.helpfmt import Command, Group
from medins_cli.errors import guard

app = typer.Typer(
    cls=Group,
    help="地区政策数据:查看(show)、检查(validate)、新建(init)、迁移到新格式(migrate)、格式说明(schema)、"
    "把结算单学到的数字寄给项目(contribute)。\n\n"
    "示例:\n\n  medins policy show 绵阳\n\n  medins policy init 我的城市\n\n"
    "  medins policy validate ~/.local/share/medins/regions/我的城市.yaml\n\n  medins policy schema > policy.schema.json",
    no_args_is_help=True,
)


ShowRegion = Annotated[Optional[str], typer.Option(
    "--region", "-r", help="地区名(如 绵阳),或一个政策文件的路径;同位置参数(默认取配置)",
    autocompletion=o.complete_region, show_default=False)]
ShowType = Annotated[Optional[str], typer.Option(
    "--type", "-t", help="只看一种参保类型:职工 | 居民 | employee | resident(默认两种都显示)",
    autocompletion=o.complete_type, show_default=False)]


@app.command("show", cls=Command)
@guard
def show(
    region: Annotated[Optional[str], typer.Argument(help="地区名(如 绵阳),或一个政策文件的路径(默认取配置)",
                                                    show_default=False, autocompletion=o.complete_region)] = None,
    region_option: ShowRegion = None,
    type_: ShowType = None,
    fmt: Annotated[Optional[str], o.format_option(
        "table|json|yaml|plain(json/yaml 为政策文件格式;plain 同 yaml)", "终端里为 table,管道中为 yaml")] = None,
    quiet: o.Quiet = False,
) -> None:
    """显示一个地区的全部政策数字:各级医院起付线和比例、退休加点、多次住院、封顶线、大病、异地、来源与生效日期。

    示例:medins policy show 绵阳 --type 居民;medins policy show -r 绵阳 -f yaml > 我的绵阳.yaml;medins policy show(配置的地区)
    """
    from medins_cli.commands.claims import find_region, policy_age_warning
    from medins_cli.commands.env import Env
    from medins_cli.core.names import normalize_plan
    from medins_cli.core.policy import policy_from_dict
    from medins_cli.errors import UsageError
    from medins_cli.render.output import ORIGINS, console, emit_json, emit_lines, resolve_format
    from medins_cli.store.regions import origin, read_policy_dict

    env = Env(quiet=quiet)
    form = resolve_format(fmt, ("table", "json", "yaml", "plain"))
    if form == "plain":  # piped without --format, or asked for: the file format is the plain text of a policy
        form = "yaml"
    plan = normalize_plan(type_) if type_ else None
    wanted = region or region_option or env.config.get("region")
    if not wanted:
        raise UsageError("没有指定地区:请写 medins policy show 绵阳(或 -r 绵阳),或先 medins config set region 绵阳")
    path = _policy_path(wanted, find_region)
    if region and region_option and _policy_path(region_option, find_region).resolve() != path.resolve():
        raise UsageError(f"地区写了两次,是两个地方(「{region}」和 -r「{region_option}」):只写一个")
    normalised = read_policy_dict(path)
    policy = policy_from_dict(normalised)._replace(file=str(path), origin=origin(str(path)))
    stale = policy_age_warning(policy)
    if form in ("json", "yaml"):
        from medins_cli.store.schema import file_document
        from medins_cli.store.yamlio import policy_text

        doc = file_document(normalised, plan, dates_as_text=form == "json")
        env.note(f"{policy.region.name}:{ORIGINS[policy.origin or 'file']} {path}")
        if stale:
            env.note(f"提示:{stale}")
        if form == "json":
            emit_json(doc)
        else:
            emit_lines([policy_text(doc).rstrip("\n")])
        return
    from medins_cli.render.policy import render

    render(console(), policy, plan, [stale] if stale else [])


def _policy_path(text: str, find: Any) -> Path:
    candidate = Path(text).expanduser()
    if text.endswith((".yaml", ".yml")) or "/" in text:
        if not candidate.is_file():
            from medins_cli.errors import UsageError

            raise UsageError(f"找不到政策文件 {candidate}:请检查路径,或写地区名(medins regions 查看)")
        return candidate
    return Path(find(text)["path"])


@app.command("validate", cls=Command)
@guard
def validate(
    files: Annotated[Optional[list[Path]], typer.Argument(
        help="要检查的政策文件或目录(目录则检查其中全部 .yaml);不写则检查用户数据目录中的地区文件",
        show_default=False)] = None,
    fmt: Annotated[Optional[str], o.format_option("table|json|plain")] = None,
    strict: Annotated[bool, typer.Option("--strict", help="提示(如政策年度已过)也算问题")] = False,
    quiet: o.Quiet = False,
) -> None:
    """检查政策文件:格式、字段、比例范围、分段、来源引用、网址、行政区划代码、重复的键、读法因 YAML 版本而异的数字(0500、1:30)、与其他地区重复的别名、同一地区的第二个用户文件。

    每个问题一行:文件:行号: 字段路径:说明。有错误时退出码 1(找不到文件为 2),只有提示时为 0。

    示例:medins policy validate 我的城市.yaml;medins policy validate data/regions -f json
    """
    from medins_cli.commands.env import Env
    from medins_cli.errors import ExitCode, UsageError
    from medins_cli.render.output import emit_json, emit_lines, resolve_format
    from medins_cli.store.paths import user_data_dir
    from medins_cli.store.policy_check import Problem, alias_clashes, check_file_cached, same_region_files
    from medins_cli.store.regions import load_index

    env = Env(quiet=quiet)
    form = resolve_format(fmt, ("table", "json", "plain"))
    targets, missing = _targets(files, user_data_dir() / "regions")
    if not targets and not missing:
        if form == "json":  # a script still gets a document: nothing checked, nothing wrong
            emit_json({"files": [], "errors": 0, "warnings": 0, "problems": []})
        if files:
            raise UsageError(f"{'、'.join(map(str, files))} 里没有 .yaml 文件:请写出政策文件的路径")
        raise UsageError(f"没有要检查的文件:用户数据目录 {user_data_dir() / 'regions'} 里还没有地区文件。"
                         "用 medins policy init 新建,或写出文件路径")
    checked = [check_file_cached(path) for path in targets]  # by content: a re-check of 360 files reads no YAML
    mine = {str(p.resolve()) for p in targets}
    known = [e for e in load_index() if str(Path(e["path"]).resolve()) not in mine]
    problems: list[Problem] = [Problem(str(p), "", None, "找不到这个文件或目录:请检查路径") for p in missing]
    for item in checked:
        problems += item.problems
    problems += alias_clashes(checked, known)
    problems += same_region_files(checked, known, user_data_dir() / "regions")
    errors = sum(1 for p in problems if p.level == "error")
    warnings = len(problems) - errors
    if form == "json":
        emit_json({"files": [str(p) for p in [*targets, *missing]], "errors": errors, "warnings": warnings,
                   "problems": [p._asdict() for p in problems]})
    else:
        emit_lines(p.text() for p in problems)
        total = len(targets) + len(missing)
        env.note(f"检查了 {total} 个文件:" + (f"{errors} 处错误,{warnings} 处提示" if problems else "没有问题"))
    if missing:
        raise SystemExit(int(ExitCode.USAGE))
    if errors or (strict and warnings):
        raise SystemExit(int(ExitCode.ERROR))


def _targets(files: Optional[list[Path]], default_dir: Path) -> tuple[list[Path], list[Path]]:
    """The files to check (directories expanded to their .yaml files) and the paths not found."""
    found: list[Path] = []
    missing: list[Path] = []
    for path in files or [default_dir]:
        if path.is_dir():
            found += sorted(p for p in path.iterdir() if p.suffix in (".yaml", ".yml") and not p.name.startswith("."))
        elif path.is_file():
            found.append(path)
        elif files:
            missing.append(path)
    return found, missing


@app.command("migrate", cls=Command)
@guard
def migrate(
    files: Annotated[Optional[list[Path]], typer.Argument(
        help="要迁移的政策文件或目录;不写则迁移用户数据目录中的地区文件", show_default=False)] = None,
    quiet: o.Quiet = False,
) -> None:
    """把旧格式(schema 1)的政策文件改写为 schema 2(有生效日期的各节),数字和来源完全不变;原文件留作备份。

    每一节改为从 year 那年的 1 月 1 日起生效;某一级医院的 source 改为这一级每个数字各自的来源。
    改写后会读回检查,与原文件得出的政策不同就不写。schema 1 的文件仍能直接使用,迁移不是必须的。

    示例:medins policy migrate;medins policy migrate 我的城市.yaml
    """
    from medins_cli.commands.env import Env
    from medins_cli.errors import ExitCode, MedinsError, UsageError
    from medins_cli.store.migrate import migrate as migrate_file
    from medins_cli.store.paths import user_data_dir

    env = Env(quiet=quiet)
    targets, missing = _targets(files, user_data_dir() / "regions")
    if missing:
        raise UsageError(f"找不到 {'、'.join(map(str, missing))}:请检查路径")
    if not targets:
        raise UsageError(f"没有要迁移的文件:用户数据目录 {user_data_dir() / 'regions'} 里没有地区文件;或写出文件路径")
    failed = 0
    done = 0
    for path in targets:
        try:
            result = migrate_file(path)
        except MedinsError as exc:
            failed += 1
            from medins_cli.errors import error

            error(str(exc))
            continue
        if result.status == "migrated":
            done += 1
            env.note(f"已迁移 {path}(原文件备份为 {result.backup})")
        else:
            env.note(f"{path} 已是 schema 2,没有改动")
    env.note(f"共 {len(targets)} 个文件:迁移 {done} 个" + (f",{failed} 个没有迁移(原因见上)" if failed else ""))
    if failed:
        raise SystemExit(int(ExitCode.ERROR))


@app.command("init", epilog=o.words_epilog(), cls=Command)
@guard
def init(
    name: Annotated[str, typer.Argument(help="地区名,如 德阳、某某县", show_default=False)],
    output: Annotated[Optional[str], typer.Option(  # text, not Path: a trailing "/" must be seen
        "--output", "-o", help="写到这个文件(- 为标准输出);默认写进用户数据目录,立即可用", show_default=False)] = None,
    province: Annotated[Optional[str], typer.Option("--province", "-p", help="省份简称,如 四川",
                                                    show_default=False)] = None,
    type_: o.Type = None,
    interactive: Annotated[Optional[bool], typer.Option(
        "--interactive/--template",
        help="逐项提问后写出已校验的文件 / 写出带注释的模板 [默认:终端上提问,否则模板]", show_default=False)] = None,
    force: Annotated[bool, typer.Option("--force", help="文件已存在时覆盖")] = False,
    quiet: o.Quiet = False,
) -> None:
    """新建一个地区的政策文件:照当地医保局通知填写数字后,估算就用它(用户文件覆盖同名内置地区)。

    示例:

      medins policy init 德阳 --province 四川          (写模板到用户数据目录)

      medins policy init 德阳 --interactive            (逐项提问)

      medins policy init 德阳 -o deyang.yaml

    """
    import sys

    from medins_cli.commands.env import Env
    from medins_cli.core.names import normalize_plan
    from medins_cli.errors import UsageError, has_unsafe
    from medins_cli.store.paths import atomic_write, user_data_dir
    from medins_cli.store.regions import check_name_length, find_region

    Env(quiet=quiet)  # interview (stderr) and notes obey --quiet
    plan = normalize_plan(type_) if type_ else None  # a typo is a usage error, in either mode
    clean = "".join(name.split())
    if has_unsafe(clean):  # an ESC or U+202E would end up in the file name, the file and every table
        raise UsageError(f"地区名「{name}」含有控制字符(如 ESC 或改变文字方向的字符):请写地区的中文名,如 德阳")
    if not clean or any(ch in clean for ch in '/\\:*?"<>|') or clean.startswith("."):
        raise UsageError(f"地区名「{name}」不能用作文件名:请写地区的中文名,如 德阳")
    check_name_length(clean)
    known = _known(clean, find_region)
    to_stdout = output == "-"
    in_user_dir = output is None
    path = user_data_dir() / "regions" / f"{clean}.yaml" if output is None else Path(output).expanduser()
    if output is not None and not to_stdout and output.endswith(("/", "\\")):
        raise UsageError(f"--output {output} 是目录的写法:请给出文件名,如 {path / (clean + '.yaml')}")
    if not to_stdout:
        if path.is_dir():
            raise UsageError(f"--output {path} 是一个目录:请给出文件名,如 {path / (clean + '.yaml')}")
        if path.exists() and not force:
            raise UsageError(f"{path} 已存在,没有覆盖:要覆盖请加 --force,或用 --output 另存")
        if not path.parent.is_dir() and not in_user_dir:
            raise UsageError(f"目录 {path.parent} 不存在:请先创建,或换一个 --output")
    ask_questions = interactive if interactive is not None else (sys.stdin.isatty() and sys.stdout.isatty())
    prov = _province(province) if province else ((known or {}).get("province") or "")
    shipped_province = (known or {}).get("province")
    if province and shipped_province and prov != _province(str(shipped_province)):
        raise UsageError(f"{clean}属于{shipped_province}(medins 已知的地区),与 --province {province} 不符:"
                         f"去掉 --province,或改成 --province {shipped_province}")
    if not ask_questions and not prov:
        raise UsageError("模板需要省份:请加 --province 四川(或用 --interactive 逐项填写)")
    schema_ref = f"../{_write_schema(user_data_dir())}" if in_user_dir else None
    if ask_questions:
        text = _interview(clean, prov, plan, known, str(path), schema_ref)
    else:
        from medins_cli.commands.policy.interview import template

        text = template(clean, prov, None if to_stdout else str(path), _this_year(), code=(known or {}).get("code"),
                        aliases=(known or {}).get("aliases"), schema_ref=schema_ref, in_user_dir=in_user_dir)
    _check_loads(text, path)  # checked before writing: a bug here must not leave a broken region behind
    if to_stdout:
        from medins_cli.render.output import emit_lines

        emit_lines([text])
        return
    try:
        atomic_write(path, text)
    except OSError as exc:
        from medins_cli.errors import write_failed

        raise write_failed(path, exc) from None
    _next_steps(clean, path, in_user_dir, known, ask_questions)


def _check_loads(text: str, path: Path) -> None:
    from medins_cli.errors import DataError
    from medins_cli.store.schema import validate_policy
    from medins_cli.store.yamlio import load_yaml

    try:
        validate_policy(load_yaml(path, text), str(path))
    except ValueError as exc:
        raise DataError(f"内部错误:生成的文件没有通过检查({exc}),没有写入。请报告此问题") from None


def _province(text: str) -> str:
    """The short name of a province-level region (四川省, sichuan → 四川); a usage error if unknown."""
    from medins_cli.errors import UsageError
    from medins_cli.store.placenames import province_word

    name = province_word(text)
    if name is None:
        raise UsageError(f"不认识的省份「{text}」:请写省级行政区的简称,如 四川、广东、北京")
    return name


def _this_year() -> int:
    import datetime as dt

    return dt.date.today().year


def _known(name: str, find: Any) -> Optional[dict[str, Any]]:
    """What medins already knows of this region (province, code, aliases), if anything."""
    from medins_cli.errors import UsageError
    from medins_cli.store.regions import AmbiguousRegion
    from medins_cli.store.yamlio import load_yaml

    try:
        entry = find(name)
    except AmbiguousRegion:
        raise  # suzhou: 苏州 or 宿州? a new file would only add a third
    except UsageError:
        return None
    try:
        region = load_yaml(Path(entry["path"]))["region"]
    except (ValueError, OSError, KeyError, TypeError):
        return None
    if region.get("name") != name:
        return None
    return {"province": region.get("province"), "code": region.get("code"), "aliases": region.get("aliases") or [],
            "path": entry["path"]}


def _interview(name: str, province: str, plan: Optional[str], known: Optional[dict[str, Any]], path: str,
               schema_ref: Optional[str]) -> str:
    import sys

    from medins_cli.commands.policy.interview import interview
    from medins_cli.errors import DataError
    from medins_cli.render.output import note
    from medins_cli.store.yamlio import policy_text

    def ask(question: str, default: str) -> str:
        # prompts on stderr, answers from stdin: stdout stays clean (click's prompt writes to it)
        from medins_cli.errors import message_line

        sys.stderr.write(message_line(f"{question} [{default}]: " if default else f"{question}: "))
        sys.stderr.flush()
        try:
            line = sys.stdin.readline()
        except KeyboardInterrupt:
            sys.stderr.write("\n")  # the question's line ends; 已中断 goes on a line of its own
            raise
        if not line:
            raise DataError("输入已结束,问答没有完成:没有写入文件")
        return line.rstrip("\r\n") or default

    doc = interview(name, ask, note, province=province, plan=plan or "employee",
                    code=(known or {}).get("code"), aliases=(known or {}).get("aliases"))
    head = f"# yaml-language-server: $schema={schema_ref}\n" if schema_ref else ""
    head += f"# medins 地区政策文件:{name}(由 medins policy init 逐项填写生成;来源:{doc['sources'][0]['title']})\n"
    return policy_text(doc, head.splitlines())


def _write_schema(folder: Path) -> str:
    """Put the JSON Schema next to the user's regions, for editors; its file name."""
    from medins_cli.commands.policy.interview import SCHEMA_FILE
    from medins_cli.store.paths import atomic_write

    try:
        atomic_write(folder / SCHEMA_FILE, _schema_text())
    except OSError:
        pass
    return SCHEMA_FILE


def _schema_text() -> str:
    from medins_cli.render.output import json_text
    from medins_cli.store.schema import json_schema

    return json_text(json_schema())


def _next_steps(name: str, path: Path, in_user_dir: bool, known: Optional[dict[str, Any]], filled: bool) -> None:
    from medins_cli.render.output import note

    note(f"已写入 {path}")
    from medins_cli.store.regions import origin

    if known and in_user_dir and origin(known["path"]) == "shipped":
        note(f"这个文件会覆盖内置的{name}数据({known['path']});删掉它即恢复")
    if not filled:
        note("下一步:用编辑器打开它,按注释填入当地通知里的数字,然后运行 "
             f"medins policy validate {path}")
    if in_user_dir:
        note(f"估算:medins estimate --region {name} --tier 3 --amount 8000")
    else:
        note(f"估算:medins estimate --policy-file {path} --tier 3 --amount 8000"
             "(或把文件放进用户数据目录的 regions/)")


@app.command("contribute", cls=Command)
@guard
def contribute(
    region: Annotated[str, typer.Argument(help="地区名,如 绵阳(你用 slip check --learn 或手改过的那个地区)",
                                          show_default=False, autocompletion=o.complete_region)],
    output: Annotated[Optional[Path], typer.Option(
        "--output", "-o", help="写到这个文件(- 为标准输出)[默认 medins-contribution-<地区>-<日期>.yaml]",
        show_default=False)] = None,
    fmt: Annotated[Optional[str], o.format_option("yaml|json", "yaml")] = None,
    force: Annotated[bool, typer.Option("--force", help="--output 的文件已存在时覆盖")] = False,
    quiet: o.Quiet = False,
) -> None:
    """写出一个可以寄给项目的文件:你自己的地区文件里与内置数据不同的数字(结算单学到的、你手改的),
    每个带来源;不含姓名、身份证号、住院号、医院名。项目怎样审核见 CONTRIBUTING.md。

    示例:medins policy contribute 绵阳;medins policy contribute 绵阳 -o - -f json
    """
    import datetime as dt

    from medins_cli import __version__
    from medins_cli.commands import env as d
    from medins_cli.commands.env import Env
    from medins_cli.errors import ExitCode, MedinsError, UsageError, write_failed
    from medins_cli.render.contribute import contribution_payload
    from medins_cli.render.output import emit_json, json_text
    from medins_cli.store.contribute import contribution, contribution_text
    from medins_cli.store.paths import atomic_write

    env = Env(quiet=quiet)
    form = (fmt or "yaml").strip().lower()
    if form not in ("yaml", "json"):
        raise UsageError(f"不认识的格式「{fmt}」:contribute 只写 yaml 或 json")
    today = dt.date.today().isoformat()
    found = contribution(region)
    if not found.figures:
        raise MedinsError(f"你的{found.region}文件 {found.user_file} 与内置数据没有不同的数字,也没有结算单学到的数字:"
                          "没有可以提交的。用 medins slip check 结算单 --learn 从本人结算单学到数字", ExitCode.ERROR)
    payload = contribution_payload(found, made=today, version=__version__)
    if output is not None and str(output) == "-":
        if form == "json":
            emit_json(payload)
        else:
            from medins_cli.errors import visible

            sys.stdout.write(visible(contribution_text(payload), layout=True))
        return
    target = output or Path(f"medins-contribution-{found.region}-{today}.{form}")
    d.check_output(target, force)
    text = json_text(payload) if form == "json" else contribution_text(payload)  # as stdout would have it
    try:
        atomic_write(target, text)
    except OSError as exc:
        raise write_failed(target, exc) from None
    env.note(f"已写入 {target}:{len(found.figures)} 个数字(来自 {found.user_file})。寄出前请自己看一遍;"
             "怎样提交和审核见 CONTRIBUTING.md")


@app.command("schema", cls=Command)
@guard
def schema(
    output: Annotated[Optional[str], typer.Option("--output", "-o", help="写到这个文件(默认标准输出)",
                                                  show_default=False)] = None,
) -> None:
    """打印政策文件格式的 JSON Schema,供编辑器补全和检查(见 README)。

    示例:medins policy schema > policy.schema.json
    """
    from medins_cli.errors import UsageError
    from medins_cli.render.output import emit_lines, note
    from medins_cli.store.paths import atomic_write

    text = _schema_text()
    if output is None or output == "-":
        emit_lines([text])
        return
    target = Path(output).expanduser()
    if output.endswith(("/", "\\")) or target.is_dir() or not target.parent.is_dir():
        raise UsageError(f"--output {output} 不是可写的文件路径:请给出已有目录中的文件名")
    try:
        atomic_write(target, text)
    except OSError as exc:
        from medins_cli.errors import write_failed

        raise write_failed(target, exc) from None
    note(f"已写入 {output}")
