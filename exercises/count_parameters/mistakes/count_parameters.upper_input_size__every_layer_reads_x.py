"""One layer's count times num_layers: every layer as if it read x."""

GATES = {"RNN_TANH": 1, "GRU": 3, "LSTM": 4}


def count_parameters(
    mode, input_size, hidden_size, num_layers=1, bias=True, bidirectional=False, proj_size=0
):
    g, h = GATES[mode], hidden_size
    out = proj_size or h
    layer = g * h * input_size + g * h * out
    if bias:
        layer += 2 * g * h
    layer += proj_size * h
    return num_layers * (2 if bidirectional else 1) * layer
