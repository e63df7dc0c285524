"""kmsmock's benchmark against moto and botocore's own floor (not part of the test run).

Run from the repository root::

    python -m tests.benchmarks            # full run, a few minutes
    python -m tests.benchmarks --quick    # smoke run, under a minute
    python -m tests.benchmarks --json out.json --markdown out.md
    tox -e bench

Contenders, measured in one process and interleaved round by round so drift cancels:

- ``kmsmock``: ``mock_kms`` serving a boto3 client on its fast path (no user handler on the
  request loop's events: ``BaseClient._make_request`` answers, the client's parser parses);
- ``kmsmock_loop``: the same activation serving a client with an idle user handler on
  ``needs-retry.kms``, which sends its calls through botocore's request loop, answered at
  ``before-send``;
- ``moto``: moto's ``mock_aws`` (the ``bench`` extra; moto is never a kmsmock dependency);
- ``parse_floor``: a ``before-call`` handler answering canned bytes parsed by botocore's JSON
  parser, the least any mock pays whose answers botocore parses: the fast path's floor;
- ``before_send``: a ``before-send`` handler answering canned bytes, which botocore signs for,
  sends through its endpoint and parses like a real answer: the request loop's floor;
- ``stubber``: a ``botocore.stub.Stubber`` answering canned, already-parsed responses
  (informational: no parsing, so no mock of parsed answers can reach it).

Canned responses are what kmsmock answered for the same request, so they have AWS's shape. The
cold first call (``cold.py``) runs each contender in fresh interpreters instead.
"""
