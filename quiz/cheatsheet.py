"""The one-page cheat sheet: equations in PyTorch's conventions, torch vs Keras, parameter
formulas, shapes, and worked counts; as Markdown or HTML, in any interface language.

The figures (formulas' worked examples, the shape table, the counts) are computed by
quiz.layer_sizes, which tests check against torch; the prose is written in English and
Traditional Chinese here, Simplified made from it by OpenCC (quiz.i18n).
"""

from __future__ import annotations

from markdown_it import MarkdownIt

from quiz.i18n import Lang, to_simplified
from quiz.layer_sizes import CELLS, GATES, Config, io_shapes, keras_tensors, layer_names, total
from quiz.layer_sizes import torch_tensors as torch_params

EXAMPLE_I, EXAMPLE_H = 10, 20  # the worked counts' layer
SHAPE_EXAMPLE = Config("lstm", 10, 20, num_layers=2, bidirectional=True)

_TEXT: dict[str, dict[str, str]] = {
    "title": {"en": "RNN, LSTM and GRU cheat sheet", "zh": "RNN、LSTM 與 GRU 速查表"},
    "conventions": {
        "en": "PyTorch's conventions: x_t is (B, I), h is (B, H); every weight W is used as"
        " x @ W.T; `weight_ih` stacks the gates' blocks in the order given; two biases,"
        " `bias_ih` and `bias_hh`.",
        "zh": "PyTorch 的慣例：x_t 是 (B, I)，h 是 (B, H)；每個權重 W 以 x @ W.T 使用；"
        "`weight_ih` 依下列順序堆疊各閘門的區塊；有兩個偏置：`bias_ih` 與 `bias_hh`。",
    },
    "equations": {"en": "Equations", "zh": "方程式"},
    "rnn_eq": {"en": "RNN (tanh)", "zh": "RNN（tanh）"},
    "lstm_eq": {"en": "LSTM, blocks i, f, g, o", "zh": "LSTM，區塊順序 i、f、g、o"},
    "gru_eq": {
        "en": "GRU, blocks r, z, n: the reset gate scales (W_hn h + b_hn), after the matmul",
        "zh": "GRU，區塊順序 r、z、n：重置閘門乘在 (W_hn h + b_hn) 上，也就是矩陣乘法之後",
    },
    "differences": {
        "en": "PyTorch vs Keras / TensorFlow",
        "zh": "PyTorch 與 Keras／TensorFlow 的差異",
    },
    "what": {"en": "What", "zh": "項目"},
    "gate_order": {"en": "gate order in the weights", "zh": "權重中的閘門順序"},
    "gate_order_torch": {
        "en": "LSTM i, f, g, o; GRU r, z, n",
        "zh": "LSTM i、f、g、o；GRU r、z、n",
    },
    "gate_order_keras": {
        "en": "LSTM i, f, c, o (the same); GRU z, r, h (update first)",
        "zh": "LSTM i、f、c、o（相同）；GRU z、r、h（更新閘門在前）",
    },
    "biases": {"en": "biases", "zh": "偏置"},
    "biases_torch": {"en": "two per gate: b_ih and b_hh", "zh": "每個閘門兩個：b_ih 與 b_hh"},
    "biases_keras": {
        "en": "one per gate; GRU with reset_after=True keeps two rows (2, 3H)",
        "zh": "每個閘門一個；GRU 在 reset_after=True 時保留兩列 (2, 3H)",
    },
    "reset": {"en": "GRU reset gate", "zh": "GRU 的重置閘門"},
    "reset_torch": {
        "en": "after the matmul: r * (W_hn h + b_hn)",
        "zh": "矩陣乘法之後：r * (W_hn h + b_hn)",
    },
    "reset_keras": {
        "en": "reset_after=True (TF 2 default): as torch; False: W_hn (r * h), Cho et al.'s form",
        "zh": "reset_after=True（TF 2 預設）：與 torch 相同；"
        "False：W_hn (r * h)，即 Cho 等人的形式",
    },
    "layout": {"en": "input layout", "zh": "輸入排列"},
    "layout_torch": {
        "en": "(T, B, I); batch_first=True: (B, T, I)",
        "zh": "(T, B, I)；batch_first=True 時為 (B, T, I)",
    },
    "layout_keras": {
        "en": "always (B, T, features); the last axis is features per step",
        "zh": "一律是 (B, T, 特徵)；最後一軸是每個時間步的特徵數",
    },
    "hn": {"en": "final states", "zh": "最終狀態"},
    "hn_torch": {
        "en": "h_n (D·L, B, H): every layer and direction, layer by layer",
        "zh": "h_n (D·L, B, H)：每一層、每個方向，一層接一層",
    },
    "hn_keras": {
        "en": "return_state: the last layer's only, one tensor per direction",
        "zh": "return_state：只有最後一層的，每個方向一個張量",
    },
    "forget": {"en": "forget-gate bias at start", "zh": "遺忘閘門偏置的初始值"},
    "forget_torch": {
        "en": "like every bias: U(-1/√H, 1/√H), no +1",
        "zh": "和其他偏置一樣：U(-1/√H, 1/√H)，沒有加 1",
    },
    "forget_keras": {"en": "unit_forget_bias=True: 1", "zh": "unit_forget_bias=True：1"},
    "weights": {"en": "weight layout", "zh": "權重排列"},
    "weights_torch": {
        "en": "(gates·H, I), used as x @ W.T",
        "zh": "(閘門數·H, I)，以 x @ W.T 使用",
    },
    "weights_keras": {
        "en": "kernel (I, gates·H), used as x @ W",
        "zh": "kernel (I, 閘門數·H)，以 x @ W 使用",
    },
    "formulas": {"en": "Parameter counts", "zh": "參數數量"},
    "formulas_intro": {
        "en": "Per layer and direction, with G gate blocks (RNN 1, GRU 3, LSTM 4), input width I"
        " (above the first layer: D·H, both directions of the layer below) and hidden size H;"
        " times D = 2 when bidirectional.",
        "zh": "每一層、每個方向，G 為閘門區塊數（RNN 1、GRU 3、LSTM 4），I 為輸入寬度"
        "（第一層之上為 D·H，即下方那一層兩個方向相接），H 為隱藏狀態大小；雙向時再乘以 D = 2。",
    },
    "torch_formula": {
        "en": "PyTorch: G·H·(I + H) + 2·G·H; with proj_size P (LSTM): G·H·(I + P) + 2·G·H + P·H,"
        " and the next layer reads D·P",
        "zh": "PyTorch：G·H·(I + H) + 2·G·H；有 proj_size P（LSTM）時：G·H·(I + P) + 2·G·H + P·H，"
        "下一層讀入 D·P",
    },
    "keras_formula": {
        "en": "Keras: G·H·(I + H) + G·H (GRU with reset_after=True: + 2·G·H)",
        "zh": "Keras：G·H·(I + H) + G·H（GRU 在 reset_after=True 時：+ 2·G·H）",
    },
    "worked": {
        "en": "One layer, I = {input_size}, H = {hidden_size}:",
        "zh": "一層，I = {input_size}，H = {hidden_size}：",
    },
    "no_bias": {"en": "bias=False", "zh": "bias=False"},
    "shapes": {"en": "Shapes", "zh": "形狀"},
    "shapes_intro": {
        "en": "nn.LSTM(I={input_size}, H={hidden_size}, num_layers={layers},"
        " bidirectional=True) on T = 7 steps, B = 3:",
        "zh": "nn.LSTM(I={input_size}, H={hidden_size}, num_layers={layers},"
        " bidirectional=True)，T = 7 個時間步，B = 3：",
    },
    "tensor": {"en": "tensor", "zh": "張量"},
    "shape_default": {"en": "shape", "zh": "形狀"},
    "shape_bf": {"en": "shape, batch_first=True", "zh": "形狀（batch_first=True）"},
    "shapes_note": {
        "en": "h_n and c_n keep (D·L, B, ·) whatever batch_first says; h_n[-2:] are the last"
        " layer's forward and backward states, and output[-1] holds the forward direction's"
        " last step but the backward direction's first.",
        "zh": "不論 batch_first 為何，h_n 與 c_n 都是 (D·L, B, ·)；h_n[-2:] 是最後一層的正向與"
        "反向狀態；output[-1] 中正向是最後一個時間步，反向卻是第一個時間步。",
    },
}

_EQUATIONS = {
    "rnn": ["h' = tanh(x W_ih.T + b_ih + h W_hh.T + b_hh)"],
    "lstm": [
        "i = σ(x W_ii.T + b_ii + h W_hi.T + b_hi)   f = σ(…_f)   o = σ(…_o)",
        "g = tanh(x W_ig.T + b_ig + h W_hg.T + b_hg)",
        "c' = f * c + i * g      h' = o * tanh(c')",
    ],
    "gru": [
        "r = σ(x W_ir.T + b_ir + h W_hr.T + b_hr)   z = σ(…_z)",
        "n = tanh(x W_in.T + b_in + r * (h W_hn.T + b_hn))",
        "h' = (1 - z) * n + z * h",
    ],
}


def _t(key: str, lang: Lang, **fields: object) -> str:
    entry = _TEXT[key]
    text = entry["en"] if lang == "en" else entry["zh"]
    return text.format(**fields) if fields else text


def markdown(lang: Lang = "en") -> str:
    """The sheet as Markdown."""
    lines = [f"# {_t('title', lang)}", "", _t("conventions", lang), ""]
    lines += [f"## {_t('equations', lang)}", ""]
    for cell in CELLS:
        lines += [f"**{_t(f'{cell}_eq', lang)}**", "", "```", *_EQUATIONS[cell], "```", ""]
    lines += [f"## {_t('differences', lang)}", "", f"| {_t('what', lang)} | PyTorch | Keras |"]
    lines += ["|---|---|---|"]
    for key in ("gate_order", "biases", "reset", "layout", "hn", "forget", "weights"):
        lines += [f"| {_t(key, lang)} | {_t(key + '_torch', lang)} | {_t(key + '_keras', lang)} |"]
    lines += ["", f"## {_t('formulas', lang)}", "", _t("formulas_intro", lang), ""]
    lines += [f"- {_t('torch_formula', lang)}", f"- {_t('keras_formula', lang)}", ""]
    lines += [_t("worked", lang, input_size=EXAMPLE_I, hidden_size=EXAMPLE_H), ""]
    lines += ["| | PyTorch | Keras | PyTorch, " + _t("no_bias", lang) + " |", "|---|---|---|---|"]
    for cell in CELLS:
        config = Config(cell, EXAMPLE_I, EXAMPLE_H)
        bare = Config(cell, EXAMPLE_I, EXAMPLE_H, bias=False)
        keras = f"{total(keras_tensors(config)):,}"
        if cell == "gru":
            keras += f" (reset_after=False: {total(keras_tensors(config, reset_after=False)):,})"
        torch_count = total(torch_params(config))
        label = f"{layer_names(cell)} (G = {GATES[cell]})"
        lines += [f"| {label} | {torch_count:,} | {keras} | {total(torch_params(bare)):,} |"]
    example = SHAPE_EXAMPLE
    lines += ["", f"## {_t('shapes', lang)}", ""]
    lines += [
        _t(
            "shapes_intro",
            lang,
            input_size=example.input_size,
            hidden_size=example.hidden_size,
            layers=example.num_layers,
        ),
        "",
    ]
    default = io_shapes(example, steps=7, batch=3, batch_first=False)
    first = io_shapes(example, steps=7, batch=3, batch_first=True)
    lines += [f"| {_t('tensor', lang)} | {_t('shape_default', lang)} | {_t('shape_bf', lang)} |"]
    lines += ["|---|---|---|"]
    for name, shape in default.items():
        lines += [f"| {name} | {shape} | {first[name]} |"]
    lines += ["", _t("shapes_note", lang), ""]
    text = "\n".join(lines)
    return to_simplified(text) if lang == "zh-Hans" else text


def html(lang: Lang = "en") -> str:
    """The sheet as one standalone HTML page."""
    body = str(MarkdownIt("commonmark").enable("table").render(markdown(lang)))
    code = {"en": "en", "zh-Hant": "zh-Hant", "zh-Hans": "zh-Hans"}[lang]
    return (
        f'<!doctype html>\n<html lang="{code}"><head><meta charset="utf-8">'
        f"<title>{_t('title', lang)}</title>"
        "<style>body{font-family:sans-serif;max-width:60em;margin:auto}"
        "table{border-collapse:collapse}td,th{border:1px solid #999;padding:.2em .5em}"
        "</style></head><body>\n" + body + "</body></html>\n"
    )
