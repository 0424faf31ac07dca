#!/usr/bin/env python3
"""Detente's alternating-offers simulation against NegMAS' SAOMechanism.

Run through scripts/crosscheck-negmas-sim.sh, which makes the NegMAS 0.16
virtualenv and builds Detente's `sao_run` example first:

    target/negmas-venv/bin/python scripts/crosscheck_negmas_sim.py \
        --detente target/release/examples/sao_run [--rounds 100] [--output docs/simulation-crosscheck.md]

For every scenario, opener and strategy pair it runs one negotiation in
NegMAS (BoulwareTBNegotiator / LinearTBNegotiator / ConcederTBNegotiator in an
SAOMechanism with n_steps=ROUNDS) and the same one in Detente, and compares
the agreement, the step (NegMAS) / round (Detente) it was reached in, and the
whole sequence of offers. It also times both, per NegMAS step (Detente
round): the best of several NegMAS `mechanism.run()`s, and the best of ten
batches of Detente's `--repeat` loop inside its process.

NegMAS is given GENIUS-faithful utility functions (evaluations divided by
their largest, weights normalised: what Detente and GENIUS compute; NegMAS
0.16's loader leaves both out, see scripts/compare_negmas.py) and no
discounting (Detente's strategies concede on undiscounted utilities; the
discount only scales the payoffs).
"""

from __future__ import annotations

import argparse
import json
import platform
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))

from compare_negmas import genius_faithful  # noqa: E402

SCENARIOS = ["Laptop", "ItexvsCypress"]
# (opener's strategy, responder's strategy)
PAIRS = [("boulware", "conceder"), ("conceder", "boulware"), ("linear", "linear")]
BEGIN = "<!-- crosscheck:begin -->"
END = "<!-- crosscheck:end -->"


def negmas_class(name: str):
    from negmas.sao.negotiators import BoulwareTBNegotiator, ConcederTBNegotiator, LinearTBNegotiator

    return {"boulware": BoulwareTBNegotiator, "linear": LinearTBNegotiator, "conceder": ConcederTBNegotiator}[name]


def load_negmas(folder: Path):
    from negmas.inout import Scenario

    scenario = Scenario.from_genius_folder(folder, ignore_discount=True)
    corrected, _defects = genius_faithful(list(scenario.ufuns), scenario.outcome_space)
    if corrected is None:
        raise SystemExit(f"{folder}: not a linear-additive scenario")
    return scenario.outcome_space, corrected


def run_negmas(space, ufuns, pair, order, rounds):
    from negmas.sao import SAOMechanism

    m = SAOMechanism(outcome_space=space, n_steps=rounds)
    for k, idx in enumerate(order):
        m.add(negmas_class(pair[k])(name=f"p{k}"), ufun=ufuns[idx])
    start = time.perf_counter()
    m.run()
    elapsed = time.perf_counter() - start
    st = m.state
    ending = "agreement" if st.agreement is not None else ("walk-away" if st.broken else "timeout")
    # (step, party, offer) for every offer; party by the order added.
    ids = {neg.id: k for k, neg in enumerate(m.negotiators)}
    offers = [(s, ids.get(n, n), tuple(map(str, o))) for s, n, o in m.extended_trace]
    return {
        "ending": ending,
        "agreement": tuple(map(str, st.agreement)) if st.agreement is not None else None,
        "steps": st.step,
        "offers": offers,
        "seconds": elapsed,
    }


def time_negmas(space, ufuns, pair, order, rounds, repeat):
    """The best of `repeat` runs' time per step: other load only adds time."""
    best = float("inf")
    for _ in range(repeat):
        r = run_negmas(space, ufuns, pair, order, rounds)
        best = min(best, r["seconds"] / max(r["steps"], 1))
    return best


def run_detente(binary, folder, pair, swap, rounds, repeat):
    cmd = [str(binary), str(folder), pair[0], pair[1], str(rounds), "--trace", "--repeat", str(repeat)]
    if swap:
        cmd.append("--swap")
    out = json.loads(subprocess.run(cmd, check=True, capture_output=True, text=True).stdout)
    issues = None
    agreement = None
    if out["agreement"] is not None:
        issues = list(out["agreement"].keys())
        agreement = tuple(out["agreement"].values())
    offers = [
        (e["round"], e["party"], tuple(e["outcome"].values())) for e in out["trace"] or [] if e["action"] == "offer"
    ]
    return {
        "ending": out["ending"]["kind"],
        "agreement": agreement,
        "issues": issues,
        "rounds": out["rounds"],
        "offers": offers,
        "utilities": out["agreement_utilities"],
        "payoffs": out["utilities"],
        "ns_per_round": out["timing"]["ns_per_round"],
        "parties": out["parties"],
    }


def fmt_outcome(o):
    return "—" if o is None else ", ".join(o)


def fmt_time(seconds: float) -> str:
    if seconds >= 1e-3:
        return f"{seconds * 1e3:.2f} ms"
    if seconds >= 1e-6:
        return f"{seconds * 1e6:.2f} µs"
    return f"{seconds * 1e9:.0f} ns"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--detente", type=Path, default=ROOT / "target/release/examples/sao_run")
    ap.add_argument("--rounds", type=int, default=100)
    ap.add_argument("--scenarios", default=",".join(SCENARIOS))
    ap.add_argument("--negmas-repeat", type=int, default=10, help="NegMAS runs per row for the timing (the best counts)")
    ap.add_argument("--detente-repeat", type=int, default=500, help="Detente runs per batch (ten batches, the best counts)")
    ap.add_argument("--output", type=Path, help="Markdown file whose crosscheck section to replace")
    ap.add_argument("--note", default="", help="a line about the machine for the output")
    args = ap.parse_args()

    import negmas
    import numpy

    rows, failures = [], 0
    for name in args.scenarios.split(","):
        folder = ROOT / "testdata/genius" / name
        space, ufuns = load_negmas(folder)
        for swap in (False, True):
            order = [1, 0] if swap else [0, 1]
            for pair in PAIRS:
                d = run_detente(args.detente, folder, pair, swap, args.rounds, args.detente_repeat)
                n = run_negmas(space, ufuns, pair, order, args.rounds)
                n_per_step = time_negmas(space, ufuns, pair, order, args.rounds, args.negmas_repeat)
                # Detente's round r is NegMAS' step r; NegMAS reports the step count after it.
                same_agreement = d["agreement"] == n["agreement"] and d["ending"] == n["ending"]
                same_step = d["rounds"] == n["steps"]
                same_offers = d["offers"] == n["offers"]
                ok = same_agreement and same_step and same_offers
                failures += not ok
                rows.append(
                    {
                        "scenario": name,
                        "opener": d["parties"][0],
                        "pair": f"{pair[0]} vs {pair[1]}",
                        "negmas": n,
                        "detente": d,
                        "negmas_per_step": n_per_step,
                        "detente_per_step": d["ns_per_round"] / 1e9,
                        "ok": ok,
                        "same": (same_agreement, same_step, same_offers),
                    }
                )

    lines = []
    lines.append(
        f"NegMAS {negmas.__version__} (numpy {numpy.__version__}, Python {platform.python_version()}), "
        f"{args.rounds} rounds, {platform.machine()} {platform.system()}"
        + (f"; {args.note}" if args.note else "")
        + "."
    )
    lines.append("")
    lines.append(
        "| scenario | opener | strategies | NegMAS agreement (step) | Detente agreement (round) | utilities (undiscounted) | offers equal (NegMAS / Detente) | "
        "NegMAS / step | Detente / step | speed-up | match |"
    )
    lines.append("|---|---|---|---|---|---|---|---|---|---|---|")
    for r in rows:
        n, d = r["negmas"], r["detente"]
        utils = "—" if d["utilities"] is None else " / ".join(f"{u:.4f}" for u in d["utilities"])
        speed = r["negmas_per_step"] / r["detente_per_step"] if r["detente_per_step"] > 0 else float("inf")
        lines.append(
            f"| {r['scenario']} | {r['opener']} | {r['pair']} | {fmt_outcome(n['agreement'])} ({n['ending']}, {n['steps']}) "
            f"| {fmt_outcome(d['agreement'])} ({d['ending']}, {d['rounds']}) | {utils} "
            f"| {len(n['offers'])} / {len(d['offers'])} {'yes' if r['same'][2] else 'NO'} "
            f"| {fmt_time(r['negmas_per_step'])} | {fmt_time(r['detente_per_step'])} | {speed:,.0f}× "
            f"| {'yes' if r['ok'] else 'NO'} |"
        )
    total_n = sum(r["negmas_per_step"] for r in rows) / len(rows)
    total_d = sum(r["detente_per_step"] for r in rows) / len(rows)
    lines.append("")
    lines.append(
        f"{len(rows) - failures} of {len(rows)} negotiations agree (agreement, step and every offer). "
        f"Mean time per step: NegMAS {fmt_time(total_n)}, Detente {fmt_time(total_d)} ({total_n / total_d:,.0f}×)."
    )
    for r in rows:
        if not r["ok"]:
            n, d = r["negmas"], r["detente"]
            for k, (a, b) in enumerate(zip(n["offers"], d["offers"])):
                if a != b:
                    lines.append(f"- {r['scenario']} {r['pair']}: first different offer #{k}: NegMAS {a}, Detente {b}")
                    break
    table = "\n".join(lines)
    print(table)
    if args.output:
        text = args.output.read_text() if args.output.exists() else f"{BEGIN}\n{END}\n"
        if BEGIN in text and END in text:
            head, rest = text.split(BEGIN, 1)
            _, tail = rest.split(END, 1)
            text = f"{head}{BEGIN}\n{table}\n{END}{tail}"
            args.output.write_text(text)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
