"""One module per node type; ``ALL`` is the catalog's order (palette order within a category)."""

from dsl.catalog.nodes import (
    approval,
    assign,
    call_service,
    condition,
    decision_table,
    end,
    join,
    merge_window,
    notify,
    order_action,
    parallel,
    reserve_stock,
    return_disposition,
    route,
    split_shipment,
    subflow,
    switch,
    timer,
    wait_event,
)

ALL = [
    condition.NODE, switch.NODE, decision_table.NODE, assign.NODE,
    route.NODE, reserve_stock.NODE, split_shipment.NODE, merge_window.NODE, order_action.NODE,
    return_disposition.NODE,
    approval.NODE,
    timer.NODE, wait_event.NODE, parallel.NODE, join.NODE, subflow.NODE, end.NODE,
    notify.NODE, call_service.NODE,
]
