"""Toy assignments written into a temporary root: an assignment is its three folders, nothing else.

``write_numpy_toy(root)`` and ``write_torch_toy(root)`` create ``assignments/<id>/``,
``reference/<id>/`` and ``autograder/<id>/`` under ``root``; with ``DLGRADE_ASSIGNMENT_ROOTS=root``
every command of the platform knows them.
"""
from __future__ import annotations

import textwrap
from pathlib import Path


def _write(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")


def write_numpy_toy(root: Path, aid: str = "toy_numpy") -> str:
    _write(root, {
        f"assignments/{aid}/SPEC.md": """
            # Toy: scaling and norms
            `scale(x, k)` returns k·x; `norm(x)` the Euclidean norm; `relu_norm(x)` = norm(relu(x)),
            with `relu` given from Assignment 1.
        """,
        f"assignments/{aid}/assignment.toml": f"""
            title = "Toy: scaling and norms"
            notebook = "{aid}.ipynb"

            [cells]
            test_scale = 1.0
            test_norm = 1.0

            [limits]
            test_timeout = 3
            cell_timeout = 5
        """,
        f"assignments/{aid}/template.py": """
            # %% [markdown]
            # # Toy: scaling and norms
            # %% [setup]
            import numpy as np
            # %% [given a1_mlp.activations]
            # %% [solution ops]
            # %% [tests test_scale]
            assert scale(np.ones(2), 2.0).tolist() == [2.0, 2.0]
            # %% [tests test_norm]
            assert abs(norm(np.array([3.0, 4.0])) - 5.0) < 1e-12
        """,
        f"reference/{aid}/ops.py": '''
            """Reference of the toy assignment."""
            import numpy as np


            def scale(x, k):
                """k · x, elementwise."""
                return k * x


            def norm(x):
                """‖x‖₂ = sqrt(Σ xᵢ²), a Python float."""
                return float(np.sqrt((x * x).sum()))


            def relu_norm(x):
                """‖relu(x)‖₂, with Assignment 1's relu (given)."""
                return norm(relu(x))


            def unit(x):
                """x / ‖x‖₂ (a helper the hidden tests never call: its mutants survive)."""
                return x / (norm(x) + 0.0)
        ''',
        f"autograder/{aid}/test_ops.py": '''
            import numpy as np
            import pytest

            from autograder import checks


            @pytest.mark.grade(cell="test_scale", points=1.0)
            def test_scale(student):
                x = np.array([1.0, -2.0, 3.0])
                checks.check_array("scale(x, 3)", student.scale(x, 3.0), 3.0 * x)


            @pytest.mark.grade(cell="test_norm", points=0.5)
            def test_norm(student):
                x = np.array([1.0, -2.0, 2.0])
                checks.check_scalar("norm(x)", student.norm(x), 3.0)


            @pytest.mark.grade(cell="test_norm", points=0.5, timeout=10)
            def test_relu_norm(student):
                x = np.array([3.0, -2.0, 4.0])
                checks.check_scalar("relu_norm(x)", student.relu_norm(x), 5.0)
        ''',
        f"autograder/{aid}/variants.py": '''
            from autograder.variants import Variant

            BUGGY = {
                "scale_adds": Variant({"scale": "def scale(x, k):\\n    return k + x\\n"}),
                "norm_squared": Variant({"norm": "def norm(x):\\n    return float((x * x).sum())\\n"}),
                "relu_norm_without_relu": Variant({"relu_norm": "def relu_norm(x):\\n    return norm(x)\\n"}),
            }
            CORRECT = {
                "norm_with_linalg": {"norm": "def norm(x):\\n    return float(np.linalg.norm(x))\\n"},
            }
        ''',
    })
    return aid


def write_torch_toy(root: Path, aid: str = "toy_torch") -> str:
    """A torch assignment: the student writes a loss and a training step; a grader-owned harness runs
    a few SGD steps inside the sandbox and hands back the weight trajectory as arrays."""
    _write(root, {
        f"assignments/{aid}/SPEC.md": """
            # Toy: least squares in torch
            `mse(pred, target)` is the mean of squared errors (a 0-d tensor); `step(w, x, y, lr)` does one
            SGD step on w (a leaf tensor with requires_grad) in place and returns the loss before it.
        """,
        f"assignments/{aid}/assignment.toml": f"""
            title = "Toy: least squares in torch"
            notebook = "{aid}.ipynb"
            kind = "torch"

            [cells]
            test_mse = 1.0
            test_step = 1.0
        """,
        f"assignments/{aid}/template.py": """
            # %% [markdown]
            # # Toy: least squares in torch
            # %% [setup]
            import torch
            # %% [solution losses]
            # %% [tests test_mse]
            assert float(mse(torch.ones(2), torch.zeros(2))) == 1.0
            # %% [tests test_step]
            assert callable(step)
        """,
        f"reference/{aid}/losses.py": '''
            """Reference of the torch toy."""
            import torch


            def mse(pred, target):
                """mean((pred - target)²), a 0-d tensor."""
                return ((pred - target) ** 2).mean()


            def step(w, x, y, lr):
                """One SGD step on the least-squares loss mse(x @ w, y); returns the loss before it."""
                loss = mse(x @ w, y)
                w.grad = None
                loss.backward()
                with torch.no_grad():
                    w -= lr * w.grad
                return loss.detach()
        ''',
        f"autograder/{aid}/harness/train.py": '''
            """Grader-owned, runs inside the sandbox: a few of the student's SGD steps from given data."""
            import numpy as np
            import torch


            def trajectory(submission, w0, x, y, lr, steps):
                w = torch.tensor(w0, dtype=torch.float64, requires_grad=True)
                xt, yt = torch.tensor(x), torch.tensor(y)
                losses, weights = [], []
                for _ in range(steps):
                    losses.append(float(submission.step(w, xt, yt, lr)))
                    weights.append(w.detach().clone())
                return {"losses": np.array(losses), "weights": weights}


            def mse(submission, pred, target):
                return submission.mse(torch.tensor(pred), torch.tensor(target))
        ''',
        f"autograder/{aid}/test_losses.py": '''
            import numpy as np
            import pytest
            import torch

            from autograder import checks


            @pytest.mark.grade(cell="test_mse", points=1.0)
            def test_mse_matches_torch(student):
                rng = np.random.default_rng(1)
                p, t = rng.normal(size=5), rng.normal(size=5)
                checks.check_scalar("mse(pred, target)", student.harness("train").mse(p, t),
                                    float(torch.nn.functional.mse_loss(torch.tensor(p), torch.tensor(t))))


            @pytest.mark.grade(cell="test_step", points=1.0)
            def test_three_sgd_steps_replayed_in_torch(student):
                rng = np.random.default_rng(2)
                x, y, w0 = rng.normal(size=(6, 3)), rng.normal(size=6), rng.normal(size=3)
                got = student.harness("train").trajectory(w0, x, y, 0.1, 3)
                w = torch.tensor(w0, requires_grad=True)
                opt = torch.optim.SGD([w], lr=0.1)
                for k in range(3):
                    opt.zero_grad()
                    loss = torch.nn.functional.mse_loss(torch.tensor(x) @ w, torch.tensor(y))
                    loss.backward()
                    opt.step()
                    checks.check_scalar(f"loss before step {k + 1}", got["losses"][k], float(loss))
                    checks.check_array(f"w after step {k + 1}", got["weights"][k], w.detach().numpy())
        ''',
        f"autograder/{aid}/variants.py": '''
            from autograder.variants import Variant

            BUGGY = {
                "mse_sum": Variant({"mse": "def mse(pred, target):\\n    return ((pred - target) ** 2).sum()\\n"}),
                "step_ascends": Variant({"step": (
                    "def step(w, x, y, lr):\\n    loss = mse(x @ w, y)\\n    w.grad = None\\n    loss.backward()\\n"
                    "    with torch.no_grad():\\n        w += lr * w.grad\\n    return loss.detach()\\n")}),
                "step_keeps_old_grad": Variant({"step": (
                    "def step(w, x, y, lr):\\n    loss = mse(x @ w, y)\\n    loss.backward()\\n"
                    "    with torch.no_grad():\\n        w -= lr * w.grad\\n    return loss.detach()\\n")}),
            }
            CORRECT = {
                "mse_functional": {"mse": "def mse(pred, target):\\n    return torch.nn.functional.mse_loss(pred, target)\\n"},
            }
        ''',
    })
    return aid
