"""Reading YAML the way medins data wants it: C loader, exact decimals, no duplicate keys."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml

_Base: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class DataLoader(_Base):  # type: ignore[misc, valid-type]
    """Safe loader: floats become exact Decimals; a repeated key is an error."""


def _decimal(loader: Any, node: Any) -> Any:
    text = str(node.value).replace("_", "")
    if text.lower() in {".inf", "+.inf", "-.inf", ".nan"}:
        raise yaml.constructor.ConstructorError(None, None, f"不接受 {node.value}", node.start_mark)
    return Decimal(text)


def _mapping(loader: Any, node: Any, deep: bool = False) -> dict[Any, Any]:
    seen: set[Any] = set()
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=deep)
        if key in seen:
            raise yaml.constructor.ConstructorError(
                None, None, f"重复的键「{key}」", key_node.start_mark
            )
        seen.add(key)
    loader.flatten_mapping(node)
    return dict(loader.construct_pairs(node, deep=deep))


DataLoader.add_constructor("tag:yaml.org,2002:float", _decimal)
DataLoader.add_constructor("tag:yaml.org,2002:map", _mapping)


class LenientLoader(_Base):  # type: ignore[misc, valid-type]
    """Like :class:`DataLoader` but a repeated key keeps the last value (PyYAML's habit):
    ``medins policy validate`` reports every repeated key itself and checks the rest."""


LenientLoader.add_constructor("tag:yaml.org,2002:float", _decimal)


class YamlSyntaxError(ValueError):
    """Text that is not YAML: the line (1-based, or None) and the problem, in Chinese."""

    def __init__(self, path: Path, line: int | None, problem: str) -> None:
        where = f"第 {line} 行" if line else ""
        super().__init__(f"YAML 文件 {path} {where}格式错误:{problem}。请修正该文件")
        self.line, self.problem = line, problem


_PROBLEMS = (  # PyYAML's words → what to do, in Chinese
    ("did not find expected key", "缩进不对:同一层的键要对齐(用两个空格缩进)"),
    ("cannot start any token", "这里有不能开始一个值的字符(常见:用了 Tab 缩进,YAML 只能用空格)"),
    ("mapping values are not allowed", "这里不能出现“:”:检查这一行或上一行的缩进和冒号;值里有冒号时请加引号"),
    ("could not find expected ':'", "缺少英文冒号“:”(冒号后要有一个空格)"),
    ("unexpected end of stream", "文件意外结束:引号没有闭合"),
    ("expected ',' or '}'", "花括号 { } 没有闭合,或项之间缺少英文逗号"),
    ("expected ',' or ']'", "方括号 [ ] 没有闭合,或项之间缺少英文逗号"),
    ("expected <block end>", "缩进不一致:同一层的内容要对齐"),
    ("expected <document start>", "缩进不一致或多了一行顶格的内容"),
    ("did not find expected node content", "这里缺少内容:列表或映射没有写完,检查括号是否闭合"),
    ("did not find expected '-' indicator", "列表项缩进不对:同一列表的“- ”要对齐"),
    ("did not find expected comment or line break", "值后面多了内容:要写注释请在 # 前加一个空格"),
    ("found unknown escape character", "双引号里有无效的反斜杠转义:路径请改用单引号或 /"),
    ("found undefined alias", "用了没有定义的别名(*名字)"),
    ("found unacceptable character", "文件里有不能用的控制字符"),
    ("special characters are not allowed", "文件里有不能用的特殊字符"),
)
#: When PyYAML's words are none of the above: no English for the user, a hint where to look.
_PROBLEM_ELSE = "格式不对:检查这一行和上一行的缩进、冒号、引号和括号"


def _yaml_error(exc: Exception, path: Path, text: str | None = None) -> YamlSyntaxError:
    problem_mark = getattr(exc, "problem_mark", None)
    context_mark = getattr(exc, "context_mark", None)
    english = str(getattr(exc, "problem", None) or str(exc).splitlines()[0])
    problem = next((zh for en, zh in _PROBLEMS if en in english), _PROBLEM_ELSE)
    # an unclosed quote or bracket is reported where the file ends: the opening line is more use
    opened = any(key in english for key in ("end of stream", "expected ','"))
    mark = context_mark if opened and context_mark is not None else (problem_mark or context_mark)
    line = mark.line + 1 if mark is not None else None
    lines = (text or "").splitlines()
    if line is not None and lines:
        for number in (line, line - 1):  # the usual culprits, in the line itself or just above
            if 1 <= number <= len(lines):
                if "\t" in lines[number - 1][: len(lines[number - 1]) - len(lines[number - 1].lstrip())]:
                    return YamlSyntaxError(path, number, "用了 Tab 缩进:YAML 只能用空格缩进")
                if re.match(r'\s*(- )?["\w]+\s*\uff1a', lines[number - 1]):  # key：value
                    return YamlSyntaxError(path, number, "用了中文冒号“\uff1a”:请改成英文冒号“:”,后面加一个空格")
        for number in range(line, max(0, line - 5), -1):  # a quote left open swallows the next lines
            if 1 <= number <= len(lines) and lines[number - 1].split(" #", 1)[0].replace('\\"', "").count('"') % 2:
                return YamlSyntaxError(path, number, "引号没有闭合:在这一行的值末尾补上英文引号 \"")
    return YamlSyntaxError(path, line, problem)


FieldPath = tuple[Any, ...]


def outline(path: Path, text: str) -> tuple[Any, dict[FieldPath, int], list[tuple[FieldPath, int, int]]]:
    """Parse ``text`` for checking: (data, line of every field path, repeated keys).

    Field paths are tuples of mapping keys (as text) and list positions, as pydantic
    reports them; lines count from 1. Each repeated key is (path, line, first line).
    Raises ``ValueError`` (Chinese, with the line) when the text is not YAML at all.
    """
    try:
        root = yaml.compose(text, Loader=_Base)
        data = yaml.load(text, Loader=LenientLoader)  # noqa: S506 - a SafeLoader
    except yaml.YAMLError as exc:
        raise _yaml_error(exc, path, text) from None
    lines: dict[FieldPath, int] = {}
    repeated: list[tuple[FieldPath, int, int]] = []
    stack: list[tuple[FieldPath, Any]] = [((), root)] if root is not None else []
    while stack:
        where, node = stack.pop()
        lines.setdefault(where, node.start_mark.line + 1)
        if isinstance(node, yaml.MappingNode):
            first: dict[str, int] = {}
            for key_node, value_node in node.value:
                key = str(getattr(key_node, "value", ""))
                line = key_node.start_mark.line + 1
                if key in first:
                    repeated.append(((*where, key), line, first[key]))
                    continue
                first[key] = line
                lines[where + (key,)] = line
                stack.append(((*where, key), value_node))
        elif isinstance(node, yaml.SequenceNode):
            for i, item in enumerate(node.value):
                stack.append(((*where, i), item))
    return data, lines, sorted(repeated, key=lambda r: r[1])


def load_yaml(path: Path, text: str | None = None) -> Any:
    """Parse one YAML file; raises ``ValueError`` with a Chinese message naming file and line."""
    if text is None:
        text = path.read_text(encoding="utf-8")
    try:
        return yaml.load(text, Loader=DataLoader)  # noqa: S506 - DataLoader is a SafeLoader
    except yaml.YAMLError as exc:
        if isinstance(exc, yaml.constructor.ConstructorError) and exc.problem and exc.problem.startswith("重复的键"):
            line = exc.problem_mark.line + 1 if exc.problem_mark else None
            raise YamlSyntaxError(path, line, f"{exc.problem}:PyYAML 会悄悄只留后一个,请删掉一个") from None
        raise _yaml_error(exc, path, text) from None


# ---- writing ----------------------------------------------------------------------------


def _number(value: Decimal) -> int | float | str:
    """A Decimal as a JSON/YAML number when that is exact, else its text."""
    if value == value.to_integral_value():
        return int(value)
    as_float = float(value)
    return as_float if Decimal(repr(as_float)) == value else f"{value:f}"


def plain_data(value: Any, dates: bool = False) -> Any:
    """Decimals as numbers, ``source``/``note`` last in each section; dates as text if ``dates``."""
    if isinstance(value, Decimal):
        return _number(value)
    if dates and isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dict):
        keys = sorted(value, key=lambda k: k in ("source", "note"))
        return {k: plain_data(value[k], dates) for k in keys}
    if isinstance(value, (list, tuple)):
        return [plain_data(v, dates) for v in value]
    return value


def yaml_text(doc: dict[str, Any]) -> str:
    """A policy document as YAML (Decimals become plain numbers; digit strings stay quoted)."""
    doc = plain_data(doc)

    class _Dumper(yaml.SafeDumper):
        pass

    def _str(dumper: Any, data: str) -> Any:
        # tier keys such as "3" and codes such as "510700" must stay strings; control and line-break
        # characters (e.g. U+0085) only survive a round trip escaped in double quotes
        special = data.isdigit() or not data.isprintable() or data != data.strip()
        style = '"' if special or data in ("true", "false", "null", "yes", "no") else None
        return dumper.represent_scalar("tag:yaml.org,2002:str", data, style=style)

    _Dumper.add_representer(str, _str)
    return str(yaml.dump(doc, Dumper=_Dumper, allow_unicode=True, sort_keys=False, default_flow_style=False,
                         width=100)).rstrip("\n")
