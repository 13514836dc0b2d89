import verify
from verify import strategies as vs

@verify.claim(id="me.output-bias-gradient-zero", statement="∂ℒ/∂c = 0 for every θ",
              provenance="DERIVED", instances=lambda: vs.shallow_instances())
def output_bias_gradient_zero(ev):
    rg = ev.risk_grad(ev.inst.net)
    return [verify.relation("∂ℒ/∂c = 0", rg.G[-1], "=", 0)], []



@verify.claim(id="me.output-bias-gradient-formula", provenance="DERIVED",
              statement="∂ℒ/∂c = 2 Σ_k w_k (𝒩_θ(x_k) − f(x_k)) on an empirical measure Σ_k w_k δ_{x_k}",
              instances=lambda: vs.shallow_instances(measure_kinds=("empirical",), constant_target=False))
def output_bias_gradient_formula(ev):
    mu, net, f = ev.inst.measure, ev.inst.net, ev.inst.target
    empirical = verify.hypothesis("μ is an empirical measure", hasattr(mu, "points"))
    if not empirical.holds:  # outside the claim's scope: a vacuous HOLDS, never VIOLATED
        return [], [empirical]
    residuals = [w * (ev.realization(net, x) - f.value(x, ev.ctx)) for x, w in zip(mu.points, mu.weights)]
    return [verify.relation("∂ℒ/∂c = 2 Σ_k w_k r(x_k)", ev.risk_grad(net).G[-1], "=", 2 * sum(residuals))], [empirical]
