"""Node handlers: one module per node type, named by the catalog's ``handler`` slot.

Each module offers ``run(ctx, node, token)`` and, where it needs them, ``compile(config, c)`` (turn the
config into an immutable spec once per plan), ``resume(ctx, node, token, event)`` (a waiting token
gets an event) and ``explain(spec, detail)`` (a step's compact detail as its JSON explanation).
``run`` and ``resume`` return ``(port, detail)`` or an outcome from :mod:`runtime.engine.outcomes`.
"""
