"""Hidden tests of grade cell `test_accumulation` (0.75 points): grads accumulate across backward calls
until zero_grad, which clears the whole graph; backward's grad argument and its default.

The programs take snapshots of every leaf's grad between their actions (harness/programs.py), so
one round trip shows the whole sequence, and the oracle is torch's (leaves accumulate,
intermediates start each call afresh). The graphs have intermediate results, so an engine that
lets an intermediate carry its gradient into the next call shows it.
"""
import numpy as np
import pytest

from autograder import checks
from autograder.a2_autograd.oracle import Program, check_backwards, check_grad, run_program

CELL = "test_accumulation"


def _graph(p, rng, tag=""):
    """x (3, 4), w (4,): y = ((x * w).tanh() * x).sum() — intermediates, and x used twice (w is broadcast over 3
    rows, so a gradient averaged over them is 1/3 of the right one, never half of it)."""
    x = p.leaf(f"x{tag}", rng.normal(size=(3, 4)))
    w = p.leaf(f"w{tag}", rng.normal(size=(4,)))
    p(f"h{tag}", "mul", x, w)
    p(f"k{tag}", "tanh", f"h{tag}")
    p(f"m{tag}", "mul", f"k{tag}", x)
    return p(f"y{tag}", "sum", f"m{tag}"), (x, w)


@checks.cached
def _twice_case():
    """y.backward() twice (snapshots after each), then z = (x.exp() * 0.5).sum() on the same leaf x."""
    rng = np.random.default_rng(8001)
    p = Program()
    y, (x, w) = _graph(p, rng)
    p.backward(y)
    p.snapshot()
    p.backward(y)
    p.snapshot()
    p("ex", "exp", x)
    p("half", "mul", "ex", 0.5)
    z = p("z", "sum", "half")
    p.backward(z)
    p.snapshot()
    return p


@pytest.mark.grade(cell=CELL, points=0.25)
@checks.most_specific()
def test_backward_twice_accumulates(student):
    p = _twice_case()
    got = run_program(student, p)
    graph = "y = ((x * w).tanh() * x).sum()"
    steps = [f"{graph}; y.backward()", f"{graph}; y.backward(); y.backward() again (no zero_grad)",
             f"{graph}; y.backward() twice; then z = (x.exp() * 0.5).sum(); z.backward()"]
    for k, context in enumerate(steps):
        for leaf in p.leaves:
            check_grad(got, p, leaf, snapshot=k, context=context,
                       factors={0.5: "the second backward replaced the first one's gradient instead of adding to "
                                     "it: backward adds to .grad until zero_grad"} if k == 1 else None)


@checks.cached
def _zero_grad_case():
    """y.backward(); y.zero_grad() (snapshot: cleared); y.backward() (snapshot: one call's gradient); then a
    second graph on the same leaves, with zero_grad from its own root."""
    rng = np.random.default_rng(8002)
    p = Program()
    y, (x, w) = _graph(p, rng)
    p.backward(y)
    p.zero_grad(y)
    p.snapshot()
    p.backward(y)
    p.snapshot()
    p("xw", "mul", x, w)
    p("s", "sum", "xw")
    p.zero_grad("s")
    p.backward("s")
    p.snapshot()
    return p


@pytest.mark.grade(cell=CELL, points=0.25)
@checks.most_specific()
def test_zero_grad_clears_the_graph(student):
    p = _zero_grad_case()
    got = run_program(student, p)
    graph = "y = ((x * w).tanh() * x).sum()"
    for leaf in p.leaves:
        cleared = got["snapshots"][0][leaf]
        ok = cleared is None or (isinstance(cleared, (np.ndarray, float, int)) and not np.any(cleared))
        checks.check_true(ok, f"after {graph}; y.backward(); y.zero_grad(), `{leaf}.grad` is not cleared: "
                              "zero_grad sets the grad of every tensor in the graph (leaves included) to None "
                              "(or zeros)")
    contexts = [f"{graph}; y.backward(); y.zero_grad(); y.backward()",
                f"{graph}; y.backward(); y.zero_grad(); y.backward(); then s = (x * w).sum(); s.zero_grad(); "
                "s.backward()"]
    for k, context in enumerate(contexts, start=1):
        for leaf in p.leaves:
            check_grad(got, p, leaf, snapshot=k, context=context,
                       factors={2.0: "zero_grad did not clear the earlier gradient: it sets every grad of the "
                                     "graph to None (or zeros)"})


@checks.cached
def _seed_case():
    """backward(g) on a (2, 3) result; backward() on results of shape (), (1,) and (1, 1)."""
    rng = np.random.default_rng(8003)
    p = Program()
    a, b = p.leaf("a", rng.normal(size=(2, 3))), p.leaf("b", rng.normal(size=(2, 3)))
    p("ab", "mul", a, b)
    p.backward(p("y0", "tanh", "ab"), rng.normal(size=(2, 3)))
    roots = {}
    for k, shape in enumerate([(), (1,), (1, 1)]):
        c = p.leaf(f"c{k}", rng.normal(size=(2, 2)))
        p(f"e{k}", "exp", c)
        p(f"s{k}", "sum", f"e{k}")
        roots[k] = p(f"y{k + 1}", "reshape", f"s{k}", *shape) if shape else p(f"y{k + 1}", "mul", f"s{k}", 2.0)
        p.backward(roots[k])
    return p


@checks.cached
def _non_scalar_case():
    p = Program()
    a = p.leaf("a", np.arange(6.0).reshape(2, 3))
    p("y", "mul", a, 2.0)
    return p


@pytest.mark.grade(cell=CELL, points=0.1875)
@checks.most_specific()
def test_backward_grad_argument_and_its_default(student):
    """backward(g) on a (2, 3) result uses g; backward() on a one-element result of shape (), (1,) or (1, 1)
    starts from 1."""
    check_backwards(student, _seed_case())


@pytest.mark.grade(cell=CELL, points=0.0625)
def test_backward_without_grad_on_many_elements_raises(student):
    """backward() on a (2, 3) result: grad is required for more than one element (SPEC: raise an error)."""
    p = _non_scalar_case()
    inputs, steps = p.wire
    raised = student.harness("programs").backward_without_grad(inputs, steps, "y")
    checks.check_true(raised is not None, "y = a * 2.0 with a of shape (2, 3); y.backward() without a grad ran "
                                          "without an error: grad defaults to 1 only for a one-element tensor; for "
                                          "any other shape it is required (raise an error, as PyTorch does)")
