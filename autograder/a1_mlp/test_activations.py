"""Hidden tests of grade cell `test_activations` (1.5 points): activations, derivatives, softmax."""
import math

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from autograder import checks

CELL = "test_activations"
SELU_LAMBDA, SELU_ALPHA = 1.0507009873554805, 1.6732632423543772
PHI = np.vectorize(lambda v: 0.5 * (1 + math.erf(v / math.sqrt(2))), otypes=[float])


def _sigmoid(x):
    return 0.5 * (1 + np.tanh(x / 2))


def _elu(x, alpha):
    return np.where(x > 0, x, alpha * np.expm1(np.minimum(x, 0)))


# name → (extra positional arguments, torch forward, mistakes(x) for f, mistakes(x) for f')
ACTIVATIONS = {
    "identity": ((), lambda t: t * 1.0, lambda x: [], lambda x: []),
    "sigmoid": ((), torch.sigmoid, lambda x: [],
                lambda x: [(_sigmoid(x), "that is σ(x), not its derivative σ(x)(1 − σ(x))"),
                           (x * (1 - x), "σ'(x) = σ(x)(1 − σ(x)): you applied the formula to x instead of σ(x)")]),
    "tanh": ((), torch.tanh, lambda x: [],
             lambda x: [(1 - np.tanh(x), "tanh'(x) = 1 − tanh²(x): the square is missing"),
                        (1 - x ** 2, "tanh'(x) = 1 − tanh²(x): you applied the formula to x instead of tanh(x)")]),
    "relu": ((), torch.relu, lambda x: [], lambda x: []),
    "leaky_relu": ((0.2,), lambda t: F.leaky_relu(t, 0.2),
                   lambda x: [(np.where(x > 0, x, 0.01 * x), "the `slope` argument is ignored (0.01 used)"),
                              (np.where(x > 0, 0.2 * x, x), "the slope belongs on the negative side: x if x > 0 else slope·x")],
                   lambda x: [(np.where(x > 0, 1.0, 0.01), "the `slope` argument is ignored (0.01 used)"),
                              (np.where(x > 0, 1.0, 0.0), "the derivative on the negative side is the slope, not 0")]),
    "elu": ((0.7,), lambda t: F.elu(t, alpha=0.7),
            lambda x: [(_elu(x, 1.0), "the `alpha` argument is ignored (1.0 used)")],
            lambda x: [(np.where(x > 0, 1.0, 0.7 * np.expm1(np.minimum(x, 0))),
                        "for x ≤ 0 you returned ELU(x) = α(eˣ − 1); its derivative is α·eˣ"),
                       (np.where(x > 0, 1.0, np.exp(np.minimum(x, 0))), "the `alpha` argument is ignored (1.0 used)")]),
    "selu": ((), F.selu,
             lambda x: [(SELU_ALPHA * _elu(x, SELU_LAMBDA), "λ and α are swapped: λ = 1.0507..., α = 1.6733..."),
                        (_elu(x, SELU_ALPHA), "the scale λ = 1.0507... is missing")],
             lambda x: [(SELU_ALPHA * np.where(x > 0, 1.0, SELU_LAMBDA * np.exp(np.minimum(x, 0))),
                         "λ and α are swapped: λ = 1.0507..., α = 1.6733...")]),
    "gelu": ((), F.gelu,
             lambda x: [(0.5 * x * (1 + np.tanh(np.sqrt(2 / np.pi) * (x + 0.044715 * x ** 3))),
                         "that is the tanh approximation of GELU; the contract asks for the exact x·Φ(x) (with erf)")],
             lambda x: [(PHI(x), "GELU'(x) = Φ(x) + x·φ(x): the x·φ(x) term of the product rule is missing")]),
    "softplus": ((), F.softplus, lambda x: [],
                 lambda x: [(_sigmoid(-x), "softplus'(x) = σ(x), not σ(−x): a sign flip")]),
}
NAMES = sorted(ACTIVATIONS)


def _inputs(seed):
    """A (6, 5) float64 batch with |x| in [0.1, 4]: off the kinks of relu/leaky relu/elu at 0."""
    return checks.off_kinks(np.random.default_rng(seed), (6, 5), 0.1, 4.0)


def _torch_value_and_grad(name, x):
    """f(x) and the element-wise f'(x) from torch autograd in float64."""
    forward = ACTIVATIONS[name][1]
    t = checks.torch64(x, grad=True)
    y = forward(t)
    y.sum().backward()
    return checks.numpy64(y), checks.numpy64(t.grad)


@checks.cached
def _forward_case(name):
    """x, torch's f(x) and the buggy candidates for f, for test_activation_forward_matches_torch."""
    x = _inputs(1000 + NAMES.index(name))
    expected, _ = _torch_value_and_grad(name, x)
    return x, expected, checks.quietly(ACTIVATIONS[name][2], x)


@checks.cached
def _derivative_case(name):
    """x, torch's f'(x) and the buggy candidates for f', for test_activation_derivative_matches_torch."""
    x = _inputs(2000 + NAMES.index(name))
    _, expected = _torch_value_and_grad(name, x)
    return x, expected, checks.quietly(ACTIVATIONS[name][3], x)


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.grade(cell=CELL, points=0.0625)
def test_activation_forward_matches_torch(student, name):
    x, expected, mistakes = _forward_case(name)
    extra = ACTIVATIONS[name][0]
    actual = getattr(student, name)(x, *extra)
    args = "".join(f", {a}" for a in extra)
    checks.check_array(f"{name}(x{args})", actual, expected, context=f"x of shape {x.shape}",
                       mistakes=mistakes)


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.grade(cell=CELL, points=0.0625)
def test_activation_derivative_matches_torch(student, name):
    x, expected, mistakes = _derivative_case(name)
    extra = ACTIVATIONS[name][0]
    actual = getattr(student, f"{name}_grad")(x, *extra)
    args = "".join(f", {a}" for a in extra)
    checks.check_array(f"{name}_grad(x{args})", actual, expected,
                       context=f"the element-wise derivative f'(x), x of shape {x.shape}",
                       mistakes=mistakes)


HAND_VALUES = [
    # (function, x, extra args, expected, what it shows)
    ("identity", [-2.0, 3.0], (), [-2.0, 3.0], None),
    ("identity_grad", [-2.0, 3.0], (), [1.0, 1.0], None),
    ("sigmoid", [0.0], (), [0.5], None),
    ("sigmoid_grad", [0.0], (), [0.25], "σ'(0) = σ(0)(1 − σ(0)) = 0.25"),
    ("tanh", [0.0], (), [0.0], None),
    ("tanh_grad", [0.0], (), [1.0], None),
    ("relu", [-2.0, 3.0], (), [0.0, 3.0], None),
    ("relu_grad", [-2.0, 0.0, 3.0], (), [0.0, 0.0, 1.0], "relu'(0) = 0, as the SPEC says (PyTorch's choice)",
     [([0.0, 1.0, 1.0], "relu_grad(0) must be 0: use x > 0, not x >= 0")]),
    ("leaky_relu", [-2.0, 3.0], (), [-0.02, 3.0], "the default slope is 0.01"),
    ("leaky_relu_grad", [-2.0, 0.0, 3.0], (), [0.01, 0.01, 1.0],
     "the default slope is 0.01; at 0 the derivative is the slope (1 only for x > 0)"),
    ("elu", [-1.0, 2.0], (), [math.exp(-1) - 1, 2.0], "the default α is 1"),
    ("elu_grad", [-1.0, 2.0], (), [math.exp(-1), 1.0], "ELU'(x) = α·eˣ for x ≤ 0"),
    ("elu_grad", [0.0], (2.0,), [2.0], "ELU'(0) = α·e⁰ = α with α = 2 (1 only for x > 0)"),
    ("selu", [-1.0, 1.0], (), [SELU_LAMBDA * SELU_ALPHA * (math.exp(-1) - 1), SELU_LAMBDA],
     "λ = 1.0507009873554805, α = 1.6732632423543772"),
    ("gelu", [-1.0, 1.0], (), [-0.15865525393145707, 0.8413447460685429], "GELU(1) = Φ(1) = 0.841345 (exact erf form)"),
    ("softplus", [0.0], (), [math.log(2)], "softplus(0) = ln 2"),
    ("softplus_grad", [0.0], (), [0.5], "softplus'(0) = σ(0) = 0.5",
     [([0.0], "softplus'(x) is σ(x), not tanh(x): softplus'(0) = σ(0) = 0.5")]),
]


@pytest.mark.grade(cell=CELL, points=0.0625)
def test_activations_leave_their_arguments_alone(student):
    """Checked inside the sandbox (harness/calls.py): only there can an in-place edit be seen."""
    x = checks.off_kinks(np.random.default_rng(3000), (4, 5))
    names = [n for name in ACTIVATIONS for n in (name, f"{name}_grad")] + ["softmax", "log_softmax"]
    changed, raised = student.harness("calls").mutated_arguments([(name, (x,)) for name in names])
    checks.check_true(not raised, f"could not check that the activations leave their arguments alone: "
                                  f"{', '.join(raised)} (each must run first)")
    checks.check_true(not changed, f"{', '.join(changed)} changed the caller's array in place: activations "
                                   "never mutate their input (np.maximum(x, 0), not x[x < 0] = 0)")


@pytest.mark.grade(cell=CELL, points=0.0625)
@checks.most_specific()
def test_activations_at_hand_checkable_points(student):
    for name, x, extra, expected, note, *known in HAND_VALUES:
        x = np.array(x)
        label = f"{name}({x[0]:g})" if x.size == 1 else f"{name}([{', '.join(f'{v:g}' for v in x)}])"
        checks.check_array(label, getattr(student, name)(x, *extra), np.array(expected),
                           show_values=True, context=note or "", mistakes=known[0] if known else ())
    z = np.array([[0.0, 0.0], [0.0, math.log(3)]])
    checks.check_array("softmax([[0, 0], [0, ln 3]])", student.softmax(z), np.array([[0.5, 0.5], [0.25, 0.75]]),
                       show_values=True, context="each row is normalised on its own")
    checks.check_array("log_softmax([[0, 0, 0]])", student.log_softmax(np.zeros((1, 3))),
                       np.full((1, 3), -math.log(3)), show_values=True, context="log(1/3) = −ln 3")


def _softmax(z, axis=-1):
    e = np.exp(z - z.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


def _torch_softmax(z):
    return checks.numpy64(torch.softmax(checks.torch64(z), -1))


def _torch_log_softmax(z):
    return checks.numpy64(torch.log_softmax(checks.torch64(z), -1))


@checks.cached
def _softmax_case():
    """z (5, 4) and z3 (2, 3, 4), each with torch's softmax and the softmax over a wrong axis."""
    rng = np.random.default_rng(3001)
    z = rng.normal(0, 3, size=(5, 4))
    z3 = rng.normal(0, 3, size=(2, 3, 4))
    return (z, _torch_softmax(z), _softmax(z, axis=0)), (z3, _torch_softmax(z3), _softmax(z3, axis=1))


@pytest.mark.grade(cell=CELL, points=0.0625)
@checks.most_specific()
def test_softmax_matches_torch_over_the_last_axis(student):
    (z, expected, axis_0), (z3, expected3, axis_1) = _softmax_case()
    checks.check_array("softmax(z)", student.softmax(z), expected,
                       context="z of shape (5, 4); each row should sum to 1",
                       mistakes=[(axis_0, "normalised over the wrong axis: softmax runs over the "
                                          "last axis (each row sums to 1)")])
    checks.check_array("softmax(z)", student.softmax(z3), expected3,
                       context="z of shape (2, 3, 4): softmax runs over the last axis",
                       mistakes=[(axis_1, "normalised over axis 1: softmax runs over the last "
                                          "axis (axis=-1)")])


@checks.cached
def _log_softmax_case():
    """z (6, 5) and z3 (2, 3, 4), torch's log_softmax of each and the log of the softmax over axis 0 / 1."""
    rng = np.random.default_rng(3002)
    z, z3 = rng.normal(0, 3, size=(6, 5)), rng.normal(0, 3, size=(2, 3, 4))
    return ((z, _torch_log_softmax(z), np.log(_softmax(z, axis=0))),
            (z3, _torch_log_softmax(z3), np.log(_softmax(z3, axis=1))))


@pytest.mark.grade(cell=CELL, points=0.0625)
@checks.most_specific()
def test_log_softmax_matches_torch(student):
    (z, expected, axis_0), (z3, expected3, axis_1) = _log_softmax_case()
    checks.check_array("log_softmax(z)", student.log_softmax(z), expected, context="z of shape (6, 5)",
                       mistakes=[(axis_0, "normalised over the wrong axis: log_softmax "
                                          "runs over the last axis")])
    checks.check_array("log_softmax(z)", student.log_softmax(z3), expected3,
                       context="z of shape (2, 3, 4): log_softmax runs over the last axis",
                       mistakes=[(axis_1, "normalised over axis 1: log_softmax runs over the last "
                                          "axis (axis=-1)")])


OVERFLOW_HINT = ("np.exp overflows for logits this large: subtract each row's max first "
                 "(softmax(z) = softmax(z − max z)) and use log-sum-exp for log_softmax")


@checks.cached
def _large_logits_case():
    """Logits up to 1e4, torch's softmax and log_softmax, and the naive (overflowing) formulas' values."""
    z = np.array([[1e4, 1e4, 1e4], [1e4, 1e4 - 1.0, 1e4 - 3.0], [-1e4, 0.0, 1e4], [2e4, -5e3, 1e4]])
    naive_softmax = checks.quietly(lambda: np.exp(z) / np.exp(z).sum(-1, keepdims=True))
    naive_log = checks.quietly(lambda: z - np.log(np.exp(z).sum(-1, keepdims=True)))
    log_of_softmax = checks.quietly(lambda: np.log(_softmax(z)))
    return z, _torch_softmax(z), _torch_log_softmax(z), naive_softmax, naive_log, log_of_softmax


@pytest.mark.grade(cell=CELL, points=0.0625)
def test_softmax_and_log_softmax_stable_for_logits_of_1e4(student):
    z, softmax, log_softmax, naive_softmax, naive_log, log_of_softmax = _large_logits_case()
    ctx = "logits up to 1e4"
    checks.check_array("softmax(z)", student.softmax(z), softmax,
                       context=ctx, nonfinite_hint=OVERFLOW_HINT,
                       mistakes=[(naive_softmax, "overflow: " + OVERFLOW_HINT)])
    checks.check_array("log_softmax(z)", student.log_softmax(z), log_softmax,
                       context=ctx, nonfinite_hint=OVERFLOW_HINT,
                       mistakes=[(naive_log, "overflow: " + OVERFLOW_HINT),
                                 (log_of_softmax, "log(softmax(z)) underflows to log(0) = −inf: compute "
                                                  "z − max − log Σ e^(z − max) directly")])


@checks.cached
def _extreme_inputs_case():
    """x = ±1000, ±50, ... and torch's σ(x), σ'(x) and softplus(x) there."""
    x = np.array([-1000.0, -50.0, -1.0, 0.5, 50.0, 1000.0])
    t = checks.torch64(x)
    return x, checks.numpy64(torch.sigmoid(t)), checks.numpy64(torch.sigmoid(t) * torch.sigmoid(-t)), \
        checks.numpy64(torch.logaddexp(t, 0 * t))


@pytest.mark.grade(cell=CELL, points=0.0625)
def test_sigmoid_and_softplus_stable_at_plus_minus_1000(student):
    x, sigmoid, sigmoid_grad, softplus = _extreme_inputs_case()
    hint = ("overflow in np.exp: e^x for x = 1000 is inf; evaluate e^(−|x|) only "
            "(σ(x) = 1/(1 + e^(−x)) for x ≥ 0 and eˣ/(1 + eˣ) for x < 0)")
    value = checks.call_without_fp_warnings("sigmoid(x) with x = ±1000", student.sigmoid, x)
    checks.check_array("sigmoid(x)", value, sigmoid, context="x = ±1000, ±50, ...",
                       nonfinite_hint=hint)
    checks.check_array("sigmoid_grad(x)", student.sigmoid_grad(x), sigmoid_grad, context="x = ±1000, ±50, ...",
                       nonfinite_hint=hint)
    checks.check_array("softplus(x)", student.softplus(x), softplus,
                       context="x = ±1000, ±50, ...",
                       nonfinite_hint="overflow: log(1 + e^x) is inf for x = 1000; use "
                                      "max(x, 0) + log1p(e^(−|x|)) or np.logaddexp(0, x)")
