"""What a person does on the canvas, as Playwright steps: drag a block, draw a connection, fill a field.

Only mouse and keyboard through the page: no page.evaluate, no store access.
"""

from __future__ import annotations

from playwright.sync_api import Page, expect


def drop_block(page: Page, node_type: str, x: int, y: int) -> None:
    """Drag ``node_type`` from the palette onto the canvas at (x, y) of the canvas box."""
    page.get_by_test_id(f"palette-{node_type}").drag_to(page.get_by_test_id("canvas"), target_position={"x": x, "y": y})


def node(page: Page, node_id: str):
    return page.locator(f'.react-flow__node[data-id="{node_id}"]')


def select_node(page: Page, node_id: str) -> None:
    node(page, node_id).locator(".flow-node-label").click()
    expect(page.locator("#node-id")).to_have_value(node_id)


def connect(page: Page, source: str, port: str, target: str) -> None:
    """Draw a line from ``source``'s exit ``port`` to ``target``'s entry with the mouse."""
    start = page.locator(f'[data-testid="port-{source}-{port}"] .react-flow__handle').bounding_box()
    end = node(page, target).locator(".react-flow__handle.target").bounding_box()
    assert start and end, f"{source}.{port} or {target} is not on screen"
    page.mouse.move(start["x"] + start["width"] / 2, start["y"] + start["height"] / 2)
    page.mouse.down()
    page.mouse.move(end["x"] + end["width"] / 2, end["y"] + end["height"] / 2, steps=12)
    page.mouse.up()


def field(page: Page, path: str):
    """The property-panel field at ``path`` (e.g. ``config.sla``)."""
    return page.get_by_test_id("property-panel").locator(f'[data-field="{path}"]')


def fill(page: Page, path: str, value: str) -> None:
    field(page, path).locator("input, textarea").first.fill(value)


def choose(page: Page, path: str, label: str) -> None:
    field(page, path).locator("select").first.select_option(label=label)


def type_expression(page: Page, path: str, text: str) -> None:
    """Replace the expression at ``path`` by typing ``text`` into its editor."""
    editor = field(page, path).locator(".cm-content")
    editor.click()
    page.keyboard.press("Control+A")
    page.keyboard.press("Delete")
    page.keyboard.type(text)
