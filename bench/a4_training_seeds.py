"""Validate Assignment 4's training thresholds over many seeds, for the reference and correct variants.

    .venv/bin/python bench/a4_training_seeds.py [--seeds 50] [--only vae|gan]

Runs the graders' own training loops (``autograder/a4_vae_gan/harness``: ``vae.train_vae``,
``gan.train_gan``) in this process, on the reference solution and on every correct variant that
changes code those loops use, for ``--seeds`` seeds (the hidden tests' seed first). Prints, per
program, the statistic's range and how many seeds miss the threshold, and ends with
``RESULT vae: F/N runs miss ratio ≤ 0.65 (worst W); gan: F/N runs miss |mean − 3| < 0.5 (worst W)``.
The hidden tests use one fixed seed each; these figures are the SPEC's failure rates.
"""
from __future__ import annotations

import argparse
import importlib.util
import statistics
import sys
import time
import types
from pathlib import Path

import torch

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from autograder import assignments  # noqa: E402
from autograder.variants import apply_overrides  # noqa: E402
from grading.build import solution_source  # noqa: E402

AID = "a4_vae_gan"
VAE_SEED, GAN_SEED = 49001, 50001  # the hidden tests' (test_vae_training.py, test_gan_training.py)
VAE_RATIO, GAN_TOLERANCE = 0.65, 0.5
USES = {"vae": {"reparameterize", "gaussian_kl", "bernoulli_nll", "negative_elbo", "VAE", "vae_train_step"},
        "gan": {"d_loss", "g_loss_nonsaturating", "sample_noise", "gan_train_step"}}


def harness(name):
    path = ROOT / "autograder" / AID / "harness" / f"{name}.py"
    spec = importlib.util.spec_from_file_location(f"a4_harness_{name}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def submission(source: str) -> types.ModuleType:
    module = types.ModuleType("submission")
    exec(compile(source, "<submission>", "exec"), module.__dict__)
    return module


def programs(kind: str) -> dict[str, str]:
    source = solution_source(AID)
    out = {"reference": source}
    for name, overrides in assignments.variants(assignments.load(AID)).CORRECT.items():
        if {target.split(".")[0] for target in overrides} & USES[kind]:
            out[f"correct:{name}"] = apply_overrides(source, overrides)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=50)
    parser.add_argument("--only", choices=("vae", "gan"))
    args = parser.parse_args()
    torch.set_num_threads(1)
    runs = {"vae": (harness("vae").train_vae, VAE_SEED), "gan": (harness("gan").train_gan, GAN_SEED)}
    summary = []
    for kind, (train, first) in runs.items():
        if args.only and kind != args.only:
            continue
        seeds = [first] + [first + 100 + k for k in range(args.seeds - 1)]
        misses, total, worst, seconds = 0, 0, None, []
        for name, source in programs(kind).items():
            module = submission(source)
            stats = []
            for seed in seeds:
                start = time.process_time()
                got = train(module, seed)
                seconds.append(time.process_time() - start)
                if kind == "vae":
                    value = got["final"] / got["initial"]
                    miss = not value <= VAE_RATIO
                else:
                    value = abs(got["mean"] - 3.0)
                    miss = not value < GAN_TOLERANCE
                stats.append(value)
                misses += miss
                total += 1
            worst = max([worst] + stats) if worst is not None else max(stats)
            label = "final/initial −ELBO" if kind == "vae" else "|mean G(z) − 3|"
            print(f"{kind} {name}: {label} min {min(stats):.3f}, median {statistics.median(stats):.3f}, "
                  f"max {max(stats):.3f}; test seed {stats[0]:.3f}; "
                  f"{sum(s > VAE_RATIO if kind == 'vae' else s >= GAN_TOLERANCE for s in stats)}/{len(stats)} miss",
                  flush=True)
        threshold = f"ratio ≤ {VAE_RATIO}" if kind == "vae" else f"|mean − 3| < {GAN_TOLERANCE}"
        summary.append(f"{kind}: {misses}/{total} runs miss {threshold} (worst {worst:.3f}; "
                       f"{statistics.median(seconds):.2f} s CPU per run)")
    print("RESULT " + "; ".join(summary))


if __name__ == "__main__":
    main()
