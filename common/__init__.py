"""Small helpers that every app may use and that import no app of the portal: phone
numbers, keyset pages, file types, job locks, logs, rate limits, redaction, the client's
address, command errors. The import-direction test (tests/common/test_layers.py) keeps it so.
"""
