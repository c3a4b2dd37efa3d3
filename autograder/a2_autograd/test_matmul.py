"""Hidden tests of grade cell `test_matmul` (0.75 points): a @ b in 2-D and batched, values and grads.

Shapes are non-square throughout, so a transposed gradient has the wrong shape; the batched
product (6, 5, 4) @ (4, 3) needs the last two axes swapped (``.T`` reverses all three) and b's
gradient summed over the batch.
"""
import numpy as np
import pytest

from autograder import checks
from autograder.a2_autograd.oracle import Program, check_backwards

CELL = "test_matmul"
BATCH_HINT = ("in a batched product transpose only the last two axes (np.swapaxes(x, -1, -2)), and sum the "
              "gradient of a broadcast operand over the batch axes (unbroadcast)")


@checks.cached
def _hand_case():
    p = Program()
    a = p.leaf("a", np.array([[1.0, 2.0], [3.0, 4.0]]))
    b = p.leaf("b", np.array([[5.0, 6.0], [7.0, 8.0]]))
    p.backward(p("y", "matmul", a, b), np.ones((2, 2)))
    return p


@pytest.mark.grade(cell=CELL, points=0.125)
@checks.most_specific()
def test_matmul_hand_example(student):
    """[[1, 2], [3, 4]] @ [[5, 6], [7, 8]] = [[19, 22], [43, 50]]; with g = ones, ∂/∂a = g bᵀ = [[11, 15], [11, 15]]
    and ∂/∂b = aᵀ g = [[4, 4], [6, 6]]."""
    got = check_backwards(student, _hand_case())
    context = "a = [[1, 2], [3, 4]], b = [[5, 6], [7, 8]]; y = a @ b; y.backward(np.ones((2, 2)))"
    for name, where, figures in (("y", "values", [[19, 22], [43, 50]]), ("a.grad", "grads", [[11, 15], [11, 15]]),
                                 ("b.grad", "grads", [[4, 4], [6, 6]])):
        checks.check_array(name, got[where][name.split(".")[0]], np.array(figures, dtype=float), show_values=True,
                           context=context)


@checks.cached
def _two_d_case():
    """(3, 4) @ (4, 5); x @ W.T + b with W (2, 4), b (2,) (a Linear layer); (1, 4) @ (4, 1); a (2, 3) Tensor @ a
    (3, 4) ndarray."""
    rng = np.random.default_rng(6001)
    p = Program()
    a, b = p.leaf("a", rng.normal(size=(3, 4))), p.leaf("b", rng.normal(size=(4, 5)))
    p.backward(p("y0", "matmul", a, b), rng.normal(size=(3, 5)))
    x, W, bias = p.leaf("x", rng.normal(size=(6, 4))), p.leaf("W", rng.normal(size=(2, 4))), p.leaf("c", rng.normal(size=2))
    p("WT", "T", W)
    p("xW", "matmul", x, "WT")
    p.backward(p("y1", "add", "xW", bias), rng.normal(size=(6, 2)))
    r, s = p.leaf("r", rng.normal(size=(1, 4))), p.leaf("s", rng.normal(size=(4, 1)))
    p.backward(p("y2", "matmul", r, s), np.array([[1.5]]))
    m = p.leaf("m", rng.normal(size=(2, 3)))
    p.backward(p("y3", "matmul", m, rng.normal(size=(3, 4))), rng.normal(size=(2, 4)))  # an ndarray operand
    return p


@pytest.mark.grade(cell=CELL, points=0.25)
@checks.most_specific()
def test_matmul_two_dimensional(student):
    check_backwards(student, _two_d_case())


@checks.cached
def _batched_case():
    """(6, 5, 4) @ (4, 3): b broadcast over the batch; (2, 3, 4) @ (2, 4, 5): both batched; (4, 3) @ (2, 3, 2):
    a broadcast."""
    rng = np.random.default_rng(6002)
    p = Program()
    a, b = p.leaf("a", rng.normal(size=(6, 5, 4))), p.leaf("b", rng.normal(size=(4, 3)))
    p.backward(p("y0", "matmul", a, b), rng.normal(size=(6, 5, 3)))
    c, d = p.leaf("c", rng.normal(size=(2, 3, 4))), p.leaf("d", rng.normal(size=(2, 4, 5)))
    p.backward(p("y1", "matmul", c, d), rng.normal(size=(2, 3, 5)))
    e, f = p.leaf("e", rng.normal(size=(4, 3))), p.leaf("f", rng.normal(size=(2, 3, 2)))
    p.backward(p("y2", "matmul", e, f), rng.normal(size=(2, 4, 2)))
    return p


@pytest.mark.grade(cell=CELL, points=0.375)
@checks.most_specific()
def test_matmul_batched(student):
    """(6, 5, 4) @ (4, 3), (2, 3, 4) @ (2, 4, 5) and (4, 3) @ (2, 3, 2): every gradient in its operand's shape."""
    check_backwards(student, _batched_case(),
                    hint=f"while running batched products (6, 5, 4) @ (4, 3), (2, 3, 4) @ (2, 4, 5) and "
                         f"(4, 3) @ (2, 3, 2) and their backward: {BATCH_HINT}")
