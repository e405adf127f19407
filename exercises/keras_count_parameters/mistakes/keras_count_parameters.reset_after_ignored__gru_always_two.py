"""The GRU is "the one with two biases" in Keras, whatever reset_after says."""


def keras_count_parameters(
    layer, input_dim, units, use_bias=True, reset_after=True, bidirectional=False
):
    gates = {"SimpleRNN": 1, "GRU": 3, "LSTM": 4}[layer]
    kernel = input_dim * gates * units
    recurrent_kernel = units * gates * units
    bias = 0
    if use_bias:
        bias = 2 * gates * units if layer == "GRU" else gates * units
    total = kernel + recurrent_kernel + bias
    return 2 * total if bidirectional else total
