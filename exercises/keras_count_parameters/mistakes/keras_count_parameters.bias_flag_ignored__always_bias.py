"""The bias always counted, whatever use_bias says."""

GATES = {"SimpleRNN": 1, "GRU": 3, "LSTM": 4}


def keras_count_parameters(
    layer, input_dim, units, use_bias=True, reset_after=True, bidirectional=False
):
    g = GATES[layer]
    biases = 2 if layer == "GRU" and reset_after else 1
    one = g * units * (input_dim + units + biases)
    return one * (2 if bidirectional else 1)
