"""Model solution: the shapes of every layer's and direction's parameters, added up."""

GATE_BLOCKS = {"RNN_TANH": 1, "GRU": 3, "LSTM": 4}  # blocks stacked in weight_ih and weight_hh


def count_parameters(
    mode: str,
    input_size: int,
    hidden_size: int,
    num_layers: int = 1,
    bias: bool = True,
    bidirectional: bool = False,
    proj_size: int = 0,
) -> int:
    rows = GATE_BLOCKS[mode] * hidden_size  # gates * H
    directions = 2 if bidirectional else 1
    out = proj_size if proj_size > 0 else hidden_size  # the width of h, what a layer outputs
    total = 0
    for layer in range(num_layers):
        # Layer 0 reads x; the others read both directions of the layer below, concatenated.
        fan_in = input_size if layer == 0 else directions * out
        one = rows * fan_in + rows * out  # weight_ih [rows, fan_in], weight_hh [rows, out]
        if bias:
            one += 2 * rows  # bias_ih and bias_hh
        if proj_size > 0:
            one += proj_size * hidden_size  # weight_hr [P, H]
        total += directions * one  # the reverse direction has the same shapes
    return total
