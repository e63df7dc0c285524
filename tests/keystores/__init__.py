"""Custom key stores (CloudHSM and external), their connection state on the test's clock, and
the KMS keys that live in them: Unavailable while their store is not connected, never rotated.
"""
