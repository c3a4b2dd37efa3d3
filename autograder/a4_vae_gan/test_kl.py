"""Hidden tests of grade cell `test_kl` (1 point): the Gaussian KL to N(0, I) in closed form, per sample.

Hand values (UvA's): 0 at μ = 0, logvar = 0; 2 for μ = 2; ½(e² − 3) = 2.194528 for logvar = 2 (log σ = 1),
one value per sample (a sum over the latent dimensions, shape (N,)); then values and gradients on random
inputs against torch.distributions' KL between Normals, in float64.
"""
import numpy as np
import pytest
import torch
from torch.distributions import Normal, kl_divergence

from autograder import checks
from autograder.a4_vae_gan import oracle as o

CELL = "test_kl"
HAND_MU = np.array([[0.0, 0.0], [2.0, 0.0], [0.0, 0.0], [1.0, -1.0]])
HAND_LOGVAR = np.array([[0.0, 0.0], [0.0, 0.0], [2.0, 0.0], [0.0, 0.0]])
HAND_KL = np.array([0.0, 2.0, 0.5 * (np.exp(2.0) - 3.0), 1.0])


def _candidates(mu, logvar):
    out = []
    for bug, message in o.KL_SLIPS.items():
        value = o.np64(o.gaussian_kl(o.t64(mu), o.t64(logvar), bug))
        out.append((value, message))
    return out


@pytest.mark.grade(cell=CELL, points=0.5)
@checks.most_specific()
def test_kl_hand_values(student):
    """Rows: (μ, logvar) = (0, 0) → 0; μ = (2, 0) → 2; logvar = (2, 0) → ½(e² − 3) = 2.194528; μ = (1, −1) → 1."""
    got = student.harness("vae").gaussian_kl(HAND_MU, HAND_LOGVAR, np.ones(4))
    o.check_tensor("gaussian_kl(mu, logvar)", got["kl"], HAND_KL, show_values=True,
                   context="mu, logvar of shape (4, 2), rows (μ; logvar) = (0, 0; 0, 0), (2, 0; 0, 0), (0, 0; 2, 0), "
                           "(1, −1; 0, 0): one KL per row, a sum over the 2 latent dimensions",
                   mistakes=_candidates(HAND_MU, HAND_LOGVAR))
    one = student.harness("vae").gaussian_kl(np.array([[2.0]]), np.array([[0.0]]), np.ones(1))
    o.check_tensor("gaussian_kl(mu, logvar)", one["kl"], np.array([2.0]), show_values=True,
                   context="one sample, one latent dimension, μ = 2, logvar = 0: KL = ½(1 + 4 − 1 − 0) = 2")


@checks.cached
def _case():
    rng = np.random.default_rng(42001)
    mu, logvar, upstream = rng.normal(size=(6, 4)), rng.uniform(-2.0, 2.0, size=(6, 4)), rng.normal(size=6)
    m, lv = o.t64(mu, grad=True), o.t64(logvar, grad=True)
    kl = kl_divergence(Normal(m, torch.exp(0.5 * lv)), Normal(torch.zeros_like(m), torch.ones_like(m))).sum(dim=1)
    kl.backward(o.t64(upstream))
    candidates = {bug: o.value_and_grads(lambda a, b, bug=bug: o.gaussian_kl(a, b, bug), [mu, logvar], upstream)
                  for bug in o.KL_SLIPS if bug not in ("batch_mean", "batch_sum")}
    return (mu, logvar, upstream), (o.np64(kl), o.np64(m.grad), o.np64(lv.grad)), candidates


@pytest.mark.grade(cell=CELL, points=0.5)
@checks.most_specific()
def test_kl_matches_torch_distributions(student):
    (mu, logvar, upstream), (kl, d_mu, d_logvar), candidates = _case()
    got = student.harness("vae").gaussian_kl(mu, logvar, upstream)
    context = "mu, logvar of shape (6, 4) requiring grad; compared with torch.distributions.kl_divergence, summed over dim 1"
    factors = {0.25: "the KL is averaged over the Z = 4 latent dimensions: it is a SUM over them",
               2.0: "the factor ½ is missing: KL = ½ Σ (σ² + μ² − 1 − log σ²)"}
    o.check_tensor("gaussian_kl(mu, logvar)", got["kl"], kl, context=context, factors=factors,
                   mistakes=_candidates(mu, logvar))
    o.check_unchanged("gaussian_kl", got["changed"])
    grads = got["grads"]
    o.check_grad("mu", grads[0], d_mu, got["backward_error"], context=context + ", kl.backward(G): ∂KL/∂μ = μ",
                 factors=factors, mistakes=[(c[1][0], o.KL_SLIPS[bug]) for bug, c in candidates.items()])
    o.check_grad("logvar", grads[1], d_logvar, got["backward_error"],
                 context=context + ", kl.backward(G): ∂KL/∂logvar = ½(σ² − 1)", factors=factors,
                 mistakes=[(c[1][1], o.KL_SLIPS[bug]) for bug, c in candidates.items()])
