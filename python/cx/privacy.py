"""Personal data: redaction with an audit trail, keyed pseudonyms, and encryption at rest.

>>> import cx
>>> cx.privacy.redact("请回电 13800138000").text
'请回电 [PHONE]'
>>> cipher = cx.privacy.FieldCipher(cx.privacy.static_keys("k1", {"k1": cx.privacy.generate_key()}))
>>> cipher.open(cipher.seal("13800138000", aad="customers/42/phone"), aad="customers/42/phone")
'13800138000'
"""

from cx._cx import (
    FieldCipher,
    KeyProvider,
    PiiMatch,
    Pseudonymizer,
    Redacted,
    env_keys,
    file_keys,
    generate_key,
    redact,
    redact_many,
    static_keys,
)

__all__ = [
    "FieldCipher",
    "KeyProvider",
    "PiiMatch",
    "Pseudonymizer",
    "Redacted",
    "env_keys",
    "file_keys",
    "generate_key",
    "redact",
    "redact_many",
    "static_keys",
]
