"""The gradient lab through the real `rnnprep lab gradients` command: every preset's claim holds
in the direction it states (not exact numbers), the text and plot outputs work, bad options are
refused, and the app's process never imports torch for it (the computation runs apart)."""

from __future__ import annotations

import itertools
import json
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest

from quiz import lab
from quiz.zhtext import punctuation_problems
from tests.test_grader_support import REPO, run

RNNPREP = [sys.executable, "-m", "quiz"]


@pytest.fixture(scope="module")
def presets(tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[dict[str, Any]]]:
    home = tmp_path_factory.mktemp("home")

    def one(name: str) -> list[dict[str, Any]]:
        done = run([*RNNPREP, "lab", "gradients", "--preset", name, "--json"], home)
        assert done.code == 0, done.stderr
        return json.loads(done.stdout)["results"]  # type: ignore[no-any-return]

    with ThreadPoolExecutor(2) as pool:  # two at a time: a core each
        return dict(zip(lab.PRESETS, pool.map(one, lab.PRESETS), strict=True))


def first(result: dict[str, Any]) -> float:
    return float(result["grad_h"][0])


def test_every_preset_ran_its_configurations(presets: dict[str, list[dict[str, Any]]]) -> None:
    for name, results in presets.items():
        configs = lab.PRESETS[name].configs
        assert [r["config"]["cell"] for r in results] == [c.cell for c in configs]
        for r, c in zip(results, configs, strict=True):
            assert len(r["grad_h"]) == len(r["grad_x"]) == c.steps
            assert r["grad_h"][-1] == pytest.approx(1.0)  # L = u · h_T with |u| = 1


def test_a_small_gain_vanishes(presets: dict[str, list[dict[str, Any]]]) -> None:
    [result] = presets["rnn-vanishes"]
    assert float(result["ratio_first_last"]) < 1e-9
    assert result["spectral_radius"] == pytest.approx(0.5, rel=1e-6)
    norms = result["grad_h"]
    assert all(a <= b for a, b in itertools.pairwise(norms))  # smaller going back


def test_a_large_gain_explodes(presets: dict[str, list[dict[str, Any]]]) -> None:
    [result] = presets["rnn-explodes"]
    assert float(result["ratio_first_last"]) > 1e6


def test_saturating_inputs_stop_the_explosion(presets: dict[str, list[dict[str, Any]]]) -> None:
    plain, saturated = presets["saturation-stops-it"]
    assert float(plain["ratio_first_last"]) > 1  # gain 3 with N(0,1) inputs: it grows
    assert float(saturated["ratio_first_last"]) < 1e-3  # tanh saturated: it vanishes


def test_forget_bias_one_keeps_more_gradient(presets: dict[str, list[dict[str, Any]]]) -> None:
    one, zero = presets["lstm-forget-bias"]
    assert first(one) > 10 * first(zero)
    _gru, rnn = presets["gru-vs-rnn"]  # the same T = 100: the LSTM keeps more than an RNN
    assert first(one) > 100 * first(rnn)


def test_a_gru_set_to_keep_keeps_more_than_an_rnn(
    presets: dict[str, list[dict[str, Any]]], tmp_path: Path
) -> None:
    gru, rnn = presets["gru-vs-rnn"]
    assert first(gru) > 100 * first(rnn)
    # and the preset's last sentence: with the update bias at 0 the GRU keeps no more
    done = run(
        [*RNNPREP, "lab", "gradients", "--preset", "gru-vs-rnn", "--forget-bias", "0", "--json"],
        tmp_path,
    )
    unbiased, rnn_again = json.loads(done.stdout)["results"]
    assert first(unbiased) < first(rnn_again)


def test_clipping_rescales_to_the_threshold(presets: dict[str, list[dict[str, Any]]]) -> None:
    [result] = presets["clipping"]
    clip = result["clip"]
    assert clip["before"] > 10 * clip["max_norm"]
    assert clip["after"] == pytest.approx(clip["max_norm"], rel=1e-5)


def test_text_and_plot_outputs(tmp_path: Path) -> None:
    done = run(
        [*RNNPREP, "--lang", "zh-Hant", "lab", "gradients", "--preset", "rnn-vanishes", "--plot"],
        tmp_path,
    )
    assert done.code == 0, done.stderr
    assert "正交初始化增益 0.5" in done.stdout and "‖∂L/∂h_1‖" in done.stdout
    assert "log10" in done.stdout  # the plot's axis
    options = run(
        [*RNNPREP, "lab", "gradients", "--cell", "gru", "--T", "12", "--H", "8", "--json"],
        tmp_path,
    )
    [result] = json.loads(options.stdout)["results"]
    assert result["config"]["cell"] == "gru" and len(result["grad_h"]) == 12


def test_png_draws_both_settings_and_a_bad_path_is_said(tmp_path: Path) -> None:
    from matplotlib import image

    picture = tmp_path / "lab.png"
    options = ["--preset", "gru-vs-rnn", "--T", "20", "--png", str(picture)]
    done = run([*RNNPREP, "--lang", "zh-Hant", "lab", "gradients", *options], tmp_path)
    assert done.code == 0, done.stderr
    assert str(picture) in done.stdout
    pixels = image.imread(picture)  # a real PNG, as matplotlib reads it back
    assert pixels.shape[:2] == (600, 1080)
    rgb = (pixels[..., :3] * 255).round().astype(int).reshape(-1, 3).tolist()
    colours = {tuple(c) for c in rgb}
    assert (31, 119, 180) in colours and (255, 127, 14) in colours  # two settings, two colours

    failed = run(
        [*RNNPREP, "lab", "gradients", "--T", "5", "--png", str(tmp_path / "no" / "x.png")],
        tmp_path,
    )
    assert failed.code == 1 and "無法寫入" in failed.stderr  # the language was remembered
    assert "Traceback" not in failed.stderr


def test_bad_options_are_refused(tmp_path: Path) -> None:
    done = run([*RNNPREP, "lab", "gradients", "--T", "0"], tmp_path)
    assert done.code == 2 and "T must be 1 to 2000" in done.stderr
    assert run([*RNNPREP, "lab", "gradients", "--cell", "transformer"], tmp_path).code == 2


def test_the_lab_never_imports_torch_where_it_is_asked() -> None:
    probe = (
        "import sys; from quiz import lab; lab.run(lab.LabConfig(steps=3, hidden_size=4));"
        " print('torch' in sys.modules)"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], cwd=REPO, capture_output=True, text=True, check=True
    )
    assert done.stdout.strip() == "False"


def test_every_preset_reads_in_both_scripts() -> None:
    for preset in lab.PRESETS.values():
        for which in (preset.title, preset.claim):
            english, chinese = which
            assert english and chinese and not punctuation_problems(chinese), (preset.name, which)
