"""Peephole connections with unit weights: i and f also see c, o sees the new cell."""

import torch
import torch.nn.functional as F


def lstm_cell(x, h, c, w_ih, w_hh, b_ih=None, b_hh=None):
    i, f, g, o = (F.linear(x, w_ih, b_ih) + F.linear(h, w_hh, b_hh)).chunk(4, 1)
    i = torch.sigmoid(i + c)
    f = torch.sigmoid(f + c)
    c_next = f * c + i * torch.tanh(g)
    o = torch.sigmoid(o + c_next)
    return o * torch.tanh(c_next), c_next
