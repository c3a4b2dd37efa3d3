"""Mutants of a reference solution: small, mechanical slips that the graders should catch.

Hand-written buggy variants share their author's blind spots; mutants do not. Each mutant changes
one place inside one function of the solution modules:

* ``binop``: an arithmetic operator swapped (``+``/``-``, ``*``/``/``, ``**``/``*``, ``@``/``*``);
* ``compare``: a comparison swapped (``<``/``<=``, ``>``/``>=``, ``==``/``!=``);
* ``constant``: a number changed (0 ↔ 1, c → c + 1, c → 2c);
* ``negate``: a unary minus dropped;
* ``axis``: ``axis=k`` (or torch's ``dim=k``) changed (0 ↔ 1, -1 → 0) or dropped;
* ``transpose``: a ``.T`` dropped;
* ``drop``: a statement of a function body removed (an assignment, an augmented assignment, a call);
* ``argument``: a parameter with a default ignored (its uses replaced by the default).

A mutant's id names the function, the kind and the place within that function
(``Linear.backward:binop:2``), so an allow-list of equivalent mutants survives edits elsewhere. A
closure belongs to the function that defines it: ``Tensor.__mul__``'s ``_backward`` is mutated as
part of ``Tensor.__mul__``.
"""
from __future__ import annotations

import ast
import copy
import random
from dataclasses import dataclass

BINOP_SWAPS = {ast.Add: ast.Sub, ast.Sub: ast.Add, ast.Mult: ast.Div, ast.Div: ast.Mult, ast.Pow: ast.Mult,
               ast.MatMult: ast.Mult, ast.FloorDiv: ast.Div}
COMPARE_SWAPS = {ast.Lt: ast.LtE, ast.LtE: ast.Lt, ast.Gt: ast.GtE, ast.GtE: ast.Gt, ast.Eq: ast.NotEq,
                 ast.NotEq: ast.Eq}
SYMBOLS = {ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/", ast.Pow: "**", ast.MatMult: "@",
           ast.FloorDiv: "//", ast.Lt: "<", ast.LtE: "<=", ast.Gt: ">", ast.GtE: ">=", ast.Eq: "==",
           ast.NotEq: "!="}


@dataclass(frozen=True)
class Mutant:
    id: str  # function:kind:n, stable under edits to other functions
    description: str  # what changed, with the line of the mutated source
    source: str  # the whole mutated source


def _constant_changes(value) -> list:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return []
    if value == 0:
        return [1]
    if value == 1:
        return [0, 2]
    return [value + 1, value * 2]


class _Sites(ast.NodeVisitor):
    """Every place a mutation can apply, in source order, as (function, kind, node, change)."""

    def __init__(self):
        self.sites: list[tuple[str, str, ast.AST, object]] = []
        self.function: list[str] = []
        self.classes: list[str] = []

    def visit_ClassDef(self, node):
        self.classes.append(node.name)
        self.generic_visit(node)
        self.classes.pop()

    def visit_FunctionDef(self, node):
        if self.function:  # a closure (an operation's local backward rule) is part of its outer function
            name = self.function[-1]
            self.function.append(name)
            for statement in node.body:
                self._statements(name, statement)
                self.visit(statement)
            self.function.pop()
            return
        name = ".".join(self.classes[-1:] + [node.name])
        self.function.append(name)
        args = node.args
        positional = args.posonlyargs + args.args
        for arg, default in zip(positional[len(positional) - len(args.defaults):], args.defaults):
            self.sites.append((name, "argument", node, (arg.arg, default)))
        for arg, default in zip(args.kwonlyargs, args.kw_defaults):
            if default is not None:
                self.sites.append((name, "argument", node, (arg.arg, default)))
        body = node.body[1:] if ast.get_docstring(node) is not None else node.body
        for statement in body:
            self._statements(name, statement)
            self.visit(statement)
        self.function.pop()

    def _statements(self, name, statement):
        """Statements that can be dropped and still leave valid code: in any nested block."""
        if isinstance(statement, (ast.Assign, ast.AugAssign, ast.AnnAssign, ast.Expr)):
            if not (isinstance(statement, ast.Expr) and isinstance(statement.value, ast.Constant)):
                self.sites.append((name, "drop", statement, None))
        for field in ("body", "orelse", "finalbody"):
            block = getattr(statement, field, None)
            if isinstance(block, list) and len(block) > 1:  # dropping the only statement breaks syntax
                for inner in block:
                    self._statements(name, inner)

    def _add(self, kind, node, change):
        if self.function:
            self.sites.append((self.function[-1], kind, node, change))

    def visit_BinOp(self, node):
        if type(node.op) in BINOP_SWAPS:
            self._add("binop", node, BINOP_SWAPS[type(node.op)])
        self.generic_visit(node)

    def visit_Compare(self, node):
        if len(node.ops) == 1 and type(node.ops[0]) in COMPARE_SWAPS:
            self._add("compare", node, COMPARE_SWAPS[type(node.ops[0])])
        self.generic_visit(node)

    def visit_Constant(self, node):
        for new in _constant_changes(node.value):
            self._add("constant", node, new)

    def visit_UnaryOp(self, node):
        if isinstance(node.op, ast.USub):
            self._add("negate", node, None)
        self.generic_visit(node)

    def visit_Call(self, node):
        for keyword in node.keywords:
            if keyword.arg in ("axis", "dim"):  # numpy's and torch's name for it
                self._add("axis", node, ("drop", keyword.arg))
                if isinstance(keyword.value, ast.Constant) and isinstance(keyword.value.value, int):
                    self._add("axis", node, ("to", keyword.arg, {0: 1, 1: 0}.get(keyword.value.value, 0)))
        self.generic_visit(node)

    def visit_Attribute(self, node):
        if node.attr == "T" and isinstance(node.ctx, ast.Load):
            self._add("transpose", node, None)
        self.generic_visit(node)


class _Apply(ast.NodeTransformer):
    """Apply one site's change to a copy of the tree (sites are found again by position)."""

    def __init__(self, target: ast.AST, kind: str, change):
        self.target, self.kind, self.change = target, kind, change
        self.position = _position(target)

    def _is_target(self, node) -> bool:
        return _position(node) == self.position

    def generic_visit(self, node):
        node = super().generic_visit(node)
        if not self._is_target(node):
            return node
        kind, change = self.kind, self.change
        if kind == "binop":
            node.op = change()
        elif kind == "compare":
            node.ops = [change()]
        elif kind == "constant":
            return ast.copy_location(ast.Constant(change), node)
        elif kind == "negate":
            return node.operand
        elif kind == "axis":
            how, name, *value = change
            if how == "drop":
                node.keywords = [k for k in node.keywords if k.arg != name]
            else:
                node.keywords = [ast.keyword(name, ast.Constant(value[0])) if k.arg == name else k
                                 for k in node.keywords]
        elif kind == "transpose":
            return node.value
        elif kind == "drop":
            return None
        elif kind == "argument":
            name, default = change
            node.body = [_Substitute(name, default).visit(s) for s in node.body]
        return node


def _position(node) -> tuple:
    """Where a node is (nested ``a + b + c`` share their start, not their end) and what it is."""
    return (type(node), *(getattr(node, f, None) for f in ("lineno", "col_offset", "end_lineno", "end_col_offset")))


class _Substitute(ast.NodeTransformer):
    def __init__(self, name, default):
        self.name, self.default = name, default

    def visit_Name(self, node):
        if node.id == self.name and isinstance(node.ctx, ast.Load):
            return ast.copy_location(copy.deepcopy(self.default), node)
        return node


def _describe(kind, node, change) -> str:
    line = getattr(node, "lineno", "?")
    if kind == "binop":
        return f"line {line}: {SYMBOLS[type(node.op)]} → {SYMBOLS[change]}"
    if kind == "compare":
        return f"line {line}: {SYMBOLS[type(node.ops[0])]} → {SYMBOLS[change]}"
    if kind == "constant":
        return f"line {line}: {node.value!r} → {change!r}"
    if kind == "negate":
        return f"line {line}: unary minus dropped"
    if kind == "axis":
        return f"line {line}: {change[1]} dropped" if change[0] == "drop" else f"line {line}: {change[1]} → {change[2]}"
    if kind == "transpose":
        return f"line {line}: .T dropped"
    if kind == "drop":
        return f"line {line}: statement `{ast.unparse(node)[:60]}` dropped"
    return f"line {line}: argument `{change[0]}` ignored (always {ast.unparse(change[1])})"


def mutants(source: str, count: int, seed: int = 0, functions: set[str] | None = None) -> list[Mutant]:
    """Up to ``count`` distinct, compilable mutants of ``source`` (a sample, the same for the same seed),
    limited to ``functions`` (qualified names) when given."""
    tree = ast.parse(source)
    finder = _Sites()
    finder.visit(tree)
    numbered: dict[tuple[str, str], int] = {}
    sites = []
    for function, kind, node, change in finder.sites:
        if functions is not None and function not in functions:
            continue
        n = numbered[function, kind] = numbered.get((function, kind), 0) + 1
        sites.append((f"{function}:{kind}:{n}", function, kind, node, change))
    random.Random(seed).shuffle(sites)
    original = ast.dump(tree)
    out: list[Mutant] = []
    for mutant_id, _, kind, node, change in sites:
        if len(out) >= count:
            break
        changed = _Apply(node, kind, change).visit(copy.deepcopy(tree))
        ast.fix_missing_locations(changed)
        if ast.dump(changed) == original:
            continue
        try:
            text = ast.unparse(changed)
            compile(text, "<mutant>", "exec")
        except (SyntaxError, ValueError):
            continue
        out.append(Mutant(mutant_id, _describe(kind, node, change), text))
    return out
