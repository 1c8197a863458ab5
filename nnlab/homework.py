"""Homework helpers: is a graded answer the student's own code?

The homework asks students to write functions that nnlab already has (``sigmoid_prime``,
``dense_backward``, ``minibatches``, ...). An answer that imports or calls nnlab's version
scores 0 for that part. The grader reads the student's cells with :func:`own_code_problems`
(outside the student's kernel, so it cannot be patched); the notebooks' check cells call
:func:`check_own_code` so that students hear about it before they submit.

What counts (a static reading of the code, by design simple and strict):

* using one of the assignment's ``forbidden`` nnlab names, however imported
  (``nnlab.dense_forward``, ``from nnlab.layers import dense_forward as f``, ...);
* using the ``nnlab`` module other than as ``nnlab.<name>`` (``getattr(nnlab, ...)``,
  ``m = nnlab``, ``from nnlab import *``), which could hide such a name;
* constructs that run or reach code indirectly (``exec``, ``eval``, ``compile``,
  ``__import__``, ``importlib``, ``globals()``, ``vars()``, ``sys.modules``, ``get_ipython``,
  ``__dict__``, ``__globals__``, ...), and IPython magics that load code (``%run``, ``%load``).
"""

from __future__ import annotations

import ast
import inspect
from dataclasses import dataclass

INDIRECT_CALLS = {"exec", "eval", "compile", "__import__", "globals", "vars", "locals", "get_ipython",
                  "breakpoint", "execfile", "open"}
INDIRECT_MODULES = {"importlib", "gc", "inspect", "ctypes", "runpy", "pickle", "marshal", "builtins",
                    "pkgutil", "zipimport", "imp", "code", "codeop", "IPython", "ipykernel", "types", "dill",
                    "cloudpickle", "shelve", "subprocess", "multiprocessing"}
INDIRECT_ATTRS = {"__dict__", "__globals__", "__builtins__", "__code__", "__closure__", "__subclasses__",
                  "__loader__", "__spec__", "__import__", "__getattribute__", "modules", "f_globals",
                  "f_locals", "f_back", "gi_frame", "tb_frame"}
ALLOWED_MAGICS = ("%matplotlib", "%time ", "%timeit", "%%time", "%%timeit", "%precision", "%config")


@dataclass(frozen=True)
class Problem:
    """One reason an answer may not be the student's own: ``name`` is the forbidden nnlab
    name it uses, or None for a construct that could hide any of them."""

    cell: int
    line: int
    name: str | None
    what: str

    def __str__(self):
        return f"cell {self.cell + 1}, line {self.line}: {self.what}"


def _strip_magics(source: str, cell: int, problems: list) -> str:
    lines = []
    for k, line in enumerate(source.splitlines(), start=1):
        s = line.lstrip()
        if s.startswith(("%", "!")):
            if not s.startswith(ALLOWED_MAGICS):
                problems.append(Problem(cell, k, None, f"the IPython command `{s.split()[0]}` is not allowed in graded work"))
            lines.append("")
        else:
            lines.append(line)
    return "\n".join(lines)


def own_code_problems(sources, forbidden) -> list[Problem]:
    """Why the code in ``sources`` (the student's cells, in order) may not be their own.

    forbidden: nnlab names (e.g. ``"dense_forward"``) an answer may not use.
    """
    forbidden = set(forbidden)
    problems: list[Problem] = []
    aliases = {"nnlab"}          # names bound to nnlab or one of its modules
    sys_aliases = {"sys"}
    for cell, source in enumerate(sources):
        try:
            tree = ast.parse(_strip_magics(source, cell, problems))
        except SyntaxError:
            continue
        parents = {}
        for node in ast.walk(tree):
            for child in ast.iter_child_nodes(node):
                parents[child] = node
        for node in ast.walk(tree):
            line = getattr(node, "lineno", 0)
            if isinstance(node, ast.Import):
                for a in node.names:
                    top = a.name.split(".")[0]
                    if top == "nnlab":
                        aliases.add(a.asname or "nnlab")
                        bad = set(a.name.split(".")) & forbidden
                        for name in sorted(bad):
                            problems.append(Problem(cell, line, name, f"imports nnlab's `{name}`"))
                    elif top in INDIRECT_MODULES:
                        problems.append(Problem(cell, line, None, f"imports `{a.name}`, which graded work may not use"))
                    elif top == "sys":
                        sys_aliases.add(a.asname or "sys")
            elif isinstance(node, ast.ImportFrom):
                mod = node.module or ""
                top = mod.split(".")[0]
                if top == "nnlab":
                    for a in node.names:
                        if a.name == "*":
                            problems.append(Problem(cell, line, None, f"`from {mod} import *` could hide nnlab's answers"))
                        elif a.name in forbidden:
                            problems.append(Problem(cell, line, a.name, f"imports nnlab's `{a.name}`"))
                        elif mod == "nnlab" and a.name in _submodules():
                            aliases.add(a.asname or a.name)
                elif top in INDIRECT_MODULES:
                    problems.append(Problem(cell, line, None, f"imports from `{mod}`, which graded work may not use"))
                elif top == "sys" and any(a.name == "modules" for a in node.names):
                    problems.append(Problem(cell, line, None, "uses `sys.modules`"))
            elif isinstance(node, ast.Attribute):
                if node.attr in forbidden and _rooted_in(node, aliases):
                    problems.append(Problem(cell, line, node.attr, f"uses nnlab's `{node.attr}`"))
                elif node.attr in INDIRECT_ATTRS and not (node.attr == "modules" and not _rooted_in(node, sys_aliases)):
                    problems.append(Problem(cell, line, None, f"uses `.{node.attr}`, which graded work may not use"))
            elif isinstance(node, ast.Name):
                if node.id in INDIRECT_CALLS and node.id != "open":
                    problems.append(Problem(cell, line, None, f"uses `{node.id}`, which graded work may not use"))
                elif node.id in forbidden and node.id not in _defined_names(tree) and isinstance(node.ctx, ast.Load) \
                        and node.id in aliases:
                    problems.append(Problem(cell, line, node.id, f"uses nnlab's `{node.id}`"))
                elif node.id in aliases and not isinstance(parents.get(node), ast.Attribute) \
                        and isinstance(node.ctx, ast.Load):
                    problems.append(Problem(cell, line, None,
                                            f"uses the module `{node.id}` other than as `{node.id}.<name>`"))
    return sorted(set(problems), key=lambda p: (p.cell, p.line, p.what))


def _submodules() -> set:
    import pkgutil
    from pathlib import Path

    return {m.name for m in pkgutil.iter_modules([str(Path(__file__).parent)])}


def _rooted_in(node: ast.Attribute, aliases) -> bool:
    base = node.value
    while isinstance(base, ast.Attribute):
        base = base.value
    return isinstance(base, ast.Name) and base.id in aliases


def _defined_names(tree) -> set:
    return {n.name for n in ast.walk(tree) if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))}


def check_own_code(functions, forbidden) -> None:
    """For the homework's check cells: raise AssertionError, saying what to change, if any of
    ``functions`` (the student's answers) is nnlab's own or uses a ``forbidden`` nnlab name."""
    messages = []
    for f in functions:
        name = getattr(f, "__name__", repr(f))
        if getattr(f, "__module__", "__main__") != "__main__":
            messages.append(f"`{name}` is {f.__module__}.{name}, not a function you wrote in this notebook")
            continue
        try:
            source = inspect.getsource(f)
        except (OSError, TypeError):
            continue
        for p in own_code_problems([source], forbidden):
            messages.append(f"`{name}`, line {p.line}: {p.what}")
    if messages:
        raise AssertionError(
            "Graded answers must be your own code; an answer that uses nnlab's version scores 0 for that part:\n  "
            + "\n  ".join(messages))
    print("own-code check OK: none of your answers uses nnlab's version")
