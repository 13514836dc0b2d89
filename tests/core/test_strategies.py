"""The public strategies draw valid instance files, and their adversarial cases are what they say."""

from fractions import Fraction

from flint import fmpq
from hypothesis import given, strategies as st

from verify import strategies as vst
from verify.framework import Instance
from verify.integrate import Problem, risk_and_gradient


@given(vst.shallow_instances(d=1, critical_bias=1.0, measure_kinds=("lebesgue", "uniform", "empirical"),
                             target_kinds=("constant", "polynomial", "piecewise-linear")))
def test_critical_bias_makes_the_output_bias_gradient_vanish_exactly(inst):
    parsed = Instance.from_json(inst)
    rg = risk_and_gradient(Problem(parsed.net, parsed.target, parsed.measure))
    assert rg.exact and rg.G[-1] == 0


@given(vst.shallow_instances(zero_probability=1.0))
def test_zero_network_has_only_the_output_bias(inst):
    theta = Instance.from_json(inst).net.theta
    assert all(t == 0 for t in theta[:-1])


@given(vst.deep_instances(d=1, max_depth=3, max_width=3))
def test_deep_instances_parse_with_two_or_more_hidden_layers(inst):
    net = Instance.from_json(inst).net
    assert 2 <= net.depth <= 3 and net.d == 1


@given(st.data())
def test_piecewise_linear_targets_have_knots_on_both_box_ends(data):
    box = data.draw(vst.boxes(1))
    t = data.draw(vst.targets(1, box, kinds=("piecewise-linear",)))
    xs = [Fraction(x) for x, _ in t["knots"]]
    assert xs[0] == box[0][0] and xs[-1] == box[0][1] and xs == sorted(set(xs))


@given(vst.rationals(zero_probability=0.0))
def test_rationals_round_trip_exactly_through_their_text(q):
    assert fmpq(q.numerator, q.denominator) == Instance.from_json(
        {"network": {"widths": [1, 1, 1], "theta": [vst.text(q), "0", "0", "0"]}}).net.theta[0]


@given(vst.shallow_instances(params={"gamma": st.fractions(Fraction(1, 8), 2), "steps": 3, "skip": st.none()}))
def test_params_values_may_be_strategies(inst):
    assert set(inst["params"]) == {"gamma", "steps"} and inst["params"]["steps"] == 3
    assert Fraction(inst["params"]["gamma"]) >= Fraction(1, 8)
