"""The Keras tutorial formula everywhere: one bias per gate, the GRU's reset_after left aside."""

GATES = {"SimpleRNN": 1, "GRU": 3, "LSTM": 4}


def keras_count_parameters(
    layer, input_dim, units, use_bias=True, reset_after=True, bidirectional=False
):
    n = GATES[layer] * ((input_dim + (1 if use_bias else 0)) * units + units * units)
    if bidirectional:
        n *= 2
    return n
