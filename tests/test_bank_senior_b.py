"""Behaviour behind the senior banks: seq2seq_engineering, language_modelling, framework_apis.

Each test pins what a question teaches (its right choice, planted error, or true/false answer) and
shows the behaviour by running torch: the shapes that raise, a beam search that loses to greedy,
gradients that agree or flow, a weight port that matches. A change in the bank's answer or in
torch then fails here rather than in someone's interview. Keras itself is not installed: its
cells are written out from the Keras source (keras/src/layers/rnn/gru.py) and ported into torch.
"""

from __future__ import annotations

import math

import pytest
import torch
from torch import nn
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

from quiz.questions import Multi, Single, SpotError, TrueFalse
from quiz.sources import load_sources, source_ids
from tests.bank_parts import SENIOR_B, questions_of
from tests.bank_parts import question as q


def right_choice(question: Single) -> str:
    return question.choices[question.answer].en


def wrong_line(question: SpotError) -> str:
    return question.lines[question.answer].en


# --- quotas of these three banks -----------------------------------------------------------------


def test_senior_quotas():
    mine = questions_of(SENIOR_B)
    assert len(mine) >= 40
    for topic in SENIOR_B:
        assert sum(x.topic == topic for x in mine) >= 12, topic
    assert sum(x.difficulty == 3 for x in mine) >= 0.6 * len(mine)
    assert all(x.difficulty >= 2 for x in mine)
    table = load_sources()
    for x in mine:  # a readable primary source, not a file of this project
        for sid in source_ids(x.source):
            assert sid in table and "seed" not in table[sid].cite().lower(), (x.id, sid)


# --- seq2seq engineering: bridges ---------------------------------------------------------------


def test_bridge_wrong_widths_raise_and_learned_bridge_runs():
    question = q("seq2seq_engineering.bridge-hidden-size")
    assert "Linear(512, 256)" in right_choice(question)
    torch.manual_seed(0)
    batch = 3
    encoder = nn.LSTM(10, 512, num_layers=2)
    decoder = nn.LSTM(10, 256, num_layers=2)
    x = torch.randn(5, batch, 10)
    _, (h, c) = encoder(x)
    with pytest.raises(RuntimeError, match="Expected hidden"):
        decoder(x, (h, c))
    with pytest.raises(RuntimeError, match="Expected hidden"):
        decoder(x, (h.reshape(4, batch, 256), c.reshape(4, batch, 256)))
    bridges = nn.ModuleList(nn.Linear(512, 256) for _ in range(4))
    h0 = torch.stack([torch.tanh(bridges[i](h[i])) for i in range(2)])
    c0 = torch.stack([bridges[2 + i](c[i]) for i in range(2)])
    _, (h_n, _) = decoder(x, (h0, c0))
    assert h_n.shape == (2, batch, 256)


def test_depth_mismatch_options():
    question = q("seq2seq_engineering.bridge-depth-mismatch")
    assert isinstance(question, Multi) and sorted(question.answer) == [1, 3, 4]
    torch.manual_seed(0)
    batch, hidden = 3, 256
    encoder = nn.GRU(8, hidden, num_layers=4)
    decoder = nn.GRU(8, hidden, num_layers=2, batch_first=True)
    _, h_n = encoder(torch.randn(6, batch, 8))
    y = torch.randn(batch, 5, 8)
    with pytest.raises(RuntimeError, match="Expected hidden"):
        decoder(y, h_n)  # choice 0: extra layers are not dropped
    with pytest.raises(RuntimeError, match="Expected hidden"):
        decoder(y, h_n.transpose(0, 1).contiguous())  # choice 2: batch_first is not for h0
    project = nn.Linear(4 * hidden, 2 * hidden)
    learned = project(h_n.permute(1, 0, 2).reshape(batch, 4 * hidden))
    learned = learned.view(batch, 2, hidden).permute(1, 0, 2).contiguous()
    for h0 in (
        h_n[-2:],
        torch.stack([h_n[0:2].mean(0), h_n[2:4].mean(0)]),
        learned,
    ):
        _, h_dec = decoder(y, h0)
        assert h_dec.shape == (2, batch, hidden)


def test_bidirectional_sum_passes_gradient_to_both_directions():
    question = q("seq2seq_engineering.bidir-sum-vs-concat")
    assert "131,328" in right_choice(question)
    assert 256 * 512 + 256 == 131_328
    torch.manual_seed(0)
    encoder = nn.GRU(6, 256, bidirectional=True)
    _, h_n = encoder(torch.randn(4, 2, 6))
    assert h_n[0].shape == h_n[1].shape == (2, 256)
    (h_n[0] + h_n[1]).pow(2).sum().backward()
    assert encoder.weight_ih_l0.grad.abs().sum() > 0
    assert encoder.weight_ih_l0_reverse.grad.abs().sum() > 0


def test_lstm_state_into_gru():
    question = q("seq2seq_engineering.lstm-encoder-gru-decoder")
    assert right_choice(question).startswith("h_n")
    torch.manual_seed(0)
    encoder, decoder = nn.LSTM(8, 64), nn.GRU(8, 64)
    x = torch.randn(5, 2, 8)
    _, (h, c) = encoder(x)
    with pytest.raises(AttributeError):
        decoder(x, (h, c))
    _, h_dec = decoder(x, h)
    assert h_dec.shape == h.shape
    # a GRU started inside (-1, 1) stays there: h' = (1 - z) * n + z * h is a convex mix
    out, _ = decoder(torch.randn(50, 2, 8) * 5, h)
    assert out.abs().max() < 1


def test_bridge_code_slip():
    question = q("seq2seq_engineering.bridge-code-slip")
    assert question.answer == 0 and "Linear(256, 512)" in wrong_line(question)
    assert "Linear(512, 512)" in question.fix.en
    torch.manual_seed(0)
    batch = 3
    encoder = nn.LSTM(8, 256, num_layers=2, bidirectional=True, batch_first=True)
    decoder = nn.LSTM(8, 512, num_layers=2)
    out, (h, _) = encoder(torch.randn(batch, 7, 8))
    per_layer = h.view(2, 2, batch, 256)
    assert torch.equal(per_layer[-1, 0], out[:, -1, :256])  # top layer, forward
    assert torch.equal(per_layer[-1, 1], out[:, 0, 256:])  # top layer, backward
    joined = torch.cat([per_layer[:, 0], per_layer[:, 1]], dim=-1)
    assert joined.shape == (2, batch, 512)
    with pytest.raises(RuntimeError):
        nn.Linear(256, 512)(joined)
    h0 = torch.tanh(nn.Linear(512, 512)(joined))
    decoder(torch.randn(4, batch, 8), (h0, torch.zeros_like(h0)))


# --- seq2seq engineering: beam search -----------------------------------------------------------


def _table_model(prefix: tuple[int, ...]) -> torch.Tensor:
    """Next-token log-probabilities over 3 tokens for a hand-made 3-step 'model'."""
    table = {
        (): [0.40, 0.35, 0.25],
        (0,): [0.34, 0.33, 0.33],
        (1,): [0.50, 0.50, 0.00],
        (0, 0): [1.00, 0.00, 0.00],
    }
    probs = torch.tensor(table.get(prefix, [1 / 3, 1 / 3, 1 / 3]))
    return probs.clamp_min(1e-12).log()


def _beam(k: int, steps: int = 3) -> tuple[tuple[int, ...], float]:
    beams = [((), 0.0)]
    for _ in range(steps):
        candidates = [
            ((*prefix, token), score + float(log_p))
            for prefix, score in beams
            for token, log_p in enumerate(_table_model(prefix))
        ]
        beams = sorted(candidates, key=lambda item: -item[1])[:k]
    return beams[0]


def test_wider_beam_can_lose_to_greedy():
    question = q("seq2seq_engineering.wider-beam-can-lose")
    assert isinstance(question, TrueFalse) and question.answer is False
    greedy_seq, greedy_score = _beam(1)
    beam_seq, beam_score = _beam(2)
    assert greedy_seq == (0, 0, 0)
    assert beam_seq[0] == 1  # k = 2 pruned the greedy prefix at step 2
    assert beam_score < greedy_score
    assert math.isclose(math.exp(greedy_score), 0.40 * 0.34 * 1.0, rel_tol=1e-6)


def _batched_beam(log_probs: torch.Tensor, k: int, steps: int, fix: bool) -> torch.Tensor:
    """Beam search over a fixed per-step table (steps, V): return the k token sequences."""
    scores = torch.zeros(k)
    if fix:
        scores[1:] = float("-inf")
    seqs = torch.zeros(k, 0, dtype=torch.long)
    vocab = log_probs.shape[1]
    for t in range(steps):
        candidates = (scores[:, None] + log_probs[t][None, :]).flatten()
        scores, index = candidates.topk(k)
        parent, token = index // vocab, index % vocab
        seqs = torch.cat([seqs[parent], token[:, None]], dim=1)
    return seqs


def test_identical_beams_come_from_identical_starts():
    question = q("seq2seq_engineering.identical-beams-bug")
    assert "-inf" in right_choice(question)
    gen = torch.Generator().manual_seed(0)
    table = torch.log_softmax(torch.randn(6, 20, generator=gen), dim=-1)
    naive = _batched_beam(table, k=4, steps=6, fix=False)
    fixed = _batched_beam(table, k=4, steps=6, fix=True)
    assert all(torch.equal(naive[0], row) for row in naive)
    assert len({tuple(row.tolist()) for row in fixed}) == 4


# --- seq2seq engineering: teacher forcing and BPTT ------------------------------------------------


class _Decoder(nn.Module):
    def __init__(self, vocab: int = 7, hidden: int = 16) -> None:
        super().__init__()
        self.embed = nn.Embedding(vocab, hidden)
        self.cell = nn.GRUCell(hidden, hidden)
        self.out = nn.Linear(hidden, vocab)

    def run(self, h: torch.Tensor, first: torch.Tensor, targets: torch.Tensor, forced: bool):
        tok, losses, fed = first, [], []
        for t in range(targets.shape[1]):
            fed.append(tok)
            h = self.cell(self.embed(tok), h)
            logits = self.out(h)
            losses.append(nn.functional.cross_entropy(logits, targets[:, t]))
            tok = targets[:, t] if forced else logits.argmax(-1)
        return torch.stack(losses).sum(), fed


def test_perfect_predictions_give_identical_gradients():
    question = q("seq2seq_engineering.perfect-predictions-same-gradients")
    assert isinstance(question, TrueFalse) and question.answer is True
    torch.manual_seed(0)
    model = _Decoder()
    h0 = torch.randn(3, 16)
    bos = torch.zeros(3, dtype=torch.long)
    with torch.no_grad():  # targets = the model's own greedy output, so every argmax is right
        tok, h, targets = bos, h0, []
        for _ in range(5):
            h = model.cell(model.embed(tok), h)
            tok = model.out(h).argmax(-1)
            targets.append(tok)
    targets = torch.stack(targets, dim=1)
    grads = []
    for forced in (True, False):
        model.zero_grad()
        loss, _ = model.run(h0, bos, targets, forced)
        loss.backward()
        grads.append([p.grad.clone() for p in model.parameters()])
    for forced_grad, free_grad in zip(*grads, strict=True):
        assert torch.equal(forced_grad, free_grad)


def test_teacher_forcing_still_backpropagates_through_time():
    question = q("seq2seq_engineering.tf-bptt-combinations")
    assert sorted(question.answer) == [0, 2, 4]
    torch.manual_seed(0)
    model = _Decoder()
    h0 = torch.randn(2, 16, requires_grad=True)
    targets = torch.randint(0, 7, (2, 6))
    bos = torch.zeros(2, dtype=torch.long)
    h, tok = h0, bos
    for t in range(6):  # teacher forcing: gold tokens in, loss only at the last step
        h = model.cell(model.embed(tok), h)
        tok = targets[:, t]
    nn.functional.cross_entropy(model.out(h), targets[:, -1]).backward()
    assert h0.grad.abs().sum() > 0  # gradients did not stop at each step
    _, fed = model.run(torch.randn(2, 16), bos, targets, forced=False)
    assert all(not tok.requires_grad and tok.grad_fn is None for tok in fed)


# --- language modelling -------------------------------------------------------------------------


@pytest.mark.filterwarnings("ignore:LSTM with projections")
def test_tying_needs_the_embedding_width_and_proj_size_gives_it():
    question = q("language_modelling.tying-size-mismatch")
    assert "proj_size=300" in right_choice(question)
    torch.manual_seed(0)
    vocab = 50
    embed = nn.Embedding(vocab, 300)
    tokens = torch.randint(0, vocab, (2, 4))
    wide = nn.LSTM(300, 1024, batch_first=True)
    out_layer = nn.Linear(1024, vocab)
    with pytest.raises(RuntimeError):
        out_layer.weight = embed.weight  # (V, 300) where (V, 1024) is needed
        out_layer(wide(embed(tokens))[0])
    projected = nn.LSTM(300, 1024, proj_size=300, batch_first=True)
    tied = nn.Linear(300, vocab)
    tied.weight = embed.weight
    hidden, (h_n, c_n) = projected(embed(tokens))
    assert hidden.shape[-1] == 300 and h_n.shape[-1] == 300 and c_n.shape[-1] == 1024
    assert tied(hidden).shape == (2, 4, vocab)


def test_perplexity_units():
    question = q("language_modelling.perplexity-units")
    assert right_choice(question).startswith("B")
    ppl_a = math.exp(4.0)
    ppl_b = 2**5.0
    assert ppl_b < ppl_a
    assert math.isclose(5.0 * math.log(2), 3.47, abs_tol=0.005)
    assert math.isclose(math.exp(5.0 * math.log(2)), ppl_b)  # same model, either base


def _grad_wrt_next_input(model: nn.LSTM, t: int) -> float:
    """|d layer-2 forward output at t / d x_{t+1}| for a 2-layer LSTM on one sequence."""
    x = torch.randn(6, 1, 4, requires_grad=True)
    out, _ = model(x)
    hidden = model.hidden_size
    out[t, 0, :hidden].sum().backward()  # forward direction only
    return float(x.grad[t + 1].abs().sum())


def test_stacked_bilstm_leaks_the_next_token_and_separate_stacks_do_not():
    question = q("language_modelling.elmo-separate-directions")
    assert "x_{t+1}" in right_choice(question)
    torch.manual_seed(0)
    stacked_bi = nn.LSTM(4, 5, num_layers=2, bidirectional=True)
    forward_only = nn.LSTM(4, 5, num_layers=2)
    assert _grad_wrt_next_input(stacked_bi, t=2) > 0  # the forward LM can see its target
    assert _grad_wrt_next_input(forward_only, t=2) == 0


# --- framework APIs: Keras cells written out from the Keras source, ported into torch ----------


def _keras_lstm(x, kernel, recurrent, bias):
    """Keras LSTM (batch-major): kernel (in, 4u) split i, f, c, o; one bias; h = o * tanh(c)."""
    units = recurrent.shape[0]
    h = c = torch.zeros(x.shape[0], units, dtype=x.dtype)
    outputs = []
    for t in range(x.shape[1]):
        z = x[:, t] @ kernel + h @ recurrent + bias
        i, f, g, o = z.split(units, dim=-1)
        c = torch.sigmoid(f) * c + torch.sigmoid(i) * torch.tanh(g)
        h = torch.sigmoid(o) * torch.tanh(c)
        outputs.append(h)
    return torch.stack(outputs, dim=1)


def _keras_gru(x, kernel, recurrent, bias, reset_after: bool):
    """Keras GRU (batch-major): blocks z, r, h; h' = z * h + (1 - z) * candidate."""
    units = recurrent.shape[0]
    h = torch.zeros(x.shape[0], units, dtype=x.dtype)
    input_bias, recurrent_bias = (bias[0], bias[1]) if reset_after else (bias, None)
    outputs = []
    for t in range(x.shape[1]):
        x_z, x_r, x_h = (x[:, t] @ kernel + input_bias).split(units, dim=-1)
        inner = h @ recurrent[:, : 2 * units]
        if reset_after:
            inner = h @ recurrent + recurrent_bias
        r_z, r_r = inner[:, :units], inner[:, units : 2 * units]
        z, r = torch.sigmoid(x_z + r_z), torch.sigmoid(x_r + r_r)
        # reset after the matmul (torch's form) or before it (the paper's form)
        rec_h = r * inner[:, 2 * units :] if reset_after else (r * h) @ recurrent[:, 2 * units :]
        h = z * h + (1 - z) * torch.tanh(x_h + rec_h)
        outputs.append(h)
    return torch.stack(outputs, dim=1)


def _zrh_to_rzn(w: torch.Tensor) -> torch.Tensor:
    z, r, h = w.chunk(3, dim=-1)
    return torch.cat([r, z, h], dim=-1)


def test_keras_lstm_ports_with_a_transpose_and_no_reordering():
    question = q("framework_apis.keras-lstm-port-no-reorder")
    assert isinstance(question, TrueFalse) and question.answer is True
    gen = torch.Generator().manual_seed(0)
    inputs, units = 5, 4
    kernel = torch.randn(inputs, 4 * units, generator=gen, dtype=torch.float64)
    recurrent = torch.randn(units, 4 * units, generator=gen, dtype=torch.float64)
    bias = torch.randn(4 * units, generator=gen, dtype=torch.float64)
    x = torch.randn(3, 7, inputs, generator=gen, dtype=torch.float64)
    lstm = nn.LSTM(inputs, units, batch_first=True, dtype=torch.float64)
    with torch.no_grad():
        lstm.weight_ih_l0.copy_(kernel.T)
        lstm.weight_hh_l0.copy_(recurrent.T)
        lstm.bias_ih_l0.copy_(bias)
        lstm.bias_hh_l0.zero_()
        out, _ = lstm(x)
    torch.testing.assert_close(out, _keras_lstm(x, kernel, recurrent, bias))


def _keras_gru_weights(reset_after: bool):
    gen = torch.Generator().manual_seed(1)
    inputs, units = 32, 64
    kernel = torch.randn(inputs, 3 * units, generator=gen, dtype=torch.float64) * 0.3
    recurrent = torch.randn(units, 3 * units, generator=gen, dtype=torch.float64) * 0.3
    shape = (2, 3 * units) if reset_after else (3 * units,)
    bias = torch.randn(*shape, generator=gen, dtype=torch.float64)
    x = torch.randn(2, 6, inputs, generator=gen, dtype=torch.float64)
    return x, kernel, recurrent, bias


def _ported_gru(kernel, recurrent, bias_ih, bias_hh) -> nn.GRU:
    gru = nn.GRU(kernel.shape[0], recurrent.shape[0], batch_first=True, dtype=torch.float64)
    with torch.no_grad():
        gru.weight_ih_l0.copy_(_zrh_to_rzn(kernel).T)
        gru.weight_hh_l0.copy_(_zrh_to_rzn(recurrent).T)
        gru.bias_ih_l0.copy_(bias_ih)
        gru.bias_hh_l0.copy_(bias_hh)
    return gru


def test_keras_gru_port_needs_the_biases_reordered_too():
    question = q("framework_apis.keras-gru-port-slip")
    assert question.answer == 4 and "zrh_to_rzn(bias[0])" in question.fix.en
    assert "zrh_to_rzn" not in wrong_line(question)
    x, kernel, recurrent, bias = _keras_gru_weights(reset_after=True)
    keras_out = _keras_gru(x, kernel, recurrent, bias, reset_after=True)
    with torch.no_grad():
        buggy, _ = _ported_gru(kernel, recurrent, bias[0], bias[1])(x)
        fixed, _ = _ported_gru(kernel, recurrent, _zrh_to_rzn(bias[0]), _zrh_to_rzn(bias[1]))(x)
    torch.testing.assert_close(fixed, keras_out)
    assert (buggy - keras_out).abs().max() > 1e-2


def test_keras_gru_reset_before_is_not_an_nn_gru():
    question = q("framework_apis.keras-gru-reset-before")
    assert isinstance(question, TrueFalse) and question.answer is False
    x, kernel, recurrent, bias = _keras_gru_weights(reset_after=False)
    keras_out = _keras_gru(x, kernel, recurrent, bias, reset_after=False)
    with torch.no_grad():
        ported, _ = _ported_gru(kernel, recurrent, _zrh_to_rzn(bias), torch.zeros_like(bias))(x)
    assert (ported - keras_out).abs().max() > 1e-2


def _reverse_within_lengths(x: torch.Tensor, lengths: torch.Tensor) -> torch.Tensor:
    out = x.clone()
    for i, length in enumerate(lengths.tolist()):
        out[i, :length] = x[i, :length].flip(0)
    return out


@pytest.mark.filterwarnings("ignore:LSTM with projections")
def test_different_sizes_per_direction():
    question = q("framework_apis.different-sizes-per-direction")
    assert "within its length" in right_choice(question)
    with pytest.raises(TypeError):
        nn.LSTM(300, (128, 64), bidirectional=True)
    torch.manual_seed(0)
    projected = nn.LSTM(3, 8, bidirectional=True, proj_size=4, batch_first=True)
    proj_out, _ = projected(torch.randn(1, 2, 3))
    assert proj_out.shape[-1] == 2 * 4  # proj_size shrinks both directions alike
    x = torch.randn(3, 6, 4)
    lengths = torch.tensor([2, 6, 4])
    backward = nn.LSTM(4, 3, batch_first=True)
    reference = nn.LSTM(4, 3, batch_first=True, bidirectional=True)
    with torch.no_grad():
        for name in ("weight_ih_l0", "weight_hh_l0", "bias_ih_l0", "bias_hh_l0"):
            getattr(reference, f"{name}_reverse").copy_(getattr(backward, name))
        packed = pack_padded_sequence(x, lengths, batch_first=True, enforce_sorted=False)
        expected, _ = pad_packed_sequence(reference(packed)[0], batch_first=True)
        expected = expected[..., 3:]
        reversed_x = _reverse_within_lengths(x, lengths)
        packed = pack_padded_sequence(reversed_x, lengths, batch_first=True, enforce_sorted=False)
        manual, _ = pad_packed_sequence(backward(packed)[0], batch_first=True)
        manual = _reverse_within_lengths(manual, lengths)
        flipped = backward(x.flip(1))[0].flip(1)
    torch.testing.assert_close(manual, expected)
    assert not torch.allclose(flipped[0, :2], expected[0, :2], atol=1e-4)  # pads read first


def test_top_layer_states_of_a_stacked_bidirectional_lstm():
    question = q("framework_apis.hn-top-layer")
    assert right_choice(question) == "torch.cat([h_n[-2], h_n[-1]], dim=-1)"
    torch.manual_seed(0)
    lstm = nn.LSTM(10, 64, num_layers=3, bidirectional=True, batch_first=True)
    out, (h_n, _) = lstm(torch.randn(2, 5, 10))
    top = h_n.view(3, 2, 2, 64)[-1]
    assert torch.equal(torch.cat([h_n[-2], h_n[-1]], dim=-1), torch.cat([top[0], top[1]], -1))
    assert torch.equal(h_n[-2], out[:, -1, :64]) and torch.equal(h_n[-1], out[:, 0, 64:])
    assert not torch.allclose(h_n[-1], out[:, -1, 64:])


def test_stateful_loop_needs_detach():
    question = q("framework_apis.stateful-loop-torch")
    assert "detach" in question.items[-1].en
    torch.manual_seed(0)
    model, head = nn.GRU(3, 8, batch_first=True), nn.Linear(8, 1)
    params = list(model.parameters()) + list(head.parameters())
    streams = torch.randn(4, 30, 3)

    def epoch(detach: bool) -> None:
        optimizer = torch.optim.SGD(params, lr=0.01)
        h = torch.zeros(1, 4, 8)
        for chunk in streams.split(10, dim=1):
            out, h = model(chunk, h)
            loss = head(out).pow(2).mean()
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            if detach:
                h = h.detach()

    epoch(detach=True)
    with pytest.raises(RuntimeError, match="backward through the graph a second time"):
        epoch(detach=False)
