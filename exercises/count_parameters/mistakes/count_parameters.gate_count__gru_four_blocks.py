"""Gated layers counted with four blocks, the GRU like the LSTM."""


def count_parameters(
    mode, input_size, hidden_size, num_layers=1, bias=True, bidirectional=False, proj_size=0
):
    gates = 1 if mode == "RNN_TANH" else 4
    d = 2 if bidirectional else 1
    out = proj_size if proj_size else hidden_size
    total = 0
    for layer in range(num_layers):
        fan_in = input_size if layer == 0 else d * out
        n = gates * hidden_size * (fan_in + out)
        if bias:
            n += 2 * gates * hidden_size
        if proj_size:
            n += proj_size * hidden_size
        total += d * n
    return total
