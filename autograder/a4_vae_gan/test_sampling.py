"""Hidden tests of grade cell `test_sampling` (0.5 points): noise from a given generator, and VAE samples.

sample_noise(n, z_dim, generator): float64 (n, z_dim); the same generator state gives the same draw, a second
call on one generator another, another seed another; torch's global random state untouched; n = 20,000 × 2
draws have mean 0 and standard deviation 1 within 6 standard errors (0.03 and 0.021: a correct sampler fails
one run in 5·10⁸). sample_images(model, z) = sigmoid(decode(z)), in [0, 1], without a graph.
"""
import numpy as np
import pytest

from autograder import checks
from autograder.a4_vae_gan import oracle as o
from autograder.a4_vae_gan.test_elbo import weights

CELL = "test_sampling"
N, Z = 20_000, 2


@pytest.mark.grade(cell=CELL, points=0.25)
@checks.most_specific()
def test_sample_noise_from_the_generator(student):
    got = student.harness("gan").noise(N, Z, 46001)
    call = f"sample_noise({N}, {Z}, torch.Generator().manual_seed(46001))"
    value = o.tensor_value("sample_noise(n, z_dim, generator)", got["first"], call)
    checks.check_true(np.shape(value) == (N, Z), f"{call} has shape {np.shape(value)}, not ({N}, {Z})")
    if got["first"]["dtype"] != "float64":
        o.fail(f"{call} returned a torch.{got['first']['dtype']} tensor: sample_noise returns float64 "
               "(torch.randn(..., dtype=torch.float64, generator=generator))")
    checks.check_true(got["global_untouched"], f"{call} changed torch's global random state: draw from the "
                                               "generator given (torch.randn(..., generator=generator)), never from "
                                               "torch.randn without it or torch.manual_seed")
    checks.check_true(got["repeatable"], f"{call} gives different draws for generators in the same state: draw only "
                                         "from the generator given (generator=generator)")
    checks.check_true(got["seeded"], "sample_noise gives the same draw for generators seeded 46001 and 46002: it "
                                     "ignores the generator given")
    checks.check_true(got["advances"], "two calls of sample_noise on one generator give the same draw: draw from the "
                                       "generator itself (a copy, or a fresh generator, repeats the draw)")
    values = np.asarray(value, dtype=np.float64)
    mean, std = float(values.mean()), float(values.std())
    se_mean, se_std = 1 / np.sqrt(values.size), 1 / np.sqrt(2 * values.size)
    uniform = " (uniform draws, torch.rand, have mean 0.5: use torch.randn)" if abs(mean - 0.5) < 0.05 else ""
    checks.check_true(abs(mean) <= 6 * se_mean, f"the mean of the draws is {mean:.4g}; it should be 0 within 6 standard "
                                                f"errors, ±{6 * se_mean:.3g} ({call}){uniform}")
    checks.check_statistic("the standard deviation of the draws", std, 1.0, 6 * se_std,
                           context=f"{call}: 1 within 6 SE", mistakes=[(0.01, "the noise is scaled by 0.01: it is "
                                                                              "standard normal, std 1"),
                                                                       (np.sqrt(1 / 12), "the draws are uniform "
                                                                        "(torch.rand): use torch.randn")])
    for column in range(Z):
        col = values[:, column]
        checks.check_true(abs(col.mean()) <= 6 / np.sqrt(N) and abs(col.std() - 1) <= 6 / np.sqrt(2 * N),
                          f"column {column} of {call} has mean {col.mean():.4g} and std {col.std():.4g}: each latent "
                          "dimension is standard normal")


@checks.cached
def _images_case():
    rng = np.random.default_rng(46002)
    params = weights(rng, (6, 5, 4)) + weights(rng, (2, 5, 6), scale=3.0)
    z = rng.normal(0.0, 2.0, size=(7, 2))
    logits = o.np64(o.relu_net([o.t64(p) for p in params[4:]], o.t64(z)))
    return params, z, logits


@pytest.mark.grade(cell=CELL, points=0.25)
@checks.most_specific()
def test_sample_images_are_probabilities_without_graph(student):
    params, z, logits = _images_case()
    got = student.harness("vae").sample_images([6, 5, 2], params, z)
    context = "sample_images(model, z), VAE(6, 5, 2) with the grader's weights, z (7, 2)"
    value = o.check_tensor("sample_images(model, z)", got["images"], 1 / (1 + np.exp(-logits)), context=context,
                           mistakes=[(logits, "these are the decoder's logits: sample_images returns the pixel "
                                              "probabilities sigmoid(decode(z))"),
                                     (1 / (1 + np.exp(-1 / (1 + np.exp(-logits)))), o.DOUBLE_SIGMOID)])
    checks.check_true(np.all((value >= 0) & (value <= 1)), f"sample_images returned values outside [0, 1] ({context})")
    checks.check_true(not got["images"]["requires_grad"] and not any(got["param_grads"]),
                      f"sample_images built a graph: its result requires grad ({context}); compute it under "
                      "torch.no_grad() (or detach it)")
