"""join: wait for all (or any) incoming branches before continuing."""

from dsl.catalog.fields import choice, config_schema
from dsl.catalog.types import NodeType, Port

NODE = NodeType(
    name="join", category="time_structure", keyword="join",
    label_zh="汇合", label_en="Join",
    description_zh="等待所有（或任一）进入的分支到达后继续。",
    description_en="Continues once all (or any) incoming branches have arrived.",
    icon="merge",
    config_schema=config_schema({"mode": choice(["all", "any"], "汇合方式", "Mode", labels={
        "all": ("全部到达", "All arrived"), "any": ("任一到达", "Any arrived")})}, ["mode"]),
    ports=(Port("next", "继续", "Next"),),
    handler="runtime.handlers.join:run",
    example_config={"mode": "all"},
)
