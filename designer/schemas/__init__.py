"""Marshmallow schemas: the shapes that cross the HTTP edge, one module per resource.

They exist only at the edge (requests in, responses out) and feed the OpenAPI document; the
core keeps its own dataclasses.
"""
