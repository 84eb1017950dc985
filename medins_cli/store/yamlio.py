"""Reading YAML the way medins data wants it: C loader, exact decimals, no duplicate keys, and
nothing a hostile file could use to cost time or memory.

Every YAML file medins reads (policy files, the user's regions, guides) comes through
:func:`load_yaml` or :func:`outline`. Before anything is composed, :func:`check_events` reads the
parser's event stream and refuses anchors, aliases and merge keys (policy files never need them;
a 400-byte "billion laughs" file would otherwise expand to gigabytes) and nesting deeper than
:data:`~medins_cli.store.safeio.MAX_DEPTH`; :mod:`medins_cli.store.safeio` caps the size and checks
the encoding. Each refusal is a ``ValueError`` with one Chinese line naming the file and line.

Numbers that YAML 1.1 (PyYAML) and YAML 1.2 read differently are refused with their line, never
guessed: ``0500`` (octal 320 to PyYAML), ``0x1F4``, ``0o764``, ``0b101``, ``1:30`` (base 60: 90),
``1_000``, ``1e3``, ``.inf``/``.nan`` (:func:`number_problem`). Money read as the wrong number is
worse than a file refused. ``yes``/``no``/``on``/``off`` are read as YAML 1.2 reads them, as text:
a field that wants yes or no reads those words itself (pydantic's booleans, ``core.names.yes_no``),
and a name or note that happens to be "no" stays text.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any, Callable

import yaml

from medins_cli.store.safeio import MAX_DEPTH, MAX_FILE_BYTES, MAX_NODES, InputError, read_text, too_big

_Base: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


_BOOL = "tag:yaml.org,2002:bool"


def _yaml12_booleans(loader: Any) -> None:
    """Only true/false (any case YAML 1.2 allows) are booleans for ``loader``; yes/no/on/off stay text."""
    loader.yaml_implicit_resolvers = {first: [(tag, rx) for tag, rx in found if tag != _BOOL]
                                      for first, found in _Base.yaml_implicit_resolvers.items()}
    loader.add_implicit_resolver(_BOOL, re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF"))


class DataLoader(_Base):  # type: ignore[misc, valid-type]
    """Safe loader: floats become exact Decimals; a repeated key is an error."""


def _bad_value(node: Any) -> yaml.constructor.ConstructorError:
    shown = str(node.value)
    shown = shown if len(shown) <= 40 else shown[:40] + "…"
    return yaml.constructor.ConstructorError(None, None, f"「{shown}」不是有效的数字或日期:请改正,或加引号写成文字",
                                             node.start_mark)


def _decimal(loader: Any, node: Any) -> Any:
    text = str(node.value).replace("_", "")
    if text.lower() in {".inf", "+.inf", "-.inf", ".nan"}:
        raise yaml.constructor.ConstructorError(None, None, f"不接受 {node.value}", node.start_mark)
    try:
        return Decimal(text)
    except (InvalidOperation, ValueError):  # YAML 1.1 floats such as 1:30.5 (base 60)
        raise _bad_value(node) from None


def _checked(construct: Callable[[Any, Any], Any]) -> Callable[[Any, Any], Any]:
    """A constructor whose ValueError (2025-13-45, an int of 5,000 digits) becomes a YAML error with the line."""

    def wrapper(loader: Any, node: Any) -> Any:
        try:
            return construct(loader, node)
        except (ValueError, ArithmeticError):
            raise _bad_value(node) from None

    return wrapper


def _mapping(loader: Any, node: Any, deep: bool = False) -> dict[Any, Any]:
    seen: set[Any] = set()
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=deep)
        try:
            hash(key)
        except TypeError:
            raise yaml.constructor.ConstructorError(None, None, "键不能是列表或映射:请写成普通的文字键",
                                                    key_node.start_mark) from None
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
for _loader in (DataLoader, LenientLoader):
    _yaml12_booleans(_loader)
    for _tag, _construct in (("int", yaml.constructor.SafeConstructor.construct_yaml_int),
                             ("timestamp", yaml.constructor.SafeConstructor.construct_yaml_timestamp)):
        _loader.add_constructor(f"tag:yaml.org,2002:{_tag}", _checked(_construct))


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
    ("but found another document", "文件里有不止一个 YAML 文档(--- 分隔):一个政策文件只写一个"),
    ("could not determine a constructor", "用了 medins 不认识的 YAML 标签(以 ! 开头):请删掉它,直接写值"),
    ("found unhashable key", "键不能是列表或映射:请写成普通的文字键"),
    ("characters are not allowed", "含有不可打印的控制字符:请删掉它(文件应是 UTF-8 文本)"),
    ("found undefined tag handle", "用了 medins 不认识的 YAML 标签(以 ! 开头):请删掉它,直接写值"),
    ("did not find expected node content", "这里缺少内容:列表或映射没有写完,检查括号是否闭合"),
    ("did not find expected '-' indicator", "列表项缩进不对:同一列表的“- ”要对齐"),
    ("did not find expected comment or line break", "值后面多了内容:要写注释请在 # 前加一个空格"),
    ("found unknown escape character", "双引号里有无效的反斜杠转义:路径请改用单引号或 /"),
    ("found undefined alias", "用了没有定义的别名(*名字)"),
    ("found unacceptable character", "文件里有不能用的控制字符"),
)
#: When PyYAML's words are none of the above: no English for the user, a hint where to look.
_PROBLEM_ELSE = "格式不对:检查这一行和上一行的缩进、冒号、引号和括号"


def _yaml_error(exc: Exception, path: Path, text: str | None = None) -> YamlSyntaxError:
    problem_mark = getattr(exc, "problem_mark", None)
    context_mark = getattr(exc, "context_mark", None)
    english = str(getattr(exc, "problem", None) or str(exc).splitlines()[0])
    problem = next((zh for en, zh in _PROBLEMS if en in english), None)
    if problem is None:  # medins' own constructors already say it in Chinese; PyYAML's other words never reach the user
        problem = english if re.search(r"[\u4e00-\u9fff]", english) else _PROBLEM_ELSE
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


_NUMBERISH = frozenset("0123456789+-.")
#: Read alike by YAML 1.1 and 1.2: 500, -3, 0, 0.5, .5, 7.
_PLAIN_NUMBER = re.compile(r"[-+]?(?:(?:0|[1-9][0-9]*)(?:\.[0-9]*)?|\.[0-9]+)")
_NUMBER_FORMS = (  # (form, what) tried in order on the text without its sign
    (re.compile(r"0x[0-9a-fA-F_]+"), "hex"),
    (re.compile(r"0o[0-7_]+"), "octal12"),
    (re.compile(r"0b[01_]+"), "binary"),
    # PyYAML's base-60 int and float (0:30 is text to both versions)
    (re.compile(r"[1-9][0-9_]*(?::[0-5]?[0-9])+|[0-9][0-9_]*(?::[0-5]?[0-9])+\.[0-9_]*"), "base60"),
    (re.compile(r"0[0-9_]+"), "zero"),  # 0500.5 is 500.5 to both
    (re.compile(r"\.(?:inf|Inf|INF|nan|NaN|NAN)"), "infinite"),
    (re.compile(r"(?:[0-9][0-9_]*(?:\.[0-9_]*)?|\.[0-9][0-9_]*)(?:[eE][-+]?[0-9]+)?"), "underscore-or-exponent"),
)
_QUOTE = "(编号、电话等文字请加引号)"


def number_problem(text: str) -> str | None:
    """What is wrong with a plain YAML scalar that is a number only to one of YAML 1.1 and 1.2, or
    reads as a different number in each (a Chinese sentence saying what to write); None for every
    other scalar. ``0500`` → "0500 以 0 开头,YAML 会把它读成八进制 320;请写 500(…)"."""
    if text[:1] not in _NUMBERISH or _PLAIN_NUMBER.fullmatch(text):
        return None
    sign, body = ("-" if text[0] == "-" else "", text[1:]) if text[0] in "+-" else ("", text)
    what = next((name for form, name in _NUMBER_FORMS if form.fullmatch(body)), None)
    if what is None:
        return None
    shown = text if len(text) <= 40 else text[:40] + "…"
    digits = body.replace("_", "")
    small = len(digits) <= 30  # a value worth working out and showing (no 5,000-digit numbers)
    if what in ("hex", "binary"):
        name, base = ("十六进制", 16) if what == "hex" else ("二进制", 2)
        if not small or not digits[2:]:
            return f"{shown} 是{name}写法:请写十进制的数{_QUOTE}"
        value = f"{sign}{int(digits[2:], base)}"
        return f"{shown} 是{name},YAML 会把它读成 {value};请写 {value}{_QUOTE}"
    if what == "octal12":
        return f"{shown} 是八进制写法,不同版本的 YAML 读法不一(数或文字);请写十进制的数{_QUOTE}"
    if what == "base60":
        return f"{shown} 会被 YAML 当作六十进制读成 {_base60(sign, digits) if small else '另一个数'};" \
               "时间、比分等请加引号,金额请写一个数"
    if what == "infinite":
        return f"{shown} 在 YAML 里是无穷大或“非数”:请写具体的数"
    plain = _decimal_text(sign + digits) if small else None
    write = f"请写 {plain}" if plain else "请写普通的十进制数"
    if what == "zero":
        if small and all(ch in "01234567" for ch in digits):
            return f"{shown} 以 0 开头,YAML 会把它读成八进制 {sign}{int(digits, 8)};{write}{_QUOTE}"
        return f"{shown} 以 0 开头,不同版本的 YAML 读法不一(数或文字);{write}{_QUOTE}"
    if "_" in body:
        return f"{shown} 里有下划线,不同版本的 YAML 读法不一(数或文字);{write}"
    if "e" in body.lower():
        return f"{shown} 是科学计数法:{write}"
    return None  # 00.5, 0500.5: the same number to both versions


def _decimal_text(text: str) -> str | None:
    try:
        value = Decimal(text)
    except (InvalidOperation, ValueError):
        return None
    if not value.is_finite() or abs(value.adjusted()) > 15:
        return None
    return f"{value:f}"


def _base60(sign: str, digits: str) -> str:
    total = Decimal(0)
    for part in digits.split(":"):
        total = total * 60 + Decimal(part or "0")
    return f"{sign}{total:f}"


_REFUSED = "medins 不接受 YAML 的锚点、别名和合并键(&、*、<<),请把内容直接写出来"
_TOO_DEEP = f"嵌套超过 {MAX_DEPTH} 层:medins 读的文件用不到这么深,请检查括号是否配对、缩进是否正确"


def _parser_too_deep(exc: BaseException) -> bool:
    """Whether the parser stopped at its own nesting limit (libyaml since PyYAML 6.0.4 says
    "exceeded maximum nesting depth" at 1,000 levels) rather than at a syntax error."""
    if isinstance(exc, RecursionError):
        return True
    words = f"{getattr(exc, 'problem', '') or ''} {getattr(exc, 'context', '') or ''}".lower()
    return "nesting depth" in words or "recursion" in words


def check_events(text: str, path: Path) -> None:
    """Refuse, before anything is composed: anchors (``&a``), aliases (``*a``), merge keys (``<<``),
    nesting deeper than MAX_DEPTH, more than MAX_NODES values and numbers that YAML 1.1 and 1.2
    read differently (:func:`number_problem`). A syntax error becomes :class:`YamlSyntaxError`.

    Reads the C parser's events (one Python step per event: about a third of what loading the
    file costs, ~0.1 ms for a shipped region file) and stops at the first problem, so a "billion
    laughs" file is refused at its first anchor.

    Deep nesting gets medins' own line whichever parser reads the file: libyaml's scanner reads
    ahead through ``[[[[…`` and stops at its own limit before the 33rd level reaches medins, so
    that error is read again by PyYAML's pure-Python parser (it looks ahead ~1 KB at most), which
    finds the line where the nesting passed MAX_DEPTH.
    """
    if len(text) > MAX_FILE_BYTES:  # text handed in directly; files are capped when read
        raise InputError(path, None, too_big(len(text.encode("utf-8", "surrogatepass"))))
    try:
        _scan_events(text, path, _Base)
    except (yaml.YAMLError, RecursionError) as exc:
        if not _parser_too_deep(exc):
            raise _yaml_error(exc, path, text) from None
        mark = getattr(exc, "problem_mark", None)
        if _Base is not yaml.SafeLoader:
            try:
                _scan_events(text, path, yaml.SafeLoader)  # raises InputError at the 33rd level
            except (yaml.YAMLError, RecursionError):
                pass
        raise InputError(path, mark.line + 1 if mark is not None else None, _TOO_DEEP) from None


def _scan_events(text: str, path: Path, loader_class: Any) -> None:
    """:func:`check_events` with one parser; the parser's own errors pass through."""
    scalar, alias = yaml.ScalarEvent, yaml.AliasEvent
    opens, closes = (yaml.MappingStartEvent, yaml.SequenceStartEvent), (yaml.MappingEndEvent, yaml.SequenceEndEvent)
    end = yaml.StreamEndEvent
    numberish, number_tags = _NUMBERISH, ("tag:yaml.org,2002:int", "tag:yaml.org,2002:float", "!!int", "!!float")
    depth = nodes = 0
    loader = loader_class(text)
    try:
        get = loader.get_event
        while True:
            event = get()
            kind = type(event)
            if kind is scalar or kind in opens:
                line = event.start_mark.line + 1
                if event.anchor is not None:
                    raise InputError(path, line, f"用了 YAML 锚点「&{event.anchor}」:{_REFUSED}")
                nodes += 1
                if nodes > MAX_NODES:
                    raise InputError(path, line, f"值太多(超过 {MAX_NODES:,} 个):medins 读的文件只有几百个值,请确认选对了文件")
                if kind is scalar:
                    value = event.value
                    # a plain scalar, or one tagged !!int or !!float: a number to PyYAML or to YAML 1.2
                    if value[:1] in numberish and (event.implicit[0] or event.tag in number_tags):
                        problem = number_problem(value)
                        if problem is not None:
                            raise InputError(path, line, problem)
                    elif value == "<<" and event.implicit[0]:  # plain <<, not "<<"
                        raise InputError(path, line, f"用了 YAML 合并键「<<」:{_REFUSED}")
                    continue
                depth += 1
                if depth > MAX_DEPTH:
                    raise InputError(path, line, _TOO_DEEP)
            elif kind in closes:
                depth -= 1
            elif kind is alias:
                raise InputError(path, event.start_mark.line + 1, f"用了 YAML 别名「*{event.anchor}」:{_REFUSED}")
            elif kind is end or event is None:
                return
    finally:
        loader.dispose()


FieldPath = tuple[Any, ...]


def outline(path: Path, text: str) -> tuple[Any, dict[FieldPath, int], list[tuple[FieldPath, int, int]]]:
    """Parse ``text`` for checking: (data, line of every field path, repeated keys).

    Field paths are tuples of mapping keys (as text) and list positions, as pydantic
    reports them; lines count from 1. Each repeated key is (path, line, first line).
    Raises ``ValueError`` (Chinese, with the line) when the text is not YAML at all or is
    refused by :func:`check_events`.
    """
    check_events(text, path)
    loader = LenientLoader(text)
    try:
        root = loader.get_single_node()
        data = loader.construct_document(root) if root is not None else None
    except yaml.YAMLError as exc:
        raise _yaml_error(exc, path, text) from None
    finally:
        loader.dispose()
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
    """Parse one YAML file (read from ``path`` unless ``text`` is given) after :func:`check_events`;
    raises ``ValueError`` with a Chinese message naming file and line. ``OSError`` passes through."""
    if text is None:
        text = read_text(path)
    check_events(text, path)
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


# ---- policy files as people read them ------------------------------------------------------------

#: Text that may stand unquoted: Chinese, Latin letters, digits (not first), and a few marks.
_PLAIN = re.compile(r"^[\u4e00-\u9fff\uff08\uff09A-Za-z][\u4e00-\u9fff\uff08\uff09A-Za-z0-9_·.-]*$")
_RESERVED = {"true", "false", "null", "yes", "no", "on", "off", "y", "n", "~"}
#: Values always written on one line: a tier's figures, a repeat-admission rule, an out-of-area rule,
#: bands, an alternative of a figure.
_FLOW_KEYS = {"repeat_admission", "filed", "transfer", "unfiled", "emergency", "bands", "aliases"}


def scalar(value: Any) -> str:
    """One YAML scalar: numbers exactly (no float noise), text quoted only when it must be."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        value = Decimal(repr(value))
    if isinstance(value, int):
        return str(value)
    if isinstance(value, Decimal):
        return f"{value.normalize():f}" if value != value.to_integral_value() else str(int(value))
    if isinstance(value, dt.date):
        return value.isoformat()
    if value is None:
        return "null"
    text = str(value)
    if _PLAIN.match(text) and text.lower() not in _RESERVED:
        return text
    return _quoted(text)


_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\t": "\\t", "\r": "\\r"}


def _quoted(text: str) -> str:
    """A YAML double-quoted scalar; every character that is not printable written as an escape (the
    reader refuses raw control characters, and they would reach a terminal)."""
    out = []
    for ch in text:
        if ch in _ESCAPES:
            out.append(_ESCAPES[ch])
        elif ch.isprintable():
            out.append(ch)
        else:
            code = ord(ch)
            out.append(f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}")
    return '"' + "".join(out) + '"'


def flow(value: Any) -> str:
    if isinstance(value, dict):
        return "{" + ", ".join(f"{scalar(k)}: {flow(v)}" for k, v in value.items()) + "}"
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(flow(v) for v in value) + "]"
    return scalar(value)


def _block(value: Any, indent: int, key: str = "") -> list[str]:
    pad = " " * indent
    lines: list[str] = []
    if isinstance(value, dict):
        for k, v in value.items():
            name = scalar(k)
            inline = (not isinstance(v, (dict, list)) or k in _FLOW_KEYS or key in ("tiers", "alternatives")
                      or (isinstance(v, list) and all(not isinstance(x, (dict, list)) for x in v)) or v == {} or v == [])
            if inline:
                lines.append(f"{pad}{name}: {flow(v)}")
            else:
                lines.append(f"{pad}{name}:")
                lines += _block(v, indent + 2, str(k))
    elif isinstance(value, list):
        for item in value:
            if key == "alternatives":
                lines.append(f"{pad}- {flow(item)}")
                continue
            sub = _block(item, indent + 2, key)
            lines.append(f"{pad}- {sub[0].lstrip()}")
            lines += sub[1:]
    return lines


POLICY_ORDER = ("schema", "region", "year", "year_basis", "sources", "sections", "plans", "notes")


def policy_text(doc: dict[str, Any], header: tuple[str, ...] | list[str] = ()) -> str:
    """A policy document as the compact YAML the shipped files use: a tier's figures, bands and
    rules on one line each; ``header`` (comment lines) first. The importer, ``policy migrate``,
    ``slip check --learn`` and ``policy show -f yaml`` all write this way."""
    ordered = {k: doc[k] for k in POLICY_ORDER if k in doc} | {k: v for k, v in doc.items() if k not in POLICY_ORDER}
    return "".join(f"{line}\n" for line in [*header, *_block(ordered, 0)])
