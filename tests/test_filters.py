"""Lambda event filtering: the grammar Lambda accepts and the records it keeps.

Cases quote the Lambda developer guide ("Control which events Lambda sends to your function",
"Filter rule syntax") where it gives an example, so a failure points at the documented rule.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mock_esm.service.filters import (
    MAX_PATTERN_LENGTH,
    InvalidFilterPattern,
    matches,
    matches_any,
    validate_pattern,
)

AWS_MESSAGE = "Invalid filter pattern definition."

# No example database: the suite must not write into the working tree, and every run explores
# afresh.  No deadline: timing under a loaded CI machine or xdist must not fail a property.
PROPERTY_SETTINGS = settings(max_examples=200, deadline=None, database=None)


# --- grammar: patterns Lambda refuses ------------------------------------------------------

INVALID_PATTERN_STRINGS = [
    # Shapes AWS was seen refusing.
    ("json-null", "null"),
    ("bare-words", "simple string"),
    ("json-string", '"simple string"'),
    ("non-array-leaf", '{"eventSource":"aws:sqs"}'),
    ("empty-array", '{"eventSource": []}'),
    ("malformed-json", '{"eventSource": ["aws:sqs"'),
    # Not a JSON object at the top.
    ("empty-string", ""),
    ("whitespace", "   "),
    ("top-array", '[{"a": ["x"]}]'),
    ("top-number", "1"),
    ("top-bool", "true"),
    ("double-encoded", json.dumps(json.dumps({"a": ["x"]}))),
    # Empty objects, at any level.
    ("empty-object", "{}"),
    ("empty-nested-object", '{"a": {}}'),
    # Leaves that are neither an object nor an array.
    ("number-leaf", '{"a": 5}'),
    ("null-leaf", '{"a": null}'),
    ("bool-leaf", '{"a": true}'),
    ("deep-string-leaf", '{"a": {"b": "x"}}'),
    # Array elements outside the grammar.
    ("nested-array", '{"a": [["x"]]}'),
    ("empty-matcher", '{"a": [{}]}'),
    ("two-key-matcher", '{"a": [{"prefix": "x", "suffix": "y"}]}'),
    ("unknown-matcher", '{"a": [{"contains": "x"}]}'),
    ("wildcard-not-in-guide", '{"a": [{"wildcard": "*.png"}]}'),
    ("cidr-not-in-guide", '{"a": [{"cidr": "10.0.0.0/24"}]}'),
    ("prefix-number", '{"a": [{"prefix": 5}]}'),
    ("prefix-ignore-case-not-in-guide", '{"a": [{"prefix": {"equals-ignore-case": "x"}}]}'),
    ("suffix-null", '{"a": [{"suffix": null}]}'),
    ("ignore-case-list", '{"a": [{"equals-ignore-case": ["x"]}]}'),
    ("exists-string", '{"a": [{"exists": "true"}]}'),
    ("exists-number", '{"a": [{"exists": 1}]}'),
    ("exists-null", '{"a": [{"exists": null}]}'),
    ("anything-but-empty-list", '{"a": [{"anything-but": []}]}'),
    ("anything-but-mixed-list", '{"a": [{"anything-but": [1, "x"]}]}'),
    ("anything-but-null", '{"a": [{"anything-but": null}]}'),
    ("anything-but-bool", '{"a": [{"anything-but": true}]}'),
    ("anything-but-null-in-list", '{"a": [{"anything-but": [null]}]}'),
    ("anything-but-bool-in-list", '{"a": [{"anything-but": [true]}]}'),
    ("anything-but-nested-list", '{"a": [{"anything-but": [["x"]]}]}'),
    ("anything-but-prefix-not-in-guide", '{"a": [{"anything-but": {"prefix": "x"}}]}'),
    ("numeric-not-array", '{"a": [{"numeric": 5}]}'),
    ("numeric-empty", '{"a": [{"numeric": []}]}'),
    ("numeric-operator-only", '{"a": [{"numeric": ["="]}]}'),
    ("numeric-odd-length", '{"a": [{"numeric": [">", 1, "<"]}]}'),
    ("numeric-string-operand", '{"a": [{"numeric": ["=", "5"]}]}'),
    ("numeric-bool-operand", '{"a": [{"numeric": [">", true]}]}'),
    ("numeric-unknown-operator", '{"a": [{"numeric": ["==", 5]}]}'),
    ("numeric-equals-in-range", '{"a": [{"numeric": ["=", 5, "<", 6]}]}'),
    ("numeric-upper-first", '{"a": [{"numeric": ["<", 5, ">", 1]}]}'),
    ("numeric-two-lowers", '{"a": [{"numeric": [">", 1, ">=", 2]}]}'),
    ("numeric-two-uppers", '{"a": [{"numeric": ["<", 1, "<=", 2]}]}'),
    ("numeric-empty-range", '{"a": [{"numeric": [">", 6, "<", 5]}]}'),
    ("numeric-point-range", '{"a": [{"numeric": [">=", 5, "<=", 5]}]}'),
    ("numeric-three-terms", '{"a": [{"numeric": [">", 1, "<", 9, "<", 8]}]}'),
    # $or ("Or (multiple fields)") needs an array of at least two non-empty objects.
    ("or-single-branch", '{"$or": [{"a": ["x"]}]}'),
    ("or-object", '{"$or": {"a": ["x"]}}'),
    ("or-values", '{"$or": ["x", "y"]}'),
    ("or-array-branch", '{"$or": [{"a": ["x"]}, ["b"]]}'),
    ("or-empty-branch", '{"$or": [{"a": ["x"]}, {}]}'),
    ("or-invalid-branch", '{"$or": [{"a": ["x"]}, {"b": "y"}]}'),
    # Python's json accepts these; JSON and Lambda do not.
    ("nan", '{"a": [NaN]}'),
    ("infinity", '{"a": [{"numeric": [">", Infinity]}]}'),
    ("minus-infinity", '{"a": [-Infinity]}'),
    ("overflowing-float", '{"a": [1e400]}'),
    # API reference, Filter.Pattern: "Maximum length of 4096".
    ("too-long", '{"a": ["' + "x" * (MAX_PATTERN_LENGTH - 10) + '"]}'),
]


@pytest.mark.parametrize(("name", "pattern"), INVALID_PATTERN_STRINGS,
                         ids=[name for name, _ in INVALID_PATTERN_STRINGS])
def test_invalid_pattern_strings_are_refused_with_the_aws_message(name: str, pattern: str) -> None:
    with pytest.raises(InvalidFilterPattern) as refused:
        validate_pattern(pattern)
    assert str(refused.value) == AWS_MESSAGE
    assert refused.value.reason  # says what was wrong, for a person reading the failure
    with pytest.raises(InvalidFilterPattern, match=r"^Invalid filter pattern definition\.$"):
        matches(pattern, {"a": "x", "eventSource": "aws:sqs"})


def test_length_limit_is_inclusive() -> None:
    at_limit = '{"a": ["' + "x" * (MAX_PATTERN_LENGTH - 11) + '"]}'
    assert len(at_limit) == MAX_PATTERN_LENGTH
    assert validate_pattern(at_limit) == {"a": ["x" * (MAX_PATTERN_LENGTH - 11)]}
    assert len(INVALID_PATTERN_STRINGS[-1][1]) == MAX_PATTERN_LENGTH + 1


INVALID_PATTERN_OBJECTS = [
    ("not-a-pattern-none", None),
    ("not-a-pattern-list", [{"a": ["x"]}]),
    ("not-a-pattern-bytes", b'{"a": ["x"]}'),
    ("tuple-leaf", {"a": ("x",)}),
    ("set-leaf", {"a": {"x"}}),
    ("non-string-key", {1: ["x"]}),
    ("bytes-value", {"a": [b"x"]}),
    ("nan-value", {"a": [float("nan")]}),
    ("inf-value", {"a": [float("inf")]}),
    ("nan-bound", {"a": [{"numeric": [">", float("nan")]}]}),
    ("inf-exclusion", {"a": [{"anything-but": [float("-inf")]}]}),
    ("empty-dict", {}),
]


@pytest.mark.parametrize(("name", "pattern"), INVALID_PATTERN_OBJECTS,
                         ids=[name for name, _ in INVALID_PATTERN_OBJECTS])
def test_invalid_pattern_objects_are_refused(name: str, pattern: Any) -> None:
    with pytest.raises(InvalidFilterPattern, match=r"^Invalid filter pattern definition\.$"):
        matches(pattern, {"a": "x"})


def test_validate_pattern_takes_only_strings() -> None:
    with pytest.raises(InvalidFilterPattern):
        validate_pattern({"a": ["x"]})  # type: ignore[arg-type]


def test_error_is_a_value_error_with_the_exact_aws_text() -> None:
    error = InvalidFilterPattern("why")
    assert isinstance(error, ValueError)
    assert str(error) == AWS_MESSAGE
    assert error.args == (AWS_MESSAGE,)
    assert error.reason == "why"


def test_patterns_nested_deeper_than_the_stack_are_still_evaluated() -> None:
    # Lambda documents no nesting limit; checking and matching use no recursion.
    deep: dict[str, Any] = {"a": ["x"]}
    event: dict[str, Any] = {"a": "x"}
    for _ in range(20_000):
        deep = {"a": deep}
        event = {"a": event}
    assert matches(deep, event) is True
    assert matches(deep, {"a": {"a": "x"}}) is False
    assert matches({"$or": [{"b": ["y"]}, deep]}, event) is True


# --- grammar: patterns Lambda accepts ------------------------------------------------------

VALID_PATTERN_STRINGS = [
    # The guide's table, one row each.
    '{"UserID": [null]}',
    '{"LastName": [""]}',
    '{"Name": ["Alice"]}',
    '{"Name": [{"equals-ignore-case": "alice"}]}',
    '{"Location": ["New York"], "Day": ["Monday"]}',
    '{"PaymentType": ["Credit", "Debit"]}',
    '{"$or": [{"Location": ["New York"]}, {"Day": ["Monday"]}]}',
    '{"Weather": [{"anything-but": ["Raining"]}]}',
    '{"Price": [{"numeric": ["=", 100]}]}',
    '{"Price": [{"numeric": [">", 10, "<=", 20]}]}',
    '{"ProductName": [{"exists": true}]}',
    '{"ProductName": [{"exists": false}]}',
    '{"Region": [{"prefix": "us-"}]}',
    '{"FileName": [{"suffix": ".png"}]}',
    # The guide's worked examples.
    '{"Metadata": [1, 2]}',
    '{"dynamodb": {"Keys": {"Number": {"N": ["4567"]}}}}',
    '{"partitionKey": ["1"], "data": {"Location": ["Los Angeles"]}}',
    # EventBridge forms the guide defers to.
    '{"a": [true, false, 1.5, -2, 0, "", null]}',
    '{"a": [{"anything-but": "x"}]}',
    '{"a": [{"anything-but": 5}]}',
    '{"a": [{"anything-but": [1, 2.5]}]}',
    '{"a": [{"numeric": ["<", 0]}]}',
    '{"a": [{"numeric": [">=", -1e9, "<", 1e9]}]}',
    '{"a": [{"prefix": ""}]}',
    '{"a": ["x", {"prefix": "y"}, {"exists": false}, 3]}',
    '{"s": ["x"], "$or": [{"a": ["1"]}, {"b": {"$or": [{"c": ["2"]}, {"d": ["3"]}]}}]}',
    ' \n{"a":["x"]}\t',
]


@pytest.mark.parametrize("pattern", VALID_PATTERN_STRINGS)
def test_valid_patterns_parse_to_the_same_dict(pattern: str) -> None:
    parsed = validate_pattern(pattern)
    assert type(parsed) is dict
    assert parsed == json.loads(pattern)


def test_duplicate_keys_keep_the_last_value_as_the_guide_says() -> None:
    pattern = ('{"data": {"duplicateKey": ["hello"], "uniqueKey": ["test123"],'
               ' "duplicateKey": ["world"]}}')
    expected = {"data": {"uniqueKey": ["test123"], "duplicateKey": ["world"]}}
    assert validate_pattern(pattern) == expected
    assert matches(pattern, {"data": {"uniqueKey": "test123", "duplicateKey": "world"}}) is True
    assert matches(pattern, {"data": {"uniqueKey": "test123", "duplicateKey": "hello"}}) is False


# --- matching ------------------------------------------------------------------------------

MISSING = object()  # marks "the key is absent from the event" in the table below

MATCH_CASES: list[tuple[str, dict[str, Any], Any, bool]] = [
    # Null / Empty
    ("null-matches-null", {"a": [None]}, None, True),
    ("null-not-missing", {"a": [None]}, MISSING, False),
    ("null-not-empty-string", {"a": [None]}, "", False),
    ("empty-matches-empty", {"a": [""]}, "", True),
    ("empty-not-null", {"a": [""]}, None, False),
    ("empty-not-missing", {"a": [""]}, MISSING, False),
    # Equals: exact, no case folding or normalisation
    ("equals-string", {"a": ["Alice"]}, "Alice", True),
    ("equals-is-case-sensitive", {"a": ["Alice"]}, "alice", False),
    ("equals-no-trimming", {"a": ["Alice"]}, "Alice ", False),
    ("equals-string-not-number", {"a": ["100"]}, 100, False),
    ("equals-number", {"a": [100]}, 100, True),
    ("equals-number-int-float", {"a": [1]}, 1.0, True),
    ("equals-number-float-int", {"a": [2.0]}, 2, True),
    ("equals-number-not-string", {"a": [100]}, "100", False),
    ("equals-number-other", {"a": [100]}, 101, False),
    ("equals-true", {"a": [True]}, True, True),
    ("equals-true-not-one", {"a": [True]}, 1, False),
    ("equals-one-not-true", {"a": [1]}, True, False),
    ("equals-false-not-zero", {"a": [False]}, 0, False),
    ("equals-zero-not-false", {"a": [0]}, False, False),
    ("equals-true-not-string", {"a": [True]}, "true", False),
    # Equals (ignore case)
    ("ignore-case-match", {"a": [{"equals-ignore-case": "alice"}]}, "ALICE", True),
    ("ignore-case-accents", {"a": [{"equals-ignore-case": "école"}]}, "ÉCOLE", True),
    ("ignore-case-other", {"a": [{"equals-ignore-case": "alice"}]}, "alicia", False),
    ("ignore-case-only-strings", {"a": [{"equals-ignore-case": "1"}]}, 1, False),
    # Begins with / Ends with: strings only
    ("prefix-match", {"a": [{"prefix": "us-"}]}, "us-east-1", True),
    ("prefix-whole", {"a": [{"prefix": "us-"}]}, "us-", True),
    ("prefix-other", {"a": [{"prefix": "us-"}]}, "eu-west-1", False),
    ("prefix-case-sensitive", {"a": [{"prefix": "us-"}]}, "US-east-1", False),
    ("prefix-only-strings", {"a": [{"prefix": "1"}]}, 12, False),
    ("prefix-missing", {"a": [{"prefix": ""}]}, MISSING, False),
    ("empty-prefix-any-string", {"a": [{"prefix": ""}]}, "", True),
    ("suffix-match", {"a": [{"suffix": ".png"}]}, "cat.png", True),
    ("suffix-other", {"a": [{"suffix": ".png"}]}, "cat.jpg", False),
    ("suffix-only-strings", {"a": [{"suffix": "1"}]}, None, False),
    # Not (anything-but): the value must be there and differ from every listed one
    ("anything-but-other", {"a": [{"anything-but": ["Raining"]}]}, "Sunny", True),
    ("anything-but-listed", {"a": [{"anything-but": ["Raining"]}]}, "Raining", False),
    ("anything-but-missing", {"a": [{"anything-but": ["Raining"]}]}, MISSING, False),
    ("anything-but-null-present", {"a": [{"anything-but": ["Raining"]}]}, None, True),
    ("anything-but-other-type", {"a": [{"anything-but": ["5"]}]}, 5, True),
    ("anything-but-scalar-string", {"a": [{"anything-but": "x"}]}, "x", False),
    ("anything-but-scalar-other", {"a": [{"anything-but": "x"}]}, "y", True),
    ("anything-but-numbers-other", {"a": [{"anything-but": [100, 200]}]}, 150, True),
    ("anything-but-numbers-listed", {"a": [{"anything-but": [100, 200]}]}, 200.0, False),
    ("anything-but-numbers-string", {"a": [{"anything-but": [100]}]}, "100", True),
    ("anything-but-scalar-number", {"a": [{"anything-but": 7}]}, 7, False),
    ("anything-but-object-value", {"a": [{"anything-but": ["x"]}]}, {"b": "y"}, False),
    # Numeric (equals) / (range): JSON numbers only
    ("numeric-equals", {"a": [{"numeric": ["=", 100]}]}, 100, True),
    ("numeric-equals-float", {"a": [{"numeric": ["=", 100]}]}, 100.0, True),
    ("numeric-equals-other", {"a": [{"numeric": ["=", 100]}]}, 99, False),
    ("numeric-not-string", {"a": [{"numeric": ["=", 100]}]}, "100", False),
    ("numeric-not-bool", {"a": [{"numeric": ["=", 1]}]}, True, False),
    ("numeric-not-null", {"a": [{"numeric": ["<", 1]}]}, None, False),
    ("range-below", {"a": [{"numeric": [">", 10, "<=", 20]}]}, 10, False),
    ("range-inside", {"a": [{"numeric": [">", 10, "<=", 20]}]}, 10.5, True),
    ("range-upper-inclusive", {"a": [{"numeric": [">", 10, "<=", 20]}]}, 20, True),
    ("range-above", {"a": [{"numeric": [">", 10, "<=", 20]}]}, 20.01, False),
    ("range-lower-inclusive", {"a": [{"numeric": [">=", 10, "<", 20]}]}, 10, True),
    ("range-upper-exclusive", {"a": [{"numeric": [">=", 10, "<", 20]}]}, 20, False),
    ("less-than", {"a": [{"numeric": ["<", 0]}]}, -1, True),
    ("less-than-edge", {"a": [{"numeric": ["<", 0]}]}, 0, False),
    ("less-equal-edge", {"a": [{"numeric": ["<=", 0]}]}, 0, True),
    ("greater-than-edge", {"a": [{"numeric": [">", 5]}]}, 5, False),
    ("greater-equal-edge", {"a": [{"numeric": [">=", 5]}]}, 5, True),
    ("numeric-huge-int", {"a": [{"numeric": [">", 1e9]}]}, 10**30, True),
    # Exists / Does not exist: only leaves exist
    ("exists-string", {"a": [{"exists": True}]}, "x", True),
    ("exists-null", {"a": [{"exists": True}]}, None, True),
    ("exists-false-value", {"a": [{"exists": True}]}, False, True),
    ("exists-missing", {"a": [{"exists": True}]}, MISSING, False),
    ("exists-not-intermediate", {"a": [{"exists": True}]}, {"street": "Main"}, False),
    ("exists-not-empty-array", {"a": [{"exists": True}]}, [], False),
    ("exists-array-of-leaves", {"a": [{"exists": True}]}, [1], True),
    ("exists-not-array-of-objects", {"a": [{"exists": True}]}, [{"b": 1}], False),
    ("absent-missing", {"a": [{"exists": False}]}, MISSING, True),
    ("absent-string", {"a": [{"exists": False}]}, "x", False),
    ("absent-null", {"a": [{"exists": False}]}, None, False),
    ("absent-intermediate", {"a": [{"exists": False}]}, {"c1": 100}, True),
    ("absent-empty-array", {"a": [{"exists": False}]}, [], True),
    # Or: several values in one array
    ("or-first", {"a": ["Credit", "Debit"]}, "Credit", True),
    ("or-second", {"a": ["Credit", "Debit"]}, "Debit", True),
    ("or-neither", {"a": ["Credit", "Debit"]}, "Cash", False),
    ("or-mixed-value", {"a": ["x", {"prefix": "ab"}, 5]}, "abc", True),
    ("or-mixed-number", {"a": ["x", {"prefix": "ab"}, 5]}, 5, True),
    ("or-mixed-none", {"a": ["x", {"prefix": "ab"}, 5]}, "y", False),
    ("or-value-or-absent", {"a": ["x", {"exists": False}]}, MISSING, True),
    # Arrays in the event: any element may match
    ("array-any-element", {"a": ["x"]}, ["y", "x"], True),
    ("array-no-element", {"a": ["x"]}, ["y", "z"], False),
    ("array-empty", {"a": ["x"]}, [], False),
    ("array-nested-flattened", {"a": ["x"]}, [["y"], ["x"]], True),
    ("array-numeric", {"a": [{"numeric": [">", 0]}]}, [-1, 3], True),
    ("array-anything-but-other", {"a": [{"anything-but": ["x"]}]}, ["x", "y"], True),
    ("array-anything-but-only-listed", {"a": [{"anything-but": ["x"]}]}, ["x"], False),
    ("array-anything-but-empty", {"a": [{"anything-but": ["x"]}]}, [], False),
    ("array-null-element", {"a": [None]}, ["x", None], True),
]


@pytest.mark.parametrize(("name", "pattern", "value", "expected"), MATCH_CASES,
                         ids=[case[0] for case in MATCH_CASES])
def test_single_field_rules(name: str, pattern: dict[str, Any], value: Any,
                            expected: bool) -> None:
    event = {"other": "field"} if value is MISSING else {"a": value, "other": "field"}
    assert matches(pattern, event) is expected
    assert matches(json.dumps(pattern), event) is expected


STRUCTURE_CASES: list[tuple[str, dict[str, Any], dict[str, Any], bool]] = [
    # And: every key must hold
    ("and-both", {"l": ["New York"], "d": ["Monday"]}, {"l": "New York", "d": "Monday"}, True),
    ("and-one", {"l": ["New York"], "d": ["Monday"]}, {"l": "New York", "d": "Tuesday"}, False),
    ("and-missing", {"l": ["New York"], "d": ["Monday"]}, {"l": "New York"}, False),
    ("unmentioned-fields-ignored", {"l": ["x"]}, {"l": "x", "z": {"deep": [1, 2]}}, True),
    # Or (multiple fields)
    ("or-fields-first", {"$or": [{"l": ["NY"]}, {"d": ["Mon"]}]}, {"l": "NY", "d": "Tue"}, True),
    ("or-fields-second", {"$or": [{"l": ["NY"]}, {"d": ["Mon"]}]}, {"d": "Mon"}, True),
    ("or-fields-neither", {"$or": [{"l": ["NY"]}, {"d": ["Mon"]}]}, {"l": "LA", "d": "Tue"}, False),
    ("or-fields-and-sibling", {"s": ["x"], "$or": [{"l": ["NY"]}, {"d": ["Mon"]}]},
     {"s": "y", "l": "NY"}, False),
    ("or-fields-and-sibling-ok", {"s": ["x"], "$or": [{"l": ["NY"]}, {"d": ["Mon"]}]},
     {"s": "x", "d": "Mon"}, True),
    ("or-fields-nested", {"detail": {"$or": [{"c": [{"numeric": [">", 0]}]}, {"d": ["x"]}]}},
     {"detail": {"c": 1}}, True),
    ("or-fields-nested-branch", {"$or": [{"a": {"b": ["1"]}}, {"c": ["2"]}]},
     {"a": {"b": "1"}}, True),
    # Nested objects descend
    ("nested-match", {"a": {"b": ["x"]}}, {"a": {"b": "x"}}, True),
    ("nested-value-differs", {"a": {"b": ["x"]}}, {"a": {"b": "y"}}, False),
    ("nested-parent-missing", {"a": {"b": ["x"]}}, {}, False),
    ("nested-parent-scalar", {"a": {"b": ["x"]}}, {"a": "x"}, False),
    ("nested-parent-null", {"a": {"b": ["x"]}}, {"a": None}, False),
    ("leaf-rule-on-object", {"a": ["x"]}, {"a": {"b": "x"}}, False),
    ("nested-in-array", {"a": {"b": ["x"]}}, {"a": [{"b": "y"}, {"b": "x"}]}, True),
    ("nested-in-array-none", {"a": {"b": ["x"]}}, {"a": [{"b": "y"}, "x"]}, False),
    ("nested-array-same-element", {"a": {"b": ["1"], "c": ["2"]}},
     {"a": [{"b": "1", "c": "2"}]}, True),
    ("nested-array-split-elements", {"a": {"b": ["1"], "c": ["2"]}},
     {"a": [{"b": "1", "c": "x"}, {"b": "x", "c": "2"}]}, False),
    ("absent-under-missing-parent", {"a": {"b": [{"exists": False}]}}, {}, True),
    ("absent-under-empty-array", {"a": {"b": [{"exists": False}]}}, {"a": []}, True),
    ("absent-under-scalar-parent", {"a": {"b": [{"exists": False}]}}, {"a": "plain"}, False),
    ("absent-under-object", {"a": {"b": [{"exists": False}]}}, {"a": {"c": 1}}, True),
    ("absent-but-present", {"a": {"b": [{"exists": False}]}}, {"a": {"b": 1}}, False),
    # The guide's examples
    ("guide-kinesis", {"partitionKey": ["1"], "data": {"Location": ["Los Angeles"]}},
     {"partitionKey": "1", "data": {"Location": "Los Angeles", "Temp": 46}}, True),
    ("guide-kinesis-other-key", {"partitionKey": ["1"], "data": {"Location": ["Los Angeles"]}},
     {"partitionKey": "2", "data": {"Location": "Los Angeles"}}, False),
    ("guide-dynamodb", {"dynamodb": {"Keys": {"Number": {"N": ["4567"]}}}},
     {"dynamodb": {"Keys": {"ID": {"S": "ABCD"}, "Number": {"N": "4567"}}}}, True),
    ("guide-dynamodb-other", {"dynamodb": {"Keys": {"Number": {"N": ["4567"]}}}},
     {"dynamodb": {"Keys": {"ID": {"S": "ABCD"}, "Number": {"N": "1234"}}}}, False),
    ("guide-exists-intermediate", {"person": {"address": [{"exists": True}]}},
     {"person": {"name": "John Doe", "address": {"street": "123 Main St"}}}, False),
    # SQS: the caller passes body parsed when it is a JSON object, else the raw string
    ("sqs-json-body", {"body": {"City": ["Seattle"]}},
     {"body": {"City": "Seattle"}, "eventSource": "aws:sqs"}, True),
    ("sqs-plain-body-json-pattern", {"body": {"City": ["Seattle"]}},
     {"body": "Seattle", "eventSource": "aws:sqs"}, False),
    ("sqs-plain-body-plain-pattern", {"body": ["hello"]}, {"body": "hello"}, True),
    ("sqs-json-body-plain-pattern", {"body": ["hello"]}, {"body": {"hello": 1}}, False),
    ("sqs-metadata-only", {"eventSource": ["aws:sqs"]},
     {"body": "anything", "eventSource": "aws:sqs"}, True),
]


@pytest.mark.parametrize(("name", "pattern", "event", "expected"), STRUCTURE_CASES,
                         ids=[case[0] for case in STRUCTURE_CASES])
def test_structure(name: str, pattern: dict[str, Any], event: dict[str, Any],
                   expected: bool) -> None:
    assert matches(pattern, event) is expected
    assert matches(json.dumps(pattern), event) is expected


def test_event_that_is_not_an_object_offers_no_fields() -> None:
    assert matches({"a": [{"exists": False}]}, "not an object") is True  # type: ignore[arg-type]
    assert matches({"a": ["x"]}, ["x"]) is False  # type: ignore[arg-type]


def test_matching_leaves_pattern_and_event_unchanged() -> None:
    pattern = {"a": {"b": ["x", {"numeric": [">", 1]}]}, "$or": [{"c": ["1"]}, {"d": ["2"]}]}
    event = {"a": [{"b": "x"}, {"b": 3}], "c": "1"}
    pattern_before, event_before = json.dumps(pattern), json.dumps(event)
    assert matches(pattern, event) is True
    assert (json.dumps(pattern), json.dumps(event)) == (pattern_before, event_before)


# --- several filters -----------------------------------------------------------------------


def test_no_filters_keep_everything() -> None:
    assert matches_any([], {"anything": 1}) is True
    assert matches_any([], {}) is True


def test_filters_are_ored() -> None:
    credit = {"type": ["Credit"]}
    debit = '{"type": ["Debit"]}'
    assert matches_any([credit, debit], {"type": "Debit"}) is True
    assert matches_any([credit, debit], {"type": "Credit"}) is True
    assert matches_any([credit, debit], {"type": "Cash"}) is False
    assert matches_any(iter([credit]), {"type": "Credit"}) is True


def test_a_bad_filter_is_reported_even_after_a_match() -> None:
    with pytest.raises(InvalidFilterPattern, match=r"^Invalid filter pattern definition\.$"):
        matches_any([{"type": ["Credit"]}, {"type": "Debit"}], {"type": "Credit"})


# --- properties ----------------------------------------------------------------------------

# Scalars as JSON has them: finite floats only, since NaN and Infinity are not JSON.  Text is
# short (max 6) because length adds nothing to the grammar paths being explored.
JSON_SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**12), max_value=10**12),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=6),
)

# Keys drawn partly from the grammar's own words so arbitrary values often look like patterns
# (matcher names in matcher position, "$or" in field position) and reach the deeper checks.
GRAMMAR_WORDS = ["a", "b", "$or", "prefix", "suffix", "equals-ignore-case", "anything-but",
                 "numeric", "exists", "wildcard", "=", "<", ">="]
KEYS = st.one_of(st.sampled_from(GRAMMAR_WORDS), st.text(max_size=4))

# Arbitrary JSON: at most 25 leaves, containers of at most 4 items.
ARBITRARY_JSON = st.recursive(
    JSON_SCALARS,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(KEYS, inner, max_size=4),
    max_leaves=25,
)


@PROPERTY_SETTINGS
@given(ARBITRARY_JSON)
def test_arbitrary_json_is_a_dict_or_refused_never_a_crash(value: Any) -> None:
    text = json.dumps(value)
    try:
        parsed = validate_pattern(text)
    except InvalidFilterPattern as refused:
        assert str(refused) == AWS_MESSAGE
    else:
        assert type(parsed) is dict
        assert parsed == value
    if isinstance(value, dict):
        try:
            verdict = matches(value, {"a": "x", "b": [1, {"c": None}]})
        except InvalidFilterPattern:
            pass
        else:
            assert verdict is True or verdict is False


@PROPERTY_SETTINGS
@given(st.text(max_size=60))
def test_arbitrary_text_is_a_dict_or_refused_never_a_crash(text: str) -> None:
    try:
        assert type(validate_pattern(text)) is dict
    except InvalidFilterPattern as refused:
        assert str(refused) == AWS_MESSAGE


# Events whose leaves are scalars or non-empty arrays of scalars, objects non-empty (an empty
# one would yield an empty, hence invalid, pattern).  At most 12 leaves, 3 keys per object.
# Field names never contain "$", so never spell "$or", the operator rather than a field.
FIELD_NAMES = st.text(st.characters(codec="utf-8", exclude_characters="$"), max_size=6)
EVENT_LEAF = JSON_SCALARS | st.lists(JSON_SCALARS, min_size=1, max_size=3)
NESTED_EVENT = st.recursive(
    EVENT_LEAF,
    lambda inner: st.dictionaries(FIELD_NAMES, inner, min_size=1, max_size=3),
    max_leaves=12,
)
EVENTS = st.dictionaries(FIELD_NAMES, NESTED_EVENT, min_size=1, max_size=3)


def _pattern_of(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: _pattern_of(inner) for key, inner in value.items()}
    if isinstance(value, list):
        return [value[0]]
    return [value]


@PROPERTY_SETTINGS
@given(EVENTS)
def test_a_pattern_of_the_events_own_leaves_matches_it(event: dict[str, Any]) -> None:
    pattern = _pattern_of(event)
    assert matches(pattern, event) is True
    assert matches(json.dumps(pattern), event) is True


# Valid patterns, built from the grammar.  Numbers stay within EventBridge's documented numeric
# range of +/-1e9; a range's upper bound is its lower bound plus at least 1 so it is non-empty
# even after float rounding.  At most 4 rule arrays per field, 2 keys per object, 2 rules per
# array, 2 or 3 $or branches.
NUMBERS = st.integers(min_value=-(10**9), max_value=10**9) | st.floats(
    min_value=-1e9, max_value=1e9, allow_nan=False, allow_infinity=False)
SHORT_TEXT = st.text(max_size=4)
NUMERIC_OPERAND = st.one_of(
    st.tuples(st.sampled_from(["=", "<", "<=", ">", ">="]), NUMBERS).map(list),
    st.builds(lambda low_op, low, width, high_op: [low_op, low, high_op, low + width],
              st.sampled_from([">", ">="]), NUMBERS,
              st.floats(min_value=1, max_value=1e9), st.sampled_from(["<", "<="])),
)
RULE = st.one_of(
    JSON_SCALARS,
    st.builds(lambda name, text: {name: text},
              st.sampled_from(["prefix", "suffix", "equals-ignore-case"]), SHORT_TEXT),
    st.builds(lambda flag: {"exists": flag}, st.booleans()),
    st.builds(lambda excluded: {"anything-but": excluded},
              SHORT_TEXT | NUMBERS | st.lists(SHORT_TEXT, min_size=1, max_size=3)
              | st.lists(NUMBERS, min_size=1, max_size=3)),
    st.builds(lambda operand: {"numeric": operand}, NUMERIC_OPERAND),
)
PATTERN_FIELDS = st.sampled_from(["a", "b", "c"])
RULES = st.lists(RULE, min_size=1, max_size=2)
PATTERN_VALUES = st.recursive(
    RULES,
    lambda inner: st.dictionaries(PATTERN_FIELDS, inner, min_size=1, max_size=2),
    max_leaves=4,
)
PLAIN_PATTERNS = st.dictionaries(PATTERN_FIELDS, PATTERN_VALUES, min_size=1, max_size=2)
PATTERNS = PLAIN_PATTERNS | st.builds(
    lambda base, branches: {**base, "$or": branches},
    PLAIN_PATTERNS, st.lists(PLAIN_PATTERNS, min_size=2, max_size=3))

# Arbitrary events over the same field names so rules meet real values: at most 10 leaves.
EVENT_VALUES = st.recursive(
    JSON_SCALARS,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(PATTERN_FIELDS, inner, max_size=3),
    max_leaves=10,
)
ARBITRARY_EVENTS = st.dictionaries(PATTERN_FIELDS, EVENT_VALUES, max_size=3)


@PROPERTY_SETTINGS
@given(PATTERNS, ARBITRARY_EVENTS)
def test_a_valid_pattern_never_raises_on_any_event(
        pattern: dict[str, Any], event: dict[str, Any]) -> None:
    verdict = matches(pattern, event)
    assert verdict is True or verdict is False
    text = json.dumps(pattern)
    if len(text) <= MAX_PATTERN_LENGTH:  # the limit binds strings only, not dicts
        assert validate_pattern(text) == pattern
        assert matches(text, event) is verdict
    other = {"b": [{"exists": True}]}
    assert matches_any([pattern, other], event) is (verdict or matches(other, event))
