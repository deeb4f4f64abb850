"""Tests of cx.privacy: redaction of personal data and keyed pseudonymisation."""

from __future__ import annotations

import hashlib
import hmac
import re
from pathlib import Path

import pytest

import cx
from cx.exceptions import InvalidValueError

CORPUS = Path(__file__).resolve().parent.parent / "vectors" / "privacy" / "corpus.txt"
KINDS = {"EMAIL": "email", "PHONE": "phone", "ID_CARD": "id_card", "CARD": "card", "IP": "ip"}
PLACEHOLDER = {v: f"[{k}]" for k, v in KINDS.items()}
MARK = re.compile(r"\{\{([A-Z_]+):(.*?)\}\}")


def parse(line: str) -> tuple[str, set[tuple[str, int, int]], str]:
    """Strip the corpus markup: text, expected (kind, char start, char end), redacted."""
    text, redacted, expected, pos = [], [], set(), 0
    for m in MARK.finditer(line):
        text.append(line[pos : m.start()])
        redacted.append(line[pos : m.start()])
        kind, value = KINDS[m.group(1)], m.group(2)
        start = sum(map(len, text))
        expected.add((kind, start, start + len(value)))
        text.append(value)
        redacted.append(PLACEHOLDER[kind])
        pos = m.end()
    text.append(line[pos:])
    redacted.append(line[pos:])
    return "".join(text), expected, "".join(redacted)


def corpus() -> list[tuple[str, set[tuple[str, int, int]], str]]:
    lines = CORPUS.read_text(encoding="utf-8").splitlines()
    return [parse(line) for line in lines if line.strip() and not line.startswith("#")]


# --------------------------------------------------------------------- redact


def test_redact_replaces_with_typed_placeholders() -> None:
    r = cx.privacy.redact("请回电 138 0013 8000，或发邮件到 li.lei@example.cn")
    assert r.text == "请回电 [PHONE]，或发邮件到 [EMAIL]"
    assert [m.kind for m in r.matches] == ["phone", "email"]


def test_match_offsets_are_characters_and_bytes() -> None:
    text = "请联系zhang.san@example.com谢谢"
    (m,) = cx.privacy.redact(text).matches
    assert m.kind == "email"
    assert text[m.start : m.end] == "zhang.san@example.com"
    assert (m.start, m.end) == (3, 24)
    raw = text.encode("utf-8")
    assert raw[m.byte_start : m.byte_end].decode("utf-8") == "zhang.san@example.com"
    assert (m.byte_start, m.byte_end) == (9, 30)


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("+86-138-0013-8000", "phone"),
        ("0086 13800138000", "phone"),
        ("(010)62345678", "phone"),
        ("0755-1234567转123", "phone"),
        ("+44 20 7946 0958", "phone"),
        ("11010519491231002X", "id_card"),
        ("4111 1111 1111 1111", "card"),
        ("203.0.113.9", "ip"),
        ("2001:db8::1", "ip"),
        ("li.lei+cx@mail.example.cn", "email"),
    ],
)
def test_each_kind_is_detected(text: str, kind: str) -> None:
    r = cx.privacy.redact(f"信息：{text}。")
    assert [(m.kind, m.start, m.end) for m in r.matches] == [(kind, 3, 3 + len(text))]
    assert r.text == f"信息：{PLACEHOLDER[kind]}。"


@pytest.mark.parametrize(
    "text",
    [
        "订单号 202403011234567890",
        "ORD-20240301-0042",
        "2024-03-01 2024年3月1日 10:30",
        "¥1,299.00 12345.67元",
        "v2.10.1 版本 5.2.1.3",
        "110105194912310021",  # wrong check digit
        "4111111111111112",  # not Luhn-valid
        "138****8000",
        "邮编 100080",
        "QQ 123456789",
    ],
)
def test_near_misses_survive(text: str) -> None:
    r = cx.privacy.redact(text)
    assert r.text == text
    assert r.matches == []


def test_redaction_is_idempotent() -> None:
    for text, _, _ in corpus():
        once = cx.privacy.redact(text).text
        assert cx.privacy.redact(once).text == once


def test_kinds_selects_what_is_redacted() -> None:
    text = "邮箱 a@example.com 电话 13800138000"
    assert cx.privacy.redact(text, kinds=["email"]).text == "邮箱 [EMAIL] 电话 13800138000"
    assert cx.privacy.redact(text, kinds=["phone"]).text == "邮箱 a@example.com 电话 [PHONE]"
    assert cx.privacy.redact(text, kinds=[]).text == text
    assert cx.privacy.redact(text, kinds=None).text == "邮箱 [EMAIL] 电话 [PHONE]"


def test_unknown_kind_is_rejected() -> None:
    with pytest.raises(ValueError, match="kinds"):
        cx.privacy.redact("x", kinds=["name"])


def test_text_is_positional_only() -> None:
    with pytest.raises(TypeError):
        cx.privacy.redact(text="x")  # type: ignore[call-arg]


def test_redact_many() -> None:
    out = cx.privacy.redact_many(["电话 13800138000", "", "无个人信息"])
    assert out == ["电话 [PHONE]", "", "无个人信息"]


def test_corpus_precision_and_recall() -> None:
    tp = fp = fn = 0
    for text, expected, redacted in corpus():
        r = cx.privacy.redact(text)
        found = {(m.kind, m.start, m.end) for m in r.matches}
        tp += len(found & expected)
        fp += len(found - expected)
        fn += len(expected - found)
        if found == expected:
            assert r.text == redacted
    precision, recall = tp / (tp + fp), tp / (tp + fn)
    assert recall >= 0.99, recall
    assert precision >= 0.98, precision


# ---------------------------------------------------------------- pseudonyms

KEY = b"0123456789abcdef0123456789abcdef"


def test_pseudonym_matches_stdlib_hmac() -> None:
    p = cx.privacy.Pseudonymizer(KEY)
    for value in ["13800138000", "cus-000981", "张三", ""]:
        expected = hmac.new(KEY, value.encode("utf-8"), hashlib.sha256).hexdigest()
        assert p.pseudonymize(value) == expected


def test_rfc4231_test_case_1() -> None:
    p = cx.privacy.Pseudonymizer(b"\x0b" * 20)
    assert p.pseudonymize("Hi There") == (
        "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7"
    )


def test_length_and_prefix() -> None:
    p = cx.privacy.Pseudonymizer(KEY, length=16, prefix="cus_")
    full = hmac.new(KEY, b"13800138000", hashlib.sha256).hexdigest()
    assert p.pseudonymize("13800138000") == "cus_" + full[:16]


@pytest.mark.parametrize("length", [0, 15, 65])
def test_bad_length_is_rejected(length: int) -> None:
    with pytest.raises(InvalidValueError) as info:
        cx.privacy.Pseudonymizer(KEY, length=length)
    assert info.value.field == "length"


def test_pseudonymize_many_is_deterministic() -> None:
    p = cx.privacy.Pseudonymizer(KEY)
    out = p.pseudonymize_many(["a", "b", "a"])
    assert out[0] == out[2] != out[1]
    assert out == [p.pseudonymize(v) for v in ["a", "b", "a"]]
    assert cx.privacy.Pseudonymizer(KEY).pseudonymize("a") == out[0]


def test_distinct_keys_give_distinct_pseudonyms() -> None:
    a = cx.privacy.Pseudonymizer(KEY).pseudonymize("13800138000")
    b = cx.privacy.Pseudonymizer(KEY[::-1]).pseudonymize("13800138000")
    assert a != b


def test_short_key_raises_invalid_value_without_the_key() -> None:
    key = b"short-secret"
    with pytest.raises(InvalidValueError) as info:
        cx.privacy.Pseudonymizer(key)
    err = info.value
    assert isinstance(err, cx.CxError)
    assert isinstance(err, ValueError)
    assert err.field == "key"
    assert "short-secret" not in str(err)
    assert "short-secret" not in repr(err)


def test_repr_does_not_show_the_key() -> None:
    key = b"super-secret-key-material"
    p = cx.privacy.Pseudonymizer(key)
    assert "super-secret" not in repr(p)
    assert key.hex() not in repr(p)
