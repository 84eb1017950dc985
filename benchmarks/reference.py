"""The bare reference loop batch throughput is compared with (no validation, one region's figures).

csv.DictReader → deductible, ratio and annual cap in Decimal → csv.writer. Usage:
    python benchmarks/reference.py claims.csv > out.csv
"""

from __future__ import annotations

import csv
import sys
from decimal import ROUND_HALF_UP, Decimal

FEN = Decimal("0.01")
ZERO = Decimal(0)
DEDUCTIBLE = {"community": Decimal(200), "1": Decimal(200), "2": Decimal(450), "3": Decimal(750)}
RATIO = {"community": Decimal("0.92"), "1": Decimal("0.92"), "2": Decimal("0.88"), "3": Decimal("0.84")}
CAP = Decimal(500000)


def main(path: str) -> None:
    with open(path, newline="", encoding="utf-8") as fh:
        reader = csv.DictReader(fh)
        writer = csv.writer(sys.stdout, lineterminator="\n")
        writer.writerow([*(reader.fieldnames or ()), "deductible", "fund_pay", "out_of_pocket"])
        for row in reader:
            amount = Decimal(row["amount"])
            tier = row["tier"]
            deductible = DEDUCTIBLE[tier]
            fund = min(max(ZERO, amount - deductible) * RATIO[tier], CAP).quantize(FEN, rounding=ROUND_HALF_UP)
            writer.writerow([*row.values(), deductible, fund, amount - fund])


if __name__ == "__main__":
    main(sys.argv[1])
