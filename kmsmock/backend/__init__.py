"""The emulated service: pure Python state, no botocore imports."""
