"""The GRU has two gates (reset and update), so two blocks of weights."""


def count_parameters(
    mode, input_size, hidden_size, num_layers=1, bias=True, bidirectional=False, proj_size=0
):
    gates = {"RNN_TANH": 1, "GRU": 2, "LSTM": 4}[mode]
    d = 2 if bidirectional else 1
    h = hidden_size
    p = proj_size if proj_size > 0 else h
    first = gates * h * input_size + gates * h * p + (2 * gates * h if bias else 0)
    upper = gates * h * d * p + gates * h * p + (2 * gates * h if bias else 0)
    w_hr = proj_size * h
    return d * (first + w_hr) + (num_layers - 1) * d * (upper + w_hr)
