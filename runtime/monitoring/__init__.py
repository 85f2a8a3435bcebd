"""Monitoring: how each flow version behaves once published, read from the store (see ``docs/monitoring.md``).

| module | what it holds |
|---|---|
| ``stats.py`` | per version: instances by status, p50/p99 durations, nodes, SLA breaches; the heatmap |
| ``incidents.py`` | instances in incident with what failed and where to retry |
| ``dashboard.py`` | the operations dashboard's numbers over a window |
| ``metrics.py`` | Prometheus metrics computed from the database at scrape time |
"""

from runtime.monitoring.dashboard import dashboard
from runtime.monitoring.incidents import list_incidents
from runtime.monitoring.stats import heatmap, version_stats

__all__ = ["dashboard", "heatmap", "list_incidents", "version_stats"]
