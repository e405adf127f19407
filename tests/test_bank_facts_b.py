"""Facts behind part b's question banks, checked against the bank text and against torch.

Each test pins one statement a question teaches (the right choice, the planted error and its fix,
a true/false answer) and, where torch can show it, recomputes the fact so that a wrong answer in
the bank, or a change in torch, fails here rather than in someone's interview.
"""

from __future__ import annotations

import warnings
from collections import Counter

import pytest
import torch
from torch import nn
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence, pad_sequence

from tests.bank_parts import PART_B, questions_of
from tests.bank_parts import question as q


def right_choice(question) -> str:
    return question.choices[question.answer].en


def wrong_line(question) -> str:
    return question.lines[question.answer].en


def texts(question) -> list:
    """Every {en, zh} text of a question."""
    out = [question.prompt, question.explanation]
    for name in ("choices", "lines", "items", "key_points"):
        out += list(getattr(question, name, None) or [])
    for name in ("fix", "model_answer"):
        value = getattr(question, name, None)
        if value is not None:
            out.append(value)
    return out


# ---------------------------------------------------------------- quotas for this part


def test_part_b_quotas():
    qs = questions_of(PART_B)
    types = Counter(x.type for x in qs)
    assert len(qs) >= 100
    assert types["spot_error"] >= 8
    assert types["numeric"] >= 6
    assert types["free"] >= 16
    assert types["order"] >= 7
    for topic in PART_B:
        in_topic = [x for x in qs if x.topic == topic]
        assert len(in_topic) >= 10, topic
        assert len({x.type for x in in_topic}) >= 4, topic
    levels = Counter(x.difficulty for x in qs)
    for level, share in ((1, 0.4), (2, 0.4), (3, 0.2)):
        assert abs(levels[level] / len(qs) - share) <= 0.07, (level, levels)


def test_every_text_has_both_languages_and_a_source():
    for question in questions_of(PART_B):
        assert question.source, question.id
        for text in texts(question):
            assert text.en.strip() and text.zh.strip(), question.id
        if question.type == "free":
            assert 3 <= len(question.key_points) <= 5, question.id


def test_numeric_answers_are_fixed():
    # Part b adds no generators; every numeric carries its own answer.
    for question in questions_of(PART_B):
        if question.type == "numeric":
            assert question.generator is None and question.answer is not None, question.id


# ---------------------------------------------------------------- bidirectional and stacked


def test_seed_000_direction_slip():
    question = q("bidirectional_stacked.seed000-direction-slip")
    assert question.source == "ithome-2023-lstm-gru"
    assert "from the output back to the input" in wrong_line(question)
    assert "forward in time" in question.fix.en and "backward in time" in question.fix.en
    assert "cited iThome article" in question.explanation.en
    assert "所引用的 iThome 文章" in question.explanation.zh
    assert "正向" in question.fix.zh and "反向" in question.fix.zh


def _bilstm_outputs():
    torch.manual_seed(0)
    hidden = 7
    lstm = nn.LSTM(5, hidden, num_layers=2, bidirectional=True, batch_first=True)
    out, (h_n, _) = lstm(torch.randn(3, 6, 5))
    return hidden, out, h_n


def test_hn_last_is_backward_state_at_step_0():
    assert right_choice(q("bidirectional_stacked.hn-last-is-backward")) == "out[:, 0, H:]"
    hidden, out, h_n = _bilstm_outputs()
    assert torch.allclose(h_n[-1], out[:, 0, hidden:])
    assert torch.allclose(h_n[-2], out[:, -1, :hidden])
    assert not torch.allclose(h_n[-1], out[:, -1, hidden:])


def test_last_step_bug_fix_matches_torch():
    question = q("bidirectional_stacked.last-step-bug")
    assert "out[:, -1, H:]" in wrong_line(question)
    assert "out[:, 0, H:]" in question.fix.en and "h_n[-1]" in question.fix.en


def test_hn_layout_index_is_two_layer_plus_direction():
    question = q("bidirectional_stacked.hn-index-layout")
    assert right_choice(question) == "h_n[3]"
    torch.manual_seed(0)
    gru = nn.GRU(10, 20, num_layers=3, bidirectional=True)
    x = torch.randn(15, 4, 10)
    _, h_n = gru(x)
    # Rebuild layer by layer with single-layer modules and compare the final states.
    inp, finals = x, []
    for k in range(3):
        layer = nn.GRU(10 if k == 0 else 40, 20, bidirectional=True)
        with torch.no_grad():
            for suffix in ("", "_reverse"):
                for name in ("weight_ih", "weight_hh", "bias_ih", "bias_hh"):
                    src = getattr(gru, f"{name}_l{k}{suffix}")
                    getattr(layer, f"{name}_l0{suffix}").copy_(src)
        inp, h_k = layer(inp)
        finals.append(h_k)
    assert torch.allclose(h_n[3], finals[1][1], atol=1e-6)  # layer 1, backward
    # Every distractor names another layer or direction, so none of them matches.
    for choice in question.choices:
        if choice.en != "h_n[3]":
            index = int(choice.en[len("h_n[") : -1])
            assert not torch.allclose(h_n[index], finals[1][1], atol=1e-4), choice.en


def test_bidirectional_not_allowed_for_streaming_and_generation():
    question = q("bidirectional_stacked.not-allowed")
    chosen = [question.choices[i].en for i in question.answer]
    assert len(chosen) == 2
    assert any("Streaming" in c for c in chosen)
    assert any("language model" in c for c in chosen)


def test_backward_direction_is_contaminated_without_packing():
    assert q("bidirectional_stacked.padding-backward").answer is False
    torch.manual_seed(0)
    hidden = 7
    lstm = nn.LSTM(5, hidden, bidirectional=True, batch_first=True)
    seqs = [torch.randn(6, 5), torch.randn(3, 5)]
    padded = pad_sequence(seqs, batch_first=True)
    alone, _ = lstm(seqs[1].unsqueeze(0))
    unpacked, _ = lstm(padded)
    assert torch.allclose(unpacked[1, :3, :hidden], alone[0, :, :hidden], atol=1e-6)
    assert not torch.allclose(unpacked[1, :3, hidden:], alone[0, :, hidden:], atol=1e-4)
    packed = pack_padded_sequence(padded, [6, 3], batch_first=True, enforce_sorted=False)
    out, _ = pad_packed_sequence(lstm(packed)[0], batch_first=True)
    assert torch.allclose(out[1, :3], alone[0], atol=1e-6)


def test_stack_order_puts_dropout_between_layers():
    items = [i.en for i in q("bidirectional_stacked.stack-order").items]
    dropout = next(n for n, text in enumerate(items) if text.startswith("Dropout"))
    layer1 = next(n for n, text in enumerate(items) if text.startswith("Layer 1"))
    assert dropout < layer1 < len(items) - 1


# ---------------------------------------------------------------- attention, teacher forcing


def test_attention_slip_is_sigmoid_and_fix_is_softmax():
    question = q("attention_seq2seq.sigmoid-slip")
    assert "sigmoid" in wrong_line(question)
    assert "softmax" in question.fix.en
    assert q("attention_seq2seq.weights-sum-to-one").answer is True
    scores = torch.randn(9, 12)
    assert torch.allclose(torch.softmax(scores, dim=-1).sum(-1), torch.ones(9))
    assert not torch.allclose(torch.sigmoid(scores).sum(-1), torch.ones(9))


def test_luong_uses_current_state_bahdanau_previous():
    question = q("attention_seq2seq.bahdanau-vs-luong")
    chosen = " ".join(question.choices[i].en for i in question.answer)
    assert "s_{i-1}" in chosen and "current state h_t" in chosen
    assert "GRU" not in chosen and "unnormalised" not in chosen


def test_teacher_forcing_feeds_ground_truth():
    assert "ground-truth" in right_choice(q("teacher_forcing.definition"))
    slip = q("teacher_forcing.predictions-slip")
    assert "prediction" in wrong_line(slip)
    assert "ground-truth" in slip.fix.en
    loop = q("teacher_forcing.inference-loop-bug")
    assert "target" in wrong_line(loop)
    assert "argmax" in loop.fix.en
    assert q("teacher_forcing.inference-input").answer is False


def test_scheduled_sampling_decays_ground_truth_probability():
    assert "decays" in right_choice(q("teacher_forcing.scheduled-sampling"))
    assert q("teacher_forcing.ss-consistency").answer is False


# ---------------------------------------------------------------- regularisation


def test_dropout_with_one_layer_only_warns():
    assert "UserWarning" in right_choice(q("regularisation.dropout-one-layer"))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        lstm = nn.LSTM(4, 8, num_layers=1, dropout=0.5)
    assert any("num_layers greater than 1" in str(w.message) for w in caught)
    x = torch.randn(5, 2, 4)
    lstm.eval()
    eval_out, _ = lstm(x)
    lstm.train()
    train_out, _ = lstm(x)
    assert torch.equal(eval_out, train_out)


def test_torch_rnn_dropout_is_not_variational():
    assert q("regularisation.torch-dropout-mask").answer is False
    torch.manual_seed(0)
    rnn = nn.RNN(4, 16, num_layers=2, dropout=0.5)
    with torch.no_grad():
        rnn.weight_hh_l0.zero_()
        rnn.weight_hh_l1.zero_()
    # Same input at every step and no recurrence: any difference across time is the mask.
    x = torch.randn(1, 1, 4).expand(6, 1, 4).contiguous()
    rnn.eval()
    out, _ = rnn(x)
    assert torch.allclose(out[0], out[1:])
    rnn.train()
    out, _ = rnn(x)
    assert not torch.allclose(out[0], out[1:])


def test_variational_dropout_fix_reuses_one_mask():
    question = q("regularisation.recurrent-mask-slip")
    assert "new mask" in wrong_line(question) and "Gal" in wrong_line(question)
    assert "one mask per sequence" in question.fix.en
    assert "reused at every step" in right_choice(q("regularisation.variational-dropout"))


def test_layer_norm_normalises_one_sample_one_step():
    assert "one sample at one time step" in right_choice(q("regularisation.layernorm-axis"))


# ---------------------------------------------------------------- initialisation


def test_torch_default_init_and_forget_bias():
    assert "1/sqrt(H)" in right_choice(q("initialisation.torch-default"))
    assert q("initialisation.torch-forget-bias-default").answer is False
    torch.manual_seed(0)
    hidden = 64
    lstm = nn.LSTM(10, hidden)
    bound = 1 / hidden**0.5
    for p in lstm.parameters():
        assert p.abs().max().item() <= bound
    forget = lstm.bias_ih_l0[hidden : 2 * hidden] + lstm.bias_hh_l0[hidden : 2 * hidden]
    assert not torch.allclose(forget, torch.ones(hidden))


def test_forget_chunk_is_second_quarter():
    question = q("initialisation.forget-chunk-slip")
    assert "[0:H]" in wrong_line(question)
    assert "[H:2*H]" in question.fix.en
    hidden = 3
    lstm = nn.LSTM(2, hidden)
    with torch.no_grad():
        for p in lstm.parameters():
            p.zero_()
        lstm.bias_ih_l0[hidden : 2 * hidden].fill_(1.0)
    c0 = torch.ones(1, hidden)
    _, c1 = torch.lstm_cell(
        torch.zeros(1, 2),
        (torch.zeros(1, hidden), c0),
        lstm.weight_ih_l0,
        lstm.weight_hh_l0,
        lstm.bias_ih_l0,
        lstm.bias_hh_l0,
    )
    # g = tanh(0) = 0, so c' = f * c: the [H:2H] slice really is the forget gate.
    assert torch.allclose(c1, torch.sigmoid(torch.tensor(1.0)).expand(1, hidden))


def test_orthogonal_init_is_not_per_gate():
    assert q("initialisation.orthogonal-per-gate").answer is False
    hidden = 16
    torch.manual_seed(0)
    w = torch.empty(4 * hidden, hidden)
    nn.init.orthogonal_(w)
    assert torch.allclose(w.T @ w, torch.eye(hidden), atol=1e-5)
    block = w[:hidden]
    assert not torch.allclose(block.T @ block, torch.eye(hidden), atol=1e-2)


def test_orthogonal_does_not_prevent_vanishing_in_tanh_rnn():
    assert q("initialisation.orthogonal-not-enough").answer is False
    torch.manual_seed(0)
    hidden, steps = 32, 50
    w_hh = torch.empty(hidden, hidden)
    nn.init.orthogonal_(w_hh)
    w_ih = torch.randn(hidden, 8)  # inputs large enough to saturate some units
    xs = [torch.randn(8, requires_grad=True) for _ in range(steps)]
    h = torch.zeros(hidden)
    for x in xs:
        h = torch.tanh(w_ih @ x + w_hh @ h)
    h.sum().backward()
    assert xs[0].grad.norm() < 1e-12 * xs[-1].grad.norm()


def test_keras_defaults_choices():
    question = q("initialisation.keras-defaults")
    chosen = " ".join(question.choices[i].en for i in question.answer)
    assert "glorot_uniform" in chosen and "orthogonal" in chosen and "unit_forget_bias" in chosen
    assert "1/sqrt" not in chosen and "identity" not in chosen


# ---------------------------------------------------------------- padding and packing


def test_hn_absorbs_pad_steps_without_packing():
    assert "6 pad vectors" in right_choice(q("padding_packing.hn-absorbs-pads"))
    torch.manual_seed(0)
    gru = nn.GRU(3, 5, batch_first=True)
    seq = torch.randn(4, 3)
    padded = pad_sequence([torch.randn(10, 3), seq], batch_first=True)
    out, h_n = gru(padded)
    _, h_alone = gru(seq.unsqueeze(0))
    assert torch.allclose(out[1, 3], h_alone[0, 0], atol=1e-6)
    assert not torch.allclose(h_n[0, 1], h_alone[0, 0], atol=1e-4)
    packed = pack_padded_sequence(padded, [10, 4], batch_first=True, enforce_sorted=False)
    _, h_packed = gru(packed)
    assert torch.allclose(h_packed[0, 1], h_alone[0, 0], atol=1e-6)


def test_enforce_sorted_default_rejects_unsorted_lengths():
    assert "enforce_sorted=False" in right_choice(q("padding_packing.enforce-sorted"))
    x = torch.randn(7, 3, 2)
    with pytest.raises(RuntimeError, match="enforce_sorted"):
        pack_padded_sequence(x, [3, 7, 5])
    packed = pack_padded_sequence(x, [3, 7, 5], enforce_sorted=False)
    assert packed.unsorted_indices is not None


def test_zero_length_is_rejected():
    assert q("padding_packing.zero-length").answer is False
    with pytest.raises(RuntimeError):
        pack_padded_sequence(torch.randn(4, 2, 3), [4, 0], enforce_sorted=False)


def test_loss_mask_needs_explicit_ignore_index():
    question = q("padding_packing.loss-mask")
    assert "ignore_index=0" in right_choice(question)
    assert nn.CrossEntropyLoss().ignore_index == -100
    logits = torch.randn(4, 6)
    targets = torch.tensor([3, 5, 0, 0])
    masked = nn.CrossEntropyLoss(ignore_index=0)(logits, targets)
    assert torch.allclose(masked, nn.CrossEntropyLoss()(logits[:2], targets[:2]))


def test_unpacked_outputs_are_zero_and_last_column_is_not_the_state():
    assert q("padding_packing.unpacked-zeros").answer is True
    slip = q("padding_packing.last-output-slip")
    assert "out[:, -1, :]" in wrong_line(slip)
    assert "h_n[-1]" in slip.fix.en
    torch.manual_seed(0)
    gru = nn.GRU(3, 5, batch_first=True)
    lengths = torch.tensor([2, 6, 4])
    padded = pad_sequence([torch.randn(int(n), 3) for n in lengths], batch_first=True)
    packed = pack_padded_sequence(padded, lengths, batch_first=True, enforce_sorted=False)
    out_packed, h_n = gru(packed)
    out, out_lens = pad_packed_sequence(out_packed, batch_first=True)
    assert torch.equal(out_lens, lengths)
    assert out[0, 2:].abs().max().item() == 0.0
    gathered = out[torch.arange(len(out_lens)), out_lens - 1]
    assert torch.allclose(gathered, h_n[-1], atol=1e-6)
    assert not torch.allclose(out[:, -1], h_n[-1], atol=1e-4)


def test_gather_last_without_packing():
    question = q("padding_packing.gather-last")
    assert right_choice(question) == "out[torch.arange(out.size(0)), lengths - 1]"
    torch.manual_seed(0)
    gru = nn.GRU(3, 5, batch_first=True)
    seqs = [torch.randn(n, 3) for n in (5, 2, 4)]
    lengths = torch.tensor([5, 2, 4])
    out, _ = gru(pad_sequence(seqs, batch_first=True))
    last = out[torch.arange(out.size(0)), lengths - 1]
    for i, s in enumerate(seqs):
        _, h = gru(s.unsqueeze(0))
        assert torch.allclose(last[i], h[0, 0], atol=1e-6)
    assert out[:, lengths - 1].shape == (3, 3, 5)
    # The gather distractor picks the right steps but only feature 0.
    gathered = out.gather(1, (lengths - 1).view(-1, 1, 1)).squeeze(1)
    assert gathered.shape == (3, 1)
    assert any(
        c.en.startswith("out.gather(1, (lengths - 1).view(-1, 1, 1))") for c in question.choices
    )
    expanded = out.gather(1, (lengths - 1).view(-1, 1, 1).expand(-1, 1, 5)).squeeze(1)
    assert torch.allclose(expanded, last)


def test_padding_idx_row_is_zero_and_frozen():
    question = q("padding_packing.padding-idx")
    chosen = sorted(question.choices[i].en for i in question.answer)
    assert chosen == [
        "Row 0 is initialised to zeros",
        "Row 0 receives no gradient, so it stays fixed during training",
    ]
    emb = nn.Embedding(10, 4, padding_idx=0)
    assert emb.weight[0].abs().max().item() == 0.0
    emb(torch.tensor([0, 3, 0])).sum().backward()
    assert emb.weight.grad[0].abs().max().item() == 0.0
    assert emb.weight.grad[3].abs().max().item() > 0.0


# ---------------------------------------------------------------- RNN vs Transformer


def test_transformer_without_positions_is_permutation_equivariant():
    assert q("rnn_vs_transformer.positional-information").answer is True
    torch.manual_seed(0)
    layer = nn.TransformerEncoderLayer(16, 4, dim_feedforward=32, dropout=0.0, batch_first=True)
    layer.eval()
    x = torch.randn(1, 7, 16)
    perm = torch.randperm(7)
    assert torch.allclose(layer(x)[:, perm], layer(x[:, perm]), atol=1e-5)
    rnn = nn.GRU(16, 8, batch_first=True)
    assert not torch.allclose(rnn(x)[0][:, perm], rnn(x[:, perm])[0], atol=1e-4)


def test_complexity_table_answers():
    assert right_choice(q("rnn_vs_transformer.sequential-ops")).startswith(
        "Self-attention O(1); recurrent O(n)"
    )
    assert right_choice(q("rnn_vs_transformer.path-length")).startswith(
        "Self-attention O(1); recurrent O(n)"
    )
    assert right_choice(q("rnn_vs_transformer.per-layer-cost")) == (
        "Self-attention O(n^2 * d); recurrent O(n * d^2)"
    )
    assert q("rnn_vs_transformer.generation-sequential").answer is False


# ---------------------------------------------------------------- applications and word2vec


def test_patterns_slip_moves_speech_out_of_one_to_many():
    question = q("applications.patterns-slip")
    assert "speech recognition" in wrong_line(question)
    assert "image captioning" in question.fix.en
    assert question.source == "blog-2021-lstm-illustrated"
    assert "cited blog post" in question.explanation.en


def test_word2vec_directions_and_rare_words():
    assert right_choice(q("word2vec.cbow-vs-skipgram")).startswith(
        "CBOW predicts the centre word from its context"
    )
    assert right_choice(q("word2vec.rare-words")) == "Skip-gram"
    assert q("word2vec.static-vectors").answer is False


def test_negative_sampling_fix_negates_noise_scores():
    question = q("word2vec.negative-sampling-slip")
    assert "sigmoid(v'_{w_i}" in wrong_line(question)
    assert "sigmoid(-v'_{w_i}" in question.fix.en
    # log sigmoid(-x) is the log-probability of label 0 under logistic regression.
    x = torch.randn(5)
    label0 = -nn.functional.binary_cross_entropy_with_logits(x, torch.zeros(5), reduction="none")
    assert torch.allclose(nn.functional.logsigmoid(-x), label0, atol=1e-6)
