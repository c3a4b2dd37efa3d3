"""grading.exams.analysis: item statistics checked against hand computations and against numpy
written out here, never against the module's own helpers."""
from __future__ import annotations

import json
import math

import numpy as np
import pytest

from grading.exams.analysis import (EASY_ABOVE, FAIRNESS_Z, OTHER_WRONG, Response, analyse, to_html, to_json,
                                    to_text)

# 6 students × 3 one-point items.
#            q1 q2 q3  total
#   s1        1  1  1    3
#   s2        1  1  0    2
#   s3        1  0  1    2
#   s4        1  0  0    1
#   s5        0  1  0    1
#   s6        0  0  0    0
# p = 4/6, 3/6, 2/6; Σ pq = 2/9 + 1/4 + 2/9 = 25/36.
# Totals mean 1.5, squared deviations 2.25 + 4·0.25 + 2.25 = 5.5, population variance 5.5/6 = 33/36.
# KR-20 = 3/2 · (1 − (25/36)/(33/36)) = 3/2 · 8/33 = 4/11 ≈ 0.3636.
# 27 % of 6 = 1.62 → groups of 2. Ranked by (total, id): s6 0, s4 1, s5 1, s2 2, s3 2, s1 3;
# lower = s6, s4; upper = s3, s1. D(q1) = 1 − 1/2 = 0.5, D(q2) = 1/2 − 0 = 0.5, D(q3) = 1 − 0 = 1.
# SEM = sample sd · √(1 − 4/11) = √(5.5/5) · √(7/11) = √0.7 ≈ 0.8367.
SMALL = np.array([[1, 1, 1], [1, 1, 0], [1, 0, 1], [1, 0, 0], [0, 1, 0], [0, 0, 0]], float)
SMALL_IDS = [f"s{i}" for i in range(1, 7)]


def _responses(matrix, ids=None, slots=None, maxima=None, variant="v1"):
    matrix = np.asarray(matrix, float)
    ids = ids or [f"st{i:03d}" for i in range(matrix.shape[0])]
    slots = slots or [f"q{j + 1}" for j in range(matrix.shape[1])]
    maxima = maxima or [1.0] * len(slots)
    return [Response(who, slot, f"{slot}-{variant}", float(matrix[i, j]), maxima[j])
            for i, who in enumerate(ids) for j, slot in enumerate(slots)]


def _numpy_r(x, total):
    return float(np.corrcoef(x, total - x)[0, 1])


def _numpy_alpha(matrix):
    k = matrix.shape[1]
    return k / (k - 1) * (1 - matrix.var(axis=0, ddof=1).sum() / matrix.sum(axis=1).var(ddof=1))


def test_small_dichotomous_exam_by_hand():
    result = analyse(_responses(SMALL, SMALL_IDS))
    exam = result.exam
    assert (exam.students, exam.complete, exam.items, exam.max_total) == (6, 6, 3, 3)
    assert exam.dichotomous
    assert exam.kr20 == pytest.approx(4 / 11)
    assert exam.alpha == pytest.approx(4 / 11)
    assert exam.sem == pytest.approx(math.sqrt(0.7))
    assert exam.mean == pytest.approx(1.5) and exam.sd == pytest.approx(math.sqrt(1.1))

    assert [s.slot for s in result.slots] == ["q1", "q2", "q3"]
    facility = [s.pooled.facility for s in result.slots]
    assert facility == pytest.approx([4 / 6, 3 / 6, 2 / 6])
    assert [s.pooled.discrimination for s in result.slots] == pytest.approx([0.5, 0.5, 1.0])
    total = SMALL.sum(axis=1)
    assert [s.pooled.item_rest_r for s in result.slots] == pytest.approx(
        [_numpy_r(SMALL[:, j], total) for j in range(3)])
    assert all(s.pooled.n == 6 and s.pooled.blanks == 0 for s in result.slots)


def test_discrimination_and_r_against_numpy_on_a_larger_exam():
    rng = np.random.default_rng(7)
    ability = rng.normal(size=37)
    difficulty = np.linspace(-1.5, 1.5, 8)
    matrix = (rng.random((37, 8)) < 1 / (1 + np.exp(-(ability[:, None] - difficulty)))).astype(float)
    ids = [f"u{i:02d}" for i in rng.permutation(37)]  # ids not in row order
    result = analyse(_responses(matrix, ids))
    total = matrix.sum(axis=1)
    g = round(0.27 * 37)  # 9.99 → 10
    order = np.lexsort((np.array(ids), total))  # by total, ties by id
    lower, upper = order[:g], order[-g:]
    for j, slot in enumerate(result.slots):
        assert slot.pooled.facility == pytest.approx(matrix[:, j].mean())
        assert slot.pooled.discrimination == pytest.approx(matrix[upper, j].mean() - matrix[lower, j].mean())
        assert slot.pooled.item_rest_r == pytest.approx(_numpy_r(matrix[:, j], total))


def test_alpha_equals_kr20_on_dichotomous_data():
    rng = np.random.default_rng(3)
    ability = rng.normal(size=50)
    matrix = (rng.random((50, 12)) < 1 / (1 + np.exp(-(ability[:, None] - rng.normal(size=12))))).astype(float)
    exam = analyse(_responses(matrix)).exam
    assert exam.kr20 is not None
    assert exam.alpha == pytest.approx(exam.kr20)
    assert exam.alpha == pytest.approx(_numpy_alpha(matrix))  # ddof does not matter when consistent
    assert exam.sem == pytest.approx(matrix.sum(axis=1).std(ddof=1) * math.sqrt(1 - exam.alpha))


def test_polytomous_exam():
    # 8 students, a paper exam of 4 + 6 + 12 points with partial credit
    matrix = np.array([[4, 6, 11.5], [3, 5, 9], [4, 2, 10], [2, 4, 6], [1, 3, 7.5], [2, 0, 3], [0, 1, 4], [1, 1, 0]])
    maxima = [4.0, 6.0, 12.0]
    result = analyse(_responses(matrix, maxima=maxima))
    exam = result.exam
    assert not exam.dichotomous and exam.kr20 is None
    assert exam.alpha == pytest.approx(_numpy_alpha(matrix))
    assert exam.sem == pytest.approx(matrix.sum(axis=1).std(ddof=1) * math.sqrt(1 - _numpy_alpha(matrix)))
    total = matrix.sum(axis=1)
    cov = np.cov(np.column_stack([matrix, total]), rowvar=False)  # ddof 1 throughout: the ratio is the same
    for j, slot in enumerate(result.slots):
        assert not slot.dichotomous
        assert slot.pooled.facility == pytest.approx(matrix[:, j].mean() / maxima[j])
        assert slot.pooled.item_rest_r == pytest.approx(_numpy_r(matrix[:, j], total))
        assert slot.intended_weight == pytest.approx(maxima[j] / 22)
        assert slot.effective_weight == pytest.approx(cov[j, 3] / cov[3, 3])
    assert sum(s.effective_weight for s in result.slots) == pytest.approx(1)
    # groups of round(2.16) = 2: totals 21.5 17 16 12 11.5 5 5 2 → lower st007 (2), st005 (5, id before st006);
    # upper st001 (17), st000 (21.5). q3 (of 12): upper 9, 11.5; lower 0, 3
    q3 = result.slots[2].pooled
    assert q3.discrimination == pytest.approx((9 + 11.5) / 24 - (0 + 3) / 24)
    text = to_text(result)
    assert "Cronbach's α" in text and "KR-20" not in text and "intended → effective" in text


def test_a_much_harder_variant_is_flagged_and_equal_variants_are_not():
    responses = []
    for i in range(60):
        who, easy = f"s{i:02d}", i < 30
        # q1: variant A right 27 of 30 (p 0.9), variant B right 9 of 30 (p 0.3)
        right = (i % 10 < 9) if easy else (i % 10 < 3)
        responses.append(Response(who, "q1", "A" if easy else "B", float(right), 1))
        # q2: both variants right 18 of 30
        responses.append(Response(who, "q2", "A" if i % 2 else "B", float(i % 5 < 3), 1))
    result = analyse(responses)
    q1, q2 = result.slots
    a, b = q1.variants
    assert (a.variant, a.n, a.facility, b.variant, b.n, b.facility) == ("A", 30, pytest.approx(0.9), "B", 30,
                                                                       pytest.approx(0.3))
    # pooled p 0.6: SE = √(0.24 · (1/30 + 1/30)) = 0.1265, z = 0.6 / 0.1265 = 4.74
    assert b.fairness_z == pytest.approx(-0.6 / math.sqrt(0.24 * 2 / 30))
    assert "harder" in b.flags and "easier" in a.flags
    assert "variant B harder" in q1.pooled.flags
    assert abs(q2.variants[0].fairness_z) < FAIRNESS_Z
    assert not any("variant" in f for f in q2.pooled.flags)
    assert not any(v.flags for v in q2.variants)
    assert "variant B harder" in to_text(result)


def test_fairness_needs_five_responses_a_variant():
    responses = [Response(f"a{i}", "q1", "A", 1.0, 1) for i in range(30)]
    responses += [Response(f"b{i}", "q1", "B", 0.0, 1) for i in range(4)]
    slot = analyse(responses).slots[0]
    assert [v.fairness_z for v in slot.variants] == [None, None]
    assert not any("variant" in f for f in slot.pooled.flags)
    responses.append(Response("b4", "q1", "B", 0.0, 1))
    slot = analyse(responses).slots[0]
    assert "variant B harder" in slot.pooled.flags


def test_an_item_everyone_gets_right_has_no_r_and_is_too_easy():
    matrix = SMALL.copy()
    matrix[:, 0] = 1
    result = analyse(_responses(matrix, SMALL_IDS))
    q1 = result.slots[0].pooled
    assert q1.facility == 1 > EASY_ABOVE
    assert q1.item_rest_r is None
    assert q1.discrimination == 0
    assert "too easy" in q1.flags
    assert to_json(result)["slots"][0]["pooled"]["item_rest_r"] is None


def test_hard_low_and_negative_discrimination_flags():
    # q3 is answered right only by the weakest students: negative r and D; q2 is right for 1 in 10
    rng = np.random.default_rng(11)
    strong = np.repeat([1.0, 0.0], [20, 20])
    matrix = np.column_stack([strong, (np.arange(40) % 10 == 0).astype(float), 1 - strong,
                              strong, strong * (rng.random(40) < 0.8)])
    result = analyse(_responses(matrix))
    q2, q3 = result.slots[1].pooled, result.slots[2].pooled
    assert q2.facility == pytest.approx(0.1) and "too hard" in q2.flags
    assert q3.item_rest_r < 0 and q3.discrimination < 0
    assert "negative discrimination" in q3.flags and "low discrimination" not in q3.flags
    assert "low discrimination" in q2.flags
    assert result.slots[0].pooled.flags == []


def test_distractor_counts():
    responses = [
        Response("s1", "q1", "A", 1.0, 1),
        Response("s2", "q1", "A", 0.0, 1, distractor="no floor"),
        Response("s3", "q1", "A", 0.0, 1, distractor="no floor"),
        Response("s4", "q1", "A", 0.0, 1, distractor="padding twice"),
        Response("s5", "q1", "A", 0.0, 1),
        Response("s6", "q1", "A", None, 1, answered=False),
        Response("s7", "q1", "B", 0.0, 1, distractor="no floor"),
        Response("s8", "q1", "B", 0.0, 1),
    ]
    slot = analyse(responses).slots[0]
    assert slot.pooled.distractors == {"no floor": 3, "padding twice": 1, OTHER_WRONG: 2}
    assert slot.pooled.top_distractor == ("no floor", 3)
    assert slot.variants[0].distractors == {"no floor": 2, "padding twice": 1, OTHER_WRONG: 1}
    assert slot.variants[1].distractors == {"no floor": 1, OTHER_WRONG: 1}
    assert slot.pooled.blanks == 1 and slot.pooled.n == 8  # the blank counts, as 0
    assert slot.pooled.facility == pytest.approx(1 / 8)
    assert "no floor (3)" in to_text(analyse(responses))


def test_ungraded_blank_and_missing_responses():
    responses = _responses(SMALL, SMALL_IDS)
    # s1's q2 not graded yet; s2 left q3 blank; s3 never took q3 (no record); s9 only has ungraded work
    responses = [r for r in responses if not (r.student == "s3" and r.slot == "q3")]
    responses = [Response(r.student, r.slot, r.variant, None, 1) if (r.student, r.slot) == ("s1", "q2")
                 else Response(r.student, r.slot, r.variant, 1.0, 1, answered=False)
                 if (r.student, r.slot) == ("s2", "q3") else r for r in responses]
    responses.append(Response("s9", "q1", "q1-v1", None, 1))
    result = analyse(responses)
    exam = result.exam
    assert exam.students == 6  # s9 has nothing scored
    assert exam.complete == 4  # s1 (ungraded q2) and s3 (no q3) are incomplete
    assert (exam.ungraded, exam.blanks) == (2, 1)
    q1, q2, q3 = (s.pooled for s in result.slots)
    assert (q1.n, q1.ungraded) == (6, 1)
    assert (q2.n, q2.ungraded, q2.facility) == (5, 1, pytest.approx(2 / 5))  # s2, s5 of s2..s6
    assert (q3.n, q3.blanks, q3.facility) == (5, 1, pytest.approx(1 / 5))  # the blank scores 0, s3 left out
    # totals: s1 1 + 1 (q2 left out), s2 1 + 1 + 0 (blank), s3 1 + 0, s4 1, s5 1, s6 0
    totals = np.array([2, 2, 1, 1, 1, 0], float)
    assert exam.mean == pytest.approx(totals.mean())
    x_q1 = SMALL[:, 0]
    assert q1.item_rest_r == pytest.approx(_numpy_r(x_q1, totals))
    complete = SMALL[[1, 3, 4, 5]].copy()
    complete[0, 2] = 0  # s2's blank
    assert exam.kr20 == pytest.approx(_numpy_alpha(complete))


def test_bad_input_is_refused():
    with pytest.raises(ValueError, match="two responses"):
        analyse([Response("s1", "q1", "A", 1.0, 1), Response("s1", "q1", "B", 0.0, 1)])
    with pytest.raises(ValueError, match="worth"):
        analyse([Response("s1", "q1", "A", 1.0, 1), Response("s2", "q1", "B", 0.0, 2)])


def test_renderings_name_every_slot():
    responses = _responses(SMALL, SMALL_IDS, slots=["conv_out", "softmax_grad", "attn_mask"])
    responses[1] = Response("s1", "softmax_grad", "softmax_grad-v1", 0.0, 1, distractor="missing <1/n> & sign")
    result = analyse(responses)
    text = to_text(result)
    data = to_json(result)
    page = to_html(result)
    for slot in ("conv_out", "softmax_grad", "attn_mask"):
        assert slot in text and slot in page
    assert [s["slot"] for s in data["slots"]] == ["conv_out", "softmax_grad", "attn_mask"]
    assert json.loads(json.dumps(data, allow_nan=False))["exam"]["kr20"] == pytest.approx(data["exam"]["kr20"])
    assert "KR-20" in text and "note:" in text
    header = text.splitlines()[0].split()
    assert header == ["slot", "variant", "n", "p", "D", "r", "blanks", "top", "distractor", "flags"]
    assert page.startswith('<section id="item-analysis">') and page.endswith("</section>")
    assert page.count('<img src="data:image/png;base64,') == 1
    assert "missing &lt;1/n&gt; &amp; sign" in page and "<1/n>" not in page


def test_empty_and_degenerate_input():
    empty = analyse([])
    assert empty.exam.students == 0 and empty.slots == []
    assert empty.exam.mean is None and empty.exam.alpha is None
    json.dumps(to_json(empty), allow_nan=False)
    assert "students 0" in to_text(empty) and "item-analysis" in to_html(empty)
    one = analyse([Response("s1", "q1", "A", 1.0, 1)])
    assert one.slots[0].pooled.discrimination is None and one.slots[0].pooled.item_rest_r is None
    assert one.exam.sd is None and one.exam.kr20 is None
