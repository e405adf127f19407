"""The numeric generators: formulas against the facts sheet, draws that prompts can show.

Answers are checked against torch in test_bank_numbers.py; this file checks the generators
themselves: the plain-Python formulas count what torch builds and reproduce the figures in
shared/docs/rnn-facts.md (Keras is not installed, so its counts are checked against the sheet only),
draws are reproducible and varied, and every generated prompt formats cleanly in both languages.
"""

from __future__ import annotations

import math
import random
import string

import pytest
from torch import nn

from quiz import generators as g
from quiz.bank import load_bank
from quiz.generators import GENERATORS
from quiz.questions import Numeric

BANK = load_bank()
GENERATED = {q.id: q for q in BANK.questions.values() if isinstance(q, Numeric) and q.generator}


@pytest.mark.parametrize(
    ("count", "expected"),
    [
        # Every figure below is quoted in the facts sheet.
        (g.torch_params(1, 5, 7), 98),
        (g.torch_params(4, 5, 7), 392),
        (g.torch_params(3, 5, 7), 294),
        (g.torch_stack_params(4, 5, 7, layers=2, directions=2), 2072),
        (g.torch_params(4, 128, 64), 49664),
        (g.torch_params(4, 4096, 256), 4458496),
        (g.keras_lstm_count(128, 64), 49408),
        (g.keras_lstm_count(4096, 256), 4457472),
        (g.keras_gru_count(128, 64, reset_after=True), 37248),
        (g.keras_gru_count(128, 64, reset_after=False), 37056),
        (g.torch_params(3, 128, 64), 37248),
        (g.lstm_proj_count(10, 20, 5), 1460),
    ],
)
def test_formulas_reproduce_the_facts_sheet(count: int, expected: int) -> None:
    assert count == expected


def _torch_count(module: nn.Module) -> int:
    return sum(p.numel() for p in module.parameters())


@pytest.mark.parametrize(("i", "h"), [(1, 1), (5, 7), (10, 20), (128, 64)])
@pytest.mark.parametrize(("cell", "gates"), [(nn.RNN, 1), (nn.GRU, 3), (nn.LSTM, 4)])
@pytest.mark.parametrize(
    ("layers", "bidirectional"), [(1, False), (1, True), (3, False), (2, True)]
)
def test_torch_formulas_count_what_torch_builds(
    cell: type[nn.Module], gates: int, i: int, h: int, layers: int, bidirectional: bool
) -> None:
    module = cell(i, h, num_layers=layers, bidirectional=bidirectional, device="meta")
    directions = 2 if bidirectional else 1
    assert g.torch_stack_params(gates, i, h, layers, directions) == _torch_count(module)
    if layers == 1 and not bidirectional:
        assert g.torch_params(gates, i, h) == _torch_count(module)


@pytest.mark.parametrize(("i", "h", "proj"), [(10, 20, 5), (3, 8, 1), (128, 64, 32)])
def test_projection_formula_counts_what_torch_builds(i: int, h: int, proj: int) -> None:
    module = nn.LSTM(i, h, proj_size=proj, device="meta")
    assert g.lstm_proj_count(i, h, proj) == _torch_count(module)


def test_lstm_params_is_still_registered() -> None:
    drawn = GENERATORS["lstm_params"](random.Random(0))
    assert set(drawn.params) == {"I", "H"}
    lstm = nn.LSTM(drawn.params["I"], drawn.params["H"], device="meta")
    assert drawn.answer == _torch_count(lstm)


@pytest.mark.parametrize("name", sorted(GENERATORS))
def test_draws_are_reproducible_and_varied(name: str) -> None:
    first = [GENERATORS[name](random.Random(seed)) for seed in range(50)]
    again = [GENERATORS[name](random.Random(seed)) for seed in range(50)]
    assert first == again
    assert len({tuple(sorted(d.params.items())) for d in first}) > 1


@pytest.mark.parametrize("name", sorted(GENERATORS))
def test_draws_are_plain_finite_numbers(name: str) -> None:
    rng = random.Random(7)
    for _ in range(200):
        drawn = GENERATORS[name](rng)
        assert drawn.params, name
        assert all(type(v) in (int, float) for v in drawn.params.values()), drawn.params
        assert math.isfinite(drawn.answer) and drawn.answer > 0, drawn


def test_every_generator_is_used_by_a_question() -> None:
    used = {q.generator for q in GENERATED.values()}
    assert set(GENERATORS) <= used, f"unused generators: {sorted(set(GENERATORS) - used)}"


@pytest.mark.parametrize("qid", sorted(GENERATED))
def test_generated_prompts_format_in_both_languages(qid: str) -> None:
    q = GENERATED[qid]
    rng = random.Random(3)
    for _ in range(50):
        params = GENERATORS[q.generator](rng).params
        for text in (q.prompt.en, q.prompt.zh):
            names = {field for _, field, _, _ in string.Formatter().parse(text) if field}
            assert names, f"{qid}: a generated prompt should show its numbers"
            shown = text.format(**params)
            assert "{" not in shown and "}" not in shown, shown


def test_projection_is_smaller_than_hidden() -> None:
    rng = random.Random(11)
    for _ in range(500):
        p = GENERATORS["lstm_proj_params"](rng).params
        assert 0 < p["P"] < p["H"]  # torch rejects proj_size >= hidden_size


def test_clip_draws_always_clip() -> None:
    """The scaled-entry question only teaches clipping if the norm exceeds max_norm."""
    rng = random.Random(5)
    for _ in range(500):
        drawn = GENERATORS["clip_norm_scaled"](rng)
        p = drawn.params
        assert math.sqrt(p["A"] ** 2 + p["B"] ** 2 + p["C"] ** 2) > p["M"]
        assert drawn.answer < p["A"]


def test_truncated_chunks_include_a_partial_one() -> None:
    """Some draws must leave a short last chunk, or the ceiling in the answer is never tested."""
    rng = random.Random(9)
    draws = [GENERATORS["tbptt_updates"](rng).params for _ in range(200)]
    assert any(p["T"] % p["K"] for p in draws) and any(p["T"] % p["K"] == 0 for p in draws)
