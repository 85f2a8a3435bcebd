"""Problem codes reported by the expression language: parsing, static checks and evaluation."""

from dsl.problems.catalogue import CodeEntry as E

CODES: dict[str, E] = {
    # -- reading the text ------------------------------------------------------------------
    "EXPR_EMPTY": E("error", "表达式为空", "The expression is empty"),
    "EXPR_TOO_LONG": E("error", "表达式过长：{length} 个字符，上限 {limit}",
                       "The expression is too long: {length} characters, the limit is {limit}"),
    "EXPR_TOO_DEEP": E("error", "表达式嵌套或连写的运算过多（上限 {limit} 层），请拆分成几个步骤",
                       "The expression nests or chains too many operations (limit {limit}); "
                       "split it into smaller steps"),
    "EXPR_UNEXPECTED": E("error", "这里不应出现{found_zh}，应为：{expected_zh}{hint_zh}",
                         "Unexpected {found_en} here; expected {expected_en}{hint_en}"),
    "EXPR_UNEXPECTED_END": E("error", "表达式不完整，结尾处缺少：{expected_zh}",
                             "The expression ends too early; expected {expected_en}"),
    "EXPR_BAD_CHARACTER": E("error", "这里不能使用字符 “{char}”{hint_zh}",
                            "The character '{char}' cannot be used here{hint_en}"),
    "EXPR_UNCLOSED_STRING": E("error", "文本缺少结束引号 {quote}",
                              "The text is missing its closing quote {quote}"),
    "EXPR_BAD_ESCAPE": E("error", "文本中的转义 “{escape}” 无效，可用：\\\" \\' \\\\ \\n \\t \\uXXXX",
                         "Invalid escape '{escape}' in text; use \\\" \\' \\\\ \\n \\t or \\uXXXX"),
    "EXPR_NUMBER_TOO_LARGE": E("error", "数字 “{value}” 过大或位数过多（最多 {limit} 位有效数字）",
                               "The number '{value}' is too large or too precise (at most {limit} digits)"),
    "EXPR_FORBIDDEN_NAME": E("error", "不允许使用名称 “{name}”：表达式只能读取订单数据和使用内置函数",
                             "The name '{name}' is not allowed: expressions may only read order data "
                             "and use the built-in functions"),
    # -- checking names and types ----------------------------------------------------------
    "EXPR_UNKNOWN_NAME": E("error", "未知的名称 “{name}”{hint_zh}（可用：{available}）",
                           "Unknown name '{name}'{hint_en} (available: {available})"),
    "EXPR_UNKNOWN_FIELD": E("error", "“{owner}” 没有字段 “{field}”{hint_zh}",
                            "'{owner}' has no field '{field}'{hint_en}"),
    "EXPR_UNKNOWN_FUNCTION": E("error", "未知的函数 “{name}”{hint_zh}",
                               "Unknown function '{name}'{hint_en}"),
    "EXPR_ARG_COUNT": E("error", "函数 {name} 需要 {expected} 个参数，这里给了 {given} 个",
                        "Function {name} takes {expected} argument(s), {given} given"),
    "EXPR_ARG_TYPE": E("error", "函数 {name} 的第 {position} 个参数应为{expected_zh}，这里是{actual_zh}",
                       "Argument {position} of {name} must be {expected_en}, not {actual_en}"),
    "EXPR_OPERAND_TYPE": E("error", "运算 “{op}” 不能用于{operands_zh}{hint_zh}",
                           "Operator '{op}' cannot be used on {operands_en}{hint_en}"),
    "EXPR_NOT_COMPARABLE": E("error", "不能比较{left_zh}和{right_zh}",
                             "Cannot compare {left_en} with {right_en}"),
    "EXPR_EXPECTED_TYPE": E("error", "这里需要{expected_zh}，但得到的是{actual_zh}{hint_zh}",
                            "Expected {expected_en} here, but this is {actual_en}{hint_en}"),
    "EXPR_BRANCH_TYPE": E("error", "“if” 的两个结果类型不同：then 是{then_zh}，else 是{else_zh}",
                          "The branches of 'if' differ: 'then' is {then_en}, 'else' is {else_en}"),
    "EXPR_NOT_AN_OBJECT": E("error", "{type_zh}没有字段，不能读取 “.{field}”",
                            "{type_en} has no fields; cannot read '.{field}'"),
    "EXPR_NOT_INDEXABLE": E("error", "只有列表和映射可以用 [ ] 取值，这里是{type_zh}",
                            "Only lists and maps can be indexed with [ ]; this is {type_en}"),
    "EXPR_INDEX_TYPE": E("error", "{container_zh}的下标应为{expected_zh}，这里是{actual_zh}",
                         "The index of {container_en} must be {expected_en}, not {actual_en}"),
    "EXPR_UNKNOWN_VALUE": E("error", "“{value}” 不是 {field} 的可选值{hint_zh}（可选：{allowed}）",
                            "'{value}' is not a valid value of {field}{hint_en} (allowed: {allowed})"),
    "EXPR_BAD_ZONE": E("error", "未知的时区 “{zone}”，示例：Asia/Shanghai、Europe/Berlin",
                       "Unknown time zone '{zone}'; examples: Asia/Shanghai, Europe/Berlin"),
    # -- evaluating (never retryable: the same data gives the same error) --------------------
    "EXPR_RUNTIME_DIVISION_BY_ZERO": E("error", "除数为 0，无法计算", "Division by zero"),
    "EXPR_RUNTIME_OVERFLOW": E("error", "计算结果超出允许范围（最大约 10^{limit}）",
                               "The result is out of range (about 10^{limit} at most)"),
    "EXPR_RUNTIME_NULL": E("error", "有值为空（null），无法进行 “{op}” 运算；"
                                    "可用 coalesce(值, 默认值) 补默认值",
                           "A value is empty (null), so '{op}' cannot be computed; "
                           "use coalesce(value, default)"),
    "EXPR_RUNTIME_TYPE": E("error", "运行时类型错误：“{op}” 不能用于{operands_zh}",
                           "Type error while evaluating: '{op}' cannot be used on {operands_en}"),
    "EXPR_RUNTIME_BAD_VALUE": E("error", "值 “{value}” 不能作为{type_zh}使用",
                                "The value '{value}' cannot be used as {type_en}"),
    "EXPR_RUNTIME_LENGTH": E("error", "两个列表长度不同（{left} 与 {right}），无法逐项计算",
                             "The two lists differ in length ({left} and {right}); "
                             "cannot combine them item by item"),
    "EXPR_RUNTIME_BUDGET": E("error", "计算量超出上限（{limit} 步），请简化表达式",
                             "The evaluation exceeded its budget of {limit} steps; simplify the expression"),
}
