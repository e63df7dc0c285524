"""Every use of ``cryptography`` in kmsmock lives in this package."""
