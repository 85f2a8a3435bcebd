"""Random edits of the starter templates always give a problem list, never an exception."""

import json
import random
from pathlib import Path

import pytest

from dsl.validation import validate_document, validate_source

TEMPLATES = sorted((Path(__file__).parents[3] / "templates").glob("*.flow"))
TEXTS = [p.read_text(encoding="utf-8") for p in TEMPLATES]
JUNK = ["{", "}", "[", "]", '"', "`", "->", ".", ":", ",", "\\", "\x00", "#", "\n", "é", "节点", "__class__",
        "((((", "10**10", "🙂", "\ud800", " ", "1e999"]


@pytest.mark.parametrize("seed", range(25))
def test_random_text_edits_of_templates_never_crash(seed):
    rng = random.Random(seed)
    for text in TEXTS:
        chars = list(text)
        for _ in range(rng.randint(1, 6)):
            at = rng.randrange(len(chars))
            move = rng.choice(["delete", "insert", "swap", "duplicate"])
            if move == "delete":
                del chars[at:at + rng.randint(1, 20)]
            elif move == "insert":
                chars.insert(at, rng.choice(JUNK))
            elif move == "swap" and chars:
                other = rng.randrange(len(chars))
                chars[at], chars[other] = chars[other], chars[at]
            else:
                chars[at:at] = chars[at:at + rng.randint(1, 40)]
        result = validate_source("".join(chars))
        assert isinstance(result.problems, list)
        assert all(p.code and p.message_en for p in result.problems)


def _documents():
    from dsl.text import parse_flow
    return [parse_flow(t) for t in TEXTS]


ODD_VALUES = [None, True, 0, -1, 1.5, 10**30, "", "x", "__class__", "节点", [], [1, "a"], {}, {"a": 1},
              "order.total >", "4 hours", "((((", "\x00"]


def _pick_container(rng: random.Random, doc: dict):
    """Walk a random distance down the document; return a dict or list to edit."""
    target = doc
    while rng.random() < 0.7:
        keys = list(target) if isinstance(target, dict) else list(range(len(target)))
        if not keys:
            break
        child = target[rng.choice(keys)]
        if not isinstance(child, (dict, list)):
            break
        target = child
    return target


@pytest.mark.parametrize("seed", range(40))
def test_random_structural_edits_never_crash(seed):
    rng = random.Random(seed)
    for original in _documents():
        doc = json.loads(json.dumps(original))
        for _ in range(rng.randint(1, 4)):
            target = _pick_container(rng, doc)
            if isinstance(target, dict):
                key = rng.choice([*target, "extra"])
                if rng.random() < 0.4:
                    target.pop(key, None)
                else:
                    target[key] = rng.choice(ODD_VALUES)
            elif target and rng.random() < 0.5:
                target.pop(rng.randrange(len(target)))
            else:
                target.append(rng.choice(ODD_VALUES))
        result = validate_document(doc)
        assert isinstance(result.problems, list)
        assert all(p.code and p.message_en for p in result.problems)
