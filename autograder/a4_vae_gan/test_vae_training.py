"""Hidden tests of grade cell `test_vae_training` (0.75 points): the student's VAE learns bar images.

Inside the sandbox (harness/vae.py: train_vae) a VAE(16, 32, 2) with the grader's weights (seed 49001)
runs 150 calls of the student's vae_train_step with Adam(lr=0.01) on batches of 32 4×4 "bar" images
(one row or column lit, 8 patterns); the grader's own −ELBO on 512 held-out images (the student's
encode and decode, fixed ε) must fall to at most 0.65 × its initial value. Learning the pixel
frequencies alone gives about 0.78× (16·H(¼) ≈ 9.0 of 11.5); the reference and correct variants reach
0.34–0.44× (0 misses in 600 runs over 50 seeds, bench/a4_training_seeds.py). Outcome only: the step itself
is graded by replay in test_vae_step.
"""
import numpy as np
import pytest

from autograder import checks

CELL = "test_vae_training"
SEED, RATIO = 49001, 0.65


@pytest.mark.grade(cell=CELL, points=0.75, timeout=30)
def test_vae_learns_bar_images(student):
    got = student.harness("vae").train_vae(SEED)
    initial, final = float(got["initial"]), float(got["final"])
    checks.check_true(np.isfinite(final), f"after 150 training steps the −ELBO is {final}: training diverged "
                                          "(NaN or inf)")
    checks.check_true(final <= RATIO * initial,
                      f"the VAE did not learn the 4×4 bar images: 150 calls of vae_train_step (Adam, lr 0.01, batches "
                      f"of 32) took the held-out −ELBO from {initial:.3f} to {final:.3f} ({final / initial:.2f}×); a "
                      f"correct VAE reaches at most {RATIO}× (about 0.4×)")
