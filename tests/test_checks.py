"""The check catalogue's diagnoses: which hint a wrong answer gets, and which failure a test reports."""
import numpy as np
import pytest

from autograder import checks

RNG = np.random.default_rng(7)
EXPECTED = RNG.normal(size=(4, 3))


def message(actual, expected=EXPECTED, **kwargs) -> str:
    with pytest.raises(AssertionError) as failed:
        checks.check_array("dW", actual, expected, **kwargs)
    return str(failed.value)


@pytest.mark.parametrize("k, words", [(2.0, "a factor 2 too many"), (0.5, "a factor 2 is missing"),
                                      (1 / 64, "(1/64)"), (1.5, "(3/2)"), (3.0, "3 times the expected one")])
def test_a_whole_array_off_by_a_plain_ratio_gets_the_factor(k, words):
    assert words in message(k * EXPECTED)


@pytest.mark.parametrize("k", [1.0003, 0.9991, np.pi, 1 / 1.37])
def test_no_factor_hint_for_a_ratio_nobody_writes(k):
    assert "times the expected" not in message(k * EXPECTED)
    assert "Likely mistake" not in message(k * EXPECTED)


def test_no_factor_hint_when_only_part_of_the_array_is_scaled():
    actual = EXPECTED.copy()
    actual[0] *= 2
    assert "Likely mistake" not in message(actual)


def test_a_wrong_single_number_gets_no_generic_factor_but_the_tests_own():
    with pytest.raises(AssertionError) as failed:
        checks.check_scalar("loss", 0.3, 0.1)
    assert "times the expected" not in str(failed.value)
    with pytest.raises(AssertionError) as failed:
        checks.check_scalar("loss", 0.3, 0.1, factors={3.0: "summed over 3 samples instead of averaging"})
    assert "summed over 3 samples" in str(failed.value)


def test_float32_rounding_is_named_and_float64_noise_is_not():
    float32 = EXPECTED.astype(np.float32).astype(np.float64) * (1 + 3e-6)  # float32 work, slightly off
    float32 = float32.astype(np.float32)
    assert "float32" in message(float32, rtol=1e-9, atol=0)
    assert "float32" not in message(EXPECTED * (1 + 3e-6), rtol=1e-9, atol=0)
    # a float32-exact oracle (0.5, 1.0) cannot tell rounding apart
    assert "float32" not in message(np.array([0.5, 1.25]), np.array([0.5, 1.0]))


def test_float32_hint_even_where_generic_diagnoses_are_off():
    with pytest.raises(AssertionError) as failed:
        checks.check_array("parameter 0 after step 3", (EXPECTED * (1 + 1e-5)).astype(np.float32), EXPECTED,
                           generic=False)
    assert "float32" in str(failed.value)


def test_named_mistakes_come_before_generic_rules():
    text = message(EXPECTED.T.copy().T * 2, mistakes=[(2 * EXPECTED, "you summed the two halves")])
    assert "you summed the two halves" in text and "factor 2" not in text


def _hand_then_oracle(first_actual, second_actual):
    checks.check_array("hand", first_actual, np.array([1.0, 2.0]), show_values=True)
    checks.check_array("oracle", second_actual, EXPECTED,
                       mistakes=[(EXPECTED[::-1], "the rows are reversed: iterate over the batch forwards")])


def test_most_specific_failure_of_a_test_is_reported():
    with pytest.raises(AssertionError) as failed, checks.most_specific():
        _hand_then_oracle(np.array([1.0, 2.5]), EXPECTED[::-1])
    assert "the rows are reversed" in str(failed.value)
    # without it, the first failure stops the test and names nothing
    with pytest.raises(AssertionError) as failed:
        _hand_then_oracle(np.array([1.0, 2.5]), EXPECTED[::-1])
    assert "rows are reversed" not in str(failed.value) and "`hand` is wrong" in str(failed.value)


def test_most_specific_keeps_the_first_of_equals_and_passes_when_all_pass():
    with pytest.raises(AssertionError) as failed, checks.most_specific():
        _hand_then_oracle(np.array([1.0, 2.5]), EXPECTED + 1.0)
    assert "`hand` is wrong" in str(failed.value)
    with checks.most_specific():
        _hand_then_oracle(np.array([1.0, 2.0]), EXPECTED)


def test_most_specific_reports_an_earlier_check_over_a_later_crash():
    with pytest.raises(AssertionError) as failed, checks.most_specific():
        checks.check_array("hand", np.array([1.0, 2.5]), np.array([1.0, 2.0]))
        raise ZeroDivisionError("the student's code crashed later")
    assert "`hand` is wrong" in str(failed.value)
    with pytest.raises(ZeroDivisionError), checks.most_specific():
        raise ZeroDivisionError("nothing failed before: the crash itself is the verdict")


def test_most_specific_as_a_decorator():
    @checks.most_specific()
    def a_test():
        _hand_then_oracle(np.array([0.0, 2.0]), EXPECTED[::-1])

    with pytest.raises(AssertionError, match="rows are reversed"):
        a_test()
