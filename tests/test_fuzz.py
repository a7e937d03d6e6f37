"""Bounded, deterministic fuzzing of the readers of untrusted bytes: rule files, HTML, CSV, JSONL.

The promise under test: a reader either gives its result or reports the problem its own way
(``RuleFileError`` for a rule file, an error record for a document); it never raises anything
else and never hangs. Hypothesis runs derandomized, so a failure is the same on every machine.
"""

from __future__ import annotations

import io
import json
import signal
from contextlib import contextmanager

import pytest
from conftest import USER_RULE
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from claimcheck.errors import RuleFileError
from claimcheck.ingest import Document, document_from_bytes
from claimcheck.ingest.html import NOTE_ALL, NOTE_MAIN, extract_html
from claimcheck.ingest.records import iter_csv, iter_jsonl
from claimcheck.ruleset import parse_rule_file

FUZZ = settings(max_examples=100, deadline=None, derandomize=True, database=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
SECONDS = 10  # per example: far more than any of them takes; a hang fails the test

VALID_RULE = USER_RULE.replace(
    "  similarity: 90\n",
    '    - tokens: [{LOWER: {REGEX: "^heal(ing|s)?$"}}, {LIKE_NUM: true, OP: "*"}]\n'
    "  similarity: 90\n  counts_in: [question]\n")
#: characters and snippets that mean something to YAML or to the rule schema
YAML_BITS = ["\n", "  ", "- ", ": ", "#", "&a ", "*a", "!!str ", "!!binary ", "? ", "|", ">",
             "[", "]", "{", "}", ",", "'", '"', "\t", "\\", "%YAML 1.1\n", "---\n", "...\n",
             "~", "null", "true", "no", "1e9", "0x1F", ".inf", "2001-01-01", "OP", "REGEX",
             "tokens", "IN", "id", "HYPE951", "\ufeff", "\x00", "\x85", "\u2028", "(a+)+"]


@contextmanager
def within(seconds: int):
    """Fail instead of hanging: SIGALRM interrupts a stuck call (main thread, POSIX)."""
    def timeout(signum, frame):
        raise TimeoutError(f"no answer within {seconds} s")

    old = signal.signal(signal.SIGALRM, timeout)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, old)


# ---------------------------------------------------------------------------------- rule files

def load_or_refuse(raw: bytes) -> None:
    with within(SECONDS):
        try:
            rules = parse_rule_file(raw, "fuzz.yaml")
        except RuleFileError as exc:
            message = str(exc)
            assert message.startswith("fuzz.yaml") and "\n" not in message.strip()
            return
    assert isinstance(rules, list)
    for rule in rules:
        assert rule.file == "fuzz.yaml" and rule.id and (rule.phrases or rule.token_patterns)


@st.composite
def mutated_rule(draw) -> bytes:
    """The valid rule file with a few edits: deletions, insertions, duplicated or swapped spans."""
    text = VALID_RULE
    for _ in range(draw(st.integers(1, 6))):
        op = draw(st.sampled_from(["delete", "insert", "duplicate", "replace", "swap-lines"]))
        i = draw(st.integers(0, len(text)))
        j = draw(st.integers(i, min(len(text), i + 40)))
        if op == "delete":
            text = text[:i] + text[j:]
        elif op == "insert":
            bit = draw(st.one_of(st.sampled_from(YAML_BITS), st.text(max_size=8)))
            text = text[:i] + bit + text[i:]
        elif op == "duplicate":
            text = text[:j] + text[i:j] + text[j:]
        elif op == "replace":
            text = text[:i] + draw(st.sampled_from(YAML_BITS)) + text[j:]
        else:
            lines = text.split("\n")
            a, b = (draw(st.integers(0, len(lines) - 1)) for _ in range(2))
            lines[a], lines[b] = lines[b], lines[a]
            text = "\n".join(lines)
    return text.encode("utf-8", "surrogatepass")


SCALARS = st.one_of(st.none(), st.booleans(), st.integers(-10, 10**6), st.floats(),
                    st.text(max_size=20), st.sampled_from(["?", "*", "+", "!", "(a+)+", "[",
                                                           "medium", "cure", "HYPE950"]))
KEYS = st.sampled_from(["id", "name", "category", "severity", "summary", "why", "ask", "sources",
                        "patterns", "examples", "similarity", "weight", "counts_in", "tokens",
                        "LOWER", "LEMMA", "OP", "IN", "REGEX", "LENGTH", "flag", "pass", "url",
                        "quote", "seed", "title", "__line__"])
YAML_VALUES = st.recursive(SCALARS, lambda inner: st.one_of(
    st.lists(inner, max_size=4), st.dictionaries(KEYS, inner, max_size=5)), max_leaves=25)


@st.composite
def reshaped_rule(draw) -> bytes:
    """The valid rule as data with one value replaced by arbitrary YAML data, dumped again."""
    import yaml

    rule = yaml.safe_load(VALID_RULE)[0]
    path = draw(st.sampled_from([
        ("id",), ("severity",), ("patterns",), ("patterns", 0), ("patterns", 1),
        ("patterns", 1, "tokens"), ("patterns", 1, "tokens", 0), ("patterns", 1, "tokens", 2,
                                                                   "LEMMA"),
        ("patterns", 1, "tokens", 1, "OP"), ("patterns", 1, "tokens", 2, "LEMMA", "IN"),
        ("sources",), ("sources", 0), ("examples",), ("examples", "flag"), ("similarity",),
        ("counts_in",), ("new-key",)]))
    target = rule
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = draw(YAML_VALUES)
    return yaml.safe_dump([rule], allow_unicode=True).encode("utf-8", "surrogatepass")


@FUZZ
@given(st.one_of(st.binary(max_size=2000), st.text(max_size=2000).map(
    lambda t: t.encode("utf-8", "surrogatepass"))))
def test_rule_loader_on_arbitrary_bytes_and_text(raw):
    load_or_refuse(raw)


@FUZZ
@given(mutated_rule())
def test_rule_loader_on_mutated_rule_files(raw):
    load_or_refuse(raw)


@FUZZ
@given(reshaped_rule())
def test_rule_loader_on_rule_files_with_values_of_any_shape(raw):
    load_or_refuse(raw)


def test_the_valid_rule_file_loads():
    assert [r.id for r in parse_rule_file(VALID_RULE.encode(), "fuzz.yaml")] == ["HYPE950"]


@pytest.mark.parametrize("raw", [
    VALID_RULE.replace('OP: "?"', "OP: [x]").encode(),
    b"- 2001-02-30\n",
    b"[" * 10_000 + b"]" * 10_000,
    b"- id: \x00\n",
], ids=["unhashable-op", "impossible-date", "deep-nesting", "control-character-two-lines"])
def test_rule_loader_refuses_odd_yaml_in_one_line(raw):
    with pytest.raises(RuleFileError) as info:
        parse_rule_file(raw, "fuzz.yaml")
    assert "\n" not in str(info.value)


# ---------------------------------------------------------------------------------- HTML

HTML_BITS = ["<html>", "<body>", "</body>", "<div>", "</div>", "<p>", "</p>", "<b>", "</i>",
             "<script>", "</script>", "<style>", "<!--", "-->", "<![CDATA[", "]]>", "<!DOCTYPE",
             "<table><tr><td>", "<li>", "<br/>", "<meta charset=\"rot13\">",
             '<meta charset="utf-16">', '<meta charset="x-nonsense">', "&amp;", "&#xd800;",
             "&#0;", "&#x110000;", "&", "<", ">", "<a href='", "\x00", "\ufeff", "\r", "\n",
             "guaranteed cure", "Our stem cells repair nerves.", " ", "\u2028", "<?xml ?>",
             "<svg><foreignObject>", "<noscript>", "<template>", "<title>", "</html>"]
HTML = st.lists(st.one_of(st.sampled_from(HTML_BITS), st.text(max_size=10)), max_size=60).map(
    "".join)


def read_html(raw: bytes) -> None:
    with within(SECONDS):
        doc = document_from_bytes(raw, "fuzz.html", html=True)
    assert isinstance(doc, Document) and doc.source == "fuzz.html"
    if doc.error is None:
        assert isinstance(doc.text, str) and doc.notes in ((NOTE_MAIN,), (NOTE_ALL,))
        doc.text.encode("utf-8")  # no lone surrogates: every writer must be able to print it
    else:
        assert doc.error.type in ("binary", "decode") and "\n" not in doc.error.message


#: labels a page may declare: real, unknown, and Python codecs that are not text encodings
CHARSETS = ["rot13", "base64", "zlib", "undefined", "utf-16", "utf-32", "utf-7", "idna",
            "unicode_escape", "x-nonsense", "latin-1", "cp1252", "shift_jis", "utf-8", ""]
DECLARED = st.builds(
    lambda charset, html: (f'<html><head><meta charset="{charset}"></head><body><p>Caf\u00e9 '
                           + html).encode("latin-1", "replace"),
    st.sampled_from(CHARSETS), HTML)


@FUZZ
@given(st.one_of(
    HTML.map(lambda t: t.encode("utf-8", "surrogatepass")),
    DECLARED,
    HTML.map(lambda t: t.encode("latin-1", "replace")),
    st.binary(max_size=3000)))
def test_html_reader_never_raises(raw):
    read_html(raw)


@FUZZ
@given(HTML)
def test_html_extractor_never_raises(html):
    with within(SECONDS):
        text, note = extract_html(html)
    assert isinstance(text, str) and note in (NOTE_MAIN, NOTE_ALL)


# ---------------------------------------------------------------------------------- CSV, JSONL

CSV_BITS = [",", ";", "\t", '"', '""', "\n", "\r\n", "\r", "id", "text", "body", " ", "\x00",
            "\ufeff", "é", "guaranteed cure", "=cmd", "\ud800"]
CSV = st.lists(st.one_of(st.sampled_from(CSV_BITS), st.text(max_size=8)), max_size=80).map(
    lambda parts: "id,text\n" + "".join(parts))
MAX_BYTES = st.sampled_from([20 * 1024 * 1024, 200, 16, 1])  # the default first: most common


def records(reader, raw: bytes, max_bytes: int, name: str) -> list[Document]:
    with within(SECONDS):
        docs = list(reader(io.BufferedReader(io.BytesIO(raw)), name, max_bytes=max_bytes))
    assert docs, "a file always gives at least one document or error record"
    for doc in docs:
        assert isinstance(doc, Document) and doc.source.startswith(name)
        assert isinstance(doc.text, str)
        (doc.source + doc.text).encode("utf-8")  # printable: no lone surrogates
        if doc.error is not None:
            assert doc.text == "" and doc.error.message and "\n" not in doc.error.message
    return docs


def encoded(text: str) -> st.SearchStrategy[bytes]:
    return st.sampled_from(["utf-8", "utf-16", "latin-1"]).map(
        lambda enc: text.encode(enc, "surrogatepass" if enc.startswith("utf") else "replace"))


@FUZZ
@given(st.one_of(CSV.flatmap(encoded), st.binary(max_size=2000)), MAX_BYTES)
def test_csv_reader_never_raises(raw, max_bytes):
    records(iter_csv, raw, max_bytes, "fuzz.csv")


JSON_VALUES = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), st.text(max_size=20)),
    lambda inner: st.one_of(st.lists(inner, max_size=3),
                            st.dictionaries(st.sampled_from(["id", "text", "x"]), inner,
                                            max_size=3)), max_leaves=10)
JSON_LINE = st.one_of(
    JSON_VALUES.map(lambda v: json.dumps(v)),  # NaN, Infinity and lone surrogates included
    st.builds(lambda i, t: json.dumps({"id": i, "text": t}), JSON_VALUES, st.text(max_size=30)),
    st.sampled_from(['{"text": "\\ud800 cure"}', '{"id": 1' + "0" * 5000 + ', "text": "x"}',
                     "[" * 5000, '{"text": "a"', "", "\ufeff{}", '{"text": "\x00"}']),
    st.text(max_size=40))


@FUZZ
@given(st.one_of(
    st.lists(JSON_LINE, max_size=8).map(lambda lines: "\n".join(lines)).flatmap(encoded),
    st.binary(max_size=2000)), MAX_BYTES)
def test_jsonl_reader_never_raises(raw, max_bytes):
    records(iter_jsonl, raw, max_bytes, "fuzz.jsonl")
