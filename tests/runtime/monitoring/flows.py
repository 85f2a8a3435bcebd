"""A flow for the monitoring tests that always fails: every paid order's intake puts it in incident
(``order.total / 0``), so incident counters and lists have something to count."""

FAILING = {"format": "orderloom.flow/1", "key": "failing-intake", "name": "会出错的流程", "kind": "intake",
           "trigger": {"when": "order.total > 0", "start": "ratio"},
           "nodes": [{"id": "ratio", "type": "assign",
                      "config": {"assignments": [{"target": "ratio", "value": "order.total / 0"}]}},
                     {"id": "done", "type": "end", "config": {"outcome": "done"}}],
           "edges": [{"from": "ratio", "port": "next", "to": "done"}]}
