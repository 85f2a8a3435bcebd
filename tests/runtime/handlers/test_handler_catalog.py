"""Every node type of the catalog has a real handler, found through the catalog's handler slot."""

from __future__ import annotations

import pytest

from dsl.catalog import all_node_types
from runtime.engine.compiling import NodeCompiler
from runtime.engine.plan import handler_for

NODE_TYPES = all_node_types()


@pytest.mark.parametrize("node_type", NODE_TYPES, ids=lambda t: t.name)
def test_handler_slot_resolves_to_a_module_of_that_type(node_type):
    module, run = handler_for(node_type.name)
    assert node_type.handler == f"runtime.handlers.{node_type.name}:run"
    assert module.__name__ == f"runtime.handlers.{node_type.name}" and callable(run)
    assert module.__doc__ and module.__doc__.split(":")[0].startswith(node_type.name)


@pytest.mark.parametrize("node_type", NODE_TYPES, ids=lambda t: t.name)
def test_handler_compiles_the_catalogs_example_config(node_type):
    module, _ = handler_for(node_type.name)
    if hasattr(module, "compile"):
        module.compile(node_type.example_config, NodeCompiler())


@pytest.mark.parametrize("node_type", [t for t in NODE_TYPES if t.waits], ids=lambda t: t.name)
def test_waiting_node_types_can_be_resumed(node_type):
    module, _ = handler_for(node_type.name)
    assert callable(getattr(module, "resume", None))
