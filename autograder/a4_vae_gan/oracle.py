"""The trusted side of Assignment 4's hidden tests: inputs, float64 torch oracles, the slips they name.

Everything here runs in the grading process, never in the sandbox: the harness
(``harness/vae.py``, ``harness/gan.py``) runs the student's functions on real tensors and sends back
plain facts (``{"tensor", "value", "dtype", "requires_grad"}`` per returned value, gradients and
parameters as arrays); the tests compare them with the computations below. A slip is simulated by
the same code with one switch flipped (``bug="..."``), so a failing check can name it.

Not collected by pytest (not a test_*.py module); imported as ``autograder.a4_vae_gan.oracle``.
"""
from __future__ import annotations

import numpy as np
import torch
import torch.nn.functional as F

from autograder import checks

LN2 = float(np.log(2.0))

# ------------------------------------------------------------------------------------ messages

CUT = ("the graph was cut: no gradient reached it (.item(), float(), .detach(), .data, torch.tensor(...) of a tensor "
       "or a NumPy round trip inside the computation); keep every step a torch operation on the inputs")
FLOAT32 = ("is a float32 tensor, but its inputs are float64: a float32 tensor was mixed in (torch.zeros(n), "
           "torch.tensor(0.0) accumulators, torch.randn without dtype=); use torch.zeros_like(x) or dtype=x.dtype")
UNSTABLE_BCE = ("the loss is not stable at large logits: log(sigmoid(ℓ)) and log(1 − sigmoid(ℓ)) are log 0 = −inf "
                "for |ℓ| ≈ 1000, and log1p(exp(ℓ)) overflows; write it with softplus (F.softplus, F.logsigmoid "
                "or F.binary_cross_entropy_with_logits)")
CLAMPED_BCE = ("F.binary_cross_entropy on sigmoid(ℓ) clamps the log at −100 and its gradient vanishes at large "
               "logits: compute BCE from the logits (F.binary_cross_entropy_with_logits or softplus)")
DOUBLE_SIGMOID = ("sigmoid applied twice: the logits went through a sigmoid before a loss that takes logits "
                  "(BCE with logits applies the sigmoid itself)")


class Fail(checks.CheckFailed):
    """A failed check of this assignment's own (a dtype, a tensor that should be one), with its rank."""


def fail(message: str, rank: int = checks.NAMED):
    raise Fail(message, rank)


# ------------------------------------------------------------------------------------ tensors

def t64(value, grad: bool = False) -> torch.Tensor:
    return checks.torch64(value, grad=grad)


def np64(tensor) -> np.ndarray:
    return checks.numpy64(tensor)


def value_and_grads(f, inputs, upstream=None, wrt=None):
    """f(*leaves) and the gradients of Σ upstream ⊙ f w.r.t. the leaves in ``wrt`` (indices; all by default)."""
    wrt = range(len(inputs)) if wrt is None else wrt
    leaves = [t64(a, grad=i in wrt) for i, a in enumerate(inputs)]
    out = f(*leaves)
    out.backward(None if upstream is None else t64(upstream))
    return np64(out), [np64(leaves[i].grad) if leaves[i].grad is not None else np.zeros(np.shape(inputs[i]))
                       for i in wrt]


def tensor_value(name: str, facts, context: str = "") -> np.ndarray:
    """The array of a returned tensor; a failure saying what it was instead."""
    where = f" ({context})" if context else ""
    if not isinstance(facts, dict) or not facts.get("tensor"):
        kind = facts.get("dtype") if isinstance(facts, dict) else type(facts).__name__
        hint = (": .item() or float() made it a Python number; return the tensor" if kind in ("float", "int") else "")
        fail(f"`{name}` should be a torch tensor but is a {kind}{where}{hint}")
    return facts["value"]


def check_tensor(name: str, facts, expected, context: str = "", dtype: bool = True, **kwargs) -> np.ndarray:
    """A returned tensor: its values against ``expected`` (checks.check_array's keywords), then its dtype."""
    value = tensor_value(name, facts, context)
    checks.check_array(name, value, expected, context=context, **kwargs)
    if dtype and facts["dtype"] != "float64" and np.shape(value) == np.shape(expected):
        fail(f"`{name}` {FLOAT32}" + (f" ({context})" if context else ""))
    return value


def check_grad(name: str, grad, expected, backward_error=None, context: str = "", **kwargs) -> None:
    """A gradient the harness read from a leaf's ``.grad`` after backward."""
    where = f" ({context})" if context else ""
    if grad is None:
        why = f" (backward: {backward_error})" if backward_error else ""
        fail(f"no gradient reached `{name}`{where}{why}: {CUT}")
    checks.check_array(f"∂/∂{name}" if not name.startswith("∂") else name, grad, expected, context=context, **kwargs)


def check_unchanged(function: str, changed) -> None:
    checks.check_true(not changed, f"{function} modified its input(s) {', '.join(changed or [])} in place: inputs are "
                                   "never changed (SPEC); compute new tensors instead (no mul_, add_, +=, [...] = ...)")


# ------------------------------------------------------------------------------------ VAE formulas

def reparameterize(mu, logvar, eps, bug=None):
    if bug == "variance":
        return mu + torch.exp(logvar) * eps
    if bug == "logvar_as_std":
        return mu + logvar * eps
    if bug == "no_eps":
        return mu + torch.exp(0.5 * logvar)
    if bug == "no_sigma":
        return mu + eps
    if bug == "minus_half":
        return mu + torch.exp(-0.5 * logvar) * eps
    if bug == "detached":
        return mu.detach() + (torch.exp(0.5 * logvar) * eps).detach()
    return mu + torch.exp(0.5 * logvar) * eps


REPARAM_SLIPS = {
    "variance": "σ = exp(logvar) is the variance: logvar = log σ², so σ = exp(½·logvar)",
    "logvar_as_std": "logvar is used as σ: logvar = log σ², so σ = exp(½·logvar)",
    "no_eps": "the noise ε is missing: z = μ + σ ⊙ ε",
    "no_sigma": "σ is missing: z = μ + σ ⊙ ε with σ = exp(½·logvar)",
    "minus_half": "σ = exp(−½·logvar) is 1/σ: σ = exp(½·logvar)",
}


def gaussian_kl(mu, logvar, bug=None):
    if bug == "logsigma":  # written for log σ, fed log σ²
        return 0.5 * torch.sum(torch.exp(2 * logvar) + mu ** 2 - 1.0 - 2 * logvar, dim=1)
    if bug == "std":
        return 0.5 * torch.sum(torch.exp(0.5 * logvar) + mu ** 2 - 1.0 - logvar, dim=1)
    if bug == "sign":
        return -0.5 * torch.sum(torch.exp(logvar) + mu ** 2 - 1.0 - logvar, dim=1)
    if bug == "logvar_sign":
        return 0.5 * torch.sum(torch.exp(logvar) + mu ** 2 - 1.0 + logvar, dim=1)
    if bug == "no_half":
        return torch.sum(torch.exp(logvar) + mu ** 2 - 1.0 - logvar, dim=1)
    if bug == "latent_mean":
        return 0.5 * torch.mean(torch.exp(logvar) + mu ** 2 - 1.0 - logvar, dim=1)
    if bug == "batch_mean":
        return 0.5 * torch.sum(torch.exp(logvar) + mu ** 2 - 1.0 - logvar, dim=1).mean()
    if bug == "batch_sum":
        return 0.5 * torch.sum(torch.exp(logvar) + mu ** 2 - 1.0 - logvar)
    return 0.5 * torch.sum(torch.exp(logvar) + mu ** 2 - 1.0 - logvar, dim=1)


KL_SLIPS = {
    "logsigma": "the KL is written for log σ but logvar is log σ² (SPEC): σ² = exp(logvar), and the log term is "
                "logvar itself, not 2·logvar",
    "std": "σ = exp(½·logvar) is used where the KL needs the variance σ² = exp(logvar)",
    "sign": "the KL has the wrong sign (it is ≥ 0): KL = ½ Σ (σ² + μ² − 1 − log σ²)",
    "logvar_sign": "the log σ² term has the wrong sign: KL = ½ Σ (σ² + μ² − 1 − log σ²)",
    "no_half": "the factor ½ is missing: KL = ½ Σ (σ² + μ² − 1 − log σ²)",
    "latent_mean": "the KL is averaged over the latent dimensions: it is a SUM over them, one value per sample",
    "batch_mean": "the KL is averaged over the batch: gaussian_kl returns one value per sample, shape (N,)",
    "batch_sum": "the KL is summed over the batch too: gaussian_kl returns one value per sample, shape (N,)",
}


def bernoulli_nll(x, logits, bug=None):
    if bug == "pixel_mean":
        return (F.softplus(logits) - x * logits).flatten(1).mean(1)
    if bug == "double_sigmoid":
        p = torch.sigmoid(logits)
        return (F.softplus(p) - x * p).flatten(1).sum(1)
    if bug == "sign":
        return -(F.softplus(logits) - x * logits).flatten(1).sum(1)
    if bug == "clamped":
        return F.binary_cross_entropy(torch.sigmoid(logits), x, reduction="none").flatten(1).sum(1)
    if bug == "dim1":
        return (F.softplus(logits) - x * logits).sum(1)
    if bug == "batch_mean":
        return (F.softplus(logits) - x * logits).flatten(1).sum(1).mean()
    return (F.softplus(logits) - x * logits).flatten(1).sum(1)


NLL_SLIPS = {
    "pixel_mean": "the reconstruction term is averaged over the pixels: it is a SUM over every non-batch dimension "
                  "(averaging shrinks it next to the KL: blurry samples, posterior collapse)",
    "double_sigmoid": DOUBLE_SIGMOID,
    "sign": "the NLL has the wrong sign: softplus(ℓ) − x·ℓ ≥ 0",
    "clamped": CLAMPED_BCE,
    "dim1": "the sum runs over dimension 1 only: sum over EVERY non-batch dimension (flatten(start_dim=1).sum(1)), "
            "so images (N, C, H, W) give shape (N,)",
    "batch_mean": "the NLL is averaged over the batch: bernoulli_nll returns one value per sample, shape (N,)",
}


def tanh_net(params, x):
    w1, b1, w2, b2 = params
    return F.linear(torch.tanh(F.linear(x, w1, b1)), w2, b2)


def relu_net(params, x):
    w1, b1, w2, b2 = params
    return F.linear(torch.relu(F.linear(x, w1, b1)), w2, b2)


def negative_elbo(x, enc, dec, eps, net=tanh_net, bug=None, swap=False):
    """(loss, rec, kl) of the SPEC for encoder/decoder parameter lists ``enc``/``dec`` (tensors); ``net``: the
    grader's tanh networks or the VAE's ReLU ones; ``bug``: one slip; ``swap``: encoder output read as
    [logvar | mu]."""
    out = net(enc, x.flatten(1))
    z_dim = out.shape[1] // 2
    mu, logvar = out[:, :z_dim], out[:, z_dim:]
    if swap:
        mu, logvar = logvar, mu
    z = reparameterize(mu, logvar, eps, bug if bug in REPARAM_SLIPS or bug == "detached" else None)
    if bug == "decode_mu":
        z = mu
    logits = net(dec, z).reshape(x.shape)
    if bug == "decode_sigmoid":
        logits = torch.sigmoid(logits)
    rec = bernoulli_nll(x, logits, bug if bug in ("pixel_mean", "double_sigmoid", "clamped") else None)
    kl = gaussian_kl(mu, logvar, {"kl_latent_mean": "latent_mean", "kl_logsigma": "logsigma"}.get(bug))
    if bug == "batch_sum":
        loss = (rec + kl).sum()
    elif bug == "no_kl":
        loss = rec.mean()
    elif bug == "kl_sign":
        loss = (rec - kl).mean()
    else:
        loss = (rec + kl).mean()
    return loss, rec, kl


ELBO_SLIPS = {
    "pixel_mean": NLL_SLIPS["pixel_mean"],
    "kl_latent_mean": KL_SLIPS["latent_mean"],
    "kl_logsigma": KL_SLIPS["logsigma"],
    "variance": REPARAM_SLIPS["variance"],
    "decode_mu": "the decoder is given μ instead of the sample z = μ + σ ⊙ ε (that is the evaluation-time shortcut, "
                 "not the ELBO)",
    "decode_sigmoid": DOUBLE_SIGMOID,
    "double_sigmoid": DOUBLE_SIGMOID,
    "batch_sum": "the loss is summed over the batch: the training loss is the MEAN over the batch of rec + kl",
    "no_kl": "the loss has no KL term: loss = mean(rec + kl)",
    "kl_sign": "the KL enters the loss with the wrong sign: −ELBO = rec + KL",
    "detached": "z was detached from mu and logvar: the encoder gets no gradient through the sample (" + CUT + ")",
}


def elbo_oracle(x, enc, dec, eps, net=tanh_net, bug=None, swap=False):
    """Values and parameter gradients of :func:`negative_elbo` as arrays: loss, rec, kl, grads (8 arrays)."""
    ps = [t64(p, grad=True) for p in list(enc) + list(dec)]
    loss, rec, kl = negative_elbo(t64(x), ps[:4], ps[4:], t64(eps), net, bug, swap)
    loss.backward()
    return {"loss": float(loss), "rec": np64(rec), "kl": np64(kl),
            "grads": [np64(p.grad) if p.grad is not None else np.zeros(p.shape) for p in ps]}


def vae_sgd(params, batches, lr, junk=None, bug=None):
    """The parameters after each of ``len(batches)`` vae_train_step calls with SGD(lr) on the SPEC's VAE (ReLU
    networks) from ``params``, and the losses returned; ``junk``: .grad on entry; ``bug``: "no_zero" (grads never
    zeroed), "frozen" (no step), "batch_sum" (a summed loss), "after" (the loss returned after the step)."""
    ps = [t64(p, grad=True) for p in params]
    if junk is not None:
        for p, g in zip(ps, junk):
            p.grad = t64(g)
    out = []
    for x, eps in batches:
        if bug != "no_zero":
            for p in ps:
                p.grad = None
        loss, _, _ = negative_elbo(t64(x), ps[:4], ps[4:], t64(eps), relu_net,
                                   "batch_sum" if bug == "batch_sum" else None)
        loss.backward()
        if bug != "frozen":
            with torch.no_grad():
                for p in ps:
                    p -= lr * p.grad
        value = float(loss)
        if bug == "after":
            with torch.no_grad():
                value = float(negative_elbo(t64(x), ps[:4], ps[4:], t64(eps), relu_net)[0])
        out.append({"loss": value, "params": [np64(p) for p in ps]})
    return out


# ------------------------------------------------------------------------------------ GAN formulas

def d_loss(real, fake, bug=None):
    if bug == "average":
        return (F.softplus(-real).mean() + F.softplus(fake).mean()) / 2
    if bug == "swapped":
        return F.softplus(real).mean() + F.softplus(-fake).mean()
    if bug == "sums":
        return F.softplus(-real).sum() + F.softplus(fake).sum()
    if bug == "concatenated":
        return torch.cat([F.softplus(-real), F.softplus(fake)]).mean()
    if bug == "sign":
        return -(F.softplus(-real).mean() + F.softplus(fake).mean())
    if bug == "clamped":
        return F.binary_cross_entropy(torch.sigmoid(real), torch.ones_like(real)) + \
            F.binary_cross_entropy(torch.sigmoid(fake), torch.zeros_like(fake))
    return F.softplus(-real).mean() + F.softplus(fake).mean()


D_SLIPS = {
    "average": "the D loss is the average of the two BCE terms: the SPEC's D loss is their SUM, "
               "mean BCE(real, 1) + mean BCE(fake, 0)",
    "swapped": "the labels are swapped: real samples get label 1 (softplus(−ℓ_real)), fakes label 0 (softplus(ℓ_fake))",
    "sums": "the BCE terms are summed over the batch: each is a mean",
    "concatenated": "the mean runs over the concatenated batch: the D loss is mean over the real batch plus mean over "
                    "the fake batch (they differ in size)",
    "sign": "the D loss has the wrong sign: BCE is ≥ 0 (−log σ(ℓ_real) − log(1 − σ(ℓ_fake)))",
    "clamped": CLAMPED_BCE,
}


def g_nonsaturating(fake, bug=None):
    if bug == "minimax":
        return -F.softplus(fake).mean()
    if bug == "sign":
        return -F.softplus(-fake).mean()
    if bug == "sum":
        return F.softplus(-fake).sum()
    if bug == "label0":
        return F.softplus(fake).mean()
    if bug == "clamped":
        return F.binary_cross_entropy(torch.sigmoid(fake), torch.ones_like(fake))
    return F.softplus(-fake).mean()


G_NS_SLIPS = {
    "minimax": "this is the minimax loss mean log(1 − σ(ℓ)), which saturates: the non-saturating loss is "
               "−mean log σ(ℓ) = mean softplus(−ℓ) (BCE of the fakes against label 1)",
    "sign": "the non-saturating loss has the wrong sign: −mean log σ(ℓ) ≥ 0",
    "sum": "the loss is summed over the batch: it is the mean",
    "label0": "the fakes are scored against label 0 (that is the discriminator's target): the generator's "
              "non-saturating loss uses label 1, −mean log σ(ℓ)",
    "clamped": CLAMPED_BCE,
}


def g_minimax(fake, bug=None):
    if bug == "sign":
        return F.softplus(fake).mean()
    if bug == "nonsaturating":
        return F.softplus(-fake).mean()
    if bug == "sum":
        return -F.softplus(fake).sum()
    if bug == "log_sigmoid":
        return F.logsigmoid(fake).mean()
    return -F.softplus(fake).mean()


G_MM_SLIPS = {
    "sign": "the minimax loss has the wrong sign: the generator minimises mean log(1 − σ(ℓ)) = −mean softplus(ℓ) "
            "(≤ 0)",
    "nonsaturating": "this is the non-saturating loss −mean log σ(ℓ): the minimax loss is mean log(1 − σ(ℓ))",
    "sum": "the loss is summed over the batch: it is the mean",
    "log_sigmoid": "this is mean log σ(ℓ): the minimax loss is mean log(1 − σ(ℓ)) = −mean softplus(ℓ)",
}


def leaky_net(params, x):
    h = x
    for k in range(0, len(params), 2):
        h = F.linear(h, params[k], params[k + 1])
        if k + 2 < len(params):
            h = F.leaky_relu(h, 0.2)
    return h


def gan_sgd(g0, d0, batches, lr_g, lr_d, junk=None, bug=None):
    """What ``len(batches)`` gan_train_step calls do with SGD(lr_g), SGD(lr_d) from G's and D's parameters ``g0``,
    ``d0``: per call the returned (d_loss, g_loss), G and D after it, and the gradients each optimizer stepped
    with. ``junk``: (G grads, D grads) on entry. ``bug``: one slip of the step (see GAN_STEP_SLIPS)."""
    G, D = [t64(p, grad=True) for p in g0], [t64(p, grad=True) for p in d0]
    if junk is not None:
        for ps, values in ((G, junk[0]), (D, junk[1])):
            for p, g in zip(ps, values):
                p.grad = t64(g)

    def disc(x, params=None):
        return leaky_net(D if params is None else params, x).flatten()

    def zero(ps):
        for p in ps:
            p.grad = None

    def step(ps, lr):
        grads = [np64(p.grad) if p.grad is not None else None for p in ps]
        with torch.no_grad():
            for p in ps:
                if p.grad is not None:
                    p -= lr * p.grad
        return grads

    out = []
    for x_real, z_d, z_g in batches:
        x_real, z_d, z_g = t64(x_real), t64(z_d), t64(z_g)
        events = []
        if bug not in ("no_zero_d", "leak"):
            zero(D)
        if bug == "leak":
            zero(D)
            zero(G)
        fake = leaky_net(G, z_d)
        loss_d = d_loss(disc(x_real), disc(fake if bug == "leak" else fake.detach()),
                        "swapped" if bug == "d_swapped" else None)
        if bug == "joint":  # both losses on the old networks, both backward, then both steps
            zero(G)
            loss_g = g_nonsaturating(disc(leaky_net(G, z_g)))
            loss_d.backward()
            loss_g.backward()
            events.append(("opt_D", step(D, lr_d)))
            events.append(("opt_G", step(G, lr_g)))
        else:
            loss_d.backward()
            events.append(("opt_D", step(D, lr_d)))
            if bug not in ("no_zero_g", "leak"):
                zero(G)
            z = z_d if bug == "g_uses_z_d" else z_g
            fake_g = leaky_net(G, z)
            if bug == "detach_g":
                fake_g = fake_g.detach()
            loss_fn = (lambda f: g_minimax(f)) if bug == "g_minimax" else g_nonsaturating
            loss_g = loss_fn(disc(fake_g))
            loss_g.backward()
            if bug == "d_steps_twice":
                events.append(("opt_D", step(D, lr_d)))
            events.append(("opt_G", step(G, lr_g)))
        out.append({"returned": (float(loss_d), float(loss_g)), "G": [np64(p) for p in G],
                    "D": [np64(p) for p in D], "steps": events})
    return out


GAN_STEP_SLIPS = {
    "leak": "the D step leaked into G: G(z_d) was not detached and G's gradients were not zeroed before the G "
            "step's backward, so G's update contains the D loss's gradients (detach G(z_d), or call "
            "opt_G.zero_grad() right before the G loss's backward)",
    "detach_g": "G did not change: the G step's fakes were detached (or G got no gradient); only the D step detaches",
    "joint": "both losses were computed before either step and both optimizers stepped at the end: D's update then "
             "contains the G loss's gradients and the G loss uses the old D; do the D step (backward, opt_D.step()) "
             "first, then compute the G loss with the updated D",
    "g_uses_z_d": "the G step reused z_d (the D step's noise): the G loss is computed on G(z_g)",
    "g_minimax": "the G step minimised the minimax loss: gan_train_step uses g_loss_nonsaturating",
    "d_swapped": D_SLIPS["swapped"],
    "no_zero_d": "D's gradients were not zeroed before the D loss's backward, so they include what .grad held on "
                 "entry (e.g. the last G step's gradients w.r.t. D): call opt_D.zero_grad() before the D backward",
    "no_zero_g": "G's gradients were not zeroed before the G loss's backward, so they include what .grad held on "
                 "entry: call opt_G.zero_grad() before the G backward",
    "d_steps_twice": "opt_D.step() also ran after the G loss's backward, so the G step changed D: D steps once, "
                     "before the G loss is computed",
}
