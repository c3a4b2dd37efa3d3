"""Answer kinds: what counts as right, what as a readable wrong answer, and what is unreadable."""
import numpy as np
import pytest

from grading.exams.kinds import (Choice, ChoiceSet, Code, Exact, Manual, RelAbs, Shape, SigFigs, Unreadable, Vector,
                                 kind_from, number)


def test_numbers_are_read_from_ints_floats_fractions_and_one_element_arrays_but_never_evaluated():
    assert number("4/7") == pytest.approx(4 / 7)
    assert number(" −1.5e-3 ") == -0.0015
    assert number(np.array([2.5])) == 2.5
    for bad in ("__import__('os')", "1/0", "nan", True, [1, 2], {"a": 1}):
        with pytest.raises(Unreadable):
            number(bad)


def test_rel_abs_is_numpy_isclose_with_the_answer_as_reference():
    kind = RelAbs(rtol=1e-2, atol=1e-3)
    assert kind.safe_score(0.571, 4 / 7) == 1
    assert kind.safe_score("4/7", 4 / 7) == 1
    assert kind.safe_score(0.58, 4 / 7) == 0
    assert kind.safe_score(None, 4 / 7) == 0 and kind.safe_score("four sevenths", 4 / 7) == 0


def test_exact_accepts_an_integer_valued_float_and_nothing_near():
    assert Exact().safe_score(28.0, 28) == 1
    assert Exact().safe_score(28.000001, 28) == 0


def test_significant_figures_round_to_the_asked_digits():
    assert SigFigs(3).safe_score(0.000123, 0.0001234) == 1
    assert SigFigs(3).safe_score(0.000124, 0.0001234) == 0


def test_shape_and_vector_check_the_shape_first():
    assert Shape().safe_score((16, 14, 14), [16, 14, 14]) == 1
    assert Shape().safe_score([16, 14], [16, 14, 14]) == 0
    assert Vector().safe_score([[4, 5], [3, 4]], [[4, 5], [3, 4]]) == 1
    assert Vector().safe_score([4, 5, 3, 4], [[4, 5], [3, 4]]) == 0
    assert Vector(partial=True).safe_score([1, 2, 0, 4], [1, 2, 3, 4]) == 0.75
    assert Vector().safe_score([1, 2, 0, 4], [1, 2, 3, 4]) == 0


def test_choices_read_letters_and_sets_of_letters():
    assert Choice().safe_score(" b ", "B") == 1 and Choice().safe_score("C", "B") == 0
    assert Choice().safe_score("Z", "B") == 0
    assert ChoiceSet().safe_score("ca", "AC") == 1 and ChoiceSet().safe_score(["A", "C"], "AC") == 1
    assert ChoiceSet().safe_score("A", "AC") == 0 and ChoiceSet().safe_score("ABC", "AC") == 0


def test_code_scores_outputs_case_by_case():
    kind = Code(function="f")
    assert kind.safe_score([1.0, [2.0, 3.0]], [1.0, [2.0, 3.0]]) == 1
    assert kind.safe_score([1.0, None], [1.0, [2.0, 3.0]]) == 0
    assert Code(function="f", partial=True).safe_score([1.0, None], [1.0, [2.0, 3.0]]) == 0.5


def test_manual_is_not_automatic_and_every_kind_round_trips_through_its_description():
    assert not Manual().auto
    for kind in (Exact(), RelAbs(1e-4, 1e-6), SigFigs(2), Shape(), Vector(partial=True), Choice(), ChoiceSet(),
                 Code(function="g"), Manual()):
        assert kind_from(kind.describe()) == kind
