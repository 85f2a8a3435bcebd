"""Graph checks: start, connections, ports, reachability, ends, cycles without a wait."""

from __future__ import annotations

from typing import Any

from dsl.catalog import NodeType, get_node_type
from dsl.problems import Problem, format_path, problem
from dsl.suggest import did_you_mean, hint


class FlowGraph:
    """The nodes and edges of a document that are well-formed enough to reason about."""

    def __init__(self, doc: dict[str, Any]) -> None:
        nodes = doc.get("nodes") if isinstance(doc.get("nodes"), list) else []
        edges = doc.get("edges") if isinstance(doc.get("edges"), list) else []
        self.index: dict[str, int] = {}
        self.types: dict[str, NodeType] = {}
        self.configs: dict[str, dict[str, Any]] = {}
        for i, node in enumerate(nodes):
            if isinstance(node, dict) and isinstance(node.get("id"), str) and node["id"] not in self.index:
                self.index[node["id"]] = i
                node_type = get_node_type(node.get("type")) if isinstance(node.get("type"), str) else None
                if node_type:
                    self.types[node["id"]] = node_type
                self.configs[node["id"]] = node.get("config") if isinstance(node.get("config"), dict) else {}
        self.edges = [(i, e) for i, e in enumerate(edges) if isinstance(e, dict)]
        self.successors: dict[str, list[str]] = {n: [] for n in self.index}
        self.incoming: dict[str, int] = {n: 0 for n in self.index}
        trigger = doc.get("trigger") if isinstance(doc.get("trigger"), dict) else {}
        self.start = trigger.get("start") if isinstance(trigger.get("start"), str) else None

    def node_path(self, node_id: str) -> str:
        return format_path(["nodes", self.index[node_id]])


def graph_problems(doc: dict[str, Any]) -> list[Problem]:
    """Every graph problem, each pointing at the node or edge to fix."""
    graph = FlowGraph(doc)
    found = _start_problems(graph) + _edge_problems(graph) + _unconnected_ports(graph)
    if not any(t.terminal for t in graph.types.values()) and graph.index:
        found.append(problem("GRAPH_NO_END_NODE", "nodes"))
    found += _reachability_problems(graph) + _cycle_problems(graph) + _join_warnings(graph)
    return found


def _start_problems(graph: FlowGraph) -> list[Problem]:
    if graph.start is None or graph.start in graph.index:
        return []
    return [problem("GRAPH_START_UNKNOWN", "trigger.start", id=graph.start,
                    **hint(did_you_mean(graph.start, graph.index)))]


def _edge_problems(graph: FlowGraph) -> list[Problem]:
    found: list[Problem] = []
    used: set[tuple[str, str]] = set()
    for i, edge in graph.edges:
        source, port, target = edge.get("from"), edge.get("port"), edge.get("to")
        ok = True
        for end, node_id in (("from", source), ("to", target)):
            if isinstance(node_id, str) and node_id not in graph.index:
                found.append(problem("GRAPH_EDGE_UNKNOWN_NODE", format_path(["edges", i, end]), id=node_id,
                                     **hint(did_you_mean(node_id, graph.index))))
                ok = False
        if not ok or not all(isinstance(v, str) for v in (source, port, target)):
            continue
        node_type = graph.types.get(source)
        if node_type is None:
            continue
        ports = node_type.port_names(graph.configs[source])
        if port not in ports:
            found.append(problem("GRAPH_EDGE_UNKNOWN_PORT", format_path(["edges", i, "port"]), id=source,
                                 type=node_type.name, port=port, ports=", ".join(ports) or "—",
                                 **hint(did_you_mean(port, ports))))
            continue
        if (source, port) in used:
            found.append(problem("GRAPH_PORT_TWICE", format_path(["edges", i]), id=source, port=port))
            continue
        used.add((source, port))
        graph.successors[source].append(target)
        graph.incoming[target] += 1
    graph.used_ports = used  # type: ignore[attr-defined]
    return found


def _unconnected_ports(graph: FlowGraph) -> list[Problem]:
    found = []
    for node_id, node_type in graph.types.items():
        for port in node_type.required_ports(graph.configs[node_id]):
            if (node_id, port) not in graph.used_ports:  # type: ignore[attr-defined]
                found.append(problem("GRAPH_PORT_UNCONNECTED", graph.node_path(node_id), id=node_id, port=port))
    return found


def _reachability_problems(graph: FlowGraph) -> list[Problem]:
    if graph.start not in graph.index:
        return []
    reached = _reach(graph.successors, [graph.start])
    predecessors: dict[str, list[str]] = {n: [] for n in graph.index}
    for source, targets in graph.successors.items():
        for target in targets:
            predecessors[target].append(source)
    ends = [n for n, t in graph.types.items() if t.terminal]
    finishing = _reach(predecessors, ends)
    found = []
    for node_id in graph.index:
        if node_id not in reached:
            found.append(problem("GRAPH_UNREACHABLE", graph.node_path(node_id), id=node_id))
        elif ends and node_id not in finishing and node_id in graph.types:
            found.append(problem("GRAPH_NO_END", graph.node_path(node_id), id=node_id))
    return found


def _reach(successors: dict[str, list[str]], roots: list[str]) -> set[str]:
    seen, stack = set(roots), list(roots)
    while stack:
        for nxt in successors.get(stack.pop(), []):
            if nxt not in seen:
                seen.add(nxt)
                stack.append(nxt)
    return seen


def _cycle_problems(graph: FlowGraph) -> list[Problem]:
    found = []
    for component in _strongly_connected(graph.successors):
        looped = len(component) > 1 or component[0] in graph.successors[component[0]]
        if looped and not any(graph.types.get(n) and graph.types[n].waits for n in component):
            ordered = sorted(component, key=graph.index.__getitem__)
            found.append(problem("GRAPH_CYCLE_WITHOUT_WAIT", graph.node_path(ordered[0]),
                                 cycle=" → ".join(ordered + [ordered[0]])))
    return found


def _strongly_connected(successors: dict[str, list[str]]) -> list[list[str]]:
    """Tarjan's algorithm, iterative so a long chain of nodes cannot overflow the stack."""
    index_of: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    components: list[list[str]] = []
    counter = 0
    for root in successors:
        if root in index_of:
            continue
        work = [(root, 0)]
        while work:
            node, child_i = work.pop()
            if child_i == 0:
                index_of[node] = low[node] = counter
                counter += 1
                stack.append(node)
                on_stack.add(node)
            children = successors[node]
            if child_i < len(children):
                work.append((node, child_i + 1))
                child = children[child_i]
                if child not in index_of:
                    work.append((child, 0))
                elif child in on_stack:
                    low[node] = min(low[node], index_of[child])
                continue
            if low[node] == index_of[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                components.append(component)
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
    return components


def _join_warnings(graph: FlowGraph) -> list[Problem]:
    return [problem("GRAPH_JOIN_ONE_INPUT", graph.node_path(n), id=n, count=graph.incoming[n])
            for n, t in graph.types.items() if t.name == "join" and graph.incoming[n] < 2]
