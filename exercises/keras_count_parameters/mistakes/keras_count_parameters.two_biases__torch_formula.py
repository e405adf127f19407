"""torch's formula carried over: two bias vectors per gate block, G * units * (in + units + 2)."""


def keras_count_parameters(
    layer, input_dim, units, use_bias=True, reset_after=True, bidirectional=False
):
    g = {"SimpleRNN": 1, "GRU": 3, "LSTM": 4}[layer]
    per_direction = g * (units * input_dim + units * units)
    if use_bias:
        per_direction += 2 * g * units  # b_ih and b_hh
    return per_direction * (2 if bidirectional else 1)
