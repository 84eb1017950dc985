"""Synthetic inputs for the benchmarks: claim files and region files (built in temp dirs)."""

from __future__ import annotations

import random
import re
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
TEMPLATE = REPO / "data" / "regions" / "mianyang.yaml"

HEADER = ["id", "region", "type", "visit", "tier", "amount", "self_pay"]


def claim_lines(count: int, seed: int = 1) -> list[str]:
    """``count`` CSV data lines (no header) of varied, valid claims for 绵阳."""
    rnd = random.Random(seed)
    regions = ["绵阳", "mianyang"]
    types = ["职工", "居民", "employee"]
    visits = ["住院", "住院", "门诊"]
    tiers = ["1", "2", "3", "community"]
    lines = []
    for i in range(count):
        amount = rnd.randint(1_000, 5_000_000)  # fen
        self_pay = rnd.randint(0, amount // 10) if rnd.random() < 0.3 else 0
        lines.append(f"{i},{rnd.choice(regions)},{rnd.choice(types)},{rnd.choice(visits)},{rnd.choice(tiers)},"
                     f"{amount // 100}.{amount % 100:02d},{'' if not self_pay else f'{self_pay // 100}.{self_pay % 100:02d}'}")
    return lines


def write_claims(path: Path, count: int, *, bad: dict[int, str] | None = None, pool: int = 20_000) -> Path:
    """A claims CSV of ``count`` rows. Rows repeat a pool of random ones (the id stays unique);
    ``bad`` maps a row index to an amount text that is not a valid amount."""
    lines = claim_lines(min(count, pool))
    with open(path, "w", encoding="utf-8", newline="") as fh:
        fh.write(",".join(HEADER) + "\n")
        chunk: list[str] = []
        for i in range(count):
            line = lines[i % len(lines)]
            rest = line.split(",", 1)[1]
            if bad and i in bad:
                parts = rest.split(",")
                parts[4] = bad[i]
                rest = ",".join(parts)
            chunk.append(f"{i},{rest}\n")
            if len(chunk) >= 10_000:
                fh.writelines(chunk)
                chunk.clear()
        fh.writelines(chunk)
    return path


def write_regions(folder: Path, count: int) -> list[str]:
    """``count`` region files shaped like the shipped 绵阳 file, with new names; returns the names."""
    folder.mkdir(parents=True, exist_ok=True)
    text = TEMPLATE.read_text(encoding="utf-8")
    names = []
    for i in range(count):
        name = f"合成{i:04d}"
        body = re.sub(r"(?m)^  name: .*$", f"  name: {name}", text, count=1)
        body = re.sub(r'(?m)^  code: .*\n', "", body, count=1)
        body = re.sub(r"(?m)^  aliases: .*$", f"  aliases: [synth{i:04d}]", body, count=1)
        (folder / f"synth{i:04d}.yaml").write_text(body, encoding="utf-8")
        names.append(name)
    return names


def hostile_inputs(folder: Path) -> list[list[str]]:
    """The four inputs of issue 14 as medins arguments (files written to ``folder``): a 400-byte
    YAML alias bomb (validate and --policy-file), 5,000 nested brackets, a CSV line of 10 MiB among
    good rows and a JSON Lines row nested 100,000 deep; and issue 17's region cell of 1,000,000
    characters in a CSV (once compared with every region name by difflib: 136 s). Each should be
    answered at once, exit 1. (The long region in config.json: :func:`hostile_config`.)"""
    bomb = ['a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    bomb += [f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 9) + "]" for i in range(1, 9)]
    lol = folder / "lol.yaml"
    lol.write_text("\n".join(bomb) + "\n", encoding="utf-8")
    deep = folder / "deep.yaml"
    deep.write_text("schema: 1\nregion: " + "[" * 5000 + "]" * 5000 + "\n", encoding="utf-8")
    row = "绵阳,职工,3,8000"
    long_line = folder / "long-line.csv"
    with open(long_line, "w", encoding="utf-8") as fh:
        fh.write(f"region,type,tier,amount,note\n{row},a\n{row},")
        for _ in range(10):
            fh.write("x" * (1024 * 1024))
        fh.write(f"\n{row},c\n")
    nested = folder / "nested.jsonl"
    nested.write_text('{"region": "绵阳", "tier": 3, "amount": 8000}\n{"a": ' + "[" * 100_000 + "]" * 100_000 + "}\n",
                      encoding="utf-8")
    long_region = folder / "long-region.csv"
    long_region.write_text(f"region,type,tier,amount\n{'绵' * 1_000_000},职工,3,8000\n{row}\n", encoding="utf-8")
    estimate = ["-t", "employee", "--tier", "2", "--amount", "100"]
    return [["policy", "validate", str(lol)], ["estimate", "--policy-file", str(lol), *estimate],
            ["estimate", "--policy-file", str(deep), *estimate],
            ["estimate", "--batch", str(long_line), "-q"], ["estimate", "--batch", str(nested), "-q"],
            ["estimate", "--batch", str(long_region), "-q"]]


def hostile_config(folder: Path) -> tuple[Path, list[str]]:
    """Issue 17's config.json whose region is 200,000 characters (once 77 s on every estimate): the
    config folder to point MEDINS_CONFIG_DIR at, and the everyday estimate to run with it."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "config.json").write_text('{"region": "' + "x" * 200_000 + '"}\n', encoding="utf-8")
    return folder, ["estimate", "--tier", "3", "--amount", "8000"]
