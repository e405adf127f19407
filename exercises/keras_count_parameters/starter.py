"""Count the parameters of Keras's recurrent layers (SimpleRNN, GRU, LSTM) by hand.

Grade it with `grade exercise keras_count_parameters` (or
`rnnprep grade exercise keras_count_parameters`); `rnnprep exercise show keras_count_parameters`
shows the task, `rnnprep exercise hint keras_count_parameters` a hint.
"""


def keras_count_parameters(
    layer: str,
    input_dim: int,
    units: int,
    use_bias: bool = True,
    reset_after: bool = True,
    bidirectional: bool = False,
) -> int:
    """The number of parameters of one Keras recurrent layer, as model.count_params() reports.

    Args:
        layer: "SimpleRNN", "GRU" or "LSTM" (keras.layers.SimpleRNN, GRU, LSTM).
        input_dim: the features of the input at each step (the last axis of
            (batch, timesteps, features)).
        units: the layer's units, the width of its state.
        use_bias: whether the layer has its bias.
        reset_after: GRU only (ignored for the other layers): True (the TF2 default) applies
            the reset gate after the recurrent matmul and keeps an input and a recurrent bias;
            False applies it before and keeps one bias.
        bidirectional: whether the layer is wrapped in keras.layers.Bidirectional.

    Returns:
        The count, as a Python int, computed without Keras (which is not installed here).
    """
    raise NotImplementedError("write keras_count_parameters here")
