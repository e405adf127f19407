"""weight_hh shrunk to [4H, P], but the layers above the first still read D * H."""

GATES = {"RNN_TANH": 1, "GRU": 3, "LSTM": 4}


def count_parameters(
    mode, input_size, hidden_size, num_layers=1, bias=True, bidirectional=False, proj_size=0
):
    g, h = GATES[mode], hidden_size
    d = 2 if bidirectional else 1
    p = proj_size or h
    total = 0
    for layer in range(num_layers):
        fan_in = input_size if layer == 0 else d * h
        total += d * (g * h * fan_in + g * h * p + (2 * g * h if bias else 0) + proj_size * h)
    return total
