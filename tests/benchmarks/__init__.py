"""kmsmock's benchmark against moto and botocore's own floor (not part of the test run).

Run from the repository root::

    python -m tests.benchmarks            # full run, a few minutes
    python -m tests.benchmarks --quick    # smoke run, under a minute
    python -m tests.benchmarks --json out.json --markdown out.md
    tox -e bench

Contenders, measured in one process and interleaved round by round so drift cancels:

- ``kmsmock``: ``mock_kms`` serving a boto3 client;
- ``moto``: moto's ``mock_aws`` (the ``bench`` extra; moto is never a kmsmock dependency);
- ``stubber``: a ``botocore.stub.Stubber`` answering canned responses, the cheapest way
  botocore can complete a call (request building, no transport, no parsing);
- ``before-send``: a ``before-send`` handler answering canned bytes, which botocore then signs
  for, sends through its endpoint and parses like a real answer.

Canned responses are what kmsmock answered for the same request, so they have AWS's shape.
"""
