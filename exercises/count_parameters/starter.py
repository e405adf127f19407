"""Count the parameters of PyTorch's recurrent layers (nn.RNN, nn.GRU, nn.LSTM) by hand.

Grade it with `grade exercise count_parameters` (or `rnnprep grade exercise count_parameters`);
`rnnprep exercise show count_parameters` shows the task, `rnnprep exercise hint count_parameters`
a hint.
"""


def count_parameters(
    mode: str,
    input_size: int,
    hidden_size: int,
    num_layers: int = 1,
    bias: bool = True,
    bidirectional: bool = False,
    proj_size: int = 0,
) -> int:
    """The number of parameters of the recurrent layer torch builds from these arguments.

    Args:
        mode: "RNN_TANH" (nn.RNN), "GRU" (nn.GRU) or "LSTM" (nn.LSTM).
        input_size: I, the features of x at each step.
        hidden_size: H, the hidden units of each layer and direction.
        num_layers: L, recurrent layers stacked on each other.
        bias: whether each layer and direction has its bias vectors b_ih and b_hh.
        bidirectional: whether each layer also runs backward, with weights of its own.
        proj_size: P (LSTM only): when > 0, h is projected from H down to P by weight_hr.

    Returns:
        sum(p.numel() for p in nn.<mode>(...).parameters()), as a Python int, computed without
        building the module.
    """
    raise NotImplementedError("write count_parameters here")
