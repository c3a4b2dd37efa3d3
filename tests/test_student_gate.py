"""Student code hands back plain data only: nothing it returns can change a verdict by itself."""
import numpy as np
import pytest

from autograder.plugin import run_cells
from autograder.student import Student, StudentError, StudentObject, plain

CHEATS = '''
import numpy as np

class AlwaysEqual:
    def __eq__(self, other): return True
    def __ne__(self, other): return False
    def __float__(self): return 0.0

class Liar(np.ndarray):
    def __eq__(self, other): return np.ones(np.shape(other), dtype=bool)
    def __sub__(self, other): return np.zeros(np.shape(other))
    def __array_ufunc__(self, *a, **k): return np.zeros(3)

class FakeInt(int):
    def __eq__(self, other): return True

def always_equal(x): return AlwaysEqual()
def liar(x): return np.zeros(3).view(Liar)
def fake_int(x): return FakeInt(5)
def objects(x): return np.array([AlwaysEqual()], dtype=object)
def crash(x): return 1 / 0
def mutate(x):
    x[...] = 0
    return x

class Box:
    def __init__(self, n): self.W = np.arange(n, dtype=float)
    def double(self): return self.W * 2
'''


@pytest.fixture(scope="module")
def student():
    module, problems = run_cells([CHEATS])
    assert problems == []
    return Student(module)


def test_always_equal_object_is_not_a_number(student):
    out = student.always_equal(1)
    assert isinstance(out, StudentObject)
    assert not isinstance(out, (int, float, np.ndarray))


def test_ndarray_subclass_comes_back_as_a_plain_array(student):
    out = student.liar(1)
    assert type(out) is np.ndarray
    assert not np.array_equal(out, np.ones(3))
    assert (out == np.ones(3)).sum() == 0


def test_int_subclass_keeps_only_its_value(student):
    out = student.fake_int(1)
    assert type(out) is int and out == 5 and out != 4


def test_object_arrays_are_refused(student):
    with pytest.raises(StudentError, match="dtype object"):
        student.objects(1)


def test_student_exception_is_reported_as_theirs(student):
    with pytest.raises(StudentError, match=r"crash raised ZeroDivisionError"):
        student.crash(1)


def test_student_cannot_mutate_the_graders_arrays(student):
    x = np.ones(4)
    student.mutate(x)
    assert np.array_equal(x, np.ones(4))


def test_objects_expose_attributes_and_methods_as_plain_data(student):
    box = student.Box(3)
    assert np.array_equal(box.W, [0, 1, 2])
    box.W = np.array([1.0, 2.0])
    assert np.array_equal(box.double(), [2.0, 4.0])
    with pytest.raises(StudentError, match="no attribute `V`"):
        box.V


def test_missing_name_says_what_to_check(student):
    with pytest.raises(StudentError, match="does not define `relu`"):
        student.relu


def test_a_failing_cell_costs_only_itself():
    module, problems = run_cells(["def f(): return 1", "raise ValueError('boom')", "import sys; sys.exit(0)",
                                  "def g(): return 2"])
    assert module.f() == 1 and module.g() == 2
    assert problems[0].startswith("cell 2 raised ValueError: boom")
    assert "cell 3 called sys.exit()" in problems[1]


def test_plain_rebuilds_containers():
    out = plain((np.float64(1.5), [np.int32(2)], {"a": np.arange(2)}))
    assert out[0] == 1.5 and type(out[0]) is float
    assert type(out[1][0]) is int
    assert type(out[2]["a"]) is np.ndarray
