"""Grader-owned, runs inside the sandbox beside the student's code (not secret: no expected value).

Linear, MLP, SGD and train work on the student's Tensors, which cannot cross the wire: these
functions build them here from plain data, run the student's code, and send back arrays. The
parameters the grader sets are written into ``p.data`` in place (the SPEC: ``parameters()`` returns
the Tensors themselves, and changing ``p.data`` in place changes the model).
"""
import numpy as np


def _array(value):
    if isinstance(value, np.ndarray):
        return np.array(value, subok=False)
    if value is None or isinstance(value, (bool, int, float, np.number)):
        return value
    return {"type": type(value).__name__}


def _facts(submission, tensors):
    """Each parameter as {data, requires_grad, tensor (is it a Tensor), type}."""
    return [{"data": _array(getattr(p, "data", None)), "requires_grad": bool(getattr(p, "requires_grad", False)),
             "tensor": isinstance(p, submission.Tensor), "type": type(p).__name__} for p in tensors]


def _install(params, values):
    if len(params) != len(values):
        raise ValueError(f"parameters() returned {len(params)} items; expected {len(values)}: "
                         "[W1, b1, W2, b2, ...]")
    for i, (p, v) in enumerate(zip(params, values)):
        if getattr(p, "shape", None) != np.shape(v):
            raise ValueError(f"parameters()[{i}] has shape {getattr(p, 'shape', None)}, expected {np.shape(v)}: "
                             "the order is [W1, b1, W2, b2, ...] with W of shape (out, in) and b of shape (out,)")
        p.data[...] = v


def linear_init(submission, in_features, out_features, rng, kind="seed"):
    """The parameters of ``Linear(in_features, out_features, rng)``; ``kind``: how rng is passed: "seed"
    (the int itself), "generator" (np.random.default_rng(rng)), "none" (rng=None), "default" (no rng
    argument at all)."""
    if kind == "default":
        layer = submission.Linear(in_features, out_features)
    else:
        value = {"seed": rng, "generator": np.random.default_rng(rng), "none": None}[kind]
        layer = submission.Linear(in_features, out_features, rng=value)
    return _facts(submission, list(layer.parameters()))


def mlp_init(submission, sizes, activation, rng, kind="seed"):
    """The parameters of ``MLP(sizes, activation, rng)`` (``kind`` as in linear_init; activation None:
    not passed)."""
    kwargs = {} if activation is None else {"activation": activation}
    if kind != "default":
        kwargs["rng"] = {"seed": rng, "generator": np.random.default_rng(rng), "none": None}[kind]
    model = submission.MLP(list(sizes), **kwargs)
    return _facts(submission, list(model.parameters()))


def linear_run(submission, in_features, out_features, params, x, g):
    """``Linear(in, out, rng=0)`` with its W, b set to ``params``; y = layer(Tensor(x, requires_grad=True)),
    y.backward(g). Returns y, and the grads of W, b and x. Also y for x given as an ndarray."""
    layer = submission.Linear(in_features, out_features, rng=0)
    ps = list(layer.parameters())
    _install(ps, params)
    xt = submission.Tensor(np.array(x), requires_grad=True)
    y = layer(xt)
    y.backward(np.array(g))
    from_array = layer(np.array(x))
    return {"y": _array(y.data), "grads": [_array(p.grad) for p in ps], "x_grad": _array(xt.grad),
            "y_from_array": _array(from_array.data)}


def mlp_run(submission, sizes, activation, params, x, labels):
    """``MLP(sizes, activation, rng=0)`` (activation None: not passed) with its parameters set to ``params``;
    loss = cross_entropy(model(Tensor(x)), labels), loss.backward(). Returns the logits, the loss and
    the parameters' grads."""
    kwargs = {} if activation is None else {"activation": activation}
    model = submission.MLP(list(sizes), rng=0, **kwargs)
    ps = list(model.parameters())
    _install(ps, params)
    logits = model(submission.Tensor(np.array(x)))
    loss = submission.cross_entropy(logits, np.array(labels))
    loss.backward()
    return {"logits": _array(logits.data), "loss": _array(loss.data), "grads": [_array(p.grad) for p in ps]}


def mlp_live(submission, sizes, params, x):
    """Logits of ``MLP(sizes, rng=0)`` on x after writing ``params`` into each ``p.data`` in place."""
    model = submission.MLP(list(sizes), rng=0)
    _install(list(model.parameters()), params)
    return _array(model(submission.Tensor(np.array(x))).data)


def sgd_run(submission, p0, grads, lr, momentum=None, zero_between=False):
    """``SGD([Tensor(p, requires_grad=True) for p in p0], lr[, momentum])`` (momentum None: not passed);
    for each step's gradient list: ``zero_grad()`` first if ``zero_between`` (as a training loop does), set
    each ``p.grad`` (None stays None: that parameter has no grad), ``step()``. Returns θ after every step, whether each ``p.data`` is still the array it was before
    the step (in place), and each ``p.grad`` after ``zero_grad()`` at the end."""
    params = [submission.Tensor(np.array(p, dtype=float), requires_grad=True) for p in p0]
    opt = submission.SGD(params, lr) if momentum is None else submission.SGD(params, lr, momentum=momentum)
    trajectory, same = [], []
    for gs in grads:
        if zero_between:
            opt.zero_grad()
        for p, g in zip(params, gs):
            p.grad = None if g is None else np.array(g, dtype=float)
        before = [p.data for p in params]
        opt.step()
        same.append([p.data is b for p, b in zip(params, before)])
        trajectory.append([_array(p.data) for p in params])
    opt.zero_grad()
    return {"trajectory": trajectory, "in_place": same, "after_zero_grad": [_array(p.grad) for p in params]}


def train_run(submission, X, y, kwargs, predict_on=None):
    """``train(X, y, **kwargs)``: the trained parameters' data and the logits on ``predict_on`` (or X)."""
    model = submission.train(np.array(X), np.array(y), **kwargs)
    ps = list(model.parameters())
    x = np.array(X if predict_on is None else predict_on)
    return {"params": [_array(p.data) for p in ps], "logits": _array(model(submission.Tensor(x)).data)}
