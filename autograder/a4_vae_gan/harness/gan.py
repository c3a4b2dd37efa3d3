"""Grader-owned, runs inside the sandbox beside the student's code (not secret: no expected value).

Builds the grader's generator and discriminator (float64 ``nn.Sequential`` of Linear and LeakyReLU(0.2),
the discriminator ending in ``nn.Flatten(0)`` so that it returns logits of shape (N,)) from plain
parameters, hands them with their optimizers to the student's functions, and sends back plain facts:
losses, gradients, parameters, and which optimizer stepped with which gradients (optimizer step
pre-hooks, torch's own API). The hidden tests judge them against their own float64 oracle.
"""
import numpy as np
import torch
import torch.nn as nn


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


def loss(submission, name, logits):
    """``name(*logits)`` (d_loss, g_loss_nonsaturating or g_loss_minimax) on float64 leaves, then backward:
    the loss's facts and each argument's gradient."""
    leaves = [_t(v, True) for v in logits]
    value = getattr(submission, name)(*leaves)
    error = None
    if not isinstance(value, torch.Tensor):
        error = f"it is a {type(value).__name__}, not a tensor"
    elif not value.requires_grad:
        error = "it does not require grad (the graph was cut)"
    elif value.numel() != 1:
        error = "it is not a single number"
    else:
        try:
            value.backward()
        except Exception as exc:  # noqa: BLE001 - reported to the test
            error = f"{type(exc).__name__}: {exc}"[:300]
    return {"loss": facts(value), "backward_error": error,
            "grads": [None if t.grad is None else _array(t.grad) for t in leaves]}


def noise(submission, n, z_dim, seed):
    """sample_noise(n, z_dim, g) for a generator g seeded with ``seed``: the first draw; whether a second
    call on g differs (g advanced), a fresh g with the same seed gives the first draw again, another seed
    gives another draw, and torch's global random state is untouched."""
    state = torch.get_rng_state()
    first = submission.sample_noise(n, z_dim, torch.Generator().manual_seed(seed))
    g = torch.Generator().manual_seed(seed)
    again = submission.sample_noise(n, z_dim, g)
    second = submission.sample_noise(n, z_dim, g)
    other = submission.sample_noise(n, z_dim, torch.Generator().manual_seed(seed + 1))

    def same(a, b):
        return isinstance(a, torch.Tensor) and isinstance(b, torch.Tensor) and a.shape == b.shape \
            and bool(torch.equal(a, b))
    return {"first": facts(first), "repeatable": same(first, again), "advances": not same(again, second),
            "seeded": not same(first, other), "global_untouched": bool(torch.equal(state, torch.get_rng_state()))}


def mlp(params, flatten=False):
    """Linear layers from [W1, b1, W2, b2, ...], LeakyReLU(0.2) between them; ``flatten``: end in Flatten(0)."""
    layers = []
    for k in range(0, len(params), 2):
        weight, bias = params[k], params[k + 1]
        layer = nn.Linear(np.shape(weight)[1], np.shape(weight)[0]).double()
        with torch.no_grad():
            layer.weight.copy_(_t(weight))
            layer.bias.copy_(_t(bias))
        layers.append(layer)
        if k + 2 < len(params):
            layers.append(nn.LeakyReLU(0.2))
    if flatten:
        layers.append(nn.Flatten(0))
    return nn.Sequential(*layers)


def _params(module):
    return [_array(p) for p in module.parameters()]


def gan_steps(submission, g_params, d_params, batches, lr_g, lr_d, junk=None):
    """``gan_train_step(G, D, opt_G, opt_D, x_real, z_d, z_g)`` for each (x_real, z_d, z_g) in ``batches``, with
    the grader's G and D and ``SGD(lr_g)``, ``SGD(lr_d)``; ``junk``: (G grads, D grads) written into .grad
    before the first call. Per call: what it returned, G's and D's parameters after it, and each optimizer
    step in order (which optimizer, the .grad of its parameters at that moment)."""
    G, D = mlp(g_params), mlp(d_params, flatten=True)
    opt_G, opt_D = torch.optim.SGD(G.parameters(), lr=lr_g), torch.optim.SGD(D.parameters(), lr=lr_d)
    events = []

    def recorder(which, module):
        def hook(optimizer, args, kwargs):
            events.append({"optimizer": which,
                           "grads": [None if p.grad is None else _array(p.grad) for p in module.parameters()]})
        return hook

    opt_G.register_step_pre_hook(recorder("opt_G", G))
    opt_D.register_step_pre_hook(recorder("opt_D", D))
    if junk is not None:
        for module, values in ((G, junk[0]), (D, junk[1])):
            for p, g in zip(module.parameters(), values):
                p.grad = _t(g)
    out = []
    for x_real, z_d, z_g in batches:
        events.clear()
        returned = submission.gan_train_step(G, D, opt_G, opt_D, _t(x_real), _t(z_d), _t(z_g))
        pair = list(returned) if isinstance(returned, (tuple, list)) else [returned]
        out.append({"returned": [facts(v) for v in pair], "returned_type": type(returned).__name__,
                    "G": _params(G), "D": _params(D), "steps": list(events)})
    return out


def train_gan(submission, seed, steps=200, batch=64, lr=0.01, z_dim=2, n_eval=4000):
    """``steps`` calls of the student's ``gan_train_step`` on data N(3, 0.5²) with Adam(lr, betas=(0.5, 0.999)),
    noise from the student's ``sample_noise`` on a generator seeded with ``seed``, from G (2 → 16 → 1) and
    D (1 → 32 → 1) weights drawn from ``seed`` (N(0, 1/fan_in), biases 0): the mean and std of G(z) over
    ``n_eval`` fresh draws, before and after."""
    rng = np.random.default_rng(seed)

    def weights(sizes):
        out = []
        for n_in, n_out in zip(sizes[:-1], sizes[1:]):
            out += [rng.normal(0.0, 1.0 / np.sqrt(n_in), size=(n_out, n_in)), np.zeros(n_out)]
        return out

    G, D = mlp(weights([z_dim, 16, 1])), mlp(weights([1, 32, 1]), flatten=True)
    opt_G = torch.optim.Adam(G.parameters(), lr=lr, betas=(0.5, 0.999))
    opt_D = torch.optim.Adam(D.parameters(), lr=lr, betas=(0.5, 0.999))
    data, draws = torch.Generator().manual_seed(seed), torch.Generator().manual_seed(seed + 1)
    z_eval = torch.randn(n_eval, z_dim, generator=torch.Generator().manual_seed(seed + 2), dtype=torch.float64)

    def outputs():
        with torch.no_grad():
            samples = G(z_eval)
        return float(samples.mean()), float(samples.std())

    before = outputs()
    for _ in range(steps):
        x_real = 3.0 + 0.5 * torch.randn(batch, 1, generator=data, dtype=torch.float64)
        z_d = torch.as_tensor(submission.sample_noise(batch, z_dim, draws), dtype=torch.float64)
        z_g = torch.as_tensor(submission.sample_noise(batch, z_dim, draws), dtype=torch.float64)
        submission.gan_train_step(G, D, opt_G, opt_D, x_real, z_d, z_g)
    after = outputs()
    return {"initial_mean": before[0], "mean": after[0], "std": after[1]}
