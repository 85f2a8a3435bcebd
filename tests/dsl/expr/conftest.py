"""Shared fixtures for the expression tests: the order-model scope and a fresh sample order."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from tests_expr_support import SAMPLE

from dsl.expr import Scope


@pytest.fixture(scope="session")
def scope() -> Scope:
    """The order model's names."""
    return Scope.order_model()


@pytest.fixture()
def env() -> dict[str, Any]:
    """A fresh copy of the sample order and its context."""
    return copy.deepcopy(SAMPLE)
