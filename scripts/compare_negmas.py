#!/usr/bin/env python3
"""Detente and NegMAS side by side on the same GENIUS scenarios.

Run it through `scripts/compare-negmas.sh`, which makes the virtualenv with
NegMAS and builds Detente first. For each scenario this script:

1. runs Detente in child processes: `detente analyze --json DIR` (the whole
   process: its wall time, peak memory and the answer that is checked) and
   the `frontier` example of crates/detente-bench, which calls the same
   `analyze` and reports the time of the analysis alone. Every scenario goes
   through `analyze`, the 10^10-outcome ones included: beyond 10^8 outcomes
   it merges per-issue frontiers (additive utilities) or searches by branch
   and bound (constraint preferences), and says which in `method`;
2. runs NegMAS in another child process (`negmas-worker` below), which loads
   the folder with `Scenario.from_genius_folder` and times, in-process, what
   NegMAS' own `calc_scenario_stats` does for the frontier and the solutions:
   the utility ranges, the enumeration, `pareto_frontier`, `nash_points`,
   `kalai_points`, `ks_points` and `max_welfare_points`;
3. reads each child's peak resident memory from `os.wait4`'s rusage;
4. checks that the answers agree (frontier as a set of outcomes up to ties,
   Nash point) and, where they differ, re-runs NegMAS with each known defect
   corrected to show which one explains the difference.

Two ratios are reported: NegMAS' in-process time against Detente's
in-process analysis time (like for like), and against Detente's whole process
(start, XML parsing, analysis, JSON output), which is a lower bound on the
speed-up since NegMAS' time excludes Python's start, the imports and the XML
parsing.

Usage (inside the virtualenv):
    compare_negmas.py run [--only a,b] [--detente-only] [--repeat N] [--output FILE] [--note TEXT]
    compare_negmas.py report [--output FILE] [--note TEXT]   # re-render the last run's results
    compare_negmas.py negmas-worker DIR OUT.json [--check DETENTE.json]
"""

from __future__ import annotations

import argparse
import datetime
import json
import math
import os
import platform
import random
import resource
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WORK = ROOT / "target" / "negmas-compare"
DETENTE = ROOT / "target" / "release" / "detente"
FRONTIER = ROOT / "target" / "release" / "examples" / "frontier"
GENIUS = ROOT / "testdata" / "genius"

# NegMAS gets an address-space limit so that a 10^10-outcome enumeration fails
# with MemoryError inside Python instead of waking the kernel's OOM killer on
# a shared two-core machine. 8 GiB is ten times what AMPOvsCity needs.
NEGMAS_MEMORY_LIMIT = 8 << 30

# The name NegMAS gives the placeholder issue of a lenient parse
# (negmas.outcomes.issue_ops.DUMMY_ISSUE_NAME).
DUMMY_ISSUE = "DUMMY_ISSUE"

BEGIN = "<!-- compare-negmas:begin (written by scripts/compare-negmas.sh; edits inside are overwritten) -->"
END = "<!-- compare-negmas:end -->"


@dataclass
class Case:
    key: str
    label: str
    folder: Path
    negmas_timeout: float
    note: str = ""
    generate: object = None  # a function writing the folder, for synthetic cases


# --------------------------------------------------------------------------
# Synthetic scenarios, written as GENIUS XML so both tools read one input.
# --------------------------------------------------------------------------


def write_genius(folder: Path, name: str, issues: list[list[str]], profiles: dict[str, tuple[list[float], list[list[float]]]]):
    """A GENIUS domain and one linear-additive profile per actor (weights,
    evaluations per issue and option), reservation 0, no discount."""
    folder.mkdir(parents=True, exist_ok=True)

    def issue_xml(i: int, options: list[str], evaluations: list[float] | None) -> str:
        items = []
        for k, option in enumerate(options):
            evaluation = "" if evaluations is None else f' evaluation="{evaluations[k]!r}"'
            items.append(f'<item index="{k + 1}" value="{option}"{evaluation}></item>')
        return (
            f'<issue index="{i + 1}" etype="discrete" type="discrete" vtype="discrete" name="issue{i}">\n'
            + "\n".join(items)
            + "\n</issue>"
        )

    head = f'<objective index="0" etype="objective" type="objective" description="" name="{name}">'
    domain = "\n".join(issue_xml(i, options, None) for i, options in enumerate(issues))
    (folder / f"{name}-domain.xml").write_text(
        f'<negotiation_template>\n<utility_space number_of_issues="{len(issues)}">\n{head}\n{domain}\n</objective>\n</utility_space>\n</negotiation_template>\n'
    )
    for actor, (weights, evaluations) in profiles.items():
        body = "\n".join(issue_xml(i, options, evaluations[i]) for i, options in enumerate(issues))
        weight_xml = "\n".join(f'<weight index="{i + 1}" value="{w!r}"></weight>' for i, w in enumerate(weights))
        (folder / f"{name}-{actor}.xml").write_text(
            f'<utility_space>\n{head}\n{body}\n{weight_xml}\n</objective>\n<reservation value="0"/>\n</utility_space>\n'
        )


def zero_sum(n_issues: int, n_values: int):
    """The scenario of detente_bench::zero_sum: u_a + u_b = 1 everywhere and
    weights that are powers of n_values, so all n_values^n_issues outcomes are
    distinct frontier points."""

    def generate(folder: Path):
        issues = [[f"v{k}" for k in range(n_values)] for _ in range(n_issues)]
        raw = [float(n_values ** (n_issues - 1 - i)) for i in range(n_issues)]
        weights = [w / sum(raw) for w in raw]
        top = n_values - 1
        a = [[k / top for k in range(n_values)] for _ in range(n_issues)]
        b = [[(top - k) / top for k in range(n_values)] for _ in range(n_issues)]
        write_genius(folder, f"zerosum{n_issues}x{n_values}", issues, {"a": (weights, a), "b": (weights, b)})

    return generate


def linear_additive(n_issues: int, n_values: int, seed: int = 2016):
    """Two actors, pseudo-random weights and integer evaluations 1-100."""

    def generate(folder: Path):
        rng = random.Random(seed)
        issues = [[f"v{k}" for k in range(n_values)] for _ in range(n_issues)]
        profiles = {}
        for actor in ("a", "b"):
            raw = [0.05 + rng.random() for _ in range(n_issues)]
            weights = [w / sum(raw) for w in raw]
            evaluations = [[float(rng.randint(1, 100)) for _ in range(n_values)] for _ in range(n_issues)]
            profiles[actor] = (weights, evaluations)
        write_genius(folder, f"linear{n_issues}x{n_values}", issues, profiles)

    return generate


def cases() -> list[Case]:
    return [
        Case("laptop", "Laptop", GENIUS / "Laptop", 300),
        Case("camera", "Camera", GENIUS / "Camera", 300),
        Case("domain4", "Domain4 (6 actors)", GENIUS / "Domain4", 300),
        Case("university", "group1-university (9 actors)", GENIUS / "group1-university", 300),
        Case("travel", "Travel", GENIUS / "Travel", 300),
        Case("energy", "Energy", GENIUS / "Energy", 300),
        Case("ampo", "AMPOvsCity", GENIUS / "AMPOvsCity", 600),
        Case("zerosum125k", "zero-sum 3×50", WORK / "scenarios" / "zerosum-3x50", 900, generate=zero_sum(3, 50)),
        # NegMAS' frontier filter is quadratic in the frontier's size: 64 times
        # the 125k case's time is hours, so it gets a short timeout.
        Case("zerosum1M", "zero-sum 3×100", WORK / "scenarios" / "zerosum-3x100", 120, generate=zero_sum(3, 100)),
        Case("linear1e10", "linear additive 10×10", WORK / "scenarios" / "linear-10x10", 300, generate=linear_additive(10, 10)),
        Case("nonlinear1e10", "10issues (nonlinear)", GENIUS / "10issues", 300),
    ]


# --------------------------------------------------------------------------
# Child processes, timed, with their peak memory.
# --------------------------------------------------------------------------


@dataclass
class Run:
    wall_s: float
    peak_mb: float | None  # None: unknown (the command was killed before GNU time could report)
    returncode: int
    timed_out: bool
    stdout: Path
    stderr: Path


def run_measured(cmd: list[str], timeout: float, out: Path, err: Path, memory_limit: int | None = None) -> Run:
    """Runs `cmd`, its output to files, and returns its wall time and peak RSS.

    The peak comes from GNU time wrapped around the command, not from this
    process's wait4: Linux counts a forked child's resident set before its
    exec in ru_maxrss, so a child forked from this driver (which holds the
    previous scenario's frontier) would inherit the driver's size. For the
    same reason a command killed at its timeout (GNU time killed with it,
    before it writes) has no known peak: `peak_mb` is then None rather than
    the driver's size."""
    memory = out.with_suffix(".maxrss")
    memory.unlink(missing_ok=True)
    gnu_time = Path("/usr/bin/time")
    if gnu_time.exists():
        cmd = [str(gnu_time), "-q", "-f", "%M", "-o", str(memory), *cmd]

    def limit():
        if memory_limit is not None:
            resource.setrlimit(resource.RLIMIT_AS, (memory_limit, memory_limit))

    with open(out, "wb") as stdout, open(err, "wb") as stderr:
        start = time.perf_counter()
        # A session of its own, so that a timeout ends GNU time and the
        # command under it together.
        child = subprocess.Popen(cmd, stdout=stdout, stderr=stderr, preexec_fn=limit, start_new_session=True)
        timed_out = threading.Event()

        def kill():
            timed_out.set()
            os.killpg(child.pid, signal.SIGKILL)

        timer = threading.Timer(timeout, kill)
        timer.start()
        _, status, usage = os.wait4(child.pid, 0)
        wall = time.perf_counter() - start
        timer.cancel()
    child.returncode = os.waitstatus_to_exitcode(status)  # wait4 reaped it; tell Popen
    peak_kb = None if gnu_time.exists() else usage.ru_maxrss
    text = memory.read_text().strip().splitlines() if memory.exists() else []
    if text and text[-1].isdigit():
        peak_kb = int(text[-1])
    return Run(wall, None if peak_kb is None else peak_kb / 1024, child.returncode, timed_out.is_set(), out, err)


# --------------------------------------------------------------------------
# The NegMAS side (runs in its own process).
# --------------------------------------------------------------------------


def negmas_worker(folder: str, out_path: str, check: str | None) -> None:
    result: dict = {"ok": False}

    def dump():
        Path(out_path).write_text(json.dumps(result))

    # The worker's own peak resident set, written every half second, for a
    # run killed at its timeout, where GNU time reports nothing.
    def sample_peak():
        sampled = Path(out_path + ".maxrss-self")
        while True:
            sampled.write_text(str(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss))
            time.sleep(0.5)

    threading.Thread(target=sample_peak, daemon=True).start()

    start = time.perf_counter()
    import negmas
    from negmas.inout import Scenario
    from negmas.preferences.ops import kalai_points, ks_points, max_welfare_points, nash_points, pareto_frontier

    result["version"] = negmas.__version__
    result["import_s"] = time.perf_counter() - start
    start = time.perf_counter()
    try:
        scenario = Scenario.from_genius_folder(folder)
    except ValueError as e:
        # NegMAS' strict parser wants issue indices to start at 1; GENIUS
        # numbers them freely (AMPOvsCity's run from 2, after the objective's
        # 1). Lenient parsing fills the gap with a one-valued DUMMY_ISSUE.
        result["strict_parse_error"] = str(e)
        scenario = Scenario.from_genius_folder(folder, safe_parsing=False)
    ufuns = list(scenario.ufuns)
    space = scenario.outcome_space
    result["load_s"] = time.perf_counter() - start
    dummy = [issue.name == DUMMY_ISSUE for issue in space.issues]
    result["issues"] = [issue.name for issue, d in zip(space.issues, dummy) if not d]
    result["n_outcomes"] = float(space.cardinality)
    dump()

    def solve(ufuns):
        """What calc_scenario_stats(convex_hull=False) does for the frontier
        and the bargaining solutions, in the same order."""
        ranges = [u.minmax(space, above_reserve=False) for u in ufuns]
        outcomes = list(space.enumerate_or_sample(max_cardinality=float("inf")))
        frontier_start = time.perf_counter()
        utils, indices = pareto_frontier(ufuns, outcomes, sort_by_welfare=True, eps=1e-12)
        frontier_s = time.perf_counter() - frontier_start
        pareto_outcomes = [outcomes[i] for i in indices]
        nash = nash_points(ufuns, ranges=ranges, frontier=utils)
        kalai_points(ufuns, ranges=ranges, frontier=utils, subtract_reserved_value=True)
        ks_points(ufuns, ranges=ranges, frontier=utils, subtract_reserved_value=True)
        max_welfare_points(ufuns, ranges=ranges, frontier=utils)
        return {
            "frontier_s": frontier_s,
            "frontier": [[str(v) for v, d in zip(o, dummy) if not d] for o in pareto_outcomes],
            "frontier_utils": [list(map(float, u)) for u in utils],
            "nash": [[str(v) for v, d in zip(pareto_outcomes[i], dummy) if not d] for _, i in nash],
            "nash_utils": [list(map(float, u)) for u, _ in nash],
            "ranges": [list(map(float, r)) for r in ranges],
            "reserved": [float(u.reserved_value) if u.reserved_value is not None else -math.inf for u in ufuns],
        }

    try:
        start = time.perf_counter()
        raw = solve(ufuns)
        result["compute_s"] = time.perf_counter() - start
        result["raw"] = raw
        result["ok"] = True
    except MemoryError:
        result["error"] = "MemoryError"
        dump()
        return
    except Exception as e:  # noqa: BLE001 - reported as the result
        result["error"] = f"{type(e).__name__}: {e}"
        dump()
        return
    dump()

    # Untimed from here on: diagnosis.
    corrected, defects = genius_faithful(ufuns, space)
    result["defects"] = defects
    if corrected is not None and defects:
        result["corrected"] = solve(corrected)
    if check:
        detente = json.loads(Path(check).read_text())
        outcomes = [
            tuple(
                next(iter(issue.all)) if d else _negmas_value(issue, p["outcome"][issue.name])
                for issue, d in zip(space.issues, dummy)
            )
            for p in detente["pareto"]
        ]
        result["check_raw"] = [[float(u(o)) for u in ufuns] for o in outcomes]
        if corrected is not None and defects:
            result["check_corrected"] = [[float(u(o)) for u in corrected] for o in outcomes]
    dump()


def _negmas_value(issue, value):
    """A Detente JSON value as NegMAS' issue holds it."""
    values = list(issue.all) if hasattr(issue, "all") else []
    for v in values:
        if str(v) == str(value):
            return v
    return value


def genius_faithful(ufuns, space):
    """NegMAS' linear-additive ufuns with the GENIUS semantics NegMAS 0.16's
    loader leaves out, and the list of what was corrected. Returns (None, [])
    for ufuns this cannot rebuild (nonlinear ones)."""
    from negmas.preferences import LinearAdditiveUtilityFunction
    from negmas.preferences.value_fun import TableFun

    corrected, defects = [], []
    for u in ufuns:
        inner = getattr(u, "ufun", u)
        if type(inner).__name__ != "LinearAdditiveUtilityFunction":
            return None, []
        if inner is not u and u.reserved_value != inner.reserved_value:
            defects.append(
                f"{u.name}: the discount wrapper (ExpDiscountedUFun) drops the reservation value "
                f"{inner.reserved_value!r} read from the file; NegMAS uses {u.reserved_value!r}"
            )
        values = []
        for issue, fun in zip(space.issues, inner.values):
            if issue.name == DUMMY_ISSUE:
                values.append(fun)
                continue
            if not isinstance(fun, TableFun):
                return None, []
            top = max(fun.mapping.values())
            if top != 1.0:
                defects.append(f"{u.name}: issue {issue.name} evaluations not divided by their largest ({top!r})")
            values.append(TableFun(mapping={k: v / top for k, v in fun.mapping.items()}) if top > 0 else fun)
        total = sum(inner.weights)
        if abs(total - 1.0) > 1e-12:
            defects.append(f"{u.name}: weights sum to {total!r}, not normalised")
        corrected.append(
            LinearAdditiveUtilityFunction(
                values=values,
                weights=[w / total for w in inner.weights],
                outcome_space=inner.outcome_space,
                reserved_value=inner.reserved_value,
                name=inner.name,
            )
        )
    return corrected, defects


# --------------------------------------------------------------------------
# Agreement.
# --------------------------------------------------------------------------


def vec(u) -> tuple:
    return tuple(round(float(x), 9) for x in u)


@dataclass
class Check:
    frontier: str
    nash: str
    notes: list[str] = field(default_factory=list)


def compare(detente: dict, negmas: dict) -> Check:
    names = negmas["issues"]
    points = detente["pareto"]
    keys = [tuple(str(p["outcome"][n]) for n in names) for p in points]
    det_vec = {k: vec(p["utilities"]) for k, p in zip(keys, points)}
    notes: list[str] = []
    if not method_of(detente).get("exact", True):
        notes.append("Detente's search stopped at its node budget: its frontier is approximate.")

    def frontier_check(variant: dict, check_utils: list | None) -> tuple[bool, str]:
        reserved = variant["reserved"]
        if check_utils is not None and len(check_utils) != len(keys):
            check_utils = None  # NegMAS evaluated another Detente run's frontier (--detente-only)
        rational = [
            k for i, k in enumerate(keys) if check_utils is None or all(u >= r for u, r in zip(check_utils[i], reserved))
        ]
        classes = {det_vec[k] for k in rational}
        negmas_set = [tuple(o) for o in variant["frontier"]]
        extra = [o for o in negmas_set if o not in det_vec]
        covered = {det_vec[o] for o in negmas_set if o in det_vec}
        missing = classes - covered
        ok = not extra and not missing and len(negmas_set) == len(classes)
        text = (
            f"NegMAS {len(negmas_set)} outcomes; Detente {len(keys)} outcomes, {len(classes)} distinct utility vectors"
            + (f" ({len(keys) - len(rational)} below a NegMAS reservation value)" if len(rational) < len(keys) else "")
        )
        if not ok:
            text += f"; {len(extra)} NegMAS outcomes not on Detente's frontier, {len(missing)} Detente vectors NegMAS lacks"
        return ok, text

    def nash_set(variant: dict) -> set | None:
        found = set()
        for o in variant["nash"]:
            if tuple(o) not in det_vec:
                return None
            found.add(det_vec[tuple(o)])
        return found

    det_nash = None
    if detente.get("nash"):
        det_nash = {vec(detente["nash"]["utilities"])} | {vec(t["utilities"]) for t in detente["nash"].get("ties", [])}

    raw = negmas["raw"]
    frontier_ok, frontier_text = frontier_check(raw, negmas.get("check_raw"))
    raw_nash = nash_set(raw)
    nash_ok = raw_nash == det_nash
    frontier = ("yes" if frontier_ok else "no") + f" ({frontier_text})"
    nash = "yes" if nash_ok else "no"
    corrected = negmas.get("corrected")
    defects = negmas.get("defects", [])
    if (not frontier_ok or not nash_ok) and defects:
        notes.append("NegMAS 0.16 defects present in this scenario: " + "; ".join(_summarise(defects)) + ".")
    if corrected is not None and (not frontier_ok or not nash_ok):
        c_ok, c_text = frontier_check(corrected, negmas.get("check_corrected"))
        c_nash = nash_set(corrected)
        notes.append(
            "With those defects corrected (evaluations divided by each issue's largest, weights normalised, "
            f"reservation values restored), NegMAS' frontier {'agrees' if c_ok else 'still differs'} ({c_text})"
            f" and its Nash point {'agrees' if c_nash == det_nash else 'still differs'}."
        )
        if not frontier_ok and c_ok:
            frontier = "no → yes after correction"
        if not nash_ok and c_nash == det_nash:
            nash = "no → yes after correction"
        elif c_nash != det_nash and c_nash is not None:
            # NegMAS' disagreement point: the reservation value, unless it is
            # missing or below the worst utility, then the worst utility.
            d = [
                r if math.isfinite(r) and r >= lo else lo
                for r, (lo, _) in zip(corrected["reserved"], corrected["ranges"])
            ]
            redone = nash_on(det_vec.values(), d)
            if redone == c_nash:
                nash = "no: disagreement point (see notes)"
                notes.append(
                    "The Nash points differ only by the disagreement point: NegMAS' nash_points replaces a "
                    "reservation value below the worst outcome's utility (or a missing one) by that worst utility "
                    f"(d = {', '.join(f'{x:.4f}' for x in d)}), while Detente and GENIUS use the reservation values "
                    "themselves. Maximising Π(uᵢ − dᵢ) over Detente's frontier with NegMAS' d gives NegMAS' point exactly."
                )
    elif not nash_ok and raw_nash is not None:
        d = [r if math.isfinite(r) and r >= lo else lo for r, (lo, _) in zip(raw["reserved"], raw["ranges"])]
        if nash_on(det_vec.values(), d) == raw_nash:
            nash = "no: disagreement point (see notes)"
            notes.append(
                "The Nash points differ only by the disagreement point: NegMAS' nash_points replaces a reservation "
                "value below the worst outcome's utility (or a missing one) by that worst utility "
                f"(d = {', '.join(f'{x:.4f}' for x in d)}), while Detente and GENIUS use the reservation values "
                "themselves. Maximising Π(uᵢ − dᵢ) over Detente's frontier with NegMAS' d gives NegMAS' point exactly."
            )
    return Check(frontier, nash, notes)


def pareto_oracle(detente: dict, path: Path) -> str:
    """Detente's frontier against GENIUS' own pareto.xml (utility vectors
    written as 32-bit floats, so compared to 10^-6)."""
    genius = sorted(tuple(float(x) for x in line.split(",")) for line in path.read_text().splitlines() if line.strip())
    ours = sorted({tuple(p["utilities"]) for p in detente["pareto"]})
    same = len(genius) == len(ours) and all(
        all(abs(a - b) < 1e-6 for a, b in zip(g, o)) for g, o in zip(genius, ours)
    )
    how = describe_method(method_of(detente))
    return (
        f"GENIUS' pareto.xml lists {len(genius)} frontier points; Detente ({how}) finds {len(ours)}: "
        + ("the same points (to 10⁻⁶)" if same else "they differ")
    )


def nash_on(vectors, d) -> set:
    rational = [v for v in set(vectors) if all(u >= x for u, x in zip(v, d))]
    scores = {v: math.prod(u - x for u, x in zip(v, d)) for v in rational}
    top = max(scores.values())
    return {v for v, s in scores.items() if s >= top - 1e-12}


def _summarise(defects: list[str]) -> list[str]:
    kinds = []
    if any("not divided" in d for d in defects):
        n = sum("not divided" in d for d in defects)
        kinds.append(f"evaluations not divided by the issue's largest evaluation ({n} issue-profile pairs)")
    if any("drops the reservation" in d for d in defects):
        kinds.append("reservation value dropped by the discount wrapper (" + ", ".join(d.split(":")[0] for d in defects if "drops" in d) + ")")
    if any("weights sum" in d for d in defects):
        kinds.append("weights not normalised")
    return kinds


# --------------------------------------------------------------------------
# The run.
# --------------------------------------------------------------------------


def fmt_time(s: float | None) -> str:
    if s is None:
        return "–"
    if s >= 1:
        return f"{s:.2f} s"
    if s >= 1e-3:
        return f"{s * 1e3:.1f} ms"
    return f"{s * 1e6:.0f} µs"


def method_of(data: dict) -> dict:
    """`method` of Detente's JSON as a dict: `analyze --json` writes
    {name, exact, nodes?, epsilon?}, the `frontier` example a plain name and
    a separate `exact`."""
    method = data.get("method")
    if isinstance(method, dict):
        return method
    return {"name": method or "?", "exact": data.get("exact", True)}


def describe_method(method: dict) -> str:
    text = f"{method.get('name', '?')}, {'exact' if method.get('exact', True) else 'approximate'}"
    if method.get("nodes") is not None:
        text += f", {method['nodes']:,} nodes"
    if method.get("epsilon"):
        text += f", ε = {method['epsilon']:.3g}"
    return text


def run_detente(case: Case, out_dir: Path, repeat: int) -> dict:
    """The fastest of `repeat` runs of `detente analyze --json` (process time,
    peak memory and the answer that is checked) and of the bench crate's
    `frontier` example (time of `analyze` alone, inside the process)."""

    def best_of(cmd: list[str], name: str) -> dict:
        best: dict = {}
        for _ in range(repeat):
            run = run_measured(cmd, 600, out_dir / f"{name}.json", out_dir / f"{name}.err")
            if run.returncode != 0:
                return {"error": run.stderr.read_text().strip() or f"exit {run.returncode}"}
            data = json.loads(run.stdout.read_text())
            if not best or run.wall_s < best["wall_s"]:
                best = {**best, "wall_s": run.wall_s, "peak_mb": run.peak_mb, "data": data, "path": run.stdout}
            best["analysis_s"] = min(best.get("analysis_s", math.inf), data.get("analysis_s", math.inf))
            if run.wall_s > 30:
                break
        return best

    cli = best_of([str(DETENTE), "analyze", "--json", str(case.folder)], "detente-cli")
    if "error" in cli:
        return {"error": cli["error"]}
    example = best_of([str(FRONTIER), str(case.folder)], "detente-example")
    if "error" in example:
        return {"error": "frontier example: " + example["error"]}
    method = method_of(cli["data"])
    example_method = method_of(example["data"])
    warnings = []
    if example_method.get("exact", True) != method.get("exact", True):
        warnings.append(f"the `frontier` example's analysis was {describe_method(example_method)}, the CLI's {describe_method(method)}")
    cli_vectors = {vec(p["utilities"]) for p in cli["data"]["pareto"]}
    example_vectors = {vec(p["utilities"]) for p in example["data"]["pareto"]}
    if cli_vectors != example_vectors:
        warnings.append(
            f"the `frontier` example found {len(example_vectors)} distinct frontier vectors, "
            f"`detente analyze` {len(cli_vectors)}"
        )
    (out_dir / "detente.json").write_text(cli["path"].read_text())
    return {
        "wall_s": cli["wall_s"],
        "peak_mb": cli["peak_mb"],
        "analysis_s": example["analysis_s"],
        "method": f"`detente analyze --json` ({describe_method(method)})",
        "exact": method.get("exact", True),
        "example_peak_mb": example["peak_mb"],
        "warnings": warnings,
    }


def run_negmas(case: Case, out_dir: Path) -> dict:
    out = out_dir / "negmas.json"
    out.unlink(missing_ok=True)
    sampled = Path(str(out) + ".maxrss-self")
    sampled.unlink(missing_ok=True)
    cmd = [sys.executable, str(Path(__file__).resolve()), "negmas-worker", str(case.folder), str(out), "--check", str(out_dir / "detente.json")]
    run = run_measured(cmd, case.negmas_timeout, out_dir / "negmas.out", out_dir / "negmas.err", NEGMAS_MEMORY_LIMIT)
    result = json.loads(out.read_text()) if out.exists() and out.stat().st_size else {"ok": False}
    result["wall_s"] = run.wall_s
    result["peak_mb"] = run.peak_mb
    if run.peak_mb is None and sampled.exists() and sampled.read_text().strip().isdigit():
        # At least this much: sampled by the worker up to half a second before it was killed.
        result["peak_mb"] = int(sampled.read_text().strip()) / 1024
        result["peak_sampled"] = True
    if run.timed_out:
        result["error"] = f"timeout after {case.negmas_timeout:.0f} s"
        result["timed_out"] = True
    elif not result.get("ok") and "error" not in result:
        tail = run.stderr.read_text().strip().splitlines()[-1:] or [f"exit {run.returncode}"]
        result["error"] = "MemoryError" if "MemoryError" in tail[0] else tail[0]
    return result


def machine(note: str | None = None, date: datetime.datetime | None = None) -> list[str]:
    def sh(cmd: str) -> str:
        try:
            return subprocess.run(cmd, shell=True, capture_output=True, text=True, timeout=30).stdout.strip()
        except Exception:  # noqa: BLE001
            return "?"

    model = sh("lscpu | sed -n 's/^Model name: *//p' | head -1")
    memory = sh("free -g | awk '/^Mem:/ {print $2}'")
    os_name = sh(". /etc/os-release && echo \"$PRETTY_NAME\"")
    negmas_version = sh(f"{sys.executable} -c 'import negmas; print(negmas.__version__)'")
    numpy_version = sh(f"{sys.executable} -c 'import numpy; print(numpy.__version__)'")
    nproc = sh("nproc") or str(os.cpu_count())
    lscpu = sh("lscpu | head")
    return [
        f"- CPU: {model}, {nproc} cores (`nproc`), shared with other work while this ran",
        f"- Memory: {memory} GiB (`free -g`)",
        f"- OS: {os_name}, kernel {platform.release()}",
        f"- Rust: {sh('rustc --version')}, release profile",
        f"- NegMAS {negmas_version} (PyPI, numpy {numpy_version}) on Python {platform.python_version()}",
        f"- Date: {(date or datetime.datetime.now().astimezone()).strftime('%Y-%m-%d %H:%M %Z')} (end of the run)",
        *([f"- {note}"] if note else []),
        "",
        "`lscpu | head`:",
        "",
        "```text",
        *lscpu.splitlines(),
        "```",
    ]


def mb(result: dict) -> str:
    """A peak resident set for the table: '?' when unknown, '≥' when sampled."""
    peak = result.get("peak_mb")
    if peak is None:
        return "?"
    return ("≥ " if result.get("peak_sampled") else "") + f"{peak:,.0f}"


def peak_so_far(result: dict) -> str:
    if result.get("peak_mb") is None:
        return "its peak memory is unknown: GNU time was killed with it"
    if result.get("peak_sampled"):
        return f"peak at least {result['peak_mb']:,.0f} MB, sampled by the worker until it was killed"
    return f"peak {result['peak_mb']:,.0f} MB so far"


def report(rows: list[dict]) -> str:
    lines = [
        "| scenario | actors | outcomes | NegMAS time | Detente analysis | ratio | Detente process | ratio vs process | NegMAS peak MB | Detente peak MB | frontier agrees | Nash agrees |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---|",
    ]
    notes = []
    for r in rows:
        n, d = r["negmas"], r["detente"]
        n_time = fmt_time(n.get("compute_s")) if n.get("ok") else (f"> {fmt_time(n['wall_s'])} (timeout)" if n.get("timed_out") else n.get("error", "failed"))
        d_time = fmt_time(d.get("wall_s")) if "error" not in d else "error"
        d_analysis = fmt_time(d.get("analysis_s")) if "error" not in d else "error"

        def ratio_of(detente_s):
            if "error" in d or not detente_s:
                return "–"
            if n.get("ok"):
                x = n["compute_s"] / detente_s
                return f"{x:,.0f}×" if x >= 10 else f"{x:.1f}×"
            if n.get("timed_out"):
                return f"> {n['wall_s'] / detente_s:,.0f}×"
            return "–"

        ratio, ratio_process = ratio_of(d.get("analysis_s")), ratio_of(d.get("wall_s"))
        check = r.get("check")
        frontier = check.frontier.split(" (")[0] if check else "–"
        nash = check.nash if check else "–"
        outcomes = r["outcomes"]
        lines.append(
            f"| {r['label']} | {r['actors']} | {outcomes} | {n_time} | {d_analysis} | {ratio} | {d_time} | {ratio_process} | "
            f"{mb(n)} | {mb(d)} | {frontier} | {nash} |"
        )
        detail = [f"**{r['label']}**: Detente via {d.get('method', '?')}"]
        if n.get("strict_parse_error"):
            detail.append(
                "NegMAS' `from_genius_folder` refuses the domain with its default strict parsing "
                f"(“{n['strict_parse_error']}”: GENIUS numbers this domain's issues from 2); it was loaded with "
                "`safe_parsing=False`, which adds a one-valued placeholder issue and changes nothing else"
            )
        if n.get("ok"):
            detail.append(
                f"NegMAS frontier alone {fmt_time(n['raw']['frontier_s'])}, process {fmt_time(n['wall_s'])} "
                f"(import {fmt_time(n.get('import_s'))}, XML {fmt_time(n.get('load_s'))})"
            )
        if n.get("timed_out"):
            detail.append(
                f"NegMAS did not finish within its {n['wall_s']:.0f} s timeout ({peak_so_far(n)}); "
                "its frontier filter is quadratic in the frontier's size"
            )
        elif not n.get("ok") and n.get("error"):
            detail.append(
                f"NegMAS: {n['error']} after {fmt_time(n['wall_s'])} of its process, at {mb(n)} MB "
                f"(address space capped at {NEGMAS_MEMORY_LIMIT >> 30} GiB)"
            )
        if check:
            detail.append("frontier: " + check.frontier)
            detail.extend(check.notes)
        if r.get("oracle"):
            detail.append(r["oracle"])
        for warning in d.get("warnings", []):
            detail.append("Warning: " + warning)
        notes.append("- " + ". ".join(x.rstrip(".") for x in detail) + ".")
    return "\n".join(lines) + "\n\nPer scenario:\n\n" + "\n".join(notes) + "\n"


def main_run(args) -> None:
    """Runs the selected scenarios, then reports every scenario that has
    results under target/negmas-compare, so that `--only` refreshes some rows
    of the table without losing the others."""
    WORK.mkdir(parents=True, exist_ok=True)
    keys = [c.key for c in cases()]
    only = args.only.split(",") if args.only else keys
    unknown = [k for k in only if k not in keys]
    if unknown:
        sys.exit(f"unknown scenario keys {unknown}; known: {', '.join(keys)}")
    for case in cases():
        if case.key not in only:
            continue
        out_dir = WORK / case.key
        out_dir.mkdir(parents=True, exist_ok=True)
        if case.generate is not None and not case.folder.exists():
            case.generate(case.folder)
        print(f"== {case.label}: Detente ...", file=sys.stderr, flush=True)
        detente = run_detente(case, out_dir, args.repeat)
        (out_dir / "detente-result.json").write_text(json.dumps({k: v for k, v in detente.items() if k != "data"}))
        cached = out_dir / "negmas-result.json"
        if not (args.detente_only and cached.exists()):
            print(f"== {case.label}: NegMAS (timeout {case.negmas_timeout:.0f} s) ...", file=sys.stderr, flush=True)
            cached.write_text(json.dumps(run_negmas(case, out_dir)))
        row = make_row(case)
        print(
            f"   NegMAS {row['negmas'].get('compute_s', row['negmas'].get('error'))}  "
            f"Detente {row['detente'].get('analysis_s')} s (process {row['detente'].get('wall_s')} s)"
            + (f"  frontier {row['check'].frontier}  nash {row['check'].nash}" if "check" in row else ""),
            file=sys.stderr,
            flush=True,
        )
    main_report(args)


def main_report(args, date: datetime.datetime | None = None) -> None:
    """The table of every scenario with results under target/negmas-compare."""
    rows = [make_row(c) for c in cases() if (WORK / c.key / "detente-result.json").exists() and (WORK / c.key / "negmas-result.json").exists()]
    table = report(rows)
    print(table)
    if args.output:
        write_doc(Path(args.output), table, args.note, date)


def results_date() -> datetime.datetime:
    """When the newest stored result was written: the end of the run."""
    newest = max(
        (WORK / c.key / name).stat().st_mtime
        for c in cases()
        for name in ("detente-result.json", "negmas-result.json")
        if (WORK / c.key / name).exists()
    )
    return datetime.datetime.fromtimestamp(newest).astimezone()


def make_row(case: Case) -> dict:
    out_dir = WORK / case.key
    detente = json.loads((out_dir / "detente-result.json").read_text())
    negmas = json.loads((out_dir / "negmas-result.json").read_text())
    data = json.loads((out_dir / "detente.json").read_text()) if "error" not in detente else {}
    n_outcomes = data.get("n_outcomes") or negmas.get("n_outcomes")
    row = {
        "label": case.label,
        "actors": len(data.get("actors", [])) or "?",
        "outcomes": (f"{n_outcomes:,.0f}" if n_outcomes < 1e9 else f"{n_outcomes:.0e}".replace("e+", "e")) if n_outcomes else "?",
        "negmas": negmas,
        "detente": detente,
    }
    if negmas.get("ok") and "error" not in detente:
        row["check"] = compare(data, negmas)
    if (case.folder / "pareto.xml").exists() and "error" not in detente:
        row["oracle"] = pareto_oracle(data, case.folder / "pareto.xml")
    return row


def write_doc(path: Path, table: str, note: str | None = None, date: datetime.datetime | None = None) -> None:
    block = "\n".join(
        [
            BEGIN,
            "",
            "Machine:",
            "",
            *machine(note, date),
            "",
            table,
            END,
        ]
    )
    text = path.read_text() if path.exists() else ""
    if BEGIN in text and END in text:
        text = text[: text.index(BEGIN)] + block + text[text.index(END) + len(END) :]
    else:
        text = (text.rstrip() + "\n\n" if text else "# Performance\n\n") + block + "\n"
    path.write_text(text)
    print(f"wrote {path}", file=sys.stderr)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    run = sub.add_parser("run")
    run.add_argument("--only", help="comma-separated scenario keys: " + ",".join(c.key for c in cases()))
    run.add_argument("--detente-only", action="store_true", help="reuse NegMAS' cached results")
    run.add_argument("--repeat", type=int, default=3, help="Detente runs per scenario (the fastest counts)")
    run.add_argument("--output", help="the Markdown file to update (docs/performance.md)")
    run.add_argument("--note", help="a line about the run for the machine description (e.g. what else ran)")
    again = sub.add_parser("report", help="re-render the table from the last run's stored results, running nothing")
    again.add_argument("--output", help="the Markdown file to update (docs/performance.md)")
    again.add_argument("--note", help="a line about the run for the machine description")
    worker = sub.add_parser("negmas-worker")
    worker.add_argument("folder")
    worker.add_argument("out")
    worker.add_argument("--check")
    args = parser.parse_args()
    if args.command == "negmas-worker":
        negmas_worker(args.folder, args.out, args.check)
    elif args.command == "report":
        main_report(args, results_date())
    else:
        main_run(args)


if __name__ == "__main__":
    main()
