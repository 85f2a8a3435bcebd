"""Who may call what: ONE table from every Flask endpoint to a permission, and permission → roles.

DESIGN's role table, as data. An endpoint missing from :data:`RULES` is refused (403) and fails the
permission-matrix test, so a new route cannot go live unguarded. Each engineer adds the rows of
their own endpoints here.
"""

from __future__ import annotations

ROLES = ("editor", "reviewer", "operator", "admin")

#: permission → the roles that hold it ("public" needs no login; "read" any signed-in user)
PERMISSIONS: dict[str, frozenset[str]] = {
    "public": frozenset(),
    "read": frozenset(ROLES),
    "flow.edit": frozenset({"editor", "admin"}),
    "flow.review": frozenset({"reviewer", "admin"}),
    "order.ingest": frozenset({"operator", "admin"}),
    "ops": frozenset({"operator", "admin"}),
    "admin": frozenset({"admin"}),
    "audit.read": frozenset({"reviewer", "admin"}),
    "dry_run": frozenset({"editor", "reviewer", "admin"}),
}

#: roles that see customers' phone numbers and addresses unmasked
SEES_CUSTOMER_DATA = frozenset({"operator", "admin"})

RULES: dict[str, str] = {
    # no login: what the login page, the canvas palette and outside tools need before signing in
    "health.get_health": "public",
    "openapi.get_openapi": "public",
    "node_types.list_node_types": "public",
    "node_types.get_one_node_type": "public",
    "schemas.get_flow_schema": "public",
    "schemas.get_order_model_schema": "public",
    "schemas.get_contract": "public",
    "schemas.list_problem_codes": "public",
    "auth.login": "public",
    "static": "public",
    "frontend.index": "public",
    "frontend.client_route": "public",
    "demo_receiver.receive": "public",  # demo only: the demo connections' target, called by the outbox
    # the session
    "auth.logout": "read",
    "auth.me": "read",
    # flows and checking them
    "flows.list_flows": "read",
    "flows.get_flow": "read",
    # flows, versions, review and release (designer/api/flows, versions, reviews, releases, bundles, templates)
    "flows.create_flow": "flow.edit",
    "flows.patch_flow": "flow.edit",  # priority additionally needs flow.review (checked in the view)
    "templates.list_templates": "read",
    "versions.list_versions": "read",
    "versions.get_version": "read",
    "versions.diff_versions": "read",
    "versions.save_version": "flow.edit",
    "versions.create_version": "flow.edit",
    "versions.submit_version": "flow.edit",
    "versions.review_version": "flow.review",
    "versions.publish_version": "flow.review",
    "versions.retire_version": "flow.review",
    "reviews.list_reviews": "flow.review",
    "releases.get_release": "read",
    "releases.put_candidate_share": "flow.review",
    "releases.promote_candidate": "flow.review",
    "releases.rollback_release": "flow.review",
    "releases.put_auto_rollback": "flow.review",
    "bundles.export_flow": "read",
    "bundles.import_flow": "flow.edit",
    "bundles.import_dsl": "flow.edit",
    "validation.validate_flow": "read",
    "dry_runs.dry_run": "dry_run",
    # orders, instances, tasks
    "orders.ingest_event": "order.ingest",
    "orders.list_orders": "read",
    "orders.get_order": "read",
    "orders.get_timeline": "read",
    "orders.release_hold": "ops",
    "instances.get_instance": "read",
    "instances.cancel_instance": "ops",
    "instances.retry_instance": "ops",
    "tasks.list_tasks": "read",
    "tasks.get_task": "read",
    "tasks.claim_task": "ops",
    "tasks.reassign_task": "ops",
    "tasks.decide_task": "ops",
    # master data
    "warehouses.list_warehouses": "read",
    "warehouses.get_warehouse": "read",
    "warehouses.close_warehouse": "ops",
    "warehouses.open_warehouse": "ops",
    "stock.list_stock": "read",
    "stock.adjust_stock": "ops",
    "carriers.list_carriers": "read",
    "carriers.get_carrier": "read",
    "carriers.get_rates": "read",
    "carriers.put_carrier": "admin",
    "carriers.delete_carrier": "admin",
    "carriers.put_rates": "admin",
    "context_feeds.list_feeds": "read",
    "context_feeds.get_feed": "read",
    "context_feeds.put_feed": "ops",
    # integration: connections (editors pick them in call_service nodes), dead letters (payloads carry
    # customer data: operators and admins)
    "connections.list_connections": "read",
    "connections.get_connection": "read",
    "connections.put_connection": "admin",
    "connections.delete_connection": "admin",
    "dead_letters.list_dead_letters": "ops",
    "dead_letters.get_dead_letter": "ops",
    "dead_letters.redrive_dead_letter": "admin",
    "dead_letters.discard_dead_letter": "admin",
    # users, groups, tokens, audit (groups are read by the canvas's group picker and by reassigning)
    "users.list_users": "admin",
    "users.create_user": "admin",
    "users.update_user": "admin",
    "groups.list_groups": "read",
    "groups.create_group": "admin",
    "tokens.list_tokens": "admin",
    "tokens.create_token": "admin",
    "tokens.revoke_token": "admin",
    "audit.list_audit": "audit.read",
    # impact preview and monitoring (designer/api/previews, monitoring, dashboard, metrics); /metrics takes an
    # API token in the scrape config like any reader
    "previews.ask_preview": "dry_run",
    "previews.get_preview": "dry_run",
    "previews.list_previews": "dry_run",
    "monitoring.get_version_stats": "read",
    "monitoring.get_heatmap": "read",
    "monitoring.get_incidents": "read",
    "dashboard.get_dashboard": "read",
    "metrics.metrics": "read",
}


def permission_of(endpoint: str | None) -> str | None:
    """The permission ``endpoint`` needs, or None when the table does not know it (refused)."""
    return RULES.get(endpoint or "")


def role_may(role: str | None, permission: str) -> bool:
    """Whether ``role`` holds ``permission`` ("public" holds for everyone, signed in or not)."""
    if permission == "public":
        return True
    return role is not None and role in PERMISSIONS.get(permission, frozenset())
