"""The architecture as a test: the core never imports a family package, and no family imports
another; families reach the core only through its registries (read from the source, not run)."""

import ast
from importlib.metadata import entry_points
from pathlib import Path

import verify
from verify.registry import ENTRY_POINT_GROUP

ROOT = Path(verify.__file__).parent
FAMILIES = sorted(ep.value for ep in entry_points(group=ENTRY_POINT_GROUP) if ep.value.startswith("verify."))


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imported_modules(path: Path) -> set[str]:
    return imports_of(path.read_text(), module_name(path), path.name == "__init__.py")


def imports_of(source: str, here: str, is_package: bool) -> set[str]:
    """Every module an import statement of module ``here`` names (relative imports resolved; ``from
    P import m`` counts P.m as well, since m may be a module)."""
    package = here if is_package else here.rsplit(".", 1)[0]
    found = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                mod = ".".join(base + ([node.module] if node.module else []))
            else:
                mod = node.module
            found.add(mod)
            found.update(f"{mod}.{a.name}" for a in node.names)
    return found


def family_of(module: str) -> str | None:
    return next((f for f in FAMILIES if module == f or module.startswith(f + ".")), None)


def test_the_five_papers_are_plugins():
    assert FAMILIES == ["verify.beg19", "verify.cjrr21", "verify.ejrw22", "verify.gsgd19", "verify.yoneda23"]
    for fam in FAMILIES:
        assert (ROOT / fam.split(".")[1] / "__init__.py").is_file()


def test_core_never_imports_a_family():
    bad = []
    for path in sorted(ROOT.rglob("*.py")):
        if family_of(module_name(path)) is None:
            bad += [f"{module_name(path)} imports {m}" for m in sorted(imported_modules(path)) if family_of(m)]
    assert not bad, bad


def test_no_family_imports_another():
    bad = []
    for path in sorted(ROOT.rglob("*.py")):
        own = family_of(module_name(path))
        if own is not None:
            bad += [f"{module_name(path)} imports {m}" for m in sorted(imported_modules(path))
                    if family_of(m) not in (None, own)]
    assert not bad, bad


def test_the_import_reader_sees_planted_family_imports():
    """The checker itself can fail: relative and absolute imports of a family are all seen."""
    src = "from .yoneda23 import d0\nfrom . import gsgd19\ndef f():\n    import verify.beg19.fibre\n"
    found = imports_of(src, "verify.report", False)
    assert {"verify.yoneda23.d0", "verify.gsgd19", "verify.beg19.fibre"} <= found
    assert {family_of(m) for m in found} >= {"verify.yoneda23", "verify.gsgd19", "verify.beg19"}
    inside = imports_of("from ..cjrr21.claims import X\n", "verify.ejrw22.claims", False)
    assert family_of("verify.cjrr21.claims") in {family_of(m) for m in inside}


def spec_of(name: str):
    """The module spec of ``name``, or None (also where a parent is a plain module)."""
    import importlib.util

    try:
        return importlib.util.find_spec(name)
    except (ImportError, AttributeError, ValueError):
        return None


def test_every_import_of_the_package_resolves():
    """Imports inside functions run only when their branch does: check all of them up front (a
    module moved in the layout must not leave a lazy import pointing at its old place)."""
    import importlib
    import importlib.util

    bad = []
    for path in sorted(ROOT.rglob("*.py")):
        here = module_name(path)
        package = here if path.name == "__init__.py" else here.rsplit(".", 1)[0]
        for node in ast.walk(ast.parse(path.read_text())):
            if not (isinstance(node, ast.ImportFrom) and node.module != "__future__"):
                continue
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                mod = ".".join(base + ([node.module] if node.module else []))
            else:
                mod = node.module
            if not mod.startswith("verify"):
                continue
            if spec_of(mod) is None:
                bad.append(f"{here}:{node.lineno} {mod}")
                continue
            m = importlib.import_module(mod)
            bad += [f"{here}:{node.lineno} {mod}.{a.name}" for a in node.names
                    if not hasattr(m, a.name) and spec_of(f"{mod}.{a.name}") is None]
    assert not bad, bad
