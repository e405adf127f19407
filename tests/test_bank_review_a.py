"""Review fixes in the part-a banks, each tied to what torch actually does.

- bptt.detach-spot: retain_graph=True does not rescue an undetached truncated-BPTT loop; the next
  chunk's backward() fails because optimizer.step() changed the weights in place.
- gradients.spectral-radius-myth / gradients.large-weights-saturate: W_hh = 3 * orthogonal explodes
  with N(0,1) inputs and stops exploding when inputs saturate tanh (directions, several seeds).
- clipping.training-step-order: every order its `may_swap` allows gives identical parameters, and
  every other runnable order does not.

Balance (answer positions, longest option, multi prefixes, spot_error lines, true/false split)
is checked bank-wide in test_bank_fairness.py, and "no figure from one measurement" in
test_bank_shipped.py.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable

import pytest
import torch
from torch import nn

from quiz.questions import Order, SpotError, TrueFalse
from tests.bank_parts import PART_A, questions_of
from tests.bank_parts import question as q

MINE = questions_of(PART_A)


def _texts(question) -> list:
    """Every Text of a question (prompt, explanation, options, lines, fix, answers)."""
    texts = [question.prompt, question.explanation]
    for field in ("choices", "items", "lines", "key_points"):
        texts += list(getattr(question, field, []) or [])
    for field in ("fix", "model_answer"):
        if getattr(question, field, None) is not None:
            texts.append(getattr(question, field))
    return texts


# --- bptt.detach-spot --------------------------------------------------------------------------


def _run_chunks(*, detach: bool, retain_graph: bool) -> nn.RNN:
    """Truncated BPTT over two chunks with SGD, carrying the hidden state across them."""
    torch.manual_seed(0)
    rnn = nn.RNN(2, 3)
    optimizer = torch.optim.SGD(rnn.parameters(), lr=0.1)
    h = None
    for chunk in torch.randn(6, 1, 2).split(3):
        if detach and h is not None:
            h = h.detach()
        out, h = rnn(chunk, h)
        optimizer.zero_grad()
        out.pow(2).sum().backward(retain_graph=retain_graph)
        optimizer.step()
    return rnn


def _quoted(text: str) -> list[str]:
    return re.findall(r"'([^']+)'", text) + re.findall(r"「([^」]+)」", text)


def test_detach_spot_marks_retain_graph_as_no_fix() -> None:
    question = q("bptt.detach-spot")
    assert isinstance(question, SpotError)
    wrong = question.lines[question.answer].en
    assert "retain_graph=True" in wrong and "as it is" in wrong
    assert "detach" in question.fix.en and "retain_graph=True does not" in question.fix.en
    assert "grow" not in question.explanation.en  # the old claim: it just grows the graph


def test_retain_graph_fails_on_the_next_chunk_with_the_quoted_inplace_error() -> None:
    question = q("bptt.detach-spot")
    quoted = _quoted(question.explanation.en)
    inplace = next(m for m in quoted if "inplace" in m)
    second_time = next(m for m in quoted if "second time" in m)
    assert inplace in question.explanation.zh and second_time in question.explanation.zh
    with pytest.raises(RuntimeError, match=re.escape(inplace)):
        _run_chunks(detach=False, retain_graph=True)
    with pytest.raises(RuntimeError, match=re.escape(second_time)):
        _run_chunks(detach=False, retain_graph=False)


def test_detach_between_chunks_trains_both_chunks() -> None:
    torch.manual_seed(0)
    untouched = nn.RNN(2, 3)
    trained = _run_chunks(detach=True, retain_graph=False)
    for before, after in zip(untouched.parameters(), trained.parameters(), strict=True):
        assert not torch.equal(before, after)


# --- gradients: W_hh = 3 * orthogonal ----------------------------------------------------------


def _early_gradient(steps: int, input_scale: float, seed: int, hidden: int = 32):
    """|d h_T.sum() / d x_1| for h_t = tanh(3 Q h_{t-1} + W_ih x_t), x ~ input_scale * N(0, 1).

    Also returns the mean of 1 - h_t^2 over the run (how far from saturation the units are).
    """
    gen = torch.Generator().manual_seed(seed)
    q_mat, _ = torch.linalg.qr(torch.randn(hidden, hidden, generator=gen, dtype=torch.float64))
    w_ih = torch.randn(hidden, 8, generator=gen, dtype=torch.float64) / 8**0.5
    xs = input_scale * torch.randn(steps, 8, generator=gen, dtype=torch.float64)
    xs.requires_grad_(True)
    h = torch.zeros(hidden, dtype=torch.float64)
    slopes = []
    for t in range(steps):
        h = torch.tanh(3 * q_mat @ h + w_ih @ xs[t])
        slopes.append((1 - h.detach() ** 2).mean().item())
    (grad,) = torch.autograd.grad(h.sum(), xs)
    return grad[0].norm().item(), sum(slopes) / len(slopes)


SEEDS = range(5)


@pytest.mark.parametrize("seed", SEEDS)
def test_gain_three_explodes_with_standard_normal_inputs(seed: int) -> None:
    norms = [_early_gradient(steps, 1.0, seed)[0] for steps in (5, 20, 40)]
    assert norms[-1] > 100 * norms[0]  # the gradient reaching x_1 grows with T
    assert norms[-1] > 1e3
    _, slope = _early_gradient(40, 1.0, seed)
    _, saturated = _early_gradient(40, 50.0, seed)
    assert slope > 10 * saturated  # many units stay in tanh's steep region


@pytest.mark.parametrize("seed", SEEDS)
def test_gain_three_stops_exploding_when_inputs_saturate_tanh(seed: int) -> None:
    norms = [_early_gradient(steps, 50.0, seed)[0] for steps in (5, 20, 40)]
    assert norms[-1] < norms[0] and norms[-1] < 1e-6
    _, slope = _early_gradient(40, 50.0, seed)
    assert 3 * slope < 0.1  # saturated: diag(1 - h^2) is tiny, 3 * W_hh cannot make up for it


def test_no_part_a_item_claims_gain_three_still_vanishes() -> None:
    myth = q("gradients.spectral-radius-myth")
    assert isinstance(myth, SpotError)
    assert "guaranteed to explode" in myth.lines[myth.answer].en
    assert "necessary, not sufficient" in myth.fix.en
    statement = q("gradients.large-weights-saturate")
    assert isinstance(statement, TrueFalse) and statement.answer is True
    assert "N(0,1)" in statement.prompt.en and "saturate" in statement.prompt.en
    for question in MINE:
        for text in _texts(question):
            if re.search(r"3 \* orthogonal|3 times an orthogonal", text.en):
                assert "explode" in text.en, f"{question.id}: {text.en}"
                assert not re.search(r"\bit vanished\b|still vanishes", text.en), question.id


# --- clipping.training-step-order --------------------------------------------------------------


def _step_actions(order: Order) -> list[Callable[[dict], None]]:
    """One callable per item, chosen by the item's text."""

    def zero_grad(ctx):
        ctx["opt"].zero_grad()

    def forward(ctx):
        ctx["loss"] = (ctx["model"](ctx["x"]) - ctx["y"]).pow(2).sum()

    def backward(ctx):
        ctx["loss"].backward()

    def clip(ctx):
        nn.utils.clip_grad_norm_(ctx["model"].parameters(), max_norm=0.5)

    def step(ctx):
        ctx["opt"].step()

    table = {
        "zero_grad": zero_grad,
        "Forward pass": forward,
        "backward": backward,
        "clip_grad_norm_": clip,
        "step()": step,
    }
    actions = []
    for item in order.items:
        hits = [fn for key, fn in table.items() if key in item.en]
        assert len(hits) == 1, item.en
        actions.append(hits[0])
    return actions


def _run_order(actions, sequence) -> list[torch.Tensor] | None:
    torch.manual_seed(5)
    model = nn.Linear(3, 2).double()
    opt = torch.optim.SGD(model.parameters(), lr=0.1)
    for p in model.parameters():  # stale gradients from the previous iteration
        p.grad = torch.full_like(p, 7.0)
    ctx = {
        "model": model,
        "opt": opt,
        "x": 3 * torch.randn(4, 3, dtype=torch.float64),
        "y": torch.randn(4, 2, dtype=torch.float64),
    }
    try:
        for index in sequence:
            actions[index](ctx)
    except (KeyError, RuntimeError):
        return None  # not runnable, e.g. backward before the loss exists
    return [p.detach().clone() for p in model.parameters()]


def _respects(order: Order, sequence) -> bool:
    position = {item: k for k, item in enumerate(sequence)}
    return all(position[i] < position[j] for i, j in order.constraints())


def test_training_step_order_declares_zero_grad_and_forward_swappable() -> None:
    order = q("clipping.training-step-order")
    assert isinstance(order, Order)
    steps = [item.en for item in order.items]
    zero = next(i for i, s in enumerate(steps) if "zero_grad" in s)
    forward = next(i for i, s in enumerate(steps) if s.startswith("Forward pass"))
    assert sorted([zero, forward]) in [sorted(g) for g in order.may_swap]
    assert "zero_grad" in order.explanation.en and "before" in order.explanation.en


def test_every_allowed_training_step_order_gives_identical_parameters() -> None:
    order = q("clipping.training-step-order")
    assert isinstance(order, Order)
    actions = _step_actions(order)
    reference = _run_order(actions, range(len(actions)))
    assert reference is not None
    valid, invalid = [], []
    for sequence in itertools.permutations(range(len(actions))):
        (valid if _respects(order, sequence) else invalid).append(sequence)
    assert len(valid) == 2  # as written, and with zero_grad after the forward pass
    for sequence in valid:
        result = _run_order(actions, sequence)
        assert result is not None, sequence
        assert all(torch.equal(a, b) for a, b in zip(result, reference, strict=True)), sequence
    runnable = 0
    for sequence in invalid:
        result = _run_order(actions, sequence)
        if result is None:
            continue
        runnable += 1
        same = all(torch.equal(a, b) for a, b in zip(result, reference, strict=True))
        assert not same, f"order {sequence} is not allowed but gives the same parameters"
    assert runnable >= 5
