"""What kmsmock derives from botocore's model is derived once per session's model, not once per
client: botocore makes a new ServiceModel for every client, and a test suite makes a client
per test."""

from __future__ import annotations

from typing import Any

import boto3
import pytest

from kmsmock import calls, mock_kms, model_facts, protocol
from kmsmock.operations import registry


def _counting(monkeypatch: pytest.MonkeyPatch, module: Any, name: str) -> list[Any]:
    seen: list[Any] = []
    original = getattr(module, name)

    def counted(model: Any, *args: Any) -> Any:
        seen.append(model)
        return original(model, *args)

    monkeypatch.setattr(module, name, counted)
    monkeypatch.setattr(model_facts, "_facts", {})
    monkeypatch.setattr(model_facts, "_by_model", {})
    return seen


@pytest.mark.parametrize(
    ("module", "name"),
    [(registry, "_derive"), (calls, "_plans_of"), (protocol, "_route_of")],
)
def test_clients_of_one_session_share_what_was_derived(
    monkeypatch: pytest.MonkeyPatch, module: Any, name: str
) -> None:
    seen = _counting(monkeypatch, module, name)
    session = boto3.session.Session(
        aws_access_key_id="a", aws_secret_access_key="b", region_name="us-east-1"
    )
    for _ in range(3):  # a test each: an activation and a client
        with mock_kms():
            session.client("kms").list_keys()
    assert len(seen) == 1
    other = boto3.session.Session(
        aws_access_key_id="a", aws_secret_access_key="b", region_name="us-east-1"
    )
    with mock_kms():
        other.client("kms").list_keys()  # its own loader, its own description
    assert len(seen) == 2


def test_a_fact_is_derived_again_for_another_description() -> None:
    class Model:
        def __init__(self) -> None:
            self.metadata: dict[str, str] = {}

    first, second = Model(), Model()
    assert model_facts.derived(first, "t", lambda m: id(m)) == id(first)
    assert model_facts.derived(second, "t", lambda m: id(m)) == id(second)
    assert model_facts.derived(first, "t", lambda m: 0) == id(first)


def test_names_the_model_does_not_know_are_not_kept() -> None:
    """Targets come from requests: an unknown one answers None each time and takes no room."""
    model = protocol.kms_service_model()
    for _ in range(2):
        assert protocol._route(model, "TrentService.NoSuchOperation") is None
    routes = model_facts.derived(model, "routes", dict)
    assert "TrentService.NoSuchOperation" not in routes
    assert protocol._route(model, "TrentService.ListKeys") == (
        "ListKeys",
        model.operation_model("ListKeys"),
    )
    assert "TrentService.ListKeys" in routes
