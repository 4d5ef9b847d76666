"""Each step written out with its numbers: gradient, momentum, Adam, Newton, Armijo and
BFGS; noise and schedules; refused steps; ``descend --explain`` on the command line."""

import numpy as np
import pytest

from app.cli import main
from app.core.descent import run
from app.core.explain import explain_run, explain_step, num, vec
from app.core.expression import compile_expression


@pytest.fixture(scope="module")
def bowl():
    return compile_expression("x^2 + y^2")


def test_gradient_step_reads_like_the_book(bowl):
    t = run(bowl, "gradient", (1.0, 1.0), 0.1, max_steps=3, gtol=0)
    assert explain_step(t, 0) == (
        "x₀ → x₁\n"
        "  g = ∇f(1, 1) = (2, 2)\n"
        "  x₁ = x₀ − η·g = (1, 1) − 0.1·(2, 2) = (0.8, 0.8)\n"
        "  f(x₀) = 2 → f(x₁) = 1.28")
    assert "x₂ = x₁ − η·g = (0.8, 0.8) − 0.1·(1.6, 1.6) = (0.64, 0.64)" in explain_step(t, 1)
    assert explain_step(t, 3) == "x₃: reached the step limit"
    with pytest.raises(IndexError, match="steps 0…3"):
        explain_step(t, 4)


def test_momentum_shows_the_velocity(bowl):
    t = run(bowl, "momentum", (1.0, 1.0), 0.1, max_steps=2, gtol=0)
    text = explain_step(t, 1)
    assert "v₂ = β·v₁ + g = 0.9·(2, 2) + (1.6, 1.6) = (3.4, 3.4)" in text
    assert "x₂ = x₁ − η·v₂ = (0.8, 0.8) − 0.1·(3.4, 3.4) = (0.46, 0.46)" in text


def test_adam_shows_m_v_and_their_corrections(bowl):
    t = run(bowl, "adam", (1.0, 1.0), 0.1, max_steps=2, gtol=0)
    text = explain_step(t, 0)
    for line in ("m₁ = β1·m₀ + (1−β1)·g = 0.9·(0, 0) + 0.1·(2, 2) = (0.2, 0.2)",
                 "v₁ = β2·v₀ + (1−β2)·g² = 0.999·(0, 0) + 0.001·(4, 4) = (0.004, 0.004)",
                 "m̂ = m₁/(1−β1¹) = (2, 2),  v̂ = v₁/(1−β2¹) = (4, 4)",
                 "step = η·m̂/(√v̂ + ε) = (0.1, 0.1)   (per coordinate)",
                 "x₁ = x₀ − step = (1, 1) − (0.1, 0.1) = (0.9, 0.9)"):
        assert line in text


def test_newton_shows_h_and_its_eigenvalues():
    t = run(compile_expression("x^2 + 10y^2"), "newton", (1.0, 1.0), 1.0)
    text = explain_step(t, 0)
    assert "H = ∇²f(1, 1) = [[2, 0], [0, 20]],  eigenvalues λ = 2, 20" in text
    assert "d = H⁻¹g = (1, 1)" in text and "= (0, 0)" in text
    saddle = run(compile_expression("x^2 + x^4/4 - y^2"), "newton", (1.0, 0.5), 1.0,
                 max_steps=1)
    text = explain_step(saddle, 0)
    assert "eigenvalues λ = -2, 5" in text and "λ → max(|λ|, δ) = 2, 5" in text
    assert "d = H̃⁻¹g = (0.6, -0.5)" in text


def test_armijo_lists_each_trial(bowl):
    t = run(bowl, "armijo", (1.0, 1.0), 1.0)
    text = explain_step(t, 0)
    assert "try t = 1: f(x₀ − t·g) = 2 > f(x₀) + c·t·(−‖g‖²) = 1.9992  → halve" in text
    assert "try t = 0.5: f(x₀ − t·g) = 0 ≤ f(x₀) + c·t·(−‖g‖²) = 1.9996  ✓" in text
    assert "x₁ = x₀ − t·g = (1, 1) − 0.5·(2, 2) = (0, 0)" in text


def test_bfgs_shows_b_p_and_the_trials(bowl):
    t = run(bowl, "bfgs", (1.0, 1.0), 1.0)
    text = explain_step(t, 0)
    assert "B = [[1, 0], [0, 1]]" in text and "p = −B·g = (-2, -2),  gᵀp = -8" in text
    assert "try t = 0.5: f(x₀ + t·p) = 0 ≤ f(x₀) + c·t·gᵀp = 1.9996  ✓" in text
    assert "x₁ = x₀ + t·p = (1, 1) + 0.5·(-2, -2) = (0, 0)" in text


def test_noise_and_schedule_are_written_out(bowl):
    t = run(bowl, "gradient", (1.0, 1.0), 0.1, max_steps=2, gtol=0, noise=0.1, seed=3,
            schedule="exponential:gamma=0.9")
    text = explain_step(t, 1)
    xi = (t.notes["g"][1] - t.gradients[1]) / 0.1
    assert f"g̃ = g + σ·ξ = {vec(t.gradients[1])} + 0.1·{vec(xi)} = {vec(t.notes['g'][1])}" \
        in text
    assert "η₁ = 0.09   (η_t = η · 0.9^t, η = 0.1)" in text
    assert f"x₂ = x₁ − η·g̃ = {vec(t.points[1])} − 0.09·" in text


def test_one_dimensional_and_a_refused_step():
    t = run(compile_expression("x^2"), "gradient", (1.0,), 1.5, max_steps=2, gtol=0)
    assert "x₂ = x₁ − η·g = -2 − 1.5·(-4) = 4" in explain_step(t, 1)
    assert "g = f′(-2) = -4" in explain_step(t, 1)

    class Uphill:
        dim = 1

        def value_and_gradient(self, p):
            p = np.asarray(p, float)
            return (p**2).sum(-1), -2 * p

    stuck = run(Uphill(), "armijo", (1.0,), 1.0)
    text = explain_step(stuck, 0)
    assert text.startswith("x₀ → x₁: not taken — stopped: no step along the search direction")
    assert text.count("try t = ") == 31


def test_explain_run_ends_with_the_reason(bowl):
    t = run(bowl, "newton", (1.0, 1.0), 1.0)
    text = explain_run(t)
    assert text.endswith("x₁: converged: the slope is flat here (‖∇f‖ ≤ tolerance) "
                         "(after 1 step)")
    assert num(1e-300) == "1e-300" and num(float("nan")) == "undefined"


def test_descend_explain_on_the_command_line(capsys):
    assert main(["descend", "--expr", "x^2 + y^2", "--start", "1", "1", "--lr", "0.1",
                 "--steps", "3", "--explain"]) == 0
    out = capsys.readouterr().out
    assert "g = ∇f(1, 1) = (2, 2)" in out
    assert "x₁ = x₀ − η·g = (1, 1) − 0.1·(2, 2) = (0.8, 0.8)" in out
    assert "f(x₀) = 2 → f(x₁) = 1.28" in out
    assert out.count(" → x") == 3 and "reached the step limit (after 3 steps)" in out


def test_descend_explain_with_newton_noise_and_schedule(capsys):
    assert main(["descend", "--expr", "x^2 + 10y^2", "--start", "1", "1", "--rule", "newton",
                 "--lr", "1", "--explain"]) == 0
    assert "eigenvalues λ = 2, 20" in capsys.readouterr().out
    assert main(["descend", "--preset", "bowl", "--noise", "0.1", "--seed", "5", "--schedule",
                 "warmup:steps=5", "--steps", "2", "--explain"]) == 0
    out = capsys.readouterr().out
    assert "g̃ = g + σ·ξ" in out and "η₀ = 0.02" in out


@pytest.mark.parametrize("args, fragment", [
    (["--schedule", "warp"], "unknown schedule 'warp'"),
    (["--schedule", "step:every=0"], "every must be a whole number"),
    (["--noise", "-1"], "noise σ must be"),
    (["--noise", "x"], "not a number"),
    (["--seed", "1.5"], "invalid int value"),
])
def test_bad_noise_and_schedule_options(capsys, args, fragment):
    assert main(["descend", "--preset", "bowl", *args]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and err.count("\n") == 1 and fragment in err


def test_noise_seed_and_schedule_apply_to_every_walker(capsys):
    import json
    from pathlib import Path

    scene = Path(__file__).parents[2] / "resources" / "scenes" / "compare-optimisers.json"
    args = ["descend", "--scene", str(scene), "--steps", "5", "--json"]
    assert main([*args, "--noise", "0.2", "--seed", "4"]) == 0
    noisy = json.loads(capsys.readouterr().out)
    assert main([*args, "--noise", "0.2", "--seed", "4"]) == 0
    assert json.loads(capsys.readouterr().out) == noisy
    assert main(args) == 0
    plain = json.loads(capsys.readouterr().out)
    for a, b in zip(noisy["walkers"], plain["walkers"], strict=True):
        assert a["points"][0] == b["points"][0] and a["points"][1] != b["points"][1]
