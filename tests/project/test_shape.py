"""The shape of the code (issue 20, "Readable code"), read from its own imports with ``ast``.

The figures come from ``scripts/shape.py`` (``.venv/bin/python scripts/shape.py`` prints them
all); each test prints the offenders it finds. No database, no Django setup needed.
"""

import importlib.util
import sys
from pathlib import Path

import pytest

_PATH = Path(__file__).resolve().parents[2] / "scripts" / "shape.py"
_spec = importlib.util.spec_from_file_location("_shape", _PATH)
shape_module = importlib.util.module_from_spec(_spec)
sys.modules[_spec.name] = shape_module  # dataclasses look their module up there
_spec.loader.exec_module(shape_module)


@pytest.fixture(scope="module")
def shape():
    return shape_module.measure()


def _offenders(title, lines):
    return title + "\n" + "\n".join(f"  {line}" for line in lines)


def test_the_packages_are_the_project_apps_on_their_ground(shape):
    from django.conf import settings

    assert shape.packages == ["mirps", *settings.PROJECT_APPS]
    assert all(shape.lines[package] > 0 for package in shape.packages)


def test_each_app_imports_only_the_apps_before_it(shape):
    violations = shape.order_violations()
    assert not violations, _offenders(
        "Imports against the order of settings.PROJECT_APPS (mirps first):",
        map(shape_module.describe, violations),
    )


def test_no_cycle_between_packages(shape):
    found = shape.package_cycles()
    assert not found, _offenders(
        "Cycles between packages:",
        [
            f"{' <-> '.join(c)}: "
            + "; ".join(map(shape_module.describe, shape_module.cycle_edges(shape, c, "package")))
            for c in found
        ],
    )


@pytest.mark.parametrize("with_local", [False, True], ids=["module-level", "also-in-functions"])
def test_no_cycle_between_modules(shape, with_local):
    # Module-level imports first; then the same graph with the imports written inside
    # functions, so that a cycle is not merely dodged by importing late.
    found = shape.module_cycles(with_local=with_local)
    assert not found, _offenders(
        "Cycles between modules:",
        [
            f"{' <-> '.join(c)}: "
            + "; ".join(
                map(
                    shape_module.describe,
                    shape_module.cycle_edges(shape, c, "module", with_local=with_local),
                )
            )
            for c in found
        ],
    )


def test_no_package_holds_more_than_its_share_of_the_code(shape):
    package, share = shape.largest()
    assert share <= shape_module.MAX_SHARE, _offenders(
        f"{package} holds {share:.1%} of the non-blank lines:",
        [f"{p}: {shape.lines[p]} ({shape.share(p):.1%})" for p in shape.packages],
    )


def test_few_long_functions_and_each_with_its_reason(shape):
    long = sorted(shape.long_functions, key=lambda f: -f.length)
    listing = [
        f"{f.module}.{f.name} (line {f.line}): {f.length} lines"
        + (f" - {f.reason}" if f.reason else " - no reason written beside it")
        for f in long
    ]
    assert len(long) <= shape_module.MAX_LONG_FUNCTIONS, _offenders(
        f"{len(long)} functions over {shape_module.LONG_FUNCTION} lines "
        f"(at most {shape_module.MAX_LONG_FUNCTIONS}):",
        listing,
    )
    assert all(f.reason for f in long), _offenders("Long functions without a reason:", listing)


def test_few_imports_of_another_app_inside_functions(shape):
    local = shape.local_imports()
    assert len(local) <= shape_module.MAX_LOCAL_IMPORTS, _offenders(
        f"{len(local)} imports of another package inside functions "
        f"(at most {shape_module.MAX_LOCAL_IMPORTS}):",
        map(shape_module.describe, local),
    )


def test_the_reader_finds_what_the_checks_count():
    """The analysis itself, on two made-up modules: a cycle dodged by a late import, an import
    under TYPE_CHECKING left out, a long function and the reason written above it."""
    from pathlib import Path

    modules = {"a": Path("a/__init__.py"), "a.x": Path("a/x.py"), "b.y": Path("b/y.py")}
    sources = {
        "a.x": (
            "from typing import TYPE_CHECKING\n"
            "from b.y import thing\n"
            "if TYPE_CHECKING:\n"
            "    from b import y\n"
            "# Long: one table of cases, read top to bottom.\n"
            "def long():\n" + "    pass\n" * 85
        ),
        "b.y": "def late():\n    from a.x import long\n    from . import y\n",
    }
    shape = shape_module.Shape(packages=["b", "a"], lines={"a": 1, "b": 1})
    for module, source in sources.items():
        reader = shape_module._Reader(module, modules[module], modules, source.splitlines())
        reader.visit(shape_module.ast.parse(source))
        shape.imports.extend(reader.imports)
        shape.long_functions.extend(reader.long_functions)
    described = sorted(map(shape_module.describe, shape.imports))
    assert described == [
        "a.x:2 imports b.y (module level)",
        "a.x:4 imports b.y (module level)",
        "b.y:2 imports a.x (in a function)",
        "b.y:3 imports b.y (in a function)",  # relative, resolved; its own package
    ]
    assert [i.type_checking for i in shape.imports if i.line == 4] == [True]
    assert shape.module_cycles() == []
    assert shape.module_cycles(with_local=True) == [["a.x", "b.y"]]
    assert shape.package_cycles() == [["a", "b"]]
    assert [shape_module.describe(i) for i in shape.order_violations()] == [
        "b.y:2 imports a.x (in a function)"
    ]
    assert [shape_module.describe(i) for i in shape.local_imports()] == [
        "b.y:2 imports a.x (in a function)"
    ]
    (long,) = shape.long_functions
    assert (long.name, long.length) == ("long", 86)
    assert long.reason == "Long: one table of cases, read top to bottom."
