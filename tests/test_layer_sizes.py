"""Layer sizes and the cheat sheet against torch: every parameter tensor's name and shape over
drawn configurations, every shape in and out, the Keras counts against Keras's documented
formula (the keras_count_parameters exercise's reference), and every number and gate order the
sheet prints, in each language."""

from __future__ import annotations

import importlib.util
import random
import re

import pytest
import torch

from quiz import cheatsheet
from quiz.i18n import LANGS
from quiz.layer_sizes import (
    Config,
    ConfigError,
    io_shapes,
    keras_tensors,
    torch_tensors,
    total,
)
from quiz.locations import exercises_dir
from quiz.zhtext import punctuation_problems

MODULES = {"rnn": torch.nn.RNN, "lstm": torch.nn.LSTM, "gru": torch.nn.GRU}


def drawn(n: int, seed: int) -> list[Config]:
    rng = random.Random(seed)
    configs = []
    for _ in range(n):
        cell = rng.choice(["rnn", "lstm", "gru"])
        hidden = rng.randint(2, 9)
        proj = rng.randint(1, hidden - 1) if cell == "lstm" and rng.random() < 0.3 else 0
        configs.append(
            Config(
                cell,
                rng.randint(1, 9),
                hidden,
                rng.randint(1, 3),
                rng.random() < 0.5,
                rng.random() < 0.7,
                proj,
            )
        )
    return configs


def module(config: Config, batch_first: bool = False) -> torch.nn.Module:
    extra = {"proj_size": config.proj_size} if config.cell == "lstm" else {}
    return MODULES[config.cell](
        config.input_size,
        config.hidden_size,
        num_layers=config.num_layers,
        bidirectional=config.bidirectional,
        bias=config.bias,
        batch_first=batch_first,
        **extra,
    )


@pytest.mark.parametrize("config", drawn(300, seed=13), ids=repr)
def test_every_torch_tensor_is_named_and_shaped_as_torch_makes_it(config: Config) -> None:
    got = [(t.name, t.shape) for t in torch_tensors(config)]
    assert got == [(n, tuple(p.shape)) for n, p in module(config).named_parameters()]


@pytest.mark.parametrize("config", drawn(60, seed=14), ids=repr)
@pytest.mark.parametrize("batch_first", [False, True])
def test_shapes_in_and_out_are_torchs(config: Config, batch_first: bool) -> None:
    shapes = io_shapes(config, steps=4, batch=3, batch_first=batch_first)
    output, states = module(config, batch_first)(torch.randn(shapes["input"]))
    h_n, c_n = states if config.cell == "lstm" else (states, None)
    assert shapes["output"] == tuple(output.shape) and shapes["h_n"] == tuple(h_n.shape)
    assert shapes.get("c_n") == (None if c_n is None else tuple(c_n.shape))


def keras_formula() -> object:
    path = exercises_dir() / "keras_count_parameters" / "solution.py"
    spec = importlib.util.spec_from_file_location("keras_reference", path)
    assert spec is not None and spec.loader is not None
    loaded = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(loaded)
    return loaded.keras_count_parameters


@pytest.mark.parametrize("reset_after", [True, False])
def test_keras_counts_follow_kerass_formula(reset_after: bool) -> None:
    formula = keras_formula()
    layer = {"rnn": "SimpleRNN", "lstm": "LSTM", "gru": "GRU"}
    for config in drawn(200, seed=15):
        if config.proj_size:
            with pytest.raises(ConfigError):
                keras_tensors(config)
            continue
        expected = 0
        fan_in = config.input_size
        for _ in range(config.num_layers):  # stacked: each layer reads the one below
            expected += formula(  # type: ignore[operator]
                layer[config.cell],
                fan_in,
                config.hidden_size,
                config.bias,
                reset_after,
                config.bidirectional,
            )
            fan_in = config.directions * config.hidden_size
        assert total(keras_tensors(config, reset_after)) == expected, config


def test_impossible_configurations_are_refused() -> None:
    for config in (Config("gru", 3, 4, proj_size=2), Config("lstm", 3, 4, proj_size=4)):
        with pytest.raises(ConfigError):
            torch_tensors(config)


def table_rows(text: str, heading: str) -> list[list[str]]:
    section = text.split(f"## {heading}")[1].split("\n## ")[0]
    rows = [line for line in section.splitlines() if line.startswith("| ")]
    return [[cell.strip() for cell in row.strip("|").split("|")] for row in rows[1:]]


def test_the_sheets_counts_are_torchs() -> None:
    rows = table_rows(cheatsheet.markdown("en"), "Parameter counts")
    assert len(rows) == 3
    for (label, torch_count, keras, bare), cell in zip(rows, ["rnn", "lstm", "gru"], strict=True):
        assert label.startswith(f"nn.{cell.upper()}")
        config = Config(cell, cheatsheet.EXAMPLE_I, cheatsheet.EXAMPLE_H)
        with_bias = sum(p.numel() for p in module(config).parameters())
        without = sum(
            p.numel()
            for p in module(
                Config(cell, config.input_size, config.hidden_size, bias=False)
            ).parameters()
        )
        assert int(torch_count.replace(",", "")) == with_bias
        assert int(bare.replace(",", "")) == without
        assert int(keras.split()[0].replace(",", "")) == total(keras_tensors(config))


def test_the_sheets_shapes_are_torchs() -> None:
    example = cheatsheet.SHAPE_EXAMPLE
    rows = {row[0]: row[1:] for row in table_rows(cheatsheet.markdown("en"), "Shapes")}
    for batch_first, column in ((False, 0), (True, 1)):
        shapes = io_shapes(example, steps=7, batch=3, batch_first=batch_first)
        output, (h_n, c_n) = module(example, batch_first)(torch.randn(shapes["input"]))
        actual = {"output": output, "h_n": h_n, "c_n": c_n}
        for name, tensor in actual.items():
            assert rows[name][column] == str(tuple(tensor.shape))


def test_the_sheets_gate_orders_are_torchs() -> None:
    """The sheet says LSTM blocks i, f, g, o and GRU r, z, n with the reset after the matmul:
    computing with those readings gives torch's cells."""
    text = cheatsheet.markdown("en")
    assert "LSTM, blocks i, f, g, o" in text and "GRU, blocks r, z, n" in text
    torch.manual_seed(0)
    x, h, c = torch.randn(2, 3), torch.randn(2, 4), torch.randn(2, 4)
    lstm = torch.nn.LSTMCell(3, 4)
    gates = x @ lstm.weight_ih.T + lstm.bias_ih + h @ lstm.weight_hh.T + lstm.bias_hh
    i, f, g, o = gates.chunk(4, 1)
    c2 = torch.sigmoid(f) * c + torch.sigmoid(i) * torch.tanh(g)
    torch.testing.assert_close(torch.sigmoid(o) * torch.tanh(c2), lstm(x, (h, c))[0])
    gru = torch.nn.GRUCell(3, 4)
    xr, xz, xn = (x @ gru.weight_ih.T + gru.bias_ih).chunk(3, 1)
    hr, hz, hn = (h @ gru.weight_hh.T + gru.bias_hh).chunk(3, 1)
    r, z = torch.sigmoid(xr + hr), torch.sigmoid(xz + hz)
    n = torch.tanh(xn + r * hn)
    torch.testing.assert_close((1 - z) * n + z * h, gru(x, h))


@pytest.mark.parametrize("lang", LANGS)
def test_the_sheet_in_every_language(lang: str) -> None:
    text = cheatsheet.markdown(lang)  # type: ignore[arg-type]
    english = cheatsheet.markdown("en")
    # the same numbers whatever the language
    assert re.findall(r"\d+(?:,\d{3})*", text) == re.findall(r"\d+(?:,\d{3})*", english)
    if lang != "en":
        prose = "\n".join(line for line in text.splitlines() if not line.startswith(("|", "`")))
        assert not punctuation_problems(prose), punctuation_problems(prose)
    page = cheatsheet.html(lang)  # type: ignore[arg-type]
    assert page.startswith("<!doctype html>") and f'lang="{lang}"' in page
    assert "<table>" in page and "<h1>" in page
