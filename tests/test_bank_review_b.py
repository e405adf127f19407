"""Review fixes in part b's question banks, each tied to what torch actually does.

The items here were wrong or misleading before the review: the teacher-forcing/parallelism
claim, the order question that rejected a valid order, what torch's `dropout=` argument drops,
and the orthogonal-init explanation that quoted one measurement. Each test pins the bank's
answer and re-derives it with torch, so the bank cannot drift back. Balance, clean Chinese and
"no figure from one measurement" are checked bank-wide (test_bank_fairness.py,
test_chinese_text.py, test_bank_shipped.py).
"""

from __future__ import annotations

import warnings

import torch
import torch.nn.functional as F
from torch import nn

from tests.bank_parts import question as q

# ---------------------------------------------------------------- teacher forcing and parallelism


def test_teacher_forcing_is_necessary_not_sufficient_for_parallel_training():
    question = q("teacher_forcing.enables-parallel")
    assert "RNN decoder" in question.prompt.en
    assert question.answer is False
    assert "necessary" in question.explanation.en
    assert "not sufficient" in question.explanation.en
    assert "h_{t-1}" in question.explanation.en
    assert "必要條件" in question.explanation.zh and "充分條件" in question.explanation.zh


def test_rnn_decoder_stays_sequential_even_with_teacher_forcing():
    torch.manual_seed(0)
    steps, batch, size, hidden = 6, 2, 5, 7
    gru = nn.GRU(size, hidden)
    x = torch.randn(steps, batch, size)  # teacher-forced inputs: all known in advance
    out, _ = gru(x)

    def cell(x_t, h):
        return torch.gru_cell(
            x_t, h, gru.weight_ih_l0, gru.weight_hh_l0, gru.bias_ih_l0, gru.bias_hh_l0
        )

    # The one call is a loop over time: each output is the cell applied to the previous output.
    h = torch.zeros(batch, hidden)
    for t in range(steps):
        h = cell(x[t], h)
        assert torch.allclose(out[t], h, atol=1e-6)
    # Knowing x_t is not enough: without h_{t-1} the step cannot be computed.
    for t in range(1, steps):
        assert not torch.allclose(cell(x[t], torch.zeros(batch, hidden)), out[t], atol=1e-3)


def test_causal_transformer_computes_every_position_at_once():
    torch.manual_seed(0)
    steps, d_model = 6, 16
    layer = nn.TransformerEncoderLayer(
        d_model, 4, dim_feedforward=32, dropout=0.0, batch_first=True
    )
    layer.eval()
    x = torch.randn(1, steps, d_model)
    mask = nn.Transformer.generate_square_subsequent_mask(steps)
    with torch.no_grad():
        together = layer(x, src_mask=mask, is_causal=True)
        # Each position needs only the inputs up to it, never another position's output,
        # so all of them come out of one pass and match the prefix-by-prefix computation.
        for t in range(steps):
            prefix = layer(x[:, : t + 1], src_mask=mask[: t + 1, : t + 1], is_causal=True)
            assert torch.allclose(together[:, t], prefix[:, t], atol=1e-5)


def test_training_step_order_lets_encoding_and_input_building_swap():
    question = q("teacher_forcing.training-step-order")
    items = [item.en for item in question.items]
    assert items[0].startswith("Encode the source")
    assert items[1].startswith("Build decoder inputs")
    assert question.may_swap == [[0, 1]]
    assert question.free_pairs() == {(0, 1)}
    # Running the decoder still needs both the encoder state and the shifted inputs.
    assert items[2].startswith("Run the decoder")
    assert "either order" in question.explanation.en
    assert "steps through time" in question.explanation.en


# ---------------------------------------------------------------- torch's dropout= argument


def _two_single_layers(lstm):
    first, second = (
        nn.LSTM(lstm.input_size, lstm.hidden_size),
        nn.LSTM(lstm.hidden_size, lstm.hidden_size),
    )
    with torch.no_grad():
        for name in ("weight_ih", "weight_hh", "bias_ih", "bias_hh"):
            getattr(first, f"{name}_l0").copy_(getattr(lstm, f"{name}_l0"))
            getattr(second, f"{name}_l0").copy_(getattr(lstm, f"{name}_l1"))
    return first, second


def test_zaremba_item_says_dropout_acts_only_between_layers():
    question = q("regularisation.zaremba-nonrecurrent")
    assert question.answer is True
    assert "num_layers=2" in question.prompt.en and "h_{t-1} -> h_t" in question.prompt.en
    explanation = question.explanation.en
    assert "every layer except the last" in explanation
    assert "num_layers=1" in explanation and "warns" in explanation
    assert "nn.Dropout" in explanation
    # The old text claimed torch also drops the input and the output; it does not.
    assert "still does" not in explanation


def test_one_layer_dropout_warns_and_changes_nothing_in_train_mode():
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        lstm = nn.LSTM(4, 8, num_layers=1, dropout=0.5)
    assert any(issubclass(w.category, UserWarning) for w in caught)
    assert any("num_layers greater than 1" in str(w.message) for w in caught)
    lstm.train()
    x = torch.randn(5, 2, 4)
    first, _ = lstm(x)
    second, _ = lstm(x)
    assert torch.equal(first, second)


def test_two_layer_dropout_drops_only_the_first_layers_outputs():
    torch.manual_seed(0)
    lstm = nn.LSTM(4, 6, num_layers=2, dropout=0.5)
    x = torch.randn(7, 3, 4)
    lstm.train()
    out_a, (h_a, _) = lstm(x)
    out_b, _ = lstm(x)
    assert not torch.allclose(out_a, out_b)  # random in train mode

    lstm.eval()
    _, (h_eval, _) = lstm(x)
    # Layer 0 sees no dropout at all, neither on its input nor on its recurrent path.
    assert torch.allclose(h_a[0], h_eval[0], atol=1e-6)
    assert not torch.allclose(h_a[1], h_eval[1], atol=1e-4)

    # Replaying the random stream: the train-mode result is exactly two dropout-free layers
    # with one ordinary dropout on layer 0's output sequence in between.
    lstm.train()
    first, second = _two_single_layers(lstm)
    torch.manual_seed(5)
    out, (h_n, _) = lstm(x)
    torch.manual_seed(5)
    y0, _ = first(x)
    y1, (h1, _) = second(F.dropout(y0, 0.5, training=True))
    assert torch.allclose(out, y1, atol=1e-6)
    assert torch.allclose(h_n[1], h1[0], atol=1e-6)


# ---------------------------------------------------------------- orthogonal W_hh: the mechanism


def _gradient_ratio(gain: float, hidden: int, input_scale: float, seed: int = 0) -> float:
    """|dL/dx_1| / |dL/dx_50| for a 50-step tanh nn.RNN with W_hh = gain * orthogonal."""
    torch.manual_seed(seed)
    rnn = nn.RNN(8, hidden)
    with torch.no_grad():
        nn.init.orthogonal_(rnn.weight_hh_l0, gain=gain)
    x = (torch.randn(50, 1, 8) * input_scale).requires_grad_()
    _, h_n = rnn(x)
    h_n.sum().backward()
    norms = x.grad.norm(dim=(1, 2))
    return (norms[0] / norms[-1]).item()


def test_orthogonal_item_teaches_the_mechanism():
    question = q("initialisation.orthogonal-not-enough")
    assert question.answer is False
    explanation = question.explanation.en
    assert "diag(1 - h_t^2) W_hh" in explanation
    assert "saturat" in explanation and "explode" in explanation
    assert "orders of magnitude" not in explanation
    assert "數量級" not in question.explanation.zh


def test_orthogonal_gain_one_still_vanishes():
    for seed in range(3):
        assert _gradient_ratio(1.0, 32, 1.0, seed) < 1e-2


def test_orthogonal_gain_three_explodes_with_unit_inputs_but_saturation_can_stop_it():
    exploding = _gradient_ratio(3.0, 32, 1.0)
    saturated = _gradient_ratio(3.0, 32, 10.0)
    assert exploding > 100
    assert saturated < 1  # same weights, inputs ten times larger: tanh saturates
    for seed in range(1, 3):
        assert _gradient_ratio(3.0, 128, 1.0, seed) > 100
