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
