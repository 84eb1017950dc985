"""medins benchmarks: start-up, batch, many regions, district names, regions and validate over shipped data, memory.

    python benchmarks/run.py            # the full run (about a minute or two)
    python benchmarks/run.py --quick    # fewer repeats and smaller files (goals checked the same way)

Runs the installed ``medins`` (next to this Python, else ``shutil.which("medins")``, else
``python -m medins_cli``) as
subprocesses, with MEDINS_CONFIG_DIR / MEDINS_DATA_DIR / MEDINS_CACHE_DIR pointed at temp
dirs. Every command is run once or twice first so the validated-data cache and the region
index are warm; the figures are for warm runs. Timings are wall-clock medians of runs
interleaved with the baseline measured in the same run (the child's CPU time, from
``os.wait4``, is shown beside them: it is less disturbed by other load on the machine);
peak memory is the child's ``ru_maxrss``. Exits 1 if a goal is not met.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import synth  # noqa: E402

MIB = 1024 * 1024
HEADLINE = ["estimate", "--region", "绵阳", "--tier", "3", "--amount", "8000"]


@dataclass
class Result:
    label: str
    figure: str
    goal: str
    ok: bool


@dataclass
class Run:
    seconds: float  # wall clock
    cpu: float  # user + system time of the child
    peak: int  # bytes
    code: int


def run_once(cmd: list[str], env: dict[str, str], *, stdin: Path | None = None, stdout: Path | None = None,
             stderr: Path | None = None) -> Run:
    """One child process: wall time, peak RSS (ru_maxrss of that child) and exit code."""
    fin = open(stdin, "rb") if stdin else subprocess.DEVNULL
    fout = open(stdout, "wb") if stdout else subprocess.DEVNULL
    ferr = open(stderr, "wb") if stderr else subprocess.DEVNULL
    try:
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, env=env, stdin=fin, stdout=fout, stderr=ferr)
        _, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - start
        proc.returncode = code = os.waitstatus_to_exitcode(status)
    finally:
        for fh in (fin, fout, ferr):
            if hasattr(fh, "close"):
                fh.close()  # type: ignore[union-attr]
    return Run(seconds, usage.ru_utime + usage.ru_stime, usage.ru_maxrss * 1024, code)


def interleaved(cases: dict[str, Callable[[], Run]], rounds: int) -> dict[str, list[Run]]:
    """Run every case once per round, rotating the order each round, so drift hits all alike."""
    names = list(cases)
    out: dict[str, list[Run]] = {n: [] for n in names}
    for r in range(rounds):
        k = r % len(names)
        for name in names[k:] + names[:k]:
            out[name].append(cases[name]())
    return out


def median_s(runs: list[Run]) -> float:
    return statistics.median(r.seconds for r in runs)


def median_cpu(runs: list[Run]) -> float:
    return statistics.median(r.cpu for r in runs)


def find_medins() -> tuple[list[str], str]:
    """The command that runs medins, and the Python interpreter it runs on."""
    beside = Path(sys.executable).with_name("medins")  # the same environment as this Python first
    exe = str(beside) if beside.is_file() else shutil.which("medins")
    if exe:
        with open(exe, "rb") as fh:
            first = fh.readline().decode(errors="replace").strip()
        python = first[2:].strip().split()[0] if first.startswith("#!") else sys.executable
        if not os.path.exists(python):
            python = sys.executable
        return [exe], python
    return [sys.executable, "-m", "medins_cli"], sys.executable


def expect(run: Run, code: int, what: str) -> Run:
    if run.code != code:
        sys.exit(f"benchmark setup failed: {what} exited {run.code} (expected {code})")
    return run


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--quick", action="store_true", help="fewer repeats, smaller files")
    parser.add_argument("--keep", action="store_true", help="keep the temp dir and print its path")
    args = parser.parse_args()
    quick = args.quick
    rounds = 7 if quick else 21
    region_rounds = 15 if quick else 41
    cold_rounds = 3 if quick else 7
    batch_rows = 50_000 if quick else 200_000
    batch_rounds = 2 if quick else 3
    big_rows = 200_000 if quick else 1_000_000

    medins, python = find_medins()
    work = Path(tempfile.mkdtemp(prefix="medins-bench-"))
    base_env = {k: v for k, v in os.environ.items() if not k.startswith("MEDINS_")}
    base_env.update(NO_COLOR="1", COLUMNS="100")
    # Bytecode is cached as for any installed program; an editable install run with
    # PYTHONDONTWRITEBYTECODE=1 would otherwise recompile medins' sources on every run.
    # The cache goes to a temp dir (PYTHONPYCACHEPREFIX), never into the source tree.
    no_bytecode = base_env.pop("PYTHONDONTWRITEBYTECODE", None)
    base_env["PYTHONPYCACHEPREFIX"] = str(work / "pycache")

    def env_for(name: str) -> dict[str, str]:
        env = dict(base_env)
        for kind in ("config", "data", "cache"):
            path = work / name / kind
            path.mkdir(parents=True, exist_ok=True)
            env[f"MEDINS_{kind.upper()}_DIR"] = str(path)
        return env

    env = env_for("today")  # shipped data only
    env_many = env_for("many")  # plus 400 synthetic regions in MEDINS_DATA_DIR/regions
    synth_names = synth.write_regions(Path(env_many["MEDINS_DATA_DIR"]) / "regions", 400)

    print(f"medins benchmarks ({'quick' if quick else 'full'} run): {' '.join(medins)}")
    print(f"python {platform.python_version()} ({python}), {os.cpu_count()} CPUs, {platform.machine()}; "
          f"temp dir {work}")
    print("Caches warmed first (validated region data, region index, bytecode in a temp PYTHONPYCACHEPREFIX"
          + (", PYTHONDONTWRITEBYTECODE unset for the runs" if no_bytecode else "") + "); all figures are warm runs.\n")

    results: list[Result] = []

    def report(label: str, figure: str, goal: str, ok: bool) -> None:
        results.append(Result(label, figure, goal, ok))
        print(f"{'PASS' if ok else 'FAIL'}  {label:<46} {figure:<56} goal {goal}", flush=True)

    # ---- start-up ---------------------------------------------------------------------
    json_cmd = [*medins, *HEADLINE, "--format", "json"]
    table_cmd = [*medins, *HEADLINE, "--format", "table"]
    help_cmd = [*medins, "--help"]
    est_help_cmd = [*medins, "estimate", "--help"]
    for cmd in (json_cmd, json_cmd, table_cmd, help_cmd, est_help_cmd):
        expect(run_once(cmd, env), 0, " ".join(cmd[-4:]))
    start = interleaved({
        "python": lambda: run_once([python, "-c", "pass"], env),
        "json": lambda: run_once(json_cmd, env),
        "table": lambda: run_once(table_cmd, env),
        "help": lambda: run_once(help_cmd, env),
        "estimate-help": lambda: run_once(est_help_cmd, env),
    }, rounds)
    bare = median_s(start["python"])
    for key, label, limit in (("json", "estimate --format json", 8), ("table", "estimate (Rich table)", 11)):
        ms = median_s(start[key])
        ratio = ms / bare
        cpu = median_cpu(start[key]) / max(median_cpu(start["python"]), 1e-3)
        report(f"start-up: {label}", f"{ratio:.1f}× python -c pass ({ms * 1000:.0f} ms / {bare * 1000:.0f} ms; "
               f"cpu {cpu:.1f}×)", f"≤ {limit}×", ratio <= limit)
    # help draws with Rich, as the table estimate does: as fast as it (issue 20; it was ~1.35× before)
    table = median_s(start["table"])
    for key, label in (("help", "medins --help"), ("estimate-help", "medins estimate --help")):
        ms = median_s(start[key])
        cpu = median_cpu(start[key]) / max(median_cpu(start["table"]), 1e-3)
        report(f"start-up: {label}", f"{ms / table:.2f}× the table estimate ({ms * 1000:.0f} ms / {table * 1000:.0f} ms; "
               f"cpu {cpu:.2f}×; {ms / bare:.1f}× python -c pass)", "≤ 1.1×", ms / table <= 1.1)
    peak = max(r.peak for r in start["json"])
    report("peak memory: one estimate (json)", f"{peak / MIB:.1f} MiB", "≤ 60 MiB", peak <= 60 * MIB)
    peak_table = max(r.peak for r in start["table"])
    report("peak memory: one estimate (table)", f"{peak_table / MIB:.1f} MiB", "≤ 60 MiB", peak_table <= 60 * MIB)

    # ---- hostile files (issue 14): measured while this process is small, since a child's
    # ru_maxrss counts the pages it shares with this process when it is started
    hostile = [run_once([*medins, *args], env) for args in synth.hostile_inputs(work)]
    config_dir, config_args = synth.hostile_config(work / "hostile-config")
    hostile.append(run_once([*medins, *config_args], dict(env, MEDINS_CONFIG_DIR=str(config_dir))))
    slowest, fattest = max(r.seconds for r in hostile), max(r.peak for r in hostile)
    report(f"{len(hostile)} hostile inputs (bomb, deep, 10 MiB line, long regions)",
           f"slowest {slowest * 1000:.0f} ms, peak {fattest / MIB:.1f} MiB, exit {sorted({r.code for r in hostile})}",
           "each ≤ 1 s, ≤ 60 MiB, exit 1", slowest <= 1 and fattest <= 60 * MIB and all(r.code == 1 for r in hostile))

    # ---- many regions -----------------------------------------------------------------
    for _ in range(2):
        expect(run_once(json_cmd, env_many), 0, "estimate with 400 extra regions")
    expect(run_once([*medins, "estimate", "-r", synth_names[-1], "--tier", "3", "--amount", "8000", "-f", "json"],
                    env_many), 0, "estimate for a synthetic region")
    def report_ratio(label: str, runs: list[Run], baseline: list[Run], what: str, limit: float) -> None:
        """One command's median against another's measured in the same rounds (wall clock; cpu beside)."""
        ratio = median_s(runs) / median_s(baseline)
        cpu = median_cpu(runs) / median_cpu(baseline)
        report(label, f"{ratio:.3f}× {what} ({median_s(runs) * 1000:.0f} ms / {median_s(baseline) * 1000:.0f} ms; "
               f"cpu {cpu:.3f}×)", f"≤ {limit}×", ratio <= limit)

    many = interleaved({"today": lambda: run_once(json_cmd, env),
                        "many": lambda: run_once(json_cmd, env_many)}, region_rounds)
    report_ratio("400 more regions: one estimate", many["many"], many["today"], "today's data", 1.05)

    # ---- a district (顺德区) costs what its city (佛山) does ---------------------------------
    # Warm: the index remembers a place name once resolved, so the division table is read only
    # the first time a name is asked. First time: each run gets a copy of the cache as it was
    # before 顺德区 was ever asked (the index warm, as after any earlier estimate).
    city_cmd = [*medins, "estimate", "--region", "佛山", "--tier", "3", "--amount", "8000", "--format", "json"]
    district_cmd = [*medins, "estimate", "--region", "顺德区", "--tier", "3", "--amount", "8000", "--format", "json"]
    env_place = env_for("place")
    for _ in range(2):
        expect(run_once(city_cmd, env_place), 0, "estimate for 佛山")
    before = work / "place-cache-before-district"
    shutil.copytree(env_place["MEDINS_CACHE_DIR"], before)
    for _ in range(2):
        expect(run_once(district_cmd, env_place), 0, "estimate for 顺德区")
    place = interleaved({"city": lambda: run_once(city_cmd, env_place),
                         "district": lambda: run_once(district_cmd, env_place)}, region_rounds)
    report_ratio("district name (顺德区) vs its city (佛山)", place["district"], place["city"], "the city's", 1.05)
    copies = iter(range(10**6))

    def fresh_copy() -> dict[str, str]:
        target = work / "place-first" / str(next(copies))
        shutil.copytree(before, target)
        return dict(env_place, MEDINS_CACHE_DIR=str(target))

    first_place = interleaved({"city": lambda: run_once(city_cmd, fresh_copy()),
                               "district": lambda: run_once(district_cmd, fresh_copy())}, region_rounds)
    report_ratio("district name asked for the first time", first_place["district"], first_place["city"],
                 "the city's (the division table read once)", 1.15)
    shutil.rmtree(work / "place-first", ignore_errors=True)

    # ---- every shipped region: medins regions and policy validate ------------------------
    # warm (caches filled by earlier runs) and the first run after install (an empty cache dir;
    # bytecode is warm, as pip compiles it at install time)
    shipped = subprocess.run([python, "-c", "from medins_cli.store.paths import shipped_data_dir as d; "
                              "print(d() / 'regions')"], capture_output=True, text=True, env=env).stdout.strip()
    count = len(list(Path(shipped).glob("*.yaml")))
    listing = {"regions": [*medins, "regions", "--format", "table"],
               "validate": [*medins, "policy", "validate", shipped, "--quiet"]}
    for name, cmd in listing.items():
        expect(run_once(cmd, env), 0, f"{name} over {count} shipped regions")
    warm = interleaved({"python": lambda: run_once([python, "-c", "pass"], env),
                        **{name: (lambda cmd=cmd: run_once(cmd, env)) for name, cmd in listing.items()}}, rounds)
    first: dict[str, list[Run]] = {name: [] for name in listing}
    for i in range(cold_rounds):
        for name, cmd in listing.items():
            first[name].append(expect(run_once(cmd, env_for(f"first-{name}-{i}")), 0, f"first {name}"))
    bare = median_s(warm["python"])
    # A first validate parses every shipped file: its cost follows the data's size, which grows as
    # figures gain sources and alternatives. Its goal is per MB of YAML: 0.3's 150× was for 3.45 MB,
    # 43.5× a MB, and this one is a little stricter; the others are fixed multiples.
    mb = sum(f.stat().st_size for f in Path(shipped).glob("*.yaml")) / 1e6
    for name, label, warm_goal, first_goal in (("regions", "medins regions (table)", 40, 80),
                                               ("validate", "policy validate (all shipped)", 25, None)):
        for kind, runs, goal in (("warm", warm[name], warm_goal), ("first run", first[name], first_goal)):
            ms = median_s(runs)
            figure = (f"{ms / bare:.1f}× python -c pass ({ms * 1000:.0f} ms; "
                      f"peak {max(r.peak for r in runs) / MIB:.0f} MiB)")
            if goal is None:  # per MB of shipped YAML
                per_mb = ms / bare / mb
                report(f"{count} regions: {label}, {kind}", f"{per_mb:.1f}× a MB ({mb:.1f} MB); {figure}",
                       "≤ 41.7× python -c pass a MB", per_mb <= 41.7)
            else:
                report(f"{count} regions: {label}, {kind}", figure, f"≤ {goal}×", ms / bare <= goal)

    # ---- batch throughput -------------------------------------------------------------
    claims = synth.write_claims(work / "claims.csv", batch_rows)
    out = work / "out.csv"
    batch_cmd = [*medins, "estimate", "--batch", str(claims), "--quiet"]
    ref_cmd = [python, str(HERE / "reference.py"), str(claims)]
    expect(run_once(batch_cmd, env, stdout=out), 0, "batch")
    with open(out, encoding="utf-8") as fh:
        lines = sum(1 for _ in fh) - 1
    if lines != batch_rows:
        sys.exit(f"benchmark setup failed: batch wrote {lines} rows for {batch_rows}")
    expect(run_once(ref_cmd, env, stdout=out), 0, "reference loop")
    tput = interleaved({"medins": lambda: run_once(batch_cmd, env, stdout=out),
                        "reference": lambda: run_once(ref_cmd, env, stdout=out)}, batch_rounds)
    rate = batch_rows / median_s(tput["medins"])
    ref_rate = batch_rows / median_s(tput["reference"])
    report(f"batch CSV→CSV vs bare loop ({batch_rows:,} rows)",
           f"{rate / ref_rate:.2f}× ({rate:,.0f}/s vs {ref_rate:,.0f}/s)", "≥ 0.3×", rate / ref_rate >= 0.3)
    report("batch CSV→CSV throughput", f"{rate:,.0f} claims/s (start-up included)", "≥ 50,000/s", rate >= 50_000)

    # ---- memory flat in batch size ----------------------------------------------------
    small = synth.write_claims(work / "small.csv", 10_000)
    big = synth.write_claims(work / "big.csv", big_rows)
    small_run = expect(run_once([*medins, "estimate", "--batch", str(small), "-q"], env), 0, "10,000-row batch")
    big_run = expect(run_once([*medins, "estimate", "--batch", str(big), "-q"], env), 0, f"{big_rows:,}-row batch")
    big.unlink()
    ratio = big_run.peak / small_run.peak
    report(f"batch memory: {big_rows:,} vs 10,000 rows",
           f"{ratio:.2f}× ({big_run.peak / MIB:.1f} MiB / {small_run.peak / MIB:.1f} MiB)", "≤ 1.2×", ratio <= 1.2)

    # ---- done-when checks (correctness, not speed) ------------------------------------
    bad = {17: "abc", 50_000: "-5", 99_998: "12.345"}
    bad_file = synth.write_claims(work / "bad.csv", 100_000, bad=bad)
    err = work / "bad.err"
    bad_run = run_once([*medins, "estimate", "--batch", str(bad_file)], env, stdout=out, stderr=err)
    with open(out, encoding="utf-8") as fh:
        import csv

        rows = list(csv.DictReader(fh))
    flagged = [int(r["id"]) for r in rows if r["error"]]
    reported = [line for line in err.read_text(encoding="utf-8").splitlines() if line.startswith("第 ")]
    ok = bad_run.code == 1 and len(rows) == 100_000 and flagged == sorted(bad) and len(reported) == len(bad)
    report("100,000 claims with 3 bad rows", f"{len(rows):,} rows out, {len(flagged)} flagged, exit {bad_run.code}",
           "all rows, bad ones reported, exit 1", ok)
    if shutil.which("jq") and shutil.which("bash"):
        loop = ("for t in 1 2 3 community; do medins estimate -r 绵阳 --tier $t --amount 8000 --format json "
                "| jq .out_of_pocket; done")
        loop_env = dict(env, PATH=os.path.dirname(medins[0]) + os.pathsep + env.get("PATH", ""))
        got = subprocess.run(["bash", "-c", loop], capture_output=True, text=True, env=loop_env)
        figures = got.stdout.split()
        report("jq loop over tiers", " ".join(figures) or got.stderr.strip()[:40], "4 figures, exit 0",
               got.returncode == 0 and len(figures) == 4)
    else:
        print("skip  jq loop over tiers (needs jq and bash)")

    failed = [r for r in results if not r.ok]
    print(f"\n{len(results) - len(failed)}/{len(results)} goals met.")
    if args.keep:
        print(f"kept {work}")
    else:
        shutil.rmtree(work, ignore_errors=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
