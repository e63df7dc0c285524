"""The emulated service: pure Python state, no botocore imports."""

# Here rather than in ``store`` so that ``import kmsmock`` need not import the backend.
DEFAULT_ACCOUNT = "123456789012"
