"""The flow language: document model, node catalog, text DSL, expressions and validation.

Pure Python on purpose (no Flask, no database) so the designer, the runtime and the
simulations all read one definition of what a flow is.
"""
