"""What crosses between the judge and the learner's process (exercises.wire): a random generator
travels as its state, so the learner draws exactly the stream the judge drew the case with, and a
forged generator node is refused like any other malformed node."""

from __future__ import annotations

import pytest
import torch

from exercises import kit, wire


def test_a_generator_arrives_in_the_state_it_was_sent() -> None:
    sent = torch.Generator().manual_seed(1234)
    torch.rand(3, generator=sent)  # not at its seed: the state, not the seed, must travel
    arrived = wire.unpack(wire.loads(wire.dumps(wire.pack({"g": sent}))))["g"]
    assert isinstance(arrived, torch.Generator) and arrived is not sent
    assert torch.equal(torch.rand(5, generator=arrived), torch.rand(5, generator=sent))


def test_the_judge_draws_from_copies_and_never_moves_the_case_generator() -> None:
    case = torch.Generator().manual_seed(7)
    before = case.get_state()
    copy = kit.fresh_generator(case)
    torch.multinomial(torch.ones(4), 2, generator=copy)
    assert torch.equal(case.get_state(), before)
    assert torch.equal(kit.cast(case, torch.float32, torch.device("cpu")).get_state(), before)


@pytest.mark.parametrize(
    "node",
    [
        ["generator", "cpu", wire.pack(torch.zeros(3, dtype=torch.uint8))],  # wrong length
        ["generator", "cpu", wire.pack(torch.zeros(5056, dtype=torch.float32))],  # not bytes
        ["generator", "tpu", wire.pack(torch.Generator().get_state())],  # no such device
        ["generator", "cpu", ["value", 3]],
    ],
)
def test_a_forged_generator_node_is_refused(node: list[object]) -> None:
    with pytest.raises(wire.WireError):
        wire.unpack(wire.loads(wire.dumps(node)))
