// The catalog as the API serves it, for unit tests (kept equal to the API by tests/designer/test_frontend_fixtures.py).
import type { JsonSchema, NodeType } from "./types";
import nodeTypes from "./fixtures/node-types.json";
import orderModel from "./fixtures/order-model.json";

export const NODE_TYPES = (nodeTypes as unknown as { node_types: NodeType[] }).node_types;
export const ORDER_MODEL = orderModel as unknown as JsonSchema;
