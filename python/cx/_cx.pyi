"""Type stubs and docstrings of the compiled extension ``cx._cx``.

Hand-written; checked against the extension by ``python -m mypy.stubtest cx._cx``.
"""

__version__: str
