"""Part-a questions agree with the facts sheet (shared/docs/rnn-facts.md) and with torch itself.

Each test pins a statement a question teaches (the right choice, the wrong line and its fix, a
true/false answer) and, where torch can decide it, checks the statement against torch too, so
that a wrong fact fails here rather than in an interview.
"""

from __future__ import annotations

import re
import warnings
from collections import Counter

import pytest
import torch
from torch import nn

from quiz.questions import Multi, Numeric, Order, SpotError
from quiz.sources import load_sources
from tests.bank_parts import BANK, PART_A, questions_of, right, truth, wrong_line
from tests.bank_parts import question as q

MINE = questions_of(PART_A)


def picked(qid: str) -> set[str]:
    question = q(qid)
    assert isinstance(question, Multi)
    return {question.choices[i].en for i in question.answer}


# --- Quotas and shape of the part ------------------------------------------------------------


def test_part_a_files_load_without_problems() -> None:
    ours = [p for p in BANK.problems if p.file.stem in PART_A]
    assert not ours, "\n".join(map(str, ours))
    assert set(PART_A) <= set(BANK.topics)


def test_part_a_quotas() -> None:
    types = Counter(x.type for x in MINE)
    assert len(MINE) >= 125
    assert types["spot_error"] >= 13
    assert types["numeric"] >= 20
    assert sum(1 for x in MINE if isinstance(x, Numeric) and x.generator) >= 12
    assert types["free"] >= 16
    assert types["order"] >= 9
    levels = Counter(x.difficulty for x in MINE)
    shares = {d: levels[d] / len(MINE) for d in (1, 2, 3)}
    assert 0.33 <= shares[1] <= 0.47 and 0.33 <= shares[2] <= 0.47 and 0.14 <= shares[3] <= 0.26


@pytest.mark.parametrize("topic", PART_A)
def test_each_topic_is_substantial_and_varied(topic: str) -> None:
    questions = [x for x in MINE if x.topic == topic]
    assert len(questions) >= 10
    assert len({x.type for x in questions}) >= 4
    assert all(x.id.startswith(f"{topic}.") for x in questions)


# --- LSTM --------------------------------------------------------------------------------------


def formula(text: str, **values: torch.Tensor) -> torch.Tensor:
    """Evaluate a bank formula such as "h' = o * tanh(c')" on tensors (1-D vectors, matrices).

    Only the right-hand side counts, up to any ": explanation"; c' is read as c_new, x^2 as x**2,
    and a matrix written before its operand ("W_hn h", "diag(...) W_hh") multiplies it.
    """
    expr = text.split(":")[0].split(" = ", 1)[-1].replace("^", "**").replace("'", "_new")
    expr = re.sub(r"\b(W_\w+) (?=[(\w])", r"\1 @ ", expr)
    expr = re.sub(r"\) (?=W_)", ") @ ", expr)
    env = {"tanh": torch.tanh, "sigmoid": torch.sigmoid, "diag": torch.diag}
    return eval(expr, env, dict(values))  # bank text from this repository, not user input


def _manual_lstm_step(lstm: nn.LSTM, x, h, c, order: list[str]):
    gates = x @ lstm.weight_ih_l0.T + lstm.bias_ih_l0 + h @ lstm.weight_hh_l0.T + lstm.bias_hh_l0
    chunk = dict(zip(order, gates.chunk(4, dim=-1), strict=True))
    i, f, o = (torch.sigmoid(chunk[k]) for k in "ifo")
    g = torch.tanh(chunk["g"])
    c_new = f * c + i * g
    return o * torch.tanh(c_new), c_new


def test_lstm_gate_order_matches_torch() -> None:
    order = [part.strip() for part in right("lstm.torch-gate-order").split(",")]
    torch.manual_seed(0)
    lstm = nn.LSTM(3, 5)
    x, h, c = torch.randn(2, 3), torch.randn(2, 5), torch.randn(2, 5)
    with torch.no_grad():
        _, (h_ref, c_ref) = lstm(x.unsqueeze(0), (h.unsqueeze(0), c.unsqueeze(0)))
        h_new, c_new = _manual_lstm_step(lstm, x, h, c, order)
        assert torch.allclose(h_new, h_ref[0], atol=1e-6)
        assert torch.allclose(c_new, c_ref[0], atol=1e-6)
        wrong, _ = _manual_lstm_step(lstm, x, h, c, ["i", "f", "o", "g"])
        assert not torch.allclose(wrong, h_ref[0], atol=1e-3)


def test_lstm_equations() -> None:
    """The taught equations, evaluated on torch's gate values, give torch's c' and h'."""
    torch.manual_seed(5)
    cell = nn.LSTMCell(3, 4).double()
    x, h, c = (torch.randn(n, dtype=torch.float64) for n in (3, 4, 4))
    with torch.no_grad():
        h_ref, c_ref = cell(x, (h, c))
        pre = cell.weight_ih @ x + cell.bias_ih + cell.weight_hh @ h + cell.bias_hh
        blocks = dict(zip("ifgo", pre.chunk(4), strict=True))  # torch's order, tested above
    i, f, o = (torch.sigmoid(blocks[k]) for k in "ifo")
    g = torch.tanh(blocks["g"])
    assert right("lstm.cell-update").startswith("c' =")
    assert torch.allclose(formula(right("lstm.cell-update"), f=f, c=c, i=i, g=g), c_ref)
    assert right("lstm.hidden-from-cell").startswith("h' =")
    assert torch.allclose(formula(right("lstm.hidden-from-cell"), o=o, c_new=c_ref), h_ref)
    # The picked gates (named by their last letter) are exactly those torch squashes by sigmoid:
    # a step with sigmoid on those and tanh on the rest reproduces torch.
    sigmoid_gates = {text.split()[-1] for text in picked("lstm.gate-activations")}
    squashed = {
        k: (torch.sigmoid if k in sigmoid_gates else torch.tanh)(v) for k, v in blocks.items()
    }
    c_new = squashed["f"] * c + squashed["i"] * squashed["g"]
    assert torch.allclose(c_new, c_ref) and torch.allclose(squashed["o"] * torch.tanh(c_new), h_ref)
    assert truth("lstm.cell-state-bounded") is False
    assert truth("lstm.forget-gate-history") is False


def test_lstm_research_findings() -> None:
    greff = right("lstm.greff-critical")
    assert "forget gate" in greff and "output activation" in greff
    assert "torch.nn.LSTM does not implement them" in picked("lstm.peepholes")
    assert "They were part of the original 1997 LSTM" not in picked("lstm.peepholes")
    assert "bias of 1" in right("lstm_vs_gru.jozefowicz")
    assert right("lstm_vs_gru.greff-cifg").startswith("It performed about as well")


def test_lstm_has_no_peepholes_or_default_forget_bias_in_torch() -> None:
    lstm = nn.LSTM(4, 6)
    names = {name for name, _ in lstm.named_parameters()}
    assert names == {"weight_ih_l0", "weight_hh_l0", "bias_ih_l0", "bias_hh_l0"}
    bound = 1 / 6**0.5
    assert lstm.bias_ih_l0.abs().max() <= bound  # U(-1/sqrt(H), 1/sqrt(H)), no forget bias of 1


# --- GRU ---------------------------------------------------------------------------------------


def _manual_gru_step(gru: nn.GRU, x, h, order: list[str], reset_after: bool = True):
    xi = dict(zip(order, (x @ gru.weight_ih_l0.T + gru.bias_ih_l0).chunk(3, -1), strict=True))
    w_hh = dict(zip(order, gru.weight_hh_l0.chunk(3, 0), strict=True))
    b_hh = dict(zip(order, gru.bias_hh_l0.chunk(3, 0), strict=True))
    r = torch.sigmoid(xi["r"] + h @ w_hh["r"].T + b_hh["r"])
    z = torch.sigmoid(xi["z"] + h @ w_hh["z"].T + b_hh["z"])
    if reset_after:
        n = torch.tanh(xi["n"] + r * (h @ w_hh["n"].T + b_hh["n"]))
    else:
        n = torch.tanh(xi["n"] + (r * h) @ w_hh["n"].T + b_hh["n"])
    return (1 - z) * n + z * h


def test_gru_gate_order_and_equations_match_torch() -> None:
    order = [part.strip() for part in right("gru.torch-gate-order").split(",")]
    torch.manual_seed(1)
    gru = nn.GRU(3, 5)
    x, h = torch.randn(2, 3), torch.randn(2, 5)
    with torch.no_grad():
        _, h_ref = gru(x.unsqueeze(0), h.unsqueeze(0))
        assert torch.allclose(_manual_gru_step(gru, x, h, order), h_ref[0], atol=1e-6)
        before = _manual_gru_step(gru, x, h, order, reset_after=False)
        assert not torch.allclose(before, h_ref[0], atol=1e-3)


def _gru_values() -> tuple[dict[str, torch.Tensor], torch.Tensor, torch.Tensor]:
    """Weights, inputs and gates of one torch GRUCell step (1-D), its n, and its h'."""
    torch.manual_seed(6)
    cell = nn.GRUCell(3, 4).double()
    x, h = torch.randn(3, dtype=torch.float64), torch.randn(4, dtype=torch.float64)
    with torch.no_grad():
        h_ref = cell(x, h)
        w_i, w_h = cell.weight_ih.chunk(3), cell.weight_hh.chunk(3)
        b_i, b_h = cell.bias_ih.chunk(3), cell.bias_hh.chunk(3)
        r = torch.sigmoid(w_i[0] @ x + b_i[0] + w_h[0] @ h + b_h[0])
        z = torch.sigmoid(w_i[1] @ x + b_i[1] + w_h[1] @ h + b_h[1])
    n = (h_ref - z * h) / (1 - z)  # torch's h' = (1 - z) n + z h, solved for n
    values = {"x": x, "h": h, "r": r, "z": z, "W_in": w_i[2], "b_in": b_i[2]}
    return {**values, "W_hn": w_h[2], "b_hn": b_h[2]}, n, h_ref


def test_gru_equations_give_torchs_step() -> None:
    values, n, h_ref = _gru_values()
    assert right("gru.update-equation").startswith("h' =")
    update = formula(right("gru.update-equation"), z=values["z"], n=n, h=values["h"])
    assert torch.allclose(update, h_ref)
    assert right("gru.candidate-torch").startswith("n =")
    assert torch.allclose(formula(right("gru.candidate-torch"), **values), n)


def test_gru_spot_errors_and_keras() -> None:
    values, n, h_ref = _gru_values()
    line, fix = wrong_line("gru.flipped-update-spot")
    z, h = values["z"], values["h"]
    assert not torch.allclose(formula(line, z=z, n=n, h=h), h_ref)
    assert torch.allclose(formula(fix, z=z, n=n, h=h), h_ref)
    line, fix = wrong_line("gru.reset-before-spot")
    assert not torch.allclose(formula(line, **values), n)
    assert torch.allclose(formula(fix, **values), n)
    assert right("gru.keras-kernel-order").startswith("z, r, h")
    assert "Set the forget-gate bias to 1" not in picked("gru.port-from-keras")
    assert truth("gru.no-cell-state") is False
    _, h_n = nn.GRU(2, 3)(torch.zeros(4, 1, 2))
    assert isinstance(h_n, torch.Tensor)  # no (h, c) tuple: a GRU has no cell state


# --- Seed errata -------------------------------------------------------------------------------

SEED_SLIPS = {
    # question id: (seed number, text the fix must contain)
    "rnn_basics.seed001-step-slip": ("001", "f(U x_t + W S_{t-1} + b)"),
    "lstm.seed001-gate-labels": ("001", "i_t = sigmoid(W_i"),
    "lstm.seed001-output-no-tanh": ("001", "h_t = o_t * tanh(c_t)"),
    "lstm.seed001-cell-from-input": ("001", "i_t * g_t"),
    "lstm.seed003-output-gate-name": ("003", "output gate"),
    "lstm.seed004-output-addition": ("004", "h_t = o_t * tanh(c_t)"),
    "gradients.seed002-forward-pass": ("002", "backpropagation"),
    "gradients.seed004-exploding": ("004", "clipping"),
    "param_count.seed003-spot": ("003", "4,458,496"),
    "shapes.seed003-seqlen": ("003", "features"),
}


# The tutorials in /work/shared/seeds/, as data/sources.yaml names them.
SEED_SOURCES = {
    "000": "ithome-2023-lstm-gru",
    "001": "rnn-lstm-gru-notes",
    "002": "csdn-lstm-gru",
    "003": "blog-2021-lstm-illustrated",
    "004": "ithome-2021-lstm",
}


@pytest.mark.parametrize("qid", sorted(SEED_SLIPS))
def test_seed_slip_questions_name_the_seed_and_the_fix(qid: str) -> None:
    seed, fix_text = SEED_SLIPS[qid]
    question = q(qid)
    assert isinstance(question, SpotError)
    assert question.source == SEED_SOURCES[seed]
    assert "cited" in question.explanation.en  # names the work the slip comes from
    assert "所引用" in question.explanation.zh
    assert fix_text in question.fix.en


def test_every_seed_erratum_except_000_is_covered() -> None:
    cited = {q(qid).source for qid in SEED_SLIPS}
    assert cited == {SEED_SOURCES[seed] for seed in ("001", "002", "003", "004")}
    assert cited <= set(load_sources())
    # Wording is the point below: each marked line must quote the tutorial's own slip.
    assert "o_t * c_t" in wrong_line("lstm.seed001-output-no-tanh")[0]
    assert "i_t * x_t" in wrong_line("lstm.seed001-cell-from-input")[0]
    assert "by addition" in wrong_line("lstm.seed004-output-addition")[0]
    assert "forward propagation" in wrong_line("gradients.seed002-forward-pass")[0]
    assert "both vanishing and exploding" in wrong_line("gradients.seed004-exploding")[0]
    assert "seq_len" in wrong_line("shapes.seed003-seqlen")[0]
    assert "(1 - i_t)" in q("gru.seed002-coupled").prompt.en
    assert right("gru.seed002-coupled").startswith("The update gate")


def test_seed003_parameter_numbers_are_keras_not_torch() -> None:
    meta = {"device": "meta"}
    assert sum(p.numel() for p in nn.LSTM(128, 64, **meta).parameters()) == 49664
    assert sum(p.numel() for p in nn.LSTM(4096, 256, **meta).parameters()) == 4458496
    assert q("param_count.seed003-in-torch").answer == 49664
    torch_count = sum(p.numel() for p in nn.LSTM(4096, 256, **meta).parameters())
    line, fix = wrong_line("param_count.seed003-spot")
    assert torch_count not in _numbers(line) and torch_count in _numbers(fix)
    # Keras GRU(64) on 128 features: kernel (128, 3u), recurrent kernel (u, 3u), and a bias of
    # shape (2, 3u) with reset_after=True (the default) or (3u,) with reset_after=False.
    units, kernels = 64, 128 * 192 + 64 * 192
    keras = [kernels + 2 * 3 * units, kernels + 3 * units]
    gru = sum(p.numel() for p in nn.GRU(128, 64, **meta).parameters())
    assert _numbers(right("param_count.keras-gru-variants")) == keras and keras[0] == gru


def _numbers(text: str) -> list[int]:
    """The whole numbers written in a text, "4,458,496" read as 4458496."""
    return [int(n.replace(",", "")) for n in re.findall(r"\d[\d,]*\d|\d", text)]


# --- Gradients ---------------------------------------------------------------------------------


def test_step_jacobian_matches_autograd() -> None:
    torch.manual_seed(2)
    w_hh, w_ih = torch.randn(4, 4, dtype=torch.float64), torch.randn(4, 3, dtype=torch.float64)
    x, h_prev = torch.randn(3, dtype=torch.float64), torch.randn(4, dtype=torch.float64)

    def step(h):
        return torch.tanh(w_hh @ h + w_ih @ x)

    jac = torch.autograd.functional.jacobian(step, h_prev)
    taught = formula(right("gradients.step-jacobian"), h_t=step(h_prev), W_hh=w_hh)
    assert torch.allclose(jac, taught, atol=1e-12)


def test_gain_above_one_is_necessary_not_sufficient_for_exploding() -> None:
    """The myth 'spectral radius > 1 => explodes'; torch checks live in test_bank_review_a."""
    line, fix = wrong_line("gradients.spectral-radius-myth")
    assert "guaranteed to explode" in line and "not sufficient" in fix
    assert "saturat" in fix
    assert truth("gradients.large-weights-saturate") is True
    # the sufficient condition the passage states correctly: lambda_1 < 1 with tanh' <= 1 vanishes
    question = q("gradients.spectral-radius-myth")
    assert isinstance(question, SpotError)
    assert any("below 1" in x.en and "vanishes" in x.en for x in question.lines)
    torch.manual_seed(4)
    q_mat, _ = torch.linalg.qr(torch.randn(16, 16, dtype=torch.float64))
    h = torch.zeros(16, dtype=torch.float64, requires_grad=True)
    out = h
    for _ in range(60):
        out = torch.tanh(0.9 * q_mat @ out + torch.randn(16, dtype=torch.float64))
    (grad,) = torch.autograd.grad(out.sum(), h)
    assert grad.norm() <= 16**0.5 * 0.9**60  # ||J|| <= 0.9 per step, whatever the inputs


def test_lstm_cell_path_is_direct_path_only() -> None:
    line, fix = wrong_line("gradients.lstm-direct-path")
    assert "exactly the product" in line and "direct cell path only" in fix
    assert "along the direct path" in q("gradients.lstm-direct-path").explanation.en
    assert any(
        "along the direct path" in k.en for k in q("gradients.lstm-what-it-fixes").key_points
    )
    # Two torch LSTM steps: dc_2/dc_0 differs from the direct-path product f_2 * f_1.
    torch.manual_seed(3)
    cell = nn.LSTMCell(2, 3).double()
    x1, x2 = torch.randn(1, 2, dtype=torch.float64), torch.randn(1, 2, dtype=torch.float64)
    h0 = torch.randn(1, 3, dtype=torch.float64)
    c0 = torch.randn(1, 3, dtype=torch.float64)

    def forget(x, h):
        pre = x @ cell.weight_ih.T + cell.bias_ih + h @ cell.weight_hh.T + cell.bias_hh
        return torch.sigmoid(pre.chunk(4, -1)[1])

    def two_steps(c):
        h1, c1 = cell(x1, (h0, c))
        _, c2 = cell(x2, (h1, c1))
        return c2

    with torch.no_grad():
        h1, _c1 = cell(x1, (h0, c0))
        direct = torch.diag((forget(x2, h1) * forget(x1, h0))[0])
    full = torch.autograd.functional.jacobian(two_steps, c0)[0, :, 0, :]
    assert not torch.allclose(full, direct, atol=1e-3)


def test_lstm_does_not_prevent_exploding_and_adam_does_not_clip() -> None:
    assert "clipping" in wrong_line("gradients.seed004-exploding")[1]
    assert truth("clipping.adam-no-clip") is False
    assert "Gradient norm clipping" not in picked("gradients.vanishing-remedies")


# --- BPTT --------------------------------------------------------------------------------------


def test_undetached_state_raises_the_quoted_error() -> None:
    message = right("bptt.no-detach-error")
    quoted = re.search(r"'([^']+)'", message).group(1)
    rnn = nn.RNN(2, 3)
    h = None
    with pytest.raises(RuntimeError, match=re.escape(quoted)):
        for chunk in torch.randn(6, 1, 2).split(3):
            out, h = rnn(chunk, h)
            out.sum().backward()
    _, fix = wrong_line("bptt.detach-spot")
    assert "detach" in fix
    assert right("bptt.cost") == "Time O(T) and memory O(T)"
    assert right("bptt.k1-k2").startswith("Every k1 forward steps, backpropagate")


def _second_chunk(*, detach: bool) -> tuple[torch.Tensor | None, torch.Tensor | None]:
    """Run two chunks; return d(chunk-2 loss)/d(chunk-1 input) and d(chunk-2 loss)/d W_hh."""
    torch.manual_seed(0)
    rnn = nn.RNN(2, 3)
    first, second = (c.clone().requires_grad_() for c in torch.randn(6, 1, 2).split(3))
    _, h = rnn(first)
    out, _ = rnn(second, h.detach() if detach else h)
    to_first, to_w_hh = torch.autograd.grad(out.sum(), [first, rnn.weight_hh_l0], allow_unused=True)
    return to_first, to_w_hh


def test_detach_between_chunks_works() -> None:
    """Detaching cuts the second chunk's graph off the first chunk, and the second still trains."""
    to_first, to_w_hh = _second_chunk(detach=True)
    assert to_first is None  # chunk 2's backward never reaches chunk 1's ops
    assert to_w_hh is not None and to_w_hh.abs().sum() > 0
    linked, _ = _second_chunk(detach=False)  # the probe does see the link when it is there
    assert linked is not None and linked.abs().sum() > 0


# --- Clipping ----------------------------------------------------------------------------------


def _grads(*values: list[float]) -> list[nn.Parameter]:
    params = []
    for v in values:
        p = nn.Parameter(torch.zeros(len(v)))
        p.grad = torch.tensor(v)
        params.append(p)
    return params


def test_clip_grad_norm_returns_the_norm_before_clipping() -> None:
    assert "before clipping" in right("clipping.norm-returns")
    line, fix = wrong_line("clipping.returns-after-spot")
    assert "after" in line and "before" in fix
    a, b = _grads([3.0, 0.0, 0.0], [0.0, 4.0, 0.0, 0.0])
    total = nn.utils.clip_grad_norm_([a, b], max_norm=1.0)
    assert total.item() == pytest.approx(5.0)
    assert a.grad[0].item() == pytest.approx(0.6) and b.grad[1].item() == pytest.approx(0.8)
    spot = q("clipping.returns-after-spot")
    assert any("1e-6" in x.en for i, x in enumerate(spot.lines) if i != spot.answer)


def test_clip_grad_value_clamps_each_entry_and_returns_none() -> None:
    (p,) = _grads([3.0, -0.2, -7.0])
    assert nn.utils.clip_grad_value_([p], clip_value=1.0) is None
    assert p.grad.tolist() == pytest.approx([1.0, -0.2, -1.0])
    assert "returns None" in q("clipping.norm-returns").explanation.en


def test_tf_and_keras_clipping_facts() -> None:
    chosen = picked("clipping.tf-global-norm")
    assert "It adds 1e-6 to the norm, as torch does" not in chosen
    assert "It scales every tensor by clip_norm / max(global_norm, clip_norm)" in chosen
    assert right("clipping.keras-clipnorm").startswith("clipnorm clips each weight's gradient")
    assert truth("clipping.direction-preserved") is True
    a, b = _grads([3.0, 0.0, -1.0], [0.0, 4.0])
    before = torch.cat([a.grad, b.grad])
    nn.utils.clip_grad_norm_([a, b], max_norm=1.0)
    after = torch.cat([a.grad, b.grad])
    cosine = torch.dot(before, after) / (before.norm() * after.norm())
    assert cosine.item() == pytest.approx(1.0) and after.norm().item() < before.norm().item()
    (v,) = _grads([3.0, -0.2, -7.0])
    original = v.grad.clone()
    nn.utils.clip_grad_value_([v], clip_value=1.0)
    cosine = torch.dot(original, v.grad) / (original.norm() * v.grad.norm())
    assert cosine.item() < 0.99  # value clipping turns the direction


def test_clipping_order_puts_clip_between_backward_and_step() -> None:
    order = q("clipping.training-step-order")
    assert isinstance(order, Order)
    steps = [item.en for item in order.items]
    assert steps.index("loss.backward()") < steps.index("optimizer.step()")
    clip = next(i for i, s in enumerate(steps) if s.startswith("torch.nn.utils.clip_grad_norm_"))
    assert steps.index("loss.backward()") < clip < steps.index("optimizer.step()")


# --- Parameter counts and shapes ---------------------------------------------------------------


def test_order_of_models_by_parameter_count() -> None:
    order = q("param_count.order-models")
    assert isinstance(order, Order)
    counts = []
    for item in order.items:
        module = eval(item.en, {"nn": nn})  # the bank's own module expressions
        counts.append(sum(p.numel() for p in module.parameters()))
    assert counts == sorted(counts) and len(set(counts)) == len(counts)
    assert counts == [8320, 24960, 33280, 66560, 165888]


def test_bidirectional_stack_is_more_than_double() -> None:
    assert truth("param_count.bi-stacked-not-double") is False
    uni = sum(p.numel() for p in nn.LSTM(5, 7, num_layers=2).parameters())
    bi = sum(p.numel() for p in nn.LSTM(5, 7, num_layers=2, bidirectional=True).parameters())
    assert bi == 2072 and bi > 2 * uni


def test_batch_first_leaves_h_n_alone() -> None:
    assert right("shapes.hn-batch-first") == "(4, 5, 16)"
    lstm = nn.LSTM(8, 16, num_layers=2, bidirectional=True, batch_first=True)
    out, (h_n, c_n) = lstm(torch.zeros(5, 12, 8))
    assert tuple(h_n.shape) == (4, 5, 16) and tuple(c_n.shape) == (4, 5, 16)
    assert tuple(out.shape) == (5, 12, 32)
    _, fix = wrong_line("shapes.batch-first-spot")
    assert "(num_layers * D, N, H)" in fix
    assert truth("shapes.default-layout") is True


def test_unbatched_and_projected_shapes() -> None:
    assert right("shapes.unbatched-input") == "(4, 7)"
    _, h_n = nn.GRU(5, 7, num_layers=2, bidirectional=True)(torch.zeros(6, 5))
    assert tuple(h_n.shape) == (4, 7)
    assert right("shapes.proj-state-shapes") == "h_n (L, N, P), c_n (L, N, H)"
    with warnings.catch_warnings():  # torch warns about projections once per process only
        warnings.simplefilter("ignore")
        _, (h_n, c_n) = nn.LSTM(10, 20, num_layers=2, proj_size=5)(torch.zeros(7, 3, 10))
    assert tuple(h_n.shape) == (2, 3, 5) and tuple(c_n.shape) == (2, 3, 20)


def test_top_layer_state_equals_last_output_step() -> None:
    assert right("shapes.output-vs-hn-unidirectional") == "h_n[-1]"
    gru = nn.GRU(16, 32, num_layers=3, batch_first=True)
    out, h_n = gru(torch.randn(4, 9, 16))
    assert torch.allclose(out[:, -1, :], h_n[-1])
    assert right("seq_tasks.many-to-one-feature").startswith("output[:, -1, :]")
    _, fix = wrong_line("seq_tasks.batch-first-index-spot")
    assert "output[:, -1]" in fix


def test_h_n_view_separates_layers_and_directions() -> None:
    """shapes.read-hn teaches h_n.view(num_layers, D, N, H)[-1] for the top layer."""
    assert any("view(num_layers, D, N, H)" in k.en for k in q("shapes.read-hn").key_points)
    lstm = nn.LSTM(3, 4, num_layers=2, bidirectional=True, batch_first=True)
    out, (h_n, _) = lstm(torch.randn(2, 5, 3))
    top = h_n.view(2, 2, 2, 4)[-1]
    assert torch.allclose(top[0], out[:, -1, :4]) and torch.allclose(top[1], out[:, 0, 4:])


def test_rnn_defaults_and_nonlinearities() -> None:
    accepted = set()
    for choice in q("rnn_basics.nonlinearity-options").choices:
        try:
            nn.RNN(2, 3, nonlinearity=choice.en.strip("'"))
            accepted.add(choice.en)
        except ValueError:
            pass
    assert picked("rnn_basics.nonlinearity-options") == accepted == {"'tanh'", "'relu'"}
    assert truth("rnn_basics.default-h0") is True
    assert truth("rnn_basics.length-independent-params") is True
    rnn = nn.RNN(2, 3)
    x = torch.randn(4, 1, 2)
    assert torch.equal(rnn(x)[0], rnn(x, torch.zeros(1, 1, 3))[0])
    assert right("rnn_basics.torch-step-equation") == "h' = tanh(x W_ih^T + b_ih + h W_hh^T + b_hh)"


def test_sequence_patterns() -> None:
    assert right("seq_tasks.video-frames").startswith("Many-to-many, aligned")
    assert right("seq_tasks.sentiment") == "Many-to-one"
    assert "Translating a sentence into another language" in picked("seq_tasks.many-to-many-which")
    assert "Rating a movie review from 1 to 5 stars" not in picked("seq_tasks.many-to-many-which")
    assert truth("seq_tasks.causal-tagger") is False
