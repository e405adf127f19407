"""Model solution: Keras's weight shapes for one layer, added up, doubled when bidirectional."""

GATE_BLOCKS = {"SimpleRNN": 1, "GRU": 3, "LSTM": 4}  # blocks side by side in the kernels


def keras_count_parameters(
    layer: str,
    input_dim: int,
    units: int,
    use_bias: bool = True,
    reset_after: bool = True,
    bidirectional: bool = False,
) -> int:
    columns = GATE_BLOCKS[layer] * units  # G * units
    count = input_dim * columns  # kernel [input_dim, G * units]
    count += units * columns  # recurrent_kernel [units, G * units]
    if use_bias:
        # One bias [G * units]; the GRU with reset_after=True has [2, 3 * units]: an input bias
        # and a recurrent bias, as torch's b_ih and b_hh.
        count += (2 if layer == "GRU" and reset_after else 1) * columns
    # Bidirectional wraps two independent copies of the layer.
    return 2 * count if bidirectional else count
