"""Every weight matrix taken as units x units: the kernel's input_dim never used."""

GATES = {"SimpleRNN": 1, "GRU": 3, "LSTM": 4}


def keras_count_parameters(
    layer, input_dim, units, use_bias=True, reset_after=True, bidirectional=False
):
    g = GATES[layer]
    weights = 2 * g * units * units  # kernel and recurrent_kernel
    bias = 0
    if use_bias:
        bias = g * units * (2 if layer == "GRU" and reset_after else 1)
    return (weights + bias) * (2 if bidirectional else 1)
