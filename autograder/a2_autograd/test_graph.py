"""Hidden tests of grade cell `test_graph` (1.5 points): the graph mechanics.

* topological_sort(root): checked as a property, never one order (depth-first, Kahn/BFS, recursive
  or iterative are all right): every tensor root depends on appears exactly once, each after all of
  its inputs, root last; tensors root does not depend on do not appear. The harness maps the
  student's list back to the program's names (harness/programs.py: ``order``); tensors the student
  made inside an operation (a wrapped number, the −b of a − b) are allowed anywhere the property
  allows.
* tensors used more than once: non-leaf reuse (b = a + a, c = b · b), diamonds, a − a = 0, a · a,
  a tensor used by three operations at three depths;
* a 300-operation chain (the SPEC's depth limit).
"""
import numpy as np
import pytest

from autograder import checks
from autograder.a2_autograd.oracle import Program, check_backwards, check_grad, check_value, run_program

CELL = "test_graph"


# ------------------------------------------------------------------------------ topological order


@checks.cached
def _order_cases():
    """Graphs for topological_sort, each (program, root, description)."""
    cases = []
    p = Program()
    a = p.leaf("a", 2.0)
    p("t0", "mul", a, 3.0)
    p("t1", "exp", "t0")
    p("t2", "add", "t1", 1.0)
    p("t3", "tanh", "t2")
    cases.append((p, "t3", "a chain a → t0 → t1 → t2 → t3"))

    p = Program()
    a, b = p.leaf("a", 1.5), p.leaf("b", -0.5)
    p("u", "mul", a, b)
    p("v", "add", a, b)
    p("w", "sub", "u", "v")
    p("x", "mul", "w", "u")
    p("side", "mul", a, 7.0)  # not an input of x: must not appear
    cases.append((p, "x", "a diamond: u = a*b, v = a+b, w = u − v, x = w*u (and side = a*7, which x does not use)"))

    p = Program()
    a = p.leaf("a", np.array([0.5, -1.0]))
    p("b", "add", a, a)
    p("c", "mul", "b", "b")
    p("d", "sub", "c", a)
    p("e", "sum", "d")
    cases.append((p, "e", "reuse: b = a + a, c = b*b, d = c − a, e = d.sum()"))

    p = Program()
    xs = [p.leaf(f"x{i}", float(i + 1)) for i in range(4)]
    p("s0", "add", xs[0], xs[1])
    p("s1", "mul", xs[2], xs[3])
    p("s2", "mul", "s0", "s1")
    p("s3", "add", "s2", xs[0])
    p("s4", "truediv", "s3", xs[3])
    p("s5", "sub", 1.0, "s4")
    cases.append((p, "s5", "a wide graph over four leaves, x0 and x3 used twice"))

    p = Program()
    p.leaf("a", 3.0)
    cases.append((p, "a", "a single leaf"))
    return cases


def _check_order(got, program, root, description):
    order = got["order"]
    where = f"topological_sort(root) with root = {root} in {description}"
    strange = [x for x in order if x.startswith("!")]
    checks.check_true(not strange, f"{where} returned a {strange[0][1:] if strange else ''} in its list: it returns "
                                   "the Tensors themselves")
    twice = sorted({x for x in order if order.count(x) > 1})
    checks.check_true(not twice, f"{where} lists {', '.join(twice)} more than once: every tensor appears exactly "
                                 "once (keep a visited set)")
    needed = program.ancestors(root)
    missing = [n for n in sorted(needed) if n not in order]
    checks.check_true(not missing, f"{where} leaves out {', '.join(missing)}: every tensor root depends on, the "
                                   "leaves and root itself included, appears once")
    extra = [n for n in order if not n.startswith("#") and n not in needed]
    checks.check_true(not extra, f"{where} lists {', '.join(extra)}, which {root} does not depend on: only the "
                                 "tensors reachable from root through the inputs of operations")
    position = {n: i for i, n in enumerate(order)}
    for name in order:
        if name.startswith("#"):
            continue
        early = [x for x in program.operands(name) if position[x] > position[name]]
        checks.check_true(not early, f"{where} puts {name} = {program.expr[name]} before its input "
                                     f"{early[0] if early else ''}: each tensor comes after all of its inputs "
                                     "(a depth-first post-order, or reverse it if you built it root first)")
    checks.check_true(order[-1] == root, f"{where} does not end with root: root comes last")


@pytest.mark.grade(cell=CELL, points=0.375)
def test_topological_sort_property(student):
    harness = student.harness("programs")
    for program, root, description in _order_cases():
        inputs, steps = program.wire
        with checks.explained(f"while sorting {description}"):
            got = harness.order(inputs, steps, root)
        _check_order(got, program, root, description)


# ------------------------------------------------------------------------------ reuse, by hand


@checks.cached
def _hand_reuse_case():
    """b = a + a, c = b * b at a = 3: c = 36, dc/da = 2b·2 = 24. A diamond at x = 2: y = x*x = 4, z = y + x = 6,
    w = z * y = 24; dw/dx = y·dz/dx + z·dy/dx = 4·(2x + 1) + 6·2x = 20 + 24 = 44."""
    p = Program()
    a = p.leaf("a", 3.0)
    p("b", "add", a, a)
    p("c", "mul", "b", "b")
    p.backward("c")
    x = p.leaf("x", 2.0)
    p("y", "mul", x, x)
    p("z", "add", "y", x)
    p("w", "mul", "z", "y")
    p.backward("w")
    return p


@pytest.mark.grade(cell=CELL, points=0.25)
@checks.most_specific()
def test_non_leaf_reuse_by_hand(student):
    """b = a + a; c = b·b at a = 3 gives c = 36, ∂c/∂a = 24; y = x·x; z = y + x; w = z·y at x = 2 gives w = 24,
    ∂w/∂x = 44."""
    got = check_backwards(student, _hand_reuse_case())
    for leaf, figure, text in (("a", 24.0, "b = a + a; c = b * b at a = 3; c.backward()"),
                               ("x", 44.0, "y = x * x; z = y + x; w = z * y at x = 2; w.backward()")):
        checks.check_scalar(f"{leaf}.grad", got["grads"][leaf], figure, context=text)


# ------------------------------------------------------------------------------ random diamonds


@checks.cached
def _diamond_case():
    """Vector diamonds: u = x*2, v = x.exp(), w = u * v; and two levels: p = a*b, q = p.tanh(), r = p*a,
    s = q + r, t = s * p (p used by three operations, a by two at two depths)."""
    rng = np.random.default_rng(7001)
    p = Program()
    x = p.leaf("x", rng.normal(size=(2, 3)))
    p("u", "mul", x, 2.0)
    p("v", "exp", x)
    p.backward(p("w", "mul", "u", "v"), rng.normal(size=(2, 3)))
    a, b = p.leaf("a", rng.normal(size=(4,))), p.leaf("b", rng.normal(size=(4,)))
    p("p", "mul", a, b)
    p("q", "tanh", "p")
    p("r", "mul", "p", a)
    p("s", "add", "q", "r")
    p.backward(p("t", "mul", "s", "p"), rng.normal(size=(4,)))
    return p


@pytest.mark.grade(cell=CELL, points=0.25)
@checks.most_specific()
def test_diamonds(student):
    check_backwards(student, _diamond_case())


@checks.cached
def _same_twice_case():
    """A tensor twice in one operation: a − a, a * a, a / a, a + a, and a non-leaf b used twice: (b − b) + b * b."""
    rng = np.random.default_rng(7002)
    p = Program()
    g = lambda: rng.normal(size=(3,))  # noqa: E731
    for k, op in enumerate(("sub", "mul", "truediv", "add")):
        a = p.leaf(f"a{k}", checks.off_kinks(rng, (3,), 0.5, 2.0))
        p.backward(p(f"y{k}", op, a, a), g())
    c = p.leaf("c", checks.off_kinks(rng, (3,), 0.5, 2.0))
    p("b", "exp", c)
    p("d", "sub", "b", "b")
    p("e", "mul", "b", "b")
    p.backward(p("f", "add", "d", "e"), g())
    return p


@pytest.mark.grade(cell=CELL, points=0.25)
@checks.most_specific()
def test_same_tensor_twice_in_one_operation(student):
    """a − a has gradient 0, a·a has 2a, a/a has 0, a + a has 2: a tensor receives the sum over every use."""
    check_backwards(student, _same_twice_case())


@checks.cached
def _aliasing_case():
    """e = a + b; f = e + a; y = f * b: with grads stored without a copy and then added to in place, a's and b's
    grads share one array."""
    rng = np.random.default_rng(7003)
    p = Program()
    a, b = p.leaf("a", rng.normal(size=(3,))), p.leaf("b", rng.normal(size=(3,)))
    p("e", "add", a, b)
    p("f", "add", "e", a)
    p.backward(p("y", "add", "f", b), rng.normal(size=(3,)))
    c, d = p.leaf("c", rng.normal(size=(2, 2))), p.leaf("d", rng.normal(size=(2, 2)))
    p("h", "sub", c, d)
    p("k", "add", "h", d)
    p.backward(p("m", "add", "k", c), rng.normal(size=(2, 2)))
    return p


@pytest.mark.grade(cell=CELL, points=0.125)
@checks.most_specific()
def test_gradients_are_not_shared_arrays(student):
    """e = a + b; f = e + a; y = f + b and h = c − d; k = h + d; m = k + c: each leaf's grad is its own array."""
    check_backwards(student, _aliasing_case())


# ------------------------------------------------------------------------------ depth


CHAIN_CYCLE = (("mul", 1.01), ("exp",), ("log",), ("sub", 0.01))  # ∂y/∂x = 1.01⁷⁵ ≈ 2.1: no vanishing


@checks.cached
def _chain_case(length=300):
    """x → 300 operations (× 1.01, exp, log, − 0.01, repeated) → y, on a (3,) leaf."""
    p = Program()
    t = p.leaf("x", np.array([-0.8, 0.1, 0.9]))
    for k in range(length):
        op, *args = CHAIN_CYCLE[k % len(CHAIN_CYCLE)]
        t = p(f"t{k}", op, t, *args)
    p.backward(t, np.array([1.0, -2.0, 0.5]))
    return p, t


@pytest.mark.grade(cell=CELL, points=0.25)
@checks.most_specific()
def test_chain_of_300_operations(student):
    """A 300-deep chain (the SPEC's limit): the value and x.grad; also its topological order."""
    p, root = _chain_case()
    context = "x of shape (3,) through 300 operations ((t * 1.01).exp().log() - 0.01, repeated 75 times); y.backward(g)"
    got = run_program(student, p, hint="a chain of 300 operations (the SPEC's depth limit)")
    check_value(got, p, root, context=context, label="y (the last of 300 operations)")
    check_grad(got, p, "x", context=context)
    inputs, steps = p.wire
    with checks.explained("while sorting a chain of 300 operations"):
        order = student.harness("programs").order(inputs, steps, root)["order"]
    named = [x for x in order if not x.startswith("#")]
    checks.check_true(named == ["x"] + [f"t{k}" for k in range(300)],
                      "topological_sort on a chain x → t0 → … → t299 must list x, t0, …, t299 in that order, "
                      f"each once (got {len(named)} of the 301 tensors"
                      + (", in another order)" if sorted(named) == sorted(["x"] + [f"t{k}" for k in range(300)])
                         else ")"))
