"""Senior banks, part a: expressiveness, gradient_theory and architectures_compared.

Each test pins what a question teaches (the right choice, the planted error, a true/false answer)
and then shows it in torch: the hand-set networks are built and run, the gradient arguments are
differentiated with autograd, and the architecture counts come from real modules. A question whose
claim stops holding fails here.
"""

from __future__ import annotations

import itertools
import math
import re

import pytest
import torch
from torch import nn

from quiz.questions import Free, Multi, Order, Single
from quiz.sources import load_sources, source_ids
from tests.bank_parts import BANK, SENIOR_A, questions_of, right, truth, wrong_line
from tests.bank_parts import question as q
from tests.numeric_checks.expressiveness import scalar_rnn  # the checks set the same nets

MINE = questions_of(SENIOR_A)


def wrong_ones(qid: str) -> list[str]:
    question = q(qid)
    assert isinstance(question, Single)
    return [c.en for i, c in enumerate(question.choices) if i != question.answer]


def picked(qid: str) -> set[int]:
    question = q(qid)
    assert isinstance(question, Multi)
    return set(question.answer)


def weights(text: str) -> dict[str, float]:
    """'w = 4, u = 8, b = -2' -> {'w': 4.0, 'u': 8.0, 'b': -2.0}."""
    return {k: float(v) for k, v in re.findall(r"\b(\w+) = (-?[\d.]+)", text)}


# ---------------------------------------------------------------- the bank itself


def test_part_a_quotas() -> None:
    assert not [p for p in BANK.problems if p.file.stem in SENIOR_A]
    assert len(MINE) >= 40
    for topic in SENIOR_A:
        assert sum(x.topic == topic for x in MINE) >= 12, topic
    level3 = [x for x in MINE if x.difficulty == 3]
    assert len(level3) / len(MINE) >= 0.6
    assert all(x.difficulty >= 2 for x in MINE)


def test_sources_are_readable_citations() -> None:
    table = load_sources()
    for question in MINE:
        for sid in source_ids(question.source):
            assert sid in table, (question.id, sid)
            assert not re.search(r"seed|\.py\b|\.txt\b", table[sid].cite()), question.id


# ---------------------------------------------------------------- networks set by hand


def scalar_gru(h0: float = 0.0, **w: float) -> nn.GRU:
    """nn.GRU(1, 1) with named scalar weights (W_ir, W_iz, W_in, W_hr, ..., b_hn); others 0."""
    gru = nn.GRU(1, 1)
    with torch.no_grad():
        for p in gru.parameters():
            p.zero_()
        for i, gate in enumerate("rzn"):
            gru.weight_ih_l0[i, 0] = w.get(f"W_i{gate}", 0.0)
            gru.weight_hh_l0[i, 0] = w.get(f"W_h{gate}", 0.0)
            gru.bias_ih_l0[i] = w.get(f"b_i{gate}", 0.0)
            gru.bias_hh_l0[i] = w.get(f"b_h{gate}", 0.0)
    return gru


@torch.no_grad()
def run(module: nn.Module, xs, h0: float = 0.0) -> torch.Tensor:
    x = torch.as_tensor(xs, dtype=torch.float32).view(-1, 1, 1)
    out, _ = module(x, torch.full((1, 1, 1), h0))
    return out.view(-1)


def all_bit_strings(max_len: int) -> list[list[int]]:
    return [list(s) for n in range(1, max_len + 1) for s in itertools.product([0, 1], repeat=n)]


def is_latch(w: float, u: float, b: float) -> bool:
    rnn = scalar_rnn(w, u, b)
    for bits in all_bit_strings(10):
        seen = torch.tensor(list(itertools.accumulate(bits, max))) > 0
        if not torch.equal(run(rnn, bits) > 0, seen):
            return False
    return True


def test_tanh_latch_weights() -> None:
    qid = "expressiveness.tanh-latch-weights"
    assert weights(right(qid)) == {"w": 4, "u": 8, "b": -2}
    assert is_latch(**weights(right(qid)))
    for text in wrong_ones(qid):
        assert not is_latch(**weights(text)), text


def test_latch_fixed_points_and_the_size_of_the_kick() -> None:
    line, fix = wrong_line("expressiveness.latch-derivation-spot")
    assert "any u > 0" in line and "6.9" in fix
    f = lambda h: math.tanh(4 * h - 2) - h  # noqa: E731
    grid = [i / 10000 for i in range(-9999, 10000)]
    roots = [b for a, b in itertools.pairwise(grid) if f(a) * f(b) <= 0]
    assert roots[0] == pytest.approx(0.735, abs=1e-3)  # the unstable point
    assert roots[1] == pytest.approx(0.944, abs=1e-3)  # 'on'
    threshold = 6 + math.atanh(roots[0])
    assert threshold == pytest.approx(6.94, abs=0.01)
    late_one = [0] * 20 + [1] + [0] * 20
    assert run(scalar_rnn(4, 6, -2), late_one)[20].item() < 0.15
    assert run(scalar_rnn(4, 6, -2), late_one)[-1].item() < 0  # fell back 'off'
    assert run(scalar_rnn(4, 8, -2), late_one)[-1].item() > 0.9


def test_scaled_latch_trades_gradient_for_robustness() -> None:
    assert "gradient" in right("expressiveness.scaled-latch")
    assert is_latch(40, 80, -20)
    assert torch.tanh(torch.tensor(80.0)).item() == 1.0  # saturates, no overflow
    on_small, on_big = 1.0, 1.0
    for _ in range(50):
        on_small, on_big = math.tanh(4 * on_small - 2), math.tanh(40 * on_big - 20)
    assert on_small == pytest.approx(0.944, abs=1e-3) and 1 - on_big < 1e-6

    def gradient(scale: float) -> float:
        h0 = torch.tensor(1.0, requires_grad=True)
        h = h0
        for _ in range(10):
            h = torch.tanh(scale * (4 * h - 2))
        (grad,) = torch.autograd.grad(h, h0)
        return grad.item()

    assert gradient(1) > 1e-5 and gradient(10) < 1e-30 * gradient(1)


def test_relu_timer() -> None:
    qid = "expressiveness.relu-timer"
    generator = torch.Generator().manual_seed(0)
    bits = torch.bernoulli(torch.full((400,), 0.05), generator=generator).tolist()
    since, target = 0, []
    for bit in bits:
        since = 0 if bit else since + 1
        target.append(float(since))
    correct = weights(right(qid))
    assert torch.equal(run(scalar_rnn(**correct, nonlinearity="relu"), bits), torch.tensor(target))
    for text in wrong_ones(qid):
        out = run(scalar_rnn(**weights(text), nonlinearity="relu"), bits)
        assert not torch.equal(out, torch.tensor(target)), text


def test_tanh_cannot_hold_an_arbitrary_value_the_gru_can() -> None:
    assert "z_t = 1" in right("expressiveness.gru-holds-tanh-cannot")
    assert truth("expressiveness.tanh-hold-any-value") is False
    # tanh with u = 0: over a grid of (w, b), no map keeps more than 3 of 19 starting values.
    starts = torch.linspace(-0.9, 0.9, 19)
    w, b = (
        v.reshape(-1, 1)
        for v in torch.meshgrid(torch.linspace(-5, 5, 41), torch.linspace(-3, 3, 25), indexing="ij")
    )
    h = starts.expand(len(w), -1)
    for _ in range(200):
        h = torch.tanh(w * h + b)
    assert ((h - starts).abs() < 1e-3).sum(1).max().item() <= 3
    # w = 1 decays like sqrt(3 / (2t)): 0.8 -> about 0.12 after 100 steps.
    line, _ = wrong_line("expressiveness.hold-argument-spot")
    assert "w = 1" in line
    assert run(scalar_rnn(1, 0, 0), [0.0] * 100, h0=0.8)[-1].item() == pytest.approx(
        0.12, abs=0.005
    )
    # The GRU with W_iz = W_hz = 0 and b_iz = 30 copies h through large, random inputs.
    assert torch.sigmoid(torch.tensor(30.0)).item() == 1.0
    gru = scalar_gru(b_iz=30, W_in=5, W_hn=2, W_ir=1, W_hr=1)
    generator = torch.Generator().manual_seed(1)
    xs = 10 * torch.randn(1000, generator=generator)
    assert (run(gru, xs, h0=0.3141) - 0.3141).abs().max().item() < 1e-5


PARITY_GRU = {"W_iz": -40.0, "b_iz": 20.0, "b_ir": 10.0, "W_hn": -3.0}


def test_one_unit_gru_tracks_parity() -> None:
    model = q("expressiveness.gru-parity-design")
    assert isinstance(model, Free)
    assert all(
        s in model.model_answer.en for s in ("W_iz = -40, b_iz = 20", "b_ir = 10", "W_hn = -3")
    )
    generator = torch.Generator().manual_seed(2)
    bits = torch.randint(0, 2, (20000,), generator=generator).float()
    out = run(scalar_gru(**PARITY_GRU), bits, h0=1.0)
    assert torch.equal((out < 0).float(), torch.cumsum(bits, 0) % 2)


def parity_separable(activation) -> torch.Tensor:
    """For a grid of (w, u, b): does h' = activation(w h + u x + b) keep even and odd apart?

    Runs every 4-bit string from h_0 = 0 and asks whether one threshold splits the states of
    even-count prefixes from those of odd-count prefixes, at every step.
    """
    values = torch.linspace(-8, 8, 33, dtype=torch.float64)
    w, u, b = (v.reshape(-1, 1) for v in torch.meshgrid(values, values, values, indexing="ij"))
    strings = torch.tensor(list(itertools.product([0.0, 1.0], repeat=4)), dtype=torch.float64)
    odd = (torch.cumsum(strings, 1) % 2).bool()
    h = torch.zeros(w.shape[0], len(strings), dtype=torch.float64)
    states = []
    for t in range(4):
        h = activation(w * h + u * strings[:, t] + b)
        states.append(h)
    states = torch.stack(states, -1)
    inf = torch.tensor(float("inf"), dtype=torch.float64)
    even_max = torch.where(odd, -inf, states).amax((1, 2))
    even_min = torch.where(odd, inf, states).amin((1, 2))
    odd_max = torch.where(odd, states, -inf).amax((1, 2))
    odd_min = torch.where(odd, states, inf).amin((1, 2))
    return (even_max < odd_min) | (odd_max < even_min)


def test_one_unit_capabilities() -> None:
    assert picked("expressiveness.one-unit-capabilities") == {1, 3, 4}
    assert not parity_separable(torch.tanh).any()
    assert not parity_separable(lambda a: a).any()
    assert is_latch(4, 8, -2)
    generator = torch.Generator().manual_seed(3)
    bits = torch.randint(0, 2, (20000,), generator=generator).float()
    assert torch.equal(run(scalar_rnn(1, 1, 0, "relu"), bits), torch.cumsum(bits, 0))


def test_relu_counts_exactly() -> None:
    assert truth("expressiveness.relu-exact-count") is True
    assert torch.tensor(2.0**24, dtype=torch.float32) + 1 == torch.tensor(2.0**24)


def test_tanh_fixed_points_order() -> None:
    order = q("expressiveness.tanh-fixed-points-order")
    assert isinstance(order, Order)
    magnitudes = []
    for item in order.items:
        h = torch.tensor(0.5)
        for _ in range(10):
            h = torch.tanh(weights(item.en)["w"] * h)
        magnitudes.append(abs(h.item()))
    free = order.free_pairs()
    for i, j in itertools.combinations(range(len(magnitudes)), 2):
        if (i, j) in free:
            assert magnitudes[i] == pytest.approx(magnitudes[j], abs=1e-6)
        else:
            assert magnitudes[i] < magnitudes[j], (order.items[i].en, order.items[j].en)


def test_counting_needs_an_unsquashed_state() -> None:
    # LSTM cell with f = i = 1 and g = +-1 counts; a GRU's h stays inside (-1, 1).
    hidden, cell = torch.zeros(1, 1), torch.zeros(1, 1)
    w_ih = torch.tensor([[0.0], [0.0], [50.0], [0.0]])  # i, f, g, o rows
    b = torch.tensor([50.0, 50.0, 0.0, 0.0])
    for x in [1.0] * 30 + [-1.0] * 12:
        hidden, cell = torch.lstm_cell(
            torch.tensor([[x]]), (hidden, cell), w_ih, torch.zeros(4, 1), b, None
        )
    assert cell.item() == pytest.approx(18.0, abs=1e-4)
    gru = nn.GRU(1, 4)
    with torch.no_grad():
        for p in gru.parameters():
            p.uniform_(-5, 5)
        out, _ = gru(torch.ones(500, 1, 1) * 3)
    assert out.abs().max().item() <= 1.0  # bounded: saturates at 1.0 in float32


# ---------------------------------------------------------------- gradient theory

F64 = torch.float64


def test_backprop_is_power_iteration() -> None:
    assert "1.2^k" in right("gradient_theory.power-iteration")
    line, fix = wrong_line("gradient_theory.eigen-components-spot")
    assert "same factor" in line and "lambda_i^k" in fix
    generator = torch.Generator().manual_seed(0)
    p = torch.randn(5, 5, generator=generator, dtype=F64)
    eigenvalues = torch.tensor([1.2, 0.9, -0.7, 0.5, 0.3], dtype=F64)
    w = p @ torch.diag(eigenvalues) @ torch.linalg.inv(p)
    values, vectors = torch.linalg.eig(w.T)
    top = vectors[:, values.abs().argmax()].real
    h0 = torch.randn(5, generator=generator, dtype=F64, requires_grad=True)
    h = h0
    for _ in range(40):
        h = w @ h
    (g,) = torch.autograd.grad(h, h0, torch.randn(5, generator=generator, dtype=F64))
    assert abs(g @ top) / (g.norm() * top.norm()) > 0.999999
    h = h0
    for _ in range(41):
        h = w @ h
    (g41,) = torch.autograd.grad(h, h0, torch.ones(5, dtype=F64))
    (g40,) = torch.autograd.grad(
        torch.linalg.matrix_power(w, 40) @ h0, h0, torch.ones(5, dtype=F64)
    )
    assert (g41.norm() / g40.norm()).item() == pytest.approx(1.2, rel=1e-3)


def test_weight_gradient_is_dominated_by_short_range_terms() -> None:
    assert "short-range" in right("gradient_theory.sum-dominated-by-short-range")
    line, fix = wrong_line("gradient_theory.sum-not-product-spot")
    assert "product over time" in line and "SUM" in fix
    torch.manual_seed(0)
    rnn = nn.RNN(4, 16)
    with torch.no_grad():
        nn.init.orthogonal_(rnn.weight_hh_l0, gain=0.5)
    x = torch.randn(60, 1, 4)

    def weight_gradient(window: int | None) -> torch.Tensor:
        """dL/dW_hh with L = sum_t ||h_t||^2, backprop cut `window` steps back for each L_t."""
        xs = x.clone().requires_grad_()
        out, _ = rnn(xs)
        if window is None:
            loss = out.pow(2).sum()
        else:  # each L_t only sees the last `window` steps: rerun from a detached state
            loss = torch.zeros(())
            for t in range(len(x)):
                start = max(0, t + 1 - window)
                h0 = out[start - 1 : start].detach() if start else None
                part, _ = rnn(xs[start : t + 1], h0)
                loss = loss + part[-1].pow(2).sum()
        rnn.zero_grad()
        loss.backward()
        return rnn.weight_hh_l0.grad.clone()

    full = weight_gradient(None)
    short = weight_gradient(8)
    assert full.norm() > 0.1  # not vanished as a whole ...
    assert (full - short).norm() / full.norm() < 1e-2  # ... but made of short-range terms
    # a single late loss barely reaches the first input
    xs = x.clone().requires_grad_()
    out, _ = rnn(xs)
    (late,) = torch.autograd.grad(out[-1].pow(2).sum(), xs)
    assert late[0].norm() < 1e-12 * late[-1].norm()


def test_saturation_makes_large_weights_vanish() -> None:
    assert "saturated" in right("gradient_theory.saturation-explains")

    def ratio(input_scale: float) -> float:
        torch.manual_seed(0)
        rnn = nn.RNN(8, 32)
        with torch.no_grad():
            nn.init.orthogonal_(rnn.weight_hh_l0, gain=2.5)
        x = (input_scale * torch.randn(41, 1, 8)).requires_grad_()
        _, h = rnn(x)
        (g,) = torch.autograd.grad(h.sum(), x)
        return (g[0].norm() / g[-1].norm()).item()

    assert torch.linalg.svdvals(2.5 * torch.eye(3))[0].item() == 2.5
    assert ratio(10.0) < 1e-3  # saturated: vanishes
    assert ratio(1.0) > 1.0  # same weights, weak inputs: grows


def test_gru_direct_path_jacobian_is_diag_z() -> None:
    assert right("gradient_theory.gru-direct-path").startswith("diag(z_t)")
    torch.manual_seed(0)
    gru = nn.GRU(3, 4)
    with torch.no_grad():
        gru.weight_hh_l0.zero_()  # z and n no longer depend on h: only the direct path is left
    x, h = torch.randn(1, 1, 3), torch.randn(1, 1, 4)
    jac = torch.autograd.functional.jacobian(lambda h: gru(x, h)[1].view(-1), h).view(4, 4)
    w_iz = gru.weight_ih_l0.chunk(3)[1]
    b_iz, b_hz = gru.bias_ih_l0.chunk(3)[1], gru.bias_hh_l0.chunk(3)[1]
    z = torch.sigmoid(x.view(-1) @ w_iz.T + b_iz + b_hz)
    assert torch.allclose(jac, torch.diag(z), atol=1e-6)


def test_sigmoid_bound_holds() -> None:
    generator = torch.Generator().manual_seed(0)
    w = torch.randn(6, 6, generator=generator, dtype=F64)
    w = 3 * w / torch.linalg.matrix_norm(w, ord=2)
    for trial in range(20):
        u = torch.randn(10, 6, generator=generator, dtype=F64) * (trial + 1)

        def unroll(h: torch.Tensor, u: torch.Tensor = u) -> torch.Tensor:
            for step in range(10):
                h = torch.sigmoid(w @ h + u[step])
            return h

        jac = torch.autograd.functional.jacobian(unroll, torch.zeros(6, dtype=F64))
        assert torch.linalg.matrix_norm(jac, ord=2).item() <= 0.75**10


def test_untied_layers_do_not_compound() -> None:
    assert truth("gradient_theory.untied-layers") is False
    s = torch.diag(torch.tensor([1.2, 0.8], dtype=F64))

    def rotation(angle: float) -> torch.Tensor:
        c, s_ = math.cos(angle), math.sin(angle)
        return torch.tensor([[c, -s_], [s_, c]], dtype=F64)

    tied = rotation(0.3) @ s @ rotation(0.3).T
    assert torch.linalg.matrix_norm(torch.linalg.matrix_power(tied, 50), ord=2) > 9000
    generator = torch.Generator().manual_seed(1)
    norms = []
    for _ in range(200):
        product = torch.eye(2, dtype=F64)
        for angle in (torch.rand(50, generator=generator) * 2 * math.pi).tolist():
            product = rotation(angle) @ s @ rotation(angle).T @ product
        norms.append(torch.linalg.matrix_norm(product, ord=2).item())
    assert torch.tensor(norms).median().item() < 3


def test_non_normal_matrix_grows_then_vanishes() -> None:
    assert truth("gradient_theory.non-normal-transient") is True
    w = torch.tensor([[0.5, 3.0], [0.0, 0.5]], dtype=F64)
    assert torch.linalg.svdvals(w)[0].item() == pytest.approx(3.08, abs=0.01)
    norm = [
        torch.linalg.matrix_norm(torch.linalg.matrix_power(w, k), ord=2).item() for k in range(11)
    ]
    assert norm[1] == pytest.approx(3.08, abs=0.01) and norm[2] == pytest.approx(3.02, abs=0.01)
    assert norm[5] < 1 and norm[10] == pytest.approx(0.06, abs=0.005)


def test_exploding_remedies() -> None:
    assert picked("gradient_theory.exploding-remedies") == {0, 2, 3}
    # torch's default U(-1/sqrt(H), 1/sqrt(H)) keeps the spectral radius near 0.6 at any width
    torch.manual_seed(0)
    for hidden in (64, 128):
        w = nn.RNN(8, hidden).weight_hh_l0.detach().double()
        assert 0.5 < torch.linalg.eigvals(w).abs().max().item() < 0.7
    # gain <= 1 orthogonal: no step Jacobian diag(1 - h^2) W_hh can grow a vector
    rnn = nn.RNN(8, 32)
    with torch.no_grad():
        nn.init.orthogonal_(rnn.weight_hh_l0, gain=1.0)
    x = torch.randn(30, 1, 8, requires_grad=True)
    _, h = rnn(x)
    (g,) = torch.autograd.grad(h.sum(), x)
    norms = g.norm(dim=(1, 2))
    assert norms[0] <= norms[-1]


# ---------------------------------------------------------------- architectures compared


def causal_stack(kernel: int, dilations: list[int], channels: int = 1) -> list[nn.Conv1d]:
    torch.manual_seed(0)
    return [nn.Conv1d(channels, channels, kernel, dilation=d) for d in dilations]


def run_causal(convs: list[nn.Conv1d], x: torch.Tensor) -> torch.Tensor:
    """x (channels, T) -> (channels, T), every layer left-padded so position t sees only <= t."""
    h = x.unsqueeze(0)
    for conv in convs:
        pad = (conv.kernel_size[0] - 1) * conv.dilation[0]
        h = torch.tanh(conv(nn.functional.pad(h, (pad, 0))))
    return h.squeeze(0)


def reach(kernel: int, dilations: list[int]) -> int:
    convs = causal_stack(kernel, dilations)
    length = 1 + (kernel - 1) * sum(dilations) + 20
    x = torch.randn(1, length, requires_grad=True)
    (grad,) = torch.autograd.grad(run_causal(convs, x)[0, -1], x)
    return int((grad != 0).sum())


def test_receptive_field_formula_and_the_off_by_one() -> None:
    line, fix = wrong_line("architectures_compared.receptive-field-spot")
    assert "k * d" in line and "(k - 1) * d" in fix
    assert reach(3, [1, 2, 4, 8]) == 31
    assert reach(2, [1]) == 2  # kernel 2, dilation 1: one step back, not two
    for kernel, dilations in [
        (3, [1, 2, 4, 8, 16, 32]),
        (2, [2**i for i in range(10)]),
        (5, [1, 3, 9]),
    ]:
        assert reach(kernel, dilations) == 1 + (kernel - 1) * sum(dilations)


def test_tcn_statements() -> None:
    assert picked("architectures_compared.tcn-statements") == {0, 2, 4}
    convs = causal_stack(2, [1, 2, 4, 8])
    x = torch.randn(1, 40, requires_grad=True)
    out = run_causal(convs, x)
    (grad,) = torch.autograd.grad(out[0, 20], x)
    assert (grad[0, 21:] == 0).all()  # causal: no future input
    assert (grad[0, :5] == 0).all() and (grad[0, 5:21] != 0).all()  # field of 16, nothing older
    assert run_causal(convs, torch.randn(1, 7)).shape == (1, 7)  # any length
    assert run_causal(convs, torch.randn(1, 3000)).shape == (1, 3000)
    fields = [reach(2, [2**i for i in range(n)]) for n in range(1, 8)]
    assert fields == [2**n for n in range(1, 8)]  # doubling dilations: exponential, not linear


def test_parallel_tcn_equals_position_by_position() -> None:
    assert right("architectures_compared.parallel-over-time").startswith("The TCN")
    convs = causal_stack(3, [1, 2, 4])
    x = torch.randn(1, 30)
    with torch.no_grad():
        together = run_causal(convs, x)
        one_by_one = torch.stack([run_causal(convs, x[:, : t + 1])[:, -1] for t in range(30)], 1)
    assert torch.allclose(together, one_by_one, atol=1e-6)


def test_beyond_the_receptive_field() -> None:
    assert "no gradient" in right("architectures_compared.beyond-receptive-field")
    convs = causal_stack(2, [2**i for i in range(10)])  # field 1,024
    x = torch.randn(1, 5001)
    moved = x.clone()
    moved[0, 0] += 5.0
    with torch.no_grad():
        assert torch.equal(run_causal(convs, x)[0, -1], run_causal(convs, moved)[0, -1])
    # an LSTM whose forget gate is saturated open carries step 0 through 5,000 steps
    lstm = nn.LSTM(1, 1)
    with torch.no_grad():
        lstm.weight_hh_l0.zero_()
        lstm.weight_ih_l0.copy_(torch.tensor([[0.0], [0.0], [1.0], [0.0]]))  # i, f, g, o
        lstm.bias_ih_l0.copy_(torch.tensor([30.0, 30.0, 0.0, 30.0]))
        lstm.bias_hh_l0.zero_()
        a, _ = lstm(x.view(-1, 1, 1) * 0.001)
        b, _ = lstm(moved.view(-1, 1, 1) * 0.001)
    assert (a[-1] - b[-1]).abs().item() > 1e-4


def test_jordan_with_teacher_forcing_needs_no_bptt() -> None:
    assert truth("architectures_compared.jordan-no-bptt") is True
    assert "target" in right("architectures_compared.jordan-teacher-forcing")
    torch.manual_seed(0)
    hidden, out = nn.Linear(3 + 2, 8), nn.Linear(8, 2)
    x, y = torch.randn(12, 3), torch.randn(12, 2)
    y_prev = torch.cat([torch.zeros(1, 2), y[:-1]])  # teacher forcing: the true y_{t-1}

    def step_loss(t: int) -> torch.Tensor:
        return (out(torch.tanh(hidden(torch.cat([x[t], y_prev[t]])))) - y[t]).pow(2).sum()

    params = [*hidden.parameters(), *out.parameters()]
    together = (out(torch.tanh(hidden(torch.cat([x, y_prev], 1)))) - y).pow(2).sum()
    grads = torch.autograd.grad(together, params)  # all steps at once, one batched pass
    per_step = [torch.autograd.grad(step_loss(t), params) for t in range(12)]
    for i, g in enumerate(grads):
        assert torch.allclose(g, sum(s[i] for s in per_step), atol=1e-5)


def test_window_mlp_against_rnn_sizes() -> None:
    def count(module: nn.Module) -> int:
        return sum(p.numel() for p in module.parameters())

    assert count(nn.RNN(10, 32)) == 1408
    assert count(nn.Linear(40, 32)) == 1312 and count(nn.Linear(50, 32)) == 1632
    assert count(nn.RNN(10, 32)) == count(nn.RNN(10, 32, num_layers=1))  # no length in it


def streamed_tcn_buffer(kernel: int, dilations: list[int], channels: int, steps: int) -> int:
    """Run a causal TCN one sample at a time with per-layer queues; check it against the full
    convolution and return how many numbers the queues hold."""
    convs = causal_stack(kernel, dilations, channels)
    x = torch.randn(channels, steps)
    with torch.no_grad():
        full = run_causal(convs, x)
        queues = [torch.zeros(channels, (kernel - 1) * c.dilation[0]) for c in convs]
        outputs = []
        for t in range(steps):
            h = x[:, t : t + 1]
            for i, conv in enumerate(convs):
                d = conv.dilation[0]
                window = torch.cat([queues[i], h], 1)  # past (k - 1) d inputs + the new one
                taps = window[:, ::d][:, -kernel:]
                h = torch.tanh(torch.einsum("oik,ik->o", conv.weight, taps) + conv.bias)[:, None]
                queues[i] = window[:, 1:]
            outputs.append(h)
        assert torch.allclose(torch.cat(outputs, 1), full, atol=1e-5)
    return sum(q.numel() for q in queues)


def test_streaming_memory_order() -> None:
    assert right("architectures_compared.streaming-state").startswith("TCN: per-layer buffers")
    assert picked("architectures_compared.constant-per-step") == {1, 2, 4, 5}
    order = q("architectures_compared.memory-at-10k-order")
    assert isinstance(order, Order) and not order.may_swap
    assert streamed_tcn_buffer(2, [1, 2, 4, 8], 3, 40) == (1 + 2 + 4 + 8) * 3
    gru_state = nn.GRU(64, 1024, num_layers=2)(torch.randn(3, 1, 64))[1].numel()
    lstm_h, lstm_c = nn.LSTM(64, 1024, num_layers=2)(torch.randn(3, 1, 64))[1]
    attention = nn.MultiheadAttention(512, 8)
    per_token_kv = attention.in_proj_weight.shape[0] // 3 * 2  # a key and a value of d_model each
    sizes = [
        gru_state,
        lstm_h.numel() + lstm_c.numel(),
        256 * 64,
        sum((2 - 1) * 2**i * 64 for i in range(10)),  # (k - 1) d_l vectors of 64 per layer
        2 * per_token_kv * 10_000,
    ]
    assert sizes == [2048, 4096, 16384, 65472, 20_480_000]
    assert sizes == sorted(sizes)
