"""Gated layers counted with four blocks, the GRU like the LSTM."""


def keras_count_parameters(
    layer, input_dim, units, use_bias=True, reset_after=True, bidirectional=False
):
    g = 1 if layer == "SimpleRNN" else 4
    n = g * units * (input_dim + units)
    if use_bias:
        n += (2 if layer == "GRU" and reset_after else 1) * g * units
    return 2 * n if bidirectional else n
