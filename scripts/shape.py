"""The shape of the code, read from its own imports (issue 20, "Readable code").

    .venv/bin/python scripts/shape.py

prints, for the project's packages (``settings.PROJECT_APPS`` and ``mirps``; tests, migrations,
benchmarks and scripts aside):

- the non-blank lines of each package and its share of the whole;
- the imports between packages that go against the order of ``PROJECT_APPS`` (an app imports
  only the apps before it, ``mirps`` is the ground for all; ``mirps/urls.py`` and
  ``mirps/settings.py`` may import every app), and the cycles between packages;
- the cycles between modules (imports at module level; imports under ``if TYPE_CHECKING:`` are
  left out, they do not run);
- the functions over 80 lines (from ``def`` to the end of the body) and the reason written beside
  each (the comment just above the ``def`` or its decorators);
- the imports of another project package inside functions.

``tests/test_shape.py`` asserts the limits on the same figures (``measure()``); the numbers here
are what the README and the notes quote. Exit status 1 when a limit is exceeded.
"""

from __future__ import annotations

import ast
import re
import sys
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GROUND = "mirps"
# These two may import every app: the URL conf wires every app's views, the settings name them.
EXEMPT = {"mirps.urls", "mirps.settings"}
SKIPPED_DIRS = {"migrations", "tests", "__pycache__"}

MAX_SHARE = 0.35
LONG_FUNCTION = 80
MAX_LONG_FUNCTIONS = 3
MAX_LOCAL_IMPORTS = 5


@dataclass(frozen=True)
class Import:
    source: str  # the importing module, dotted
    target: str  # the imported project module, dotted
    line: int
    in_function: bool
    type_checking: bool

    @property
    def source_package(self) -> str:
        return self.source.split(".")[0]

    @property
    def target_package(self) -> str:
        return self.target.split(".")[0]


@dataclass(frozen=True)
class LongFunction:
    module: str
    name: str  # qualified within the module: Class.method, outer.<locals>.inner
    line: int
    length: int
    reason: str  # the comment beside the def, "" when none is written


@dataclass
class Shape:
    packages: list[str]
    lines: dict[str, int]  # package -> non-blank lines
    imports: list[Import] = field(default_factory=list)
    long_functions: list[LongFunction] = field(default_factory=list)

    @property
    def total_lines(self) -> int:
        return sum(self.lines.values())

    def share(self, package: str) -> float:
        return self.lines[package] / self.total_lines

    def largest(self) -> tuple[str, float]:
        package = max(self.lines, key=self.lines.get)
        return package, self.share(package)

    def order_violations(self) -> list[Import]:
        """Imports of a package that is not below the importer in PROJECT_APPS."""
        rank = {package: index for index, package in enumerate(self.packages)}
        return [
            i
            for i in self.imports
            if i.source not in EXEMPT
            and i.source_package != i.target_package
            and rank[i.target_package] >= rank[i.source_package]
        ]

    def package_cycles(self) -> list[list[str]]:
        graph = defaultdict(set)
        for i in self.imports:
            if i.source not in EXEMPT and i.source_package != i.target_package:
                graph[i.source_package].add(i.target_package)
        return cycles(graph)

    def module_cycles(self, *, with_local: bool = False) -> list[list[str]]:
        """Cycles of module-level imports; with_local, also of the imports inside functions
        (a cycle only dodged by a late import)."""
        graph = defaultdict(set)
        for i in self.imports:
            if (with_local or not i.in_function) and not i.type_checking and i.source != i.target:
                graph[i.source].add(i.target)
        return cycles(graph)

    def local_imports(self) -> list[Import]:
        """Imports of another project package written inside a function."""
        return [
            i
            for i in self.imports
            if i.in_function and i.source not in EXEMPT and i.source_package != i.target_package
        ]


def project_packages() -> list[str]:
    """``mirps`` then settings.PROJECT_APPS, read from the settings file without running it."""
    tree = ast.parse((ROOT / GROUND / "settings.py").read_text())
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(
            isinstance(t, ast.Name) and t.id == "PROJECT_APPS" for t in node.targets
        ):
            return [GROUND, *ast.literal_eval(node.value)]
    raise LookupError("PROJECT_APPS not found in mirps/settings.py")


def module_files(packages: list[str]) -> dict[str, Path]:
    """Dotted module name -> file, for every module of the packages (tests, migrations aside)."""
    modules = {}
    for package in packages:
        for path in sorted((ROOT / package).rglob("*.py")):
            parts = path.relative_to(ROOT).with_suffix("").parts
            if SKIPPED_DIRS & set(parts[:-1]):
                continue
            if parts[-1] == "__init__":
                parts = parts[:-1]
            modules[".".join(parts)] = path
    return modules


def resolve(name: str, modules: dict[str, Path]) -> str | None:
    """The project module a dotted name lands in (the longest existing prefix), or None."""
    parts = name.split(".")
    while parts:
        candidate = ".".join(parts)
        if candidate in modules:
            return candidate
        parts.pop()
    return None


class _Reader(ast.NodeVisitor):
    def __init__(self, module: str, path: Path, modules: dict[str, Path], source: list[str]):
        self.module, self.path, self.modules, self.source = module, path, modules, source
        self.is_package = path.name == "__init__.py"
        self.imports: list[Import] = []
        self.long_functions: list[LongFunction] = []
        self._function_depth = 0
        self._type_checking = 0
        self._names: list[str] = []

    # imports -------------------------------------------------------------------------------
    def _add(self, target: str | None, line: int) -> None:
        if target is None:
            return
        found = Import(self.module, target, line, self._function_depth > 0, self._type_checking > 0)
        # one statement importing several names from one module counts once
        if found not in self.imports:
            self.imports.append(found)

    def visit_Import(self, node: ast.Import) -> None:
        for alias in node.names:
            self._add(resolve(alias.name, self.modules), node.lineno)

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        if node.level:
            package = self.module.split(".")
            if not self.is_package:
                package = package[:-1]
            package = package[: len(package) - (node.level - 1)]
            base = ".".join(package + ([node.module] if node.module else []))
        else:
            base = node.module or ""
        for alias in node.names:
            # `from a import b` imports the module a.b when there is one, else names from a
            target = resolve(f"{base}.{alias.name}", self.modules)
            if target is None or target != f"{base}.{alias.name}":
                target = resolve(base, self.modules)
            self._add(target, node.lineno)

    def visit_If(self, node: ast.If) -> None:
        test = node.test
        guarded = (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
            isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
        )
        if not guarded:
            self.generic_visit(node)
            return
        self._type_checking += 1
        for child in node.body:
            self.visit(child)
        self._type_checking -= 1
        for child in node.orelse:
            self.visit(child)

    # functions -----------------------------------------------------------------------------
    def _function(self, node: ast.FunctionDef | ast.AsyncFunctionDef) -> None:
        self._names.append(node.name)
        length = node.end_lineno - node.lineno + 1
        if length > LONG_FUNCTION:
            self.long_functions.append(
                LongFunction(
                    self.module, ".".join(self._names), node.lineno, length, self._reason(node)
                )
            )
        self._names.append("<locals>")
        self._function_depth += 1
        self.generic_visit(node)
        self._function_depth -= 1
        self._names.pop()
        self._names.pop()

    visit_FunctionDef = visit_AsyncFunctionDef = _function

    def visit_ClassDef(self, node: ast.ClassDef) -> None:
        self._names.append(node.name)
        self.generic_visit(node)
        self._names.pop()

    def _reason(self, node: ast.FunctionDef | ast.AsyncFunctionDef) -> str:
        """The comment on the def line, or the comment lines just above the def's decorators."""
        first = min([node.lineno, *(d.lineno for d in node.decorator_list)])
        inline = re.search(r"#\s*(.*)$", self.source[node.lineno - 1])
        comments = []
        index = first - 2
        while index >= 0 and self.source[index].strip().startswith("#"):
            comments.insert(0, self.source[index].strip().lstrip("#").strip())
            index -= 1
        if inline:
            comments.append(inline.group(1).strip())
        return " ".join(comments)


def measure() -> Shape:
    packages = project_packages()
    modules = module_files(packages)
    shape = Shape(packages=packages, lines=dict.fromkeys(packages, 0))
    for module, path in modules.items():
        text = path.read_text()
        source = text.splitlines()
        shape.lines[module.split(".")[0]] += sum(1 for line in source if line.strip())
        reader = _Reader(module, path, modules, source)
        reader.visit(ast.parse(text, filename=str(path)))
        shape.imports.extend(reader.imports)
        shape.long_functions.extend(reader.long_functions)
    return shape


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one node (Tarjan), each sorted."""
    index, low, on_stack, stack, found = {}, {}, set(), [], []
    counter = [0]

    def visit(node: str) -> None:
        # iterative would be longer; the graphs here are a few hundred modules deep at most
        index[node] = low[node] = counter[0]
        counter[0] += 1
        stack.append(node)
        on_stack.add(node)
        for successor in sorted(graph.get(node, ())):
            if successor not in index:
                visit(successor)
                low[node] = min(low[node], low[successor])
            elif successor in on_stack:
                low[node] = min(low[node], index[successor])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return sorted(found)


def cycle_edges(
    shape: Shape, component: list[str], level: str, with_local: bool = False
) -> list[Import]:
    """The imports that hold a cycle together (both ends in the component)."""
    members = set(component)
    if level == "package":
        return [
            i
            for i in shape.imports
            if i.source not in EXEMPT
            and i.source_package in members
            and i.target_package in members
            and i.source_package != i.target_package
        ]
    return [
        i
        for i in shape.imports
        if (with_local or not i.in_function)
        and not i.type_checking
        and i.source in members
        and i.target in members
        and i.source != i.target
    ]


def describe(i: Import) -> str:
    where = "in a function" if i.in_function else "module level"
    return f"{i.source}:{i.line} imports {i.target} ({where})"


def report(shape: Shape) -> list[str]:
    """The figures as lines of text; problems are marked with '!!'."""
    out = [f"Non-blank lines, {shape.total_lines} in all (limit {MAX_SHARE:.0%} per package):"]
    for package in sorted(shape.lines, key=shape.lines.get, reverse=True):
        share = shape.share(package)
        mark = "!!" if share > MAX_SHARE else "  "
        out.append(f"{mark} {package:<14} {shape.lines[package]:>6}  {share:6.1%}")

    violations = shape.order_violations()
    out.append(f"\nImports against the order of PROJECT_APPS: {len(violations)}")
    out.extend(f"!! {describe(i)}" for i in violations)

    package_cycles = shape.package_cycles()
    out.append(f"\nCycles between packages: {len(package_cycles)}")
    for component in package_cycles:
        out.append(f"!! {' <-> '.join(component)}")
        out.extend(f"     {describe(i)}" for i in cycle_edges(shape, component, "package"))

    module_cycles = shape.module_cycles()
    out.append(f"\nCycles between modules: {len(module_cycles)}")
    for component in module_cycles:
        out.append(f"!! {' <-> '.join(component)}")
        out.extend(f"     {describe(i)}" for i in cycle_edges(shape, component, "module"))

    hidden = [c for c in shape.module_cycles(with_local=True) if c not in module_cycles]
    out.append(f"\nCycles between modules dodged by an import inside a function: {len(hidden)}")
    for component in hidden:
        out.append(f"   {' <-> '.join(component)}")
        out.extend(
            f"     {describe(i)}" for i in cycle_edges(shape, component, "module", with_local=True)
        )

    long = sorted(shape.long_functions, key=lambda f: -f.length)
    out.append(
        f"\nFunctions over {LONG_FUNCTION} lines: {len(long)} (limit {MAX_LONG_FUNCTIONS}, "
        "each with its reason)"
    )
    for function in long:
        mark = "  " if function.reason else "!!"
        reason = function.reason or "no reason written beside it"
        out.append(
            f"{mark} {function.module}.{function.name} (line {function.line}): "
            f"{function.length} lines. {reason}"
        )

    local = shape.local_imports()
    out.append(
        f"\nImports of another package inside functions: {len(local)} (limit {MAX_LOCAL_IMPORTS})"
    )
    out.extend(f"   {describe(i)}" for i in local)
    return out


def problems(shape: Shape) -> list[str]:
    """What exceeds the limits, one line each; empty when the shape is within them."""
    found = []
    package, share = shape.largest()
    if share > MAX_SHARE:
        found.append(f"{package} holds {share:.1%} of the lines (limit {MAX_SHARE:.0%})")
    found.extend(f"against PROJECT_APPS order: {describe(i)}" for i in shape.order_violations())
    found.extend(f"package cycle: {' <-> '.join(c)}" for c in shape.package_cycles())
    found.extend(f"module cycle: {' <-> '.join(c)}" for c in shape.module_cycles())
    long = shape.long_functions
    if len(long) > MAX_LONG_FUNCTIONS:
        found.append(
            f"{len(long)} functions over {LONG_FUNCTION} lines (limit {MAX_LONG_FUNCTIONS}): "
            + ", ".join(f"{f.module}.{f.name} ({f.length})" for f in long)
        )
    found.extend(
        f"{f.module}.{f.name} is {f.length} lines with no reason written beside it"
        for f in long
        if not f.reason
    )
    local = shape.local_imports()
    if len(local) > MAX_LOCAL_IMPORTS:
        found.append(
            f"{len(local)} imports of another package inside functions (limit "
            f"{MAX_LOCAL_IMPORTS}): " + "; ".join(describe(i) for i in local)
        )
    return found


def main() -> int:
    shape = measure()
    print("\n".join(report(shape)))
    found = problems(shape)
    print(f"\n{'Within the limits.' if not found else f'{len(found)} problem(s).'}")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
