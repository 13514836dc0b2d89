"""cjrr21 instances: the built-in examples, the witnesses of the planted violations, and the
instance strategies of `relu-verify search`.

* designs: ``DESIGN`` (d = 1, H = 3), ``KINK_AT_ENDS``, ``DEGENERATE``, ``DEAD``, ``ATOMS``,
  ``DENSITY``, ``UNIFORM``, ``TWO_D``, ``THREE_D``, ``ZERO`` (θ = 0), and ``EXAMPLES``;
* witnesses ``P1``–``P11`` (``P5b``, ``P6b``) of the mutants of the spec's list;
* strategies (built lazily: Hypothesis is imported on first search, not when the claims load).
"""

from __future__ import annotations

from ...framework import Instance
from ...numbers import to_json


# --------------------------------------------------------------------------------------------
# instances used as built-in examples and witnesses


def _inst(widths, theta, target="3/4", box=(("0", "1"),), measure=None, params=None, variants=None):
    d = {"network": {"widths": widths, "theta": theta},
         "target": target if isinstance(target, dict) else {"kind": "constant", "value": target},
         "measure": measure or {"kind": "lebesgue", "box": [list(s) for s in box]},
         "params": params or {}}
    if variants:
        d["variants"] = variants
    return d


DESIGN = _inst([1, 3, 1], ["1/2", "-1", "0", "2", "1/3", "0", "-5/7", "1", "2", "3/4"])
KINK_AT_ENDS = _inst([1, 3, 1], ["2", "-3", "1", "0", "3", "-1", "1", "-1/2", "5/4", "-2"], target="1",
                     box=(("0", "1"),))  # kinks at 0, 1 and 1
DEGENERATE = _inst([1, 2, 1], ["0", "1", "0", "-1", "2", "3", "0"], target="1")  # neuron 1 fully degenerate
DEAD = _inst([1, 2, 1], ["-1", "1", "0", "-1", "5", "2", "1/2"], target="-1/3", box=(("0", "1"),))
ATOMS = _inst([1, 2, 1], ["1", "-1", "-1/2", "1/2", "3", "-2", "1/4"], target="1/2",
              measure={"kind": "empirical", "points": [["1/2"], ["1/2"], ["0"], ["1"], ["-1"]]})
DENSITY = _inst([1, 2, 1], ["3", "-2", "-1", "1", "1", "1/2", "-1/5"], target="2",
                measure={"kind": "density", "pieces": [{"interval": ["-1", "0"], "coefficients": ["1", "1"]},
                                                         {"interval": ["0", "1"], "coefficients": ["1", "-1"]}]})
UNIFORM = _inst([1, 2, 1], ["1", "1", "-2", "1", "1", "1", "0"], target="-2",
                measure={"kind": "uniform", "box": [["-2", "3"]]})
TWO_D = _inst([2, 3, 1], ["1", "-1", "0", "2", "1", "1", "1/2", "-1/2", "-1", "2", "-1", "1/2", "1/3"],
              target="1", box=(("0", "1"), ("-1", "1")))
THREE_D = _inst([3, 2, 1], ["1", "-1", "2", "0", "1", "1", "1/2", "-1", "2", "-1", "1/4"], target="1/2",
                box=(("0", "1"), ("0", "1"), ("0", "1")))
ZERO = _inst([1, 1, 1], ["0", "0", "0", "0"], target="1")

EXAMPLES = [DESIGN, KINK_AT_ENDS, DEGENERATE, DEAD, ATOMS, DENSITY, UNIFORM, TWO_D]

P1 = _inst([1, 1, 1], ["0", "-1", "3", "1/2"], target={"kind": "polynomial", "coefficients": ["0", "1"]})
P2 = _inst([1, 1, 1], ["0", "-1", "1", "0"], target="1")
P3 = _inst([1, 1, 1], ["0", "0", "1", "0"], target="0")
P4 = _inst([1, 1, 1, 1], ["0", "1", "1", "0", "1", "0"], target="0")
P5 = _inst([1, 1, 1], ["0", "1", "1", "0"], target="0", params={"alpha": "2", "beta": "1"})
P5b = _inst([1, 1, 1], ["0", "0", "0", "0"], target="1")
P6 = _inst([1, 1, 1], ["0", "0", "0", "0"], target="1", params={"gamma": "101/100", "steps": 1})
P6b = _inst([1, 1, 1], ["0", "0", "0", "1"], target="0", params={"gamma": "3/2", "steps": 1})
P7 = _inst([1, 1, 1], ["0", "0", "0", "0"], target="1", params={"gamma": "1", "steps": 4})
P8 = _inst([1, 1, 1], ["0", "1", "1", "0"], target="0", params={"gamma": "1/10"})
P9 = _inst([1, 1, 1], ["0", "0", "2", "0"], target="1")
P10 = P9
P11 = _inst([1, 1, 1], ["0", "0", "0", "0"], target="1")


# --------------------------------------------------------------------------------------------
# instance strategies for `relu-verify search` (built lazily: Hypothesis is imported on first use)


def _shallow(**kw):
    """() -> strategy: `strategies.shallow_instances` with d ∈ {1, 1, 1, 2}, 𝔠 at its critical
    value a fifth of the time, and ``kw``; a ``params`` value may be a thunk () -> strategy, so
    that Hypothesis is imported on first search, not when the claims load."""
    def make():
        from ... import strategies as vst

        args = {"critical_bias": 0.2, **kw}
        if "params" in args:
            args["params"] = {k: v() if callable(v) else v for k, v in args["params"].items()}
        return vst.shallow_instances(**args)
    return make


def _positive(bound=2, max_denominator=16):
    """Thunk of a strategy of rationals in [1/max_denominator, bound]."""
    def make():
        from fractions import Fraction

        from hypothesis import strategies as st

        return st.fractions(Fraction(1, max_denominator), bound, max_denominator=max_denominator)
    return make


def _steps_st(lo, hi):
    """Thunk of a strategy of step counts in [lo, hi]."""
    def make():
        from hypothesis import strategies as st

        return st.integers(lo, hi)
    return make


def _maybe_step():
    """Thunk: γ absent (the claim's default γ̄) two times in three, else a positive rational."""
    from hypothesis import strategies as st

    return st.one_of(st.none(), st.none(), _positive(1)())


def _deep():
    from ... import strategies as vst

    return vst.deep_instances(d=1, max_depth=2, max_width=2, zero_probability=0.05)


def _gamma_one_over_lambda(inst: dict) -> dict:
    """``inst`` with the constant step γ = 1/λ, λ the measure's total mass (claim P7)."""
    lam = Instance.from_json(inst).measure.total_mass()
    return {**inst, "params": {**inst["params"], "gamma": to_json(1 / lam)}}
