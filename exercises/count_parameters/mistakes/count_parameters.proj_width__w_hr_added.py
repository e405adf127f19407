"""weight_hr [P, H] added on top of the count without projection."""

GATES = {"RNN_TANH": 1, "GRU": 3, "LSTM": 4}


def count_parameters(
    mode, input_size, hidden_size, num_layers=1, bias=True, bidirectional=False, proj_size=0
):
    g, h = GATES[mode], hidden_size
    d = 2 if bidirectional else 1
    total = 0
    for layer in range(num_layers):
        fan_in = input_size if layer == 0 else d * h
        total += d * (g * h * fan_in + g * h * h + (2 * g * h if bias else 0))
        if proj_size:
            total += d * proj_size * h
    return total
