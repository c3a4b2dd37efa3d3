"""Hidden tests of grade cell `test_elbo` (1.5 points): the negative ELBO with the grader's encoder and
decoder, and the VAE module.

negative_elbo(x, encoder, decoder, eps) gets the grader's own tanh networks (not a VAE): with zero
weights the loss is D·ln 2 exactly (16 ln 2 = 11.0904 for 16 pixels, KL 0); with random weights its
loss, rec and kl, and the gradients of all eight parameters after loss.backward(), are compared with a
float64 replay, flat (N, 12) and images (N, 1, 3, 4). The VAE class: parameters() in the SPEC's order,
encode's (mu, logvar), decode's logits, forward's (loss, rec, kl) and its gradients, with the grader's
weights written into it.
"""
import numpy as np
import pytest

from autograder import checks
from autograder.a4_vae_gan import oracle as o

CELL = "test_elbo"
ELBO_CALL = ("loss, rec, kl = negative_elbo(x, encoder, decoder, eps) with the grader's encoder (Linear → tanh → "
             "Linear, output [mu | logvar]) and decoder (Linear → tanh → Linear, logits), then loss.backward()")
PARAM_NAMES = ["encoder W1", "encoder b1", "encoder W2", "encoder b2", "decoder W1", "decoder b1", "decoder W2",
               "decoder b2"]


def weights(rng, sizes, scale=1.0):
    """[W1, b1, W2, b2] of a two-layer network with sizes (in, hidden, out): W ~ N(0, scale²/in), b ~ N(0, 0.1²)."""
    out = []
    for n_in, n_out in zip(sizes[:-1], sizes[1:]):
        out += [rng.normal(0.0, scale / np.sqrt(n_in), size=(n_out, n_in)), rng.normal(0.0, 0.1, size=n_out)]
    return out


def _bugs():
    return ["pixel_mean", "kl_latent_mean", "kl_logsigma", "variance", "decode_mu", "double_sigmoid", "batch_sum",
            "no_kl", "kl_sign", "detached"]


def check_elbo(got, expected, candidates, context, n, pixels, z_dim, grads=True, hand=False, messages=o.ELBO_SLIPS):
    """loss, rec, kl against ``expected`` (an elbo_oracle dict); ``candidates``: {bug: elbo_oracle dict}, named by
    ``messages``."""
    def slips(part):
        return [(c[part], messages[bug]) for bug, c in candidates.items()]

    o.check_tensor("rec", got["rec"], expected["rec"], context=context, mistakes=slips("rec"),
                   factors={1.0 / pixels: o.NLL_SLIPS["pixel_mean"]}, show_values=hand)
    o.check_tensor("kl", got["kl"], expected["kl"], context=context, mistakes=slips("kl"),
                   factors={1.0 / z_dim: o.KL_SLIPS["latent_mean"]}, show_values=hand)
    loss = got["loss"]
    if isinstance(loss, dict) and not loss.get("tensor") and loss.get("dtype") in ("float", "int"):
        o.fail(f"`loss` is a Python number ({context}): .item() or float() cut it from the graph; return the 0-d "
               "tensor, on which the caller runs loss.backward()")
    value = o.tensor_value("loss", loss, context)
    checks.check_true(np.size(value) == 1, f"`loss` should be a single number (a 0-d tensor, the mean over the batch) "
                                           f"but has shape {np.shape(value)} ({context})")
    checks.check_scalar("loss", np.reshape(value, ()), expected["loss"], context=context, show_values=True,
                        mistakes=slips("loss"), factors={float(n): o.ELBO_SLIPS["batch_sum"]})
    if loss["dtype"] != "float64":
        o.fail(f"`loss` {o.FLOAT32} ({context})")
    if not grads:
        return
    checks.check_true(loss["requires_grad"], f"`loss` does not require grad ({context}): {o.CUT}")
    for i, name in enumerate(PARAM_NAMES):
        o.check_grad(name, got["grads"][i], expected["grads"][i], got["backward_error"], context=context,
                     mistakes=[(c["grads"][i], messages[bug]) for bug, c in candidates.items()],
                     factors={float(n): o.ELBO_SLIPS["batch_sum"]})


@pytest.mark.grade(cell=CELL, points=0.25)
@checks.most_specific()
def test_negative_elbo_zero_weights_by_hand(student):
    """Zero weights: mu = logvar = 0 and every logit 0, so rec = 16·ln 2 = 11.0904 per sample, kl = 0, loss 11.0904."""
    rng = np.random.default_rng(44001)
    enc, dec = [np.zeros_like(w) for w in weights(rng, (16, 5, 6))], [np.zeros_like(w) for w in weights(rng, (3, 5, 16))]
    x, eps = (rng.uniform(size=(4, 16)) < 0.5).astype(float), rng.normal(size=(4, 3))
    got = student.harness("vae").negative_elbo(enc, dec, x, eps)
    expected = o.elbo_oracle(x, enc, dec, eps)
    candidates = {bug: o.elbo_oracle(x, enc, dec, eps, bug=bug) for bug in ("pixel_mean", "double_sigmoid",
                                                                           "batch_sum")}
    check_elbo(got, expected, candidates, "encoder and decoder with all weights 0, x (4, 16), z_dim 3: every logit "
                                          "is 0, so rec = 16 ln 2 = 11.0904 and kl = 0", 4, 16, 3, grads=False,
               hand=True)


@checks.cached
def _case(images: bool):
    rng = np.random.default_rng(44002 + images)
    shape = (3, 1, 3, 4) if images else (6, 12)
    enc, dec = weights(rng, (12, 7, 8)), weights(rng, (4, 7, 12), scale=2.0)
    x, eps = (rng.uniform(size=shape) < 0.4).astype(float), rng.normal(size=(shape[0], 4))
    expected = o.elbo_oracle(x, enc, dec, eps)
    candidates = {bug: o.elbo_oracle(x, enc, dec, eps, bug=bug) for bug in _bugs()}
    return enc, dec, x, eps, expected, candidates


@pytest.mark.grade(cell=CELL, points=0.375)
@checks.most_specific()
def test_negative_elbo_values(student):
    for images in (False, True):
        enc, dec, x, eps, expected, candidates = _case(images)
        got = student.harness("vae").negative_elbo(enc, dec, x, eps)
        context = f"{ELBO_CALL}; x {x.shape}, z_dim 4"
        check_elbo(got, expected, candidates, context, x.shape[0], int(np.prod(x.shape[1:])), 4, grads=False)
        o.check_unchanged("negative_elbo", got["changed"])


@pytest.mark.grade(cell=CELL, points=0.375)
@checks.most_specific()
def test_negative_elbo_gradients_reach_every_parameter(student):
    for images in (False, True):
        enc, dec, x, eps, expected, candidates = _case(images)
        got = student.harness("vae").negative_elbo(enc, dec, x, eps)
        context = f"{ELBO_CALL}; x {x.shape}, z_dim 4"
        check_elbo(got, expected, candidates, context, x.shape[0], int(np.prod(x.shape[1:])), 4)


VAE_DIMS = (10, 6, 3)


@checks.cached
def _vae_case():
    rng = np.random.default_rng(44004)
    params = weights(rng, (10, 6, 6)) + weights(rng, (3, 6, 10), scale=2.0)
    x, eps, z = (rng.uniform(size=(5, 10)) < 0.5).astype(float), rng.normal(size=(5, 3)), rng.normal(size=(4, 3))
    expected = o.elbo_oracle(x, params[:4], params[4:], eps, net=o.relu_net)
    candidates = {bug: o.elbo_oracle(x, params[:4], params[4:], eps, net=o.relu_net, bug=bug)
                  for bug in _bugs() + ["decode_sigmoid"]}
    candidates["swap"] = o.elbo_oracle(x, params[:4], params[4:], eps, net=o.relu_net, swap=True)
    encoded = o.relu_net([o.t64(p) for p in params[:4]], o.t64(x))
    logits = o.relu_net([o.t64(p) for p in params[4:]], o.t64(z))
    return params, x, eps, z, expected, candidates, o.np64(encoded), o.np64(logits)


@pytest.mark.grade(cell=CELL, points=0.5)
@checks.most_specific()
def test_vae_module(student):
    """VAE(10, 6, 3) with the grader's weights in parameters() (the SPEC's order), model.double(): encode(x),
    decode(z), then model(x, eps) and its gradients."""
    params, x, eps, z, expected, candidates, encoded, logits = _vae_case()
    with checks.explained("the SPEC fixes VAE's layers and their order: parameters() is [encoder W1, b1, W2, b2, "
                          "decoder W1, b1, W2, b2]"):
        got = student.harness("vae").vae_model(list(VAE_DIMS), params, x, eps, z)
    swap = "encode returns (logvar, mu): mu is the FIRST z_dim columns of the encoder's output, logvar the last"
    o.check_tensor("encode(x)[0] (mu)", got["mu"], encoded[:, :3], context="VAE(10, 6, 3).encode(x), x (5, 10)",
                   mistakes=[(encoded[:, 3:], swap)])
    o.check_tensor("encode(x)[1] (logvar)", got["logvar"], encoded[:, 3:], context="VAE(10, 6, 3).encode(x)",
                   mistakes=[(encoded[:, :3], swap)])
    o.check_tensor("decode(z)", got["logits"], logits, context="VAE(10, 6, 3).decode(z), z (4, 3): logits",
                   mistakes=[(1 / (1 + np.exp(-logits)), "decode returns probabilities (a sigmoid at the end): it "
                                                          "returns logits, and bernoulli_nll takes logits")])
    check_elbo(got, expected, candidates, "loss, rec, kl = model(x, eps), x (5, 10), z_dim 3, then loss.backward()",
               5, 10, 3, messages=dict(o.ELBO_SLIPS, swap=swap))
