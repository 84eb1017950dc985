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
