"""Layers above the first read H (the hidden size), the backward half forgotten."""

GATES = {"RNN_TANH": 1, "GRU": 3, "LSTM": 4}


def count_parameters(
    mode, input_size, hidden_size, num_layers=1, bias=True, bidirectional=False, proj_size=0
):
    g, h = GATES[mode], hidden_size
    out = proj_size if proj_size > 0 else h
    total = 0
    for layer in range(num_layers):
        fan_in = input_size if layer == 0 else out
        params = g * h * fan_in + g * h * out + (2 * g * h if bias else 0) + proj_size * h
        total += params * (2 if bidirectional else 1)
    return total
