"""The LSTM counted with its three gates (input, forget, output), the candidate left out."""


def keras_count_parameters(
    layer, input_dim, units, use_bias=True, reset_after=True, bidirectional=False
):
    blocks = {"SimpleRNN": 1, "GRU": 3, "LSTM": 3}[layer]
    width = blocks * units
    count = input_dim * width + units * width
    if use_bias:
        count += width * (2 if layer == "GRU" and reset_after else 1)
    if bidirectional:
        count *= 2
    return count
