"""Personal data in free text: redaction with an audit trail, and keyed pseudonyms.

>>> import cx
>>> cx.privacy.redact("请回电 13800138000").text
'请回电 [PHONE]'
"""

from cx._cx import PiiMatch, Pseudonymizer, Redacted, redact, redact_many

__all__ = ["PiiMatch", "Pseudonymizer", "Redacted", "redact", "redact_many"]
