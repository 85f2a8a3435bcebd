"""Sections of the problem catalogue, one module per area that reports problems."""

from dsl.problems.sections import document, expression, graph, text

ALL = [document, expression, text, graph]
