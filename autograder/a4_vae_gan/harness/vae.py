"""Grader-owned, runs inside the sandbox beside the student's code (not secret: no expected value).

Torch tensors and modules cannot cross the wire, so these functions build them here from plain data
(float64 tensors, the grader's own encoder and decoder, the student's ``VAE`` with the grader's
weights, ``torch.optim.SGD`` or ``Adam``), call the student's functions with real tensors, run
``backward`` where the test asks for gradients, and send back plain facts: values as arrays of the
dtype the student produced, whether a result is a tensor and requires grad, gradients, parameters.
The hidden tests judge them against their own float64 oracle.
"""
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

VAE_SHAPES = "[enc W1 (h, x), b1 (h,), W2 (2z, h), b2 (2z,), dec W1 (h, z), b1 (h,), W2 (x, h), b2 (x,)]"


def _t(value, grad=False):
    tensor = torch.tensor(np.asarray(value, dtype=np.float64), dtype=torch.float64)
    return tensor.requires_grad_() if grad else tensor


def _array(tensor):
    value = tensor.detach().cpu()
    if value.dtype == torch.bfloat16:
        value = value.float()
    return value.numpy().copy()


def facts(value):
    """What a student function returned: {tensor, value, dtype, requires_grad}."""
    if isinstance(value, torch.Tensor):
        return {"tensor": True, "value": _array(value), "dtype": str(value.dtype).replace("torch.", ""),
                "requires_grad": bool(value.requires_grad)}
    if isinstance(value, (bool, int, float, np.number)):
        return {"tensor": False, "value": float(value), "dtype": type(value).__name__, "requires_grad": False}
    return {"tensor": False, "value": None, "dtype": type(value).__name__, "requires_grad": False}


def grads(tensors):
    return [None if t.grad is None else _array(t.grad) for t in tensors]


def backward(out, upstream=None):
    """``out.backward(upstream)``; None, or why it could not run."""
    if not isinstance(out, torch.Tensor):
        return f"it is a {type(out).__name__}, not a tensor"
    if not out.requires_grad:
        return "it does not require grad (the graph was cut)"
    try:
        out.backward(None if upstream is None else _t(upstream).to(out.dtype))
    except Exception as exc:  # noqa: BLE001 - reported to the test, which says what was called
        return f"{type(exc).__name__}: {exc}"[:300]
    return None


def _changed(pairs):
    return [name for name, tensor, original in pairs if not np.array_equal(_array(tensor), np.asarray(original))]


def reparameterize(submission, mu, logvar, eps, upstream):
    """z = reparameterize(mu, logvar, eps) on float64 leaves (mu, logvar require grad), then
    z.backward(upstream): z's facts, the grads of mu and logvar, and which inputs were modified."""
    m, lv, e = _t(mu, True), _t(logvar, True), _t(eps)
    z = submission.reparameterize(m, lv, e)
    out = {"z": facts(z), "backward_error": backward(z, upstream)}
    out["grads"] = grads([m, lv])
    out["changed"] = _changed([("mu", m, mu), ("logvar", lv, logvar), ("eps", e, eps)])
    return out


def gaussian_kl(submission, mu, logvar, upstream):
    m, lv = _t(mu, True), _t(logvar, True)
    kl = submission.gaussian_kl(m, lv)
    out = {"kl": facts(kl), "backward_error": backward(kl, upstream), "grads": grads([m, lv])}
    out["changed"] = _changed([("mu", m, mu), ("logvar", lv, logvar)])
    return out


def bernoulli_nll(submission, x, logits, upstream):
    xt, lt = _t(x), _t(logits, True)
    nll = submission.bernoulli_nll(xt, lt)
    out = {"nll": facts(nll), "backward_error": backward(nll, upstream), "grads": grads([lt])}
    out["changed"] = _changed([("x", xt, x), ("logits", lt, logits)])
    return out


def _linear(weight, bias):
    layer = nn.Linear(np.shape(weight)[1], np.shape(weight)[0]).double()
    with torch.no_grad():
        layer.weight.copy_(_t(weight))
        layer.bias.copy_(_t(bias))
    return layer


class Encoder(nn.Module):
    """The grader's encoder: Linear → tanh → Linear on the flattened input, output split [mu | logvar]."""

    def __init__(self, params):
        super().__init__()
        self.first, self.second = _linear(*params[:2]), _linear(*params[2:])

    def forward(self, x):
        out = self.second(torch.tanh(self.first(x.flatten(start_dim=1))))
        z = out.shape[1] // 2
        return out[:, :z], out[:, z:]


class Decoder(nn.Module):
    """The grader's decoder: Linear → tanh → Linear, reshaped to the images' shape (logits)."""

    def __init__(self, params, shape):
        super().__init__()
        self.first, self.second = _linear(*params[:2]), _linear(*params[2:])
        self.shape = tuple(shape)

    def forward(self, z):
        return self.second(torch.tanh(self.first(z))).reshape(-1, *self.shape)


def _triple(value, name):
    if not isinstance(value, (tuple, list)) or len(value) != 3:
        raise TypeError(f"{name} should return a tuple (loss, rec, kl); it returned "
                        f"{type(value).__name__}" + (f" of length {len(value)}" if isinstance(value, (tuple, list)) else ""))
    return value


def negative_elbo(submission, enc, dec, x, eps):
    """loss, rec, kl = negative_elbo(x, encoder, decoder, eps) with the grader's encoder and decoder (tanh
    networks with the given parameters), then loss.backward(): facts, the eight parameters' grads."""
    encoder, decoder = Encoder(enc), Decoder(dec, np.shape(x)[1:])
    xt, et = _t(x), _t(eps)
    loss, rec, kl = _triple(submission.negative_elbo(xt, encoder, decoder, et), "negative_elbo")
    out = {"loss": facts(loss), "rec": facts(rec), "kl": facts(kl)}
    out["backward_error"] = backward(loss) if isinstance(loss, torch.Tensor) and loss.numel() == 1 else \
        "it is not a single number"
    out["grads"] = grads(list(encoder.parameters()) + list(decoder.parameters()))
    out["changed"] = _changed([("x", xt, x), ("eps", et, eps)])
    return out


def student_vae(submission, dims, params):
    """The student's ``VAE(*dims)``, ``double()``, with the grader's parameters written into parameters()."""
    model = submission.VAE(*[int(d) for d in dims])
    ps = list(model.parameters())
    shapes = [tuple(p.shape) for p in ps]
    wanted = [tuple(np.shape(p)) for p in params]
    if shapes != wanted:
        raise ValueError(f"VAE{tuple(int(d) for d in dims)}.parameters() has shapes {shapes}; expected {wanted}, "
                         f"i.e. {VAE_SHAPES}: build the encoder, then the decoder, each Linear-ReLU-Linear")
    model.double()
    with torch.no_grad():
        for p, value in zip(model.parameters(), params):
            p.copy_(_t(value))
    return model


def vae_model(submission, dims, params, x, eps, z):
    """The student's VAE with the grader's parameters: encode(x), decode(z), then
    loss, rec, kl = model(x, eps) and loss.backward()."""
    model = student_vae(submission, dims, params)
    xt, et, zt = _t(x), _t(eps), _t(z)
    with torch.no_grad():
        encoded = model.encode(xt)
        decoded = model.decode(zt)
    if not isinstance(encoded, (tuple, list)) or len(encoded) != 2:
        raise TypeError(f"VAE.encode should return a tuple (mu, logvar); it returned {type(encoded).__name__}")
    loss, rec, kl = _triple(model(xt, et), "VAE.forward")
    out = {"mu": facts(encoded[0]), "logvar": facts(encoded[1]), "logits": facts(decoded),
           "loss": facts(loss), "rec": facts(rec), "kl": facts(kl)}
    out["backward_error"] = backward(loss) if isinstance(loss, torch.Tensor) and loss.numel() == 1 else \
        "it is not a single number"
    out["grads"] = grads(list(model.parameters()))
    return out


def vae_steps(submission, dims, params, batches, lr, junk=None):
    """``vae_train_step(model, SGD(model.parameters(), lr), x, eps)`` for each (x, eps) in ``batches``, on the
    student's VAE with the grader's parameters; ``junk``: gradients written into every .grad before the first
    call. Returns what each call returned and the parameters after it."""
    model = student_vae(submission, dims, params)
    optimizer = torch.optim.SGD(model.parameters(), lr=lr)
    if junk is not None:
        for p, g in zip(model.parameters(), junk):
            p.grad = _t(g)
    out = []
    for x, eps in batches:
        returned = submission.vae_train_step(model, optimizer, _t(x), _t(eps))
        out.append({"returned": facts(returned), "params": [_array(p) for p in model.parameters()]})
    return out


def sample_images(submission, dims, params, z):
    """``sample_images(model, z)`` on the student's VAE with the grader's parameters: its facts, and
    whether any parameter got a gradient."""
    model = student_vae(submission, dims, params)
    images = submission.sample_images(model, _t(z))
    return {"images": facts(images), "param_grads": [p.grad is not None for p in model.parameters()]}


# --------------------------------------------------------------------------- the training outcome


def bars(rng, n):
    """n 4×4 images, flattened to 16 pixels: one full row (k < 4) or column (k ≥ 4) lit, k uniform in 0..7."""
    k = rng.integers(0, 8, size=n)[:, None, None]
    rows, cols = np.arange(4)[None, :, None], np.arange(4)[None, None, :]
    lit = ((k < 4) & (rows == k)) | ((k >= 4) & (cols == k - 4))
    return lit.astype(np.float64).reshape(n, 16)


def true_negative_elbo(model, x, eps):
    """The grader's own −ELBO (mean over the batch) of a VAE, through its encode and decode."""
    with torch.no_grad():
        mu, logvar = model.encode(x)
        logits = model.decode(mu + torch.exp(0.5 * logvar) * eps)
        rec = (F.softplus(logits) - x * logits).sum(dim=1)
        kl = 0.5 * (torch.exp(logvar) + mu ** 2 - 1.0 - logvar).sum(dim=1)
        return float((rec + kl).mean())


def train_vae(submission, seed, steps=150, batch=32, lr=0.01, dims=(16, 32, 2), n_eval=512):
    """``steps`` calls of the student's ``vae_train_step`` with Adam(lr) on bar images, from the grader's
    weights drawn from ``seed`` (N(0, 1/fan_in), biases 0): the grader's −ELBO on held-out images before
    and after, and the losses the steps returned."""
    rng = np.random.default_rng(seed)
    x_dim, h_dim, z_dim = dims
    shapes = [(h_dim, x_dim), (h_dim,), (2 * z_dim, h_dim), (2 * z_dim,), (h_dim, z_dim), (h_dim,),
              (x_dim, h_dim), (x_dim,)]
    params = [rng.normal(0.0, 1.0 / np.sqrt(s[1]), size=s) if len(s) == 2 else np.zeros(s) for s in shapes]
    model = student_vae(submission, dims, params)
    x_eval, eps_eval = _t(bars(rng, n_eval)), _t(rng.normal(size=(n_eval, z_dim)))
    initial = true_negative_elbo(model, x_eval, eps_eval)
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    returned = []
    for _ in range(steps):
        x, eps = _t(bars(rng, batch)), _t(rng.normal(size=(batch, z_dim)))
        loss = submission.vae_train_step(model, optimizer, x, eps)
        returned.append(float(loss) if isinstance(loss, (int, float)) else None)
    return {"initial": initial, "final": true_negative_elbo(model, x_eval, eps_eval), "returned": returned}
