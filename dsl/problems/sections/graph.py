"""Problem codes about the flow as a graph: start, edges, ports, reachability, cycles, sub-flows."""

from dsl.problems.catalogue import CodeEntry as E

CODES: dict[str, E] = {
    "GRAPH_START_UNKNOWN": E("error", "触发后的起始节点 “{id}” 不存在{hint_zh}",
                             "The trigger starts at '{id}', which is not a node{hint_en}"),
    "GRAPH_EDGE_UNKNOWN_NODE": E("error", "连线指向不存在的节点 “{id}”{hint_zh}",
                                 "The connection refers to '{id}', which is not a node{hint_en}"),
    "GRAPH_EDGE_UNKNOWN_PORT": E("error", "节点 “{id}”（{type}）没有出口 “{port}”，可用出口：{ports}{hint_zh}",
                                 "Node '{id}' ({type}) has no exit '{port}'; its exits are: {ports}{hint_en}"),
    "GRAPH_PORT_TWICE": E("error", "节点 “{id}” 的出口 “{port}” 连了不止一条线",
                          "Exit '{port}' of node '{id}' is connected more than once"),
    "GRAPH_PORT_UNCONNECTED": E("error", "节点 “{id}” 的出口 “{port}” 还没有连线",
                                "Exit '{port}' of node '{id}' is not connected"),
    "GRAPH_UNREACHABLE": E("error", "节点 “{id}” 从起点无法到达", "Node '{id}' cannot be reached from the start"),
    "GRAPH_NO_END": E("error", "从节点 “{id}” 出发到不了任何结束节点",
                      "Node '{id}' never leads to an end node"),
    "GRAPH_NO_END_NODE": E("error", "流程缺少结束节点", "The flow has no end node"),
    "GRAPH_CYCLE_WITHOUT_WAIT": E("error", "回路 {cycle} 上没有等待或定时节点，会无限循环",
                                  "The loop {cycle} has no wait or timer on it and would run forever"),
    "GRAPH_JOIN_ONE_INPUT": E("warning", "汇合节点 “{id}” 只有 {count} 条进入的连线",
                              "Join '{id}' has only {count} incoming connection(s)"),
    "SUBFLOW_UNKNOWN": E("error", "子流程 “{key}” 不存在{hint_zh}", "Sub-flow '{key}' does not exist{hint_en}"),
    "SUBFLOW_SELF": E("error", "流程不能把自己当作子流程调用", "A flow cannot call itself as a sub-flow"),
}
