"""Decoding samples pauses the cyclic GC; the process's GC state must come back as it was."""

from __future__ import annotations

import gc
import weakref

from ferrosynth import DataGenerator, DataType, GeneratorConfig


def test_gc_state_is_restored_and_nothing_stays_frozen() -> None:
    config = GeneratorConfig(data_type=DataType.agent_trace, count=2000, seed=1)
    assert gc.isenabled()
    DataGenerator().generate(config)
    assert gc.isenabled()
    assert gc.get_freeze_count() == 0
    gc.disable()
    try:
        DataGenerator().generate(config)
        assert not gc.isenabled()  # a caller's disabled GC stays disabled
    finally:
        gc.enable()


def test_cyclic_garbage_is_still_collected() -> None:
    class Node:
        pass

    a, b = Node(), Node()
    a.other, b.other = b, a  # type: ignore[attr-defined]
    probe = weakref.ref(a)
    del a, b
    DataGenerator().generate(GeneratorConfig(data_type=DataType.conversation, count=2000, seed=1))
    gc.collect()
    assert probe() is None
