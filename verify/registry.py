"""The registries through which claim families (and users' plugins) extend the core.

The core never imports a family: a family is a module that, when imported, registers what it adds
through the functions here —

* claims and their mutants (`register`), definition variants (`register_variants`);
* network kinds of instance files, ``{"kind": NAME, ...}`` (`register_network_kind`);
* report plots of counterexample instances (`register_instance_plot`);
* command-line subcommands (`register_command`);
* Hypothesis strategies, re-exported by `verify.strategies` (`register_strategies`).

The five papers' families are installed plugins like any other: `load_plugins` imports every module
named in the ``relu_verify.claims`` entry-point group (see ``pyproject.toml``), in the order of the
entry-point names.  Claims are addressed as ``CLAIM[@VARIANT…][~MUTANT]``, e.g.
``cjrr21.degenerate-frozen@deriv0-half`` or ``cjrr21.lyapunov-identity~any-target`` (`resolve`).
"""

from __future__ import annotations

import difflib
import re
import time
from dataclasses import dataclass

from typing import TYPE_CHECKING, Callable

from .errors import InputError

if TYPE_CHECKING:
    from .framework import Claim, Mutant


@dataclass(frozen=True)
class VariantGroup:
    """Mutually exclusive definition variants; ``options`` maps a variant name to its value."""

    name: str
    options: dict
    default: str
    doc: str = ""


CLAIMS: dict[str, Claim] = {}
MUTANTS: dict[str, Mutant] = {}
VARIANT_GROUPS: dict[str, VariantGroup] = {}


def register(claim: Claim) -> Claim:
    """Add ``claim`` (and its mutants) to the registry.  Registering an id again from the same
    module replaces the claim (a notebook cell run twice, a plugin reloaded); from another module
    it is an error (two definitions of one id)."""
    old = CLAIMS.get(claim.id)
    if old is not None:
        if not _same_module(old.evaluate, claim.evaluate):
            raise ValueError(f"claim {claim.id} registered twice (by {getattr(old.evaluate, '__module__', '?')} and "
                             f"{getattr(claim.evaluate, '__module__', '?')})")
        for m in old.mutants:
            MUTANTS.pop(m.id, None)
    CLAIMS[claim.id] = claim
    for m in claim.mutants:
        MUTANTS[m.id] = m
    if _plugin_loading:
        PLUGIN_OF[claim.id] = _plugin_loading[-1]
    return claim


def register_variants(*groups: VariantGroup):
    for g in groups:
        VARIANT_GROUPS[g.name] = g


@dataclass(frozen=True)
class NetworkKind:
    """A network kind of instance files: ``from_json(obj, where)`` builds the network object of a
    JSON object ``{"kind": name, ...}`` (an `InputError` naming ``where`` for bad input)."""

    name: str
    from_json: Callable
    doc: str = ""


@dataclass(frozen=True)
class InstancePlot:
    """A report plot for counterexample instances: ``draw(fig, instance)`` draws the instance
    (a JSON dict) on a matplotlib figure wherever ``applies(instance)`` is true; the first
    registered plot that applies wins, and the core's realization plot is the fallback."""

    name: str
    applies: Callable
    draw: Callable


@dataclass(frozen=True)
class Command:
    """A ``relu-verify`` subcommand.  ``configure(subparsers, limits)`` adds its parser(s) to the
    argparse subparsers (``limits``: the parent parser with ``--seconds``/``--max-memory``, to be
    given as ``parents=[limits]`` where the budget applies); ``run(args)`` returns the exit code.
    ``guarded``: run under the time and memory watchdog; ``output_options``: options naming
    output files, validated before any computation."""

    name: str
    configure: Callable
    run: Callable
    guarded: bool = True
    output_options: tuple = ()


NETWORK_KINDS: dict[str, NetworkKind] = {}
STRATEGY_MODULES: dict[str, object] = {}  # module name -> a family's strategies module
INSTANCE_PLOTS: list[InstancePlot] = []
COMMANDS: dict[str, Command] = {}
ENTRY_POINT_GROUP = "relu_verify.claims"


def _same_module(a, b) -> bool:
    """Whether two registered functions come from the same module (a re-import replaces)."""
    return getattr(a, "__module__", None) == getattr(b, "__module__", None)


def register_network_kind(kind: NetworkKind) -> NetworkKind:
    old = NETWORK_KINDS.get(kind.name)
    if old is not None and not _same_module(old.from_json, kind.from_json):
        raise ValueError(f"network kind {kind.name!r} registered by two modules")
    NETWORK_KINDS[kind.name] = kind
    return kind


def register_instance_plot(plot: InstancePlot) -> InstancePlot:
    for k, old in enumerate(INSTANCE_PLOTS):
        if old.name == plot.name:
            if not _same_module(old.draw, plot.draw):
                raise ValueError(f"instance plot {plot.name!r} registered by two modules")
            INSTANCE_PLOTS[k] = plot
            return plot
    INSTANCE_PLOTS.append(plot)
    return plot


def register_strategies(module):
    """Make the public strategies of a family's module reachable as ``verify.strategies.NAME`` as
    well (the module's own path stays the canonical one)."""
    STRATEGY_MODULES[module.__name__] = module
    return module


def register_command(command: Command) -> Command:
    old = COMMANDS.get(command.name)
    if command.name in CORE_COMMANDS or (old is not None and not _same_module(old.run, command.run)):
        raise ValueError(f"command {command.name!r} registered twice")
    COMMANDS[command.name] = command
    return command


CORE_COMMANDS = ("list", "check", "search", "suite", "report", "recheck")
PLUGIN_OF: dict[str, str] = {}  # claim id -> the --plugin spec (file or module) that registered it
USER_PLUGINS: list[str] = []  # the --plugin specs loaded, in order
_plugin_loading: list[str] = []
PLUGINS: list[str] = []  # modules loaded by `load_plugins`, in order
_plugins_started = False  # set while loading and after: a plugin's own lookups do not recurse


def load_plugins():
    """Import every module of the ``relu_verify.claims`` entry-point group once, in the order of
    the entry-point names (importing a plugin registers its claims, network kinds, plots and
    commands).  `InputError` if the group is empty: relu-verify is not installed."""
    global _plugins_started
    if _plugins_started:
        return
    from importlib.metadata import entry_points

    _plugins_started = True
    try:
        eps = sorted(entry_points(group=ENTRY_POINT_GROUP), key=lambda e: (e.name, e.value))
        for ep in eps:
            if ep.value not in PLUGINS:  # the same plugin seen through two installs
                _load_entry_point(ep)
                PLUGINS.append(ep.value)
        if not PLUGINS:
            raise InputError(f"no claim families found: the entry points of '{ENTRY_POINT_GROUP}' are missing — "
                             f"install relu-verify (python3 -m pip install .) instead of running it from a source tree",
                             "install")
    except BaseException:
        _plugins_started = False
        raise


_ID = re.compile(r"^([A-Za-z0-9_.\-]+?)((?:[@~][A-Za-z0-9_.\-]+)*)$")


def resolve(ref: str, extra_variants=()) -> tuple[Claim, Mutant | None, dict]:
    """Parse ``CLAIM[@VARIANT…][~MUTANT]`` into the claim, the mutant (or None) and the selected
    variant values {group: value} (defaults filled in)."""
    load_plugins()
    m = _ID.match(ref.strip())
    if not m:
        raise InputError(f"malformed claim reference {ref!r} (CLAIM[@VARIANT...][~MUTANT])", "claim")
    base = m.group(1)
    if base not in CLAIMS:
        close = difflib.get_close_matches(base, list(CLAIMS), n=1, cutoff=0.6) or [
            c for c in CLAIMS if base.split(".")[-1] in c]
        hint = f"; did you mean {close[0]}?" if close else "; see `relu-verify list`"
        raise InputError(f"unknown claim id {base!r}{hint}", "claim")
    claim = CLAIMS[base]
    mutant, names = None, list(extra_variants)
    for tok in re.findall(r"[@~][^@~]+", m.group(2)):
        if tok[0] == "~":
            mid = f"{base}~{tok[1:]}"
            if mid not in MUTANTS:
                known = [x.id for x in claim.mutants]
                close = difflib.get_close_matches(mid, known, n=1, cutoff=0.6)
                hint = f"did you mean {close[0]}? " if close else ""
                raise InputError(f"unknown mutant {mid!r} ({hint}mutants of {base}: {', '.join(known) or 'none'})",
                                 "claim")
            mutant = MUTANTS[mid]
        else:
            names.append(tok[1:])
    chosen: dict = {}
    for name in names:
        group = next((g for g in VARIANT_GROUPS.values() if name in g.options), None)
        if group is None or group.name not in claim.variant_groups:
            allowed = [o for g in claim.variant_groups for o in VARIANT_GROUPS[g].options]
            raise InputError(f"variant '@{name}' does not apply to {base} (its variants: "
                             f"{', '.join('@' + a for a in allowed) or 'none'})", "claim")
        if group.name in chosen and chosen[group.name][0] != name:
            raise InputError(f"variants '@{chosen[group.name][0]}' and '@{name}' exclude each other", "claim")
        chosen[group.name] = (name, group.options[name])
    if mutant is not None:
        for gname, name in mutant.forced_variants.items():
            chosen[gname] = (name, VARIANT_GROUPS[gname].options[name])
    values = {}
    for gname in claim.variant_groups:
        g = VARIANT_GROUPS[gname]
        name, value = chosen.get(gname, (g.default, g.options[g.default]))
        values[gname] = value
        values[gname + ":name"] = name
        values[gname + ":explicit"] = gname in chosen
    return claim, mutant, values


def _load_entry_point(ep):
    """Import an entry point's module; another package's broken plugin is an `InputError` naming
    it (relu-verify's own families failing to import is a bug and raises as it is)."""
    if getattr(getattr(ep, "dist", None), "name", None) == "relu-verify":
        ep.load()
        return
    try:
        ep.load()
    except (Exception, SystemExit) as e:  # noqa: BLE001  (someone else's code: one line, naming it)
        dist = getattr(getattr(ep, "dist", None), "name", "?")
        raise InputError(f"the plugin {ep.name} = {ep.value} (installed by {dist}) failed to load: "
                         f"{type(e).__name__}: {e}", ENTRY_POINT_GROUP) from None


def load_plugin(spec: str) -> str:
    """Load a user's plugin: a Python file (``my_claims.py``, any folder) or an importable module
    name (``mypkg.claims``); importing it registers its claims.  Returns the spec as recorded for
    re-check commands.  A missing file or module, or an exception while importing it, is an
    `InputError` naming the plugin (the plugin's own error, with its line, in the message)."""
    import hashlib
    import importlib
    import importlib.util
    import sys
    from pathlib import Path

    load_plugins()
    if spec in USER_PLUGINS:
        return spec
    is_file = spec.endswith(".py") or "/" in spec or "\\" in spec
    _plugin_loading.append(spec)
    try:
        if is_file:
            path = Path(spec)
            if not path.is_file():
                raise InputError(f"no such plugin file: {spec}", "--plugin")
            same = [u for u in USER_PLUGINS if u.endswith(".py") and Path(u).name == path.name
                    and Path(u).resolve() != path.resolve()]
            if same:
                raise InputError(f"two plugin files named {path.name} ({same[0]} and {spec}): rename one (reports "
                                 f"keep a copy of each plugin under its file name)", "--plugin")
            digest = hashlib.sha1(str(path.resolve()).encode()).hexdigest()[:10]
            name = "relu_verify_plugin_" + "".join(c if c.isalnum() else "_" for c in path.stem) + "_" + digest
            module_spec = importlib.util.spec_from_file_location(name, path.resolve())
            if module_spec is None or module_spec.loader is None:
                raise InputError(f"cannot load {spec} as a Python file", "--plugin")
            module = importlib.util.module_from_spec(module_spec)
            sys.modules[name] = module
            try:
                module_spec.loader.exec_module(module)
            except BaseException:
                sys.modules.pop(name, None)
                raise
        else:
            try:
                found = importlib.util.find_spec(spec)
            except (ImportError, ValueError):
                found = None
            if found is None:
                raise InputError(f"no module named {spec!r} (a plugin is a .py file or an importable module)", "--plugin")
            importlib.import_module(spec)
    except InputError:
        raise
    except (Exception, SystemExit) as e:  # noqa: BLE001  (the user's code: report it in one line)
        raise InputError(f"plugin {spec} failed to load: {type(e).__name__}: {_where_in(e, spec)}{e}", "--plugin") from None
    finally:
        _plugin_loading.pop()
    USER_PLUGINS.append(spec)
    return spec


def _where_in(e: BaseException, spec: str) -> str:
    """``line N: `` of the innermost frame of the plugin's own file in the traceback, if any."""
    import traceback

    frames = [f for f in traceback.extract_tb(e.__traceback__) if f.filename.endswith(spec.split("/")[-1])]
    if isinstance(e, SyntaxError) and e.lineno:
        return f"line {e.lineno}: "
    return f"line {frames[-1].lineno}: " if frames else ""


def plugin_args(ref: str) -> list[str]:
    """``["--plugin", NAME]`` for a claim (or mutant) registered by a user's plugin, else []: what a
    re-check command needs to find the claim.  A plugin file is named by its file name alone — the
    report folder holds a copy and re-check commands run there; a module by its name."""
    from pathlib import Path

    base = ref.split("~")[0].split("@")[0]
    spec = PLUGIN_OF.get(base)
    if not spec:
        return []
    return ["--plugin", Path(spec).name if spec.endswith(".py") else spec]


# --------------------------------------------------------------------------------------------
# certificate kinds (``relu-verify recheck FILE`` dispatches on the file's "kind")


@dataclass(frozen=True)
class CertificateKind:
    """A kind of certificate file: ``recheck(obj)`` re-verifies the certificate ``obj`` (a JSON
    dict with ``"kind": name``) independently and returns a dict with at least ``"ok"`` (bool) and
    ``"reason"`` (one line); bad input is an `InputError`."""

    name: str
    recheck: Callable
    doc: str = ""


CERTIFICATE_KINDS: dict[str, CertificateKind] = {}


def register_certificate_kind(name: str, recheck: Callable, doc: str = "") -> CertificateKind:
    old = CERTIFICATE_KINDS.get(name)
    if old is not None and not _same_module(old.recheck, recheck):
        raise ValueError(f"certificate kind {name!r} registered by two modules")
    CERTIFICATE_KINDS[name] = CertificateKind(name, recheck, doc)
    return CERTIFICATE_KINDS[name]


def recheck_certificate(obj) -> dict:
    """Re-verify a certificate through the checker its ``"kind"`` registered."""
    load_plugins()
    from . import regions  # noqa: F401  (the core's own kind registers on import)

    if not isinstance(obj, dict) or not isinstance(obj.get("kind"), str):
        raise InputError("a certificate is a JSON object with a 'kind'", "certificate")
    kind = CERTIFICATE_KINDS.get(obj["kind"])
    if kind is None:
        raise InputError(f"unknown certificate kind {obj['kind']!r} (known: {', '.join(sorted(CERTIFICATE_KINDS))})",
                         "certificate")
    return kind.recheck(obj)
