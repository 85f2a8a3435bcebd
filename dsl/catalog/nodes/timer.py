"""timer: wait for a duration or until a moment computed from the order."""

from dsl.catalog.fields import config_schema, duration, expr
from dsl.catalog.types import NodeType, Port

_schema = config_schema({
    "duration": duration("等待时长", "Wait for"),
    "until": expr("datetime", "等待到", "Wait until"),
})
_schema["oneOf"] = [{"required": ["duration"]}, {"required": ["until"]}]

NODE = NodeType(
    name="timer", category="time_structure", keyword="timer",
    label_zh="定时等待", label_en="Timer",
    description_zh="等待一段时间，或等到某个时刻后继续。",
    description_en="Waits for a duration, or until a moment, then continues.",
    icon="timer",
    config_schema=_schema,
    ports=(Port("next", "继续", "Next"),),
    handler="runtime.handlers.timer:run",
    waits=True,
    example_config={"duration": "30m"},
)
