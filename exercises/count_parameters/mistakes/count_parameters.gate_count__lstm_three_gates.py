"""The LSTM counted with its three gates (input, forget, output), the candidate left out."""


def count_parameters(
    mode, input_size, hidden_size, num_layers=1, bias=True, bidirectional=False, proj_size=0
):
    blocks = {"RNN_TANH": 1, "GRU": 3, "LSTM": 3}[mode]
    dirs = 2 if bidirectional else 1
    width = proj_size or hidden_size
    count = 0
    in_features = input_size
    for _ in range(num_layers):
        per_direction = blocks * hidden_size * (in_features + width)
        per_direction += 2 * blocks * hidden_size if bias else 0
        per_direction += proj_size * hidden_size
        count += dirs * per_direction
        in_features = dirs * width
    return count
