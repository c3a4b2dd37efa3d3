"""How an assignment's hidden graders fare on slips written without reading them (bench/a1_mlp_slips.py, ...).

    .venv/bin/python bench/prove_slips.py [ASSIGNMENT] [--json] [--jobs N]

The slips of assignment ``ID`` are in ``bench/ID_slips.py``.

Each slip is graded as a submission, with the reference, in one sandboxed batch (the same engine as
``dlgrade prove``). A slip is *caught* when it loses points, and *named* when a failing test's
message contains one of the words its author (who never read the graders) expects a good message
to use. Prints the ones that kept full marks and the caught ones with no naming message, with their
messages, for review; the last line is ``RESULT caught C/N (c%), named M/C (m%)``.
"""
from __future__ import annotations

import argparse
import json
import runpy
from pathlib import Path

from autograder.variants import apply_overrides
from grading.build import solution_source
from grading.prove import grade_programs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("assignment", nargs="?", default="a1_mlp", help="the assignment (default: a1_mlp)")
    parser.add_argument("--slips", default=None, help="the slips file (default: bench/ASSIGNMENT_slips.py)")
    parser.add_argument("--json", action="store_true", help="print the verdicts as JSON")
    parser.add_argument("--jobs", type=int, default=None, help="grading processes (default: all cores)")
    args = parser.parse_args()

    slips_file = Path(args.slips) if args.slips else Path(__file__).with_name(f"{args.assignment}_slips.py")
    slips = runpy.run_path(str(slips_file))["SLIPS"]
    source = solution_source(args.assignment)
    programs = {"reference": source} | {name: apply_overrides(source, ov) for name, (ov, _, _) in slips.items()}
    results = grade_programs(args.assignment, programs, args.jobs, progress=not args.json)
    ref = results["reference"]
    assert ref.error is None and ref.score == ref.max_score, f"the reference lost points: {ref}"

    verdicts = {}
    for name, (_, keywords, why) in slips.items():
        r = results[name]
        failing = [f"{t.name}: {t.message}" for t in r.tests if not t.passed]
        caught = r.error is not None or r.score < r.max_score
        text = " ".join(failing).lower() + " " + (r.error or "").lower()
        verdicts[name] = {"slip": why, "caught": caught, "named": caught and any(k in text for k in keywords),
                          "lost": r.max_score - r.score, "messages": failing[:3] or ([r.error] if r.error else [])}
    caught = [n for n, v in verdicts.items() if v["caught"]]
    named = [n for n in caught if verdicts[n]["named"]]
    if args.json:
        print(json.dumps({"slips": len(slips), "caught": len(caught), "named": len(named), "verdicts": verdicts},
                         indent=2))
        return
    for title, names in (("KEPT FULL MARKS", [n for n in verdicts if n not in caught]),
                         ("caught, but no message names it", [n for n in caught if n not in named])):
        print(f"\n{title}: {len(names)}")
        for n in names:
            print(f"  {n}: {verdicts[n]['slip']}")
            for m in verdicts[n]["messages"]:
                print(f"      {m[:300]}")
    print(f"RESULT caught {len(caught)}/{len(slips)} ({len(caught) / len(slips):.0%}), "
          f"named {len(named)}/{len(caught)} ({len(named) / max(len(caught), 1):.0%})")


if __name__ == "__main__":
    main()
