"""Hidden tests of grade cell `test_ops` (1 point): + − * / ** and their reflected forms, values and grads.

Every check is one program run by the harness on the student's own Tensor with the real operators
(``2.5 - a`` calls ``__rsub__``), replayed in torch float64 as the oracle (oracle.py). Each
expression gets its own leaves and a random upstream gradient g (``backward(g)``), so a rule that
ignores g, or a sign or a factor, shows; denominators are kept away from 0 (|b| ≥ 0.5).
"""
import numpy as np
import pytest

from autograder import checks
from autograder.a2_autograd.oracle import Program, check_backwards

CELL = "test_ops"
SHAPE = (3, 4)


def _leaf_maker(p, rng, low=0.3, high=2.5):
    count = iter(range(100))

    def leaf(shape=SHAPE, positive=False):
        x = rng.uniform(low, high, size=shape) if positive else checks.off_kinks(rng, shape, low, high)
        return p.leaf(f"x{next(count)}", x)
    return leaf


@checks.cached
def _integer_data_case():
    """Integer inputs (a nested list and an int array), hand-checkable: y = a*b + 3*a - 1/b, g = ones."""
    p = Program()
    a = p.leaf("a", [[1, 2], [3, 4]])
    b = p.leaf("b", np.array([[2, -1], [4, 5]]))
    t = p("t", "mul", a, b)
    u = p("u", "mul", 3, a)
    v = p("v", "add", t, u)
    w = p("w", "truediv", 1, b)
    y = p("y", "sub", v, w)
    p.backward(y, np.ones((2, 2)))
    return p


@pytest.mark.grade(cell=CELL, points=0.25)
@checks.most_specific()
def test_integer_data_hand_example(student):
    """Tensor([[1, 2], [3, 4]]) and Tensor(int array): cast to float64. y = a*b + 3*a − 1/b with ones:
    y = [[4.5, 5], [20.75, 31.8]], ∂y/∂a = b + 3 = [[5, 2], [7, 8]], ∂y/∂b = a + 1/b² = [[1.25, 3], [3.0625, 4.04]]."""
    p = _integer_data_case()
    with checks.explained("while building Tensor([[1, 2], [3, 4]]) and Tensor(np.array([[2, -1], [4, 5]]))"):
        got = _dtype_probe().run(student)
    for name, text in (("a", "Tensor([[1, 2], [3, 4]])"), ("b", "Tensor(np.array([[2, -1], [4, 5]]))"),
                       ("n", "Tensor(3)")):
        value = got["values"][name]
        dtype = getattr(value, "dtype", type(value).__name__)
        why = ("integer data kept as int makes gradients fail or round" if str(dtype).startswith(("int", "uint"))
               else "float32 keeps about 7 significant digits" if str(dtype) == "float32" else "")
        checks.check_true(isinstance(value, np.ndarray) and value.dtype == np.float64,
                          f"{text}.data has dtype {dtype}: Tensor(data) casts data (numbers, nested lists, ndarrays, "
                          f"ints included) to a float64 ndarray (SPEC: np.array(data, dtype=np.float64))"
                          + (f"; {why}" if why else ""))
    # shape everywhere; requires_grad of leaves only (whether a result requires grad changes no gradient here)
    for name, text, shape, flag in (("a", "Tensor([[1, 2], [3, 4]], requires_grad=True)", [2, 2], True),
                                    ("n", "Tensor(3)", [], False), ("t", "a * 2", [2, 2], None)):
        checks.check_true(got["shapes"][name] == shape, f"{text}.shape is {got['shapes'][name]}: shape is data.shape, "
                                                        f"here {tuple(shape)}")
        checks.check_true(flag is None or got["flags"][name] is flag,
                          f"{text}.requires_grad is {got['flags'][name]}, not {flag}: requires_grad is the flag given "
                          "to Tensor (default False)")
    got = check_backwards(student, p)
    checks.check_array("y = a*b + 3*a - 1/b", got["values"]["y"], np.array([[4.5, 5.0], [20.75, 31.8]]), show_values=True,
                       context="a = [[1, 2], [3, 4]], b = [[2, -1], [4, 5]]")
    for leaf, figures in (("a", [[5.0, 2.0], [7.0, 8.0]]), ("b", [[1.25, 3.0], [3.0625, 4.04]])):
        checks.check_array(f"{leaf}.grad", got["grads"][leaf], np.array(figures), show_values=True,
                           context="y = a*b + 3*a - 1/b with a, b given as integers; y.backward(np.ones((2, 2)))")
        dtype = getattr(got["grads"][leaf], "dtype", None)
        checks.check_true(dtype == np.float64, f"`{leaf}.grad` has dtype {dtype}: gradients are float64 ndarrays")


@checks.cached
def _dtype_probe():
    p = Program()
    p.leaf("a", [[1, 2], [3, 4]])
    p.leaf("b", np.array([[2, -1], [4, 5]]))
    p.leaf("n", 3, requires_grad=None)  # Tensor(3): requires_grad left at its default, False
    p("t", "mul", "a", 2)
    return p


@checks.cached
def _add_sub_case():
    rng = np.random.default_rng(2001)
    p = Program()
    leaf = _leaf_maker(p, rng)
    g = lambda: rng.normal(size=SHAPE)  # noqa: E731
    p.backward(p("s0", "add", leaf(), leaf()), g())
    p.backward(p("s1", "add", leaf(), 2.5), g())
    p.backward(p("s2", "add", 2.5, leaf()), g())  # __radd__
    p.backward(p("s3", "add", leaf(), rng.normal(size=(3, 4))), g())  # an ndarray operand
    p.backward(p("d0", "sub", leaf(), leaf()), g())
    p.backward(p("d1", "sub", leaf(), 1.5), g())
    p.backward(p("d2", "sub", 1.5, leaf()), g())  # __rsub__
    p.backward(p("d3", "sub", 1, leaf()), g())  # an int on the left
    return p


@pytest.mark.grade(cell=CELL, points=0.25)
@checks.most_specific()
def test_add_sub_and_reflected_forms(student):
    """a + b, a + 2.5, 2.5 + a, a + ndarray, a − b, a − 1.5, 1.5 − a, 1 − a: values and grads."""
    check_backwards(student, _add_sub_case())


@checks.cached
def _mul_div_case():
    rng = np.random.default_rng(2002)
    p = Program()
    leaf = _leaf_maker(p, rng, 0.5, 2.5)
    g = lambda: rng.normal(size=SHAPE)  # noqa: E731
    p.backward(p("m0", "mul", leaf(), leaf()), g())
    p.backward(p("m1", "mul", 3.0, leaf()), g())  # __rmul__
    p.backward(p("m2", "mul", leaf(), -1.5), g())
    p.backward(p("q0", "truediv", leaf(), leaf()), g())
    p.backward(p("q1", "truediv", leaf(), 2.0), g())
    p.backward(p("q2", "truediv", 2.0, leaf()), g())  # __rtruediv__
    p.backward(p("q3", "truediv", 1, leaf()), g())
    return p


@pytest.mark.grade(cell=CELL, points=0.25)
@checks.most_specific()
def test_mul_div_and_reflected_forms(student):
    """a * b, 3 * a, a * −1.5, a / b, a / 2, 2 / a, 1 / a: values and grads (|denominators| ≥ 0.5)."""
    check_backwards(student, _mul_div_case())


@checks.cached
def _pow_case():
    rng = np.random.default_rng(2003)
    p = Program()
    leaf = _leaf_maker(p, rng, 0.5, 2.0)
    g = lambda: rng.normal(size=SHAPE)  # noqa: E731
    p.backward(p("p0", "pow", leaf(), 3), g())
    p.backward(p("p1", "pow", leaf(), 2.0), g())
    p.backward(p("p2", "pow", leaf(positive=True), 0.5), g())
    p.backward(p("p3", "pow", leaf(positive=True), -1.5), g())
    p.backward(p("p4", "pow", leaf(), -1), g())
    return p


@pytest.mark.grade(cell=CELL, points=0.125)
@checks.most_specific()
def test_pow_with_scalar_exponents(student):
    """a ** 3, a ** 2.0, a ** 0.5, a ** −1.5 (a > 0), a ** −1: ∂/∂a = n·aⁿ⁻¹."""
    check_backwards(student, _pow_case())


@checks.cached
def _composed_case():
    """a and b each used several times: y = ((a*b − a/(b+3)) ** 2) * 0.5 + 1 − a (b ≥ 0.5, so b + 3 ≠ 0)."""
    rng = np.random.default_rng(2004)
    p = Program()
    a = p.leaf("a", checks.off_kinks(rng, SHAPE, 0.3, 2.0))
    b = p.leaf("b", rng.uniform(0.5, 2.0, size=SHAPE))
    p("t0", "mul", a, b)
    p("t1", "add", b, 3)
    p("t2", "truediv", a, "t1")
    p("t3", "sub", "t0", "t2")
    p("t4", "pow", "t3", 2)
    p("t5", "mul", "t4", 0.5)
    p("t6", "add", 1, "t5")
    y = p("y", "sub", "t6", a)
    p.backward(y, rng.normal(size=SHAPE))
    return p


@pytest.mark.grade(cell=CELL, points=0.125)
@checks.most_specific()
def test_composed_expression(student):
    check_backwards(student, _composed_case())
