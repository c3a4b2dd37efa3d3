"""Question templates: parameters from a seeded generator, the text, the answer and its kind, and
distractors that name likely mistakes (PrairieLearn's generate/grade model, in Python).

A template is a small class registered by ``@template``::

    @template(id="conv_output_size", version=1, topic="cnn", kind=Exact())
    class ConvOutputSize(Template):
        title = "Conv2d output size"
        def draw(self, rng):         # JSON-able parameters; None rejects a degenerate draw
            ...
        def text(self, p): ...       # markdown
        def answer(self, p): ...     # the answer, in the form the kind compares
        def distractors(self, p):    # {"no floor": wrong answer, ...}
            ...

Kinds with options (``Choice``, ``ChoiceSet``): the options are the answer (``ChoiceSet``: a list of
true statements) and the distractors' values, shuffled by the slot's own generator, and the
frozen answer is a letter (or letters). ``Code``: ``solution(p)`` is the reference source,
``cases(p)`` the argument tuples, and the distractors are buggy sources. ``Manual``: the answer is
the model solution shown to graders.

:func:`freeze` turns (template, generator) into a :class:`Variant`: the draw is repeated until it
is not degenerate, and a draw where a distractor would score marks is degenerate too (a
"missing 1/n" that equals the answer because n = 1 teaches nothing).
"""
from __future__ import annotations

import functools
import hashlib
import inspect
import math
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np

from .kinds import LETTERS, Choice, ChoiceSet, Code, Kind, Manual

BANK: dict[str, "Template"] = {}
MAX_DRAWS = 200


class TemplateError(ValueError):
    pass


class Template:
    """Base of every template; ``@template`` sets id, version, topic and kind."""

    id: str = ""
    version: int = 1
    topic: str = ""
    kind: Kind = None  # type: ignore[assignment]
    title: str = ""

    def draw(self, rng: np.random.Generator) -> dict | None:
        return {}

    def text(self, p: dict) -> str:
        raise NotImplementedError

    def answer(self, p: dict) -> Any:
        raise NotImplementedError

    def distractors(self, p: dict) -> dict[str, Any]:
        return {}

    # Code templates only
    def solution(self, p: dict) -> str:
        raise NotImplementedError

    def cases(self, p: dict) -> list[tuple]:
        raise NotImplementedError

    @functools.cached_property
    def source_sha256(self) -> str:
        """The template's source, hashed once per process (``inspect.getsource`` parses its file)."""
        return hashlib.sha256(inspect.getsource(type(self)).encode()).hexdigest()


def template(id: str, topic: str, kind: Kind, version: int = 1):
    """Register a template class in :data:`BANK` under ``id``."""
    def register(cls):
        if id in BANK:
            raise TemplateError(f"two templates are called {id!r}")
        if not issubclass(cls, Template):
            raise TemplateError(f"{cls.__name__} must subclass Template")
        cls.id, cls.version, cls.topic, cls.kind = id, version, topic, kind
        cls.title = cls.title or id.replace("_", " ")
        BANK[id] = cls()
        return cls
    return register


def load_bank() -> dict[str, Template]:
    """Every template of ``grading/exams/bank``."""
    from . import bank  # noqa: F401  (registers on import)
    return BANK


@dataclass
class Variant:
    """One student's frozen question: everything grading needs, nothing regenerated."""

    template: str
    version: int
    params: dict
    text: str  # markdown, options included
    answer: Any  # in the form the kind compares (a letter for choices, outputs for code)
    kind: dict  # Kind.describe()
    distractors: dict = field(default_factory=dict)  # name -> answer in the same form
    choice_order: list = field(default_factory=list)  # option names in the order shown
    cases: list = field(default_factory=list)  # Code: argument tuples
    key: str = ""  # the answer as a key shows it (a solution's source for code)

    def to_dict(self) -> dict:
        return asdict(self)


def _plain(value):
    """JSON-able: numpy numbers and arrays to Python ones, tuples kept as lists."""
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, np.ndarray):
        return value.tolist()
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    return value


def run_code(source: str, function: str, cases: list) -> list:
    """Trusted-side outputs of a template's own source (a solution or a distractor) on the cases."""
    namespace: dict = {"np": np, "math": math}
    exec(compile(source, f"<{function}>", "exec"), namespace)
    out = []
    for args in cases:
        try:
            out.append(_plain(namespace[function](*[np.array(a) if isinstance(a, list) else a for a in args])))
        except Exception:
            out.append(None)
    return out


def _options(t: Template, p: dict, rng: np.random.Generator):
    """(names in shown order, texts in shown order, frozen answer, distractor answers) or None."""
    wrong = {name: str(v) for name, v in t.distractors(p).items()}
    right = t.answer(p)
    right = [str(r) for r in right] if isinstance(t.kind, ChoiceSet) else [str(right)]
    names = [f"answer{i}" if len(right) > 1 or isinstance(t.kind, ChoiceSet) else "answer"
             for i in range(len(right))] + list(wrong)
    texts = right + list(wrong.values())
    if len(set(texts)) < len(texts) or len(texts) > len(LETTERS) or len(texts) < 2:
        return None  # two options read the same: degenerate
    order = [int(i) for i in rng.permutation(len(texts))]
    names, texts = [names[i] for i in order], [texts[i] for i in order]
    letter = {name: LETTERS[i] for i, name in enumerate(names)}
    correct = "".join(sorted(letter[n] for n in names if n.startswith("answer")))
    if isinstance(t.kind, ChoiceSet):
        given = {n: "".join(sorted(correct + letter[n])) for n in wrong}
    else:
        given = {n: letter[n] for n in wrong}
    return names, texts, correct, given


def freeze(t: Template, rng: np.random.Generator) -> Variant:
    """Draw parameters until the draw is sound, and freeze the variant."""
    for _ in range(MAX_DRAWS):
        params = t.draw(rng)
        if params is None:
            continue
        params = _plain(params)
        text = t.text(params)
        kind = t.kind
        if isinstance(kind, (Choice, ChoiceSet)):
            made = _options(t, params, rng)
            if made is None:
                continue
            names, texts, answer, wrong = made
            text += "\n\n" + "\n".join(f"- **{LETTERS[i]}.** {o}" for i, o in enumerate(texts))
            return Variant(t.id, t.version, params, text, answer, kind.describe(), wrong, names, key=answer)
        if isinstance(kind, Code):
            cases = _plain(t.cases(params))
            solution = t.solution(params)
            answer = run_code(solution, kind.function, cases)
            if any(a is None for a in answer):
                raise TemplateError(f"{t.id}: the reference solution raises on a case of {params}")
            wrong = {name: run_code(src, kind.function, cases) for name, src in t.distractors(params).items()}
            if any(kind.safe_score(w, answer) >= 1 for w in wrong.values()):
                continue
            return Variant(t.id, t.version, params, text, answer, kind.describe(), wrong, cases=cases, key=solution)
        answer = _plain(t.answer(params))
        if isinstance(kind, Manual):
            return Variant(t.id, t.version, params, text, answer, kind.describe(), key=str(answer))
        wrong = {name: _plain(v) for name, v in t.distractors(params).items()}
        if kind.safe_score(answer, answer) < 1:
            raise TemplateError(f"{t.id}: its own answer {answer!r} does not score under {kind.describe()}")
        if any(_bad(v) or kind.safe_score(v, answer) > 0 for v in wrong.values()):
            continue  # a distractor that scores, or is not a number: the draw teaches nothing
        return Variant(t.id, t.version, params, text, answer, kind.describe(), wrong, key=kind.shown(answer))
    raise TemplateError(f"{t.id}: no sound draw in {MAX_DRAWS} tries; widen its parameter grid")


def _bad(value) -> bool:
    try:
        return any(not math.isfinite(float(x)) for x in np.ravel(np.asarray(value, dtype=float)))
    except (TypeError, ValueError):
        return False


def check_variant(v: Variant) -> list[str]:
    """What is wrong with a frozen variant: its answer must score full marks, each distractor 0
    (below full marks for a kind with partial credit)."""
    from .kinds import kind_from

    kind = kind_from(v.kind)
    if not kind.auto:
        return []
    problems = []
    if kind.safe_score(v.answer, v.answer) != 1:
        problems.append(f"{v.template}: the answer {v.answer!r} does not score full marks")
    partial = getattr(kind, "partial", False)
    for name, wrong in v.distractors.items():
        got = kind.safe_score(wrong, v.answer)
        if (got >= 1) if partial else (got != 0):
            problems.append(f"{v.template}: distractor {name!r} ({wrong!r}) scores {got:g}")
    return problems
