"""The GRU has two gates (update and reset), so two blocks of weights."""


def keras_count_parameters(
    layer, input_dim, units, use_bias=True, reset_after=True, bidirectional=False
):
    g = {"SimpleRNN": 1, "GRU": 2, "LSTM": 4}[layer]
    bias_rows = 0
    if use_bias:
        bias_rows = 2 if layer == "GRU" and reset_after else 1
    total = (input_dim + units + bias_rows) * g * units
    return total * (1 + int(bidirectional))
