"""The formula from a Keras tutorial: ((in + 1) * H + H * H) per gate, one bias per gate."""

GATES = {"RNN_TANH": 1, "GRU": 3, "LSTM": 4}


def count_parameters(
    mode, input_size, hidden_size, num_layers=1, bias=True, bidirectional=False, proj_size=0
):
    g, h = GATES[mode], hidden_size
    d = 2 if bidirectional else 1
    out = proj_size or h
    total = 0
    for layer in range(num_layers):
        fan_in = input_size if layer == 0 else d * out
        per_gate = (fan_in + (1 if bias else 0)) * h + out * h
        total += d * (g * per_gate + proj_size * h)
    return total
