"""The models in avala.types: one declarative base, the contract's fields and
defaults, unknown fields kept, equality, pickling, and a repr without secrets.
No server needed."""

from __future__ import annotations

import copy
import pickle
from datetime import datetime, timezone
from typing import Any, Dict, Type

import pytest

import avala
from avala.types import (
    Agent,
    AgentExecution,
    Dataset,
    Export,
    Project,
    QualityTarget,
    QualityTargetEvaluation,
    Task,
)
from avala.types._model import Model, Str

from conftest import KEY, StubServer

T0 = datetime(2024, 1, 1, tzinfo=timezone.utc)

# The contract's fields of each model (API_CONTRACT.md), all typed attributes.
CONTRACT_FIELDS: Dict[Type[Model], set] = {
    Task: {"uid", "type", "name", "status", "project", "created_at", "updated_at"},
    Export: {"uid", "status", "download_url", "created_at", "updated_at"},
    Agent: {"uid", "name", "description", "events", "callback_url", "is_active", "project", "task_types",
            "secret", "execution_stats", "created_at", "updated_at"},
    AgentExecution: {"uid", "registration", "event_type", "task", "result", "status", "action", "event_payload",
                     "response_payload", "error_message", "started_at", "completed_at", "created_at", "updated_at"},
    QualityTarget: {"uid", "name", "metric", "operator", "threshold", "severity", "is_active", "notify_webhook",
                    "notify_emails", "last_evaluated_at", "last_value", "is_breached", "breach_count",
                    "last_breached_at", "created_at", "updated_at"},
    QualityTargetEvaluation: {"uid", "name", "metric", "threshold", "operator", "current_value", "is_breached",
                              "severity"},
    Dataset: {"uid", "name", "slug", "item_count", "status", "data_type", "is_sequence", "created_at", "updated_at"},
}


def test_every_model_shares_the_one_base_and_is_exported_from_the_package() -> None:
    for model in [Project, *CONTRACT_FIELDS]:
        assert issubclass(model, Model)
        assert getattr(avala, model.__name__) is model
        assert not hasattr(model(uid="u", name="n"), "__dict__")  # slots all the way down


@pytest.mark.parametrize("model", list(CONTRACT_FIELDS), ids=lambda m: m.__name__)
def test_the_contract_fields_are_typed_attributes(model: Type[Model]) -> None:
    assert set(model._fields) == CONTRACT_FIELDS[model]
    obj = model(uid="u1", name="n") if "name" in model._fields else model(uid="u1")
    for field in CONTRACT_FIELDS[model]:
        getattr(obj, field)  # every one readable, even when absent
    assert obj.extra == {}


def test_defaults_follow_the_contract_when_fields_are_absent() -> None:
    agent = Agent(uid="a", name="bot")
    assert agent.events == [] and agent.task_types == []
    assert agent.is_active is True
    assert agent.description is None and agent.secret is None and agent.execution_stats is None
    target = QualityTarget(uid="q", name="acc")
    assert (target.is_active, target.notify_webhook, target.is_breached) == (True, True, False)
    assert target.breach_count == 0 and target.notify_emails == [] and target.last_value is None
    assert target.threshold == 0.0 and target.metric == "" and target.last_evaluated_at is None
    assert Dataset(uid="d", name="x").item_count == 0
    assert Dataset(uid="d", name="x").is_sequence is None
    assert QualityTargetEvaluation(uid="e").is_breached is False
    task = Task(uid="t")
    assert (task.type, task.name, task.status, task.project, task.created_at) == (None,) * 5
    assert Export(uid="e").download_url is None


def test_values_of_the_wrong_type_read_as_the_default() -> None:
    agent = Agent(uid="a", name="bot", is_active="yes", events="task.completed", execution_stats=[1])
    assert agent.is_active is True and agent.events == [] and agent.execution_stats is None
    target = QualityTarget(uid="q", name="n", threshold="high", breach_count=True, last_value=None)
    assert target.threshold == 0.0 and target.breach_count == 0 and target.last_value is None
    assert QualityTarget(uid="q", name="n", threshold=1, breach_count=3.0).threshold == 1.0
    assert QualityTarget(uid="q", name="n", breach_count=3.0).breach_count == 3


def test_times_are_aware_datetimes_and_stay_strings_in_to_dict() -> None:
    run = AgentExecution(uid="x", registration="a", event_type="task.completed",
                         started_at="2024-01-01T00:00:00Z", completed_at=T0)
    assert run.started_at == T0 and run.completed_at == T0
    assert run.to_dict()["completed_at"] == "2024-01-01T00:00:00Z"
    assert run.model_dump()["started_at"] == T0
    assert run.model_dump(mode="json")["started_at"] == "2024-01-01T00:00:00Z"


def test_unknown_fields_are_kept_and_reachable_like_projects() -> None:
    task = Task(uid="t1", project="p1", priority=3, labels=["a"])
    assert task.priority == 3  # type: ignore[attr-defined]
    assert task.extra == {"priority": 3, "labels": ["a"]}
    assert "priority" in dir(task)
    task.labels.append("b")  # type: ignore[attr-defined]
    assert task.labels == ["a"]  # type: ignore[attr-defined]  # a fresh copy each time
    with pytest.raises(AttributeError):
        task.no_such_field  # type: ignore[attr-defined]


def test_models_are_read_only() -> None:
    task = Task(uid="t1")
    with pytest.raises(AttributeError):
        task.status = "done"  # type: ignore[assignment]
    with pytest.raises(AttributeError):
        task.other = 1  # type: ignore[attr-defined]
    with pytest.raises(AttributeError):
        del task.uid  # type: ignore[misc]
    events = Agent(uid="a", name="n", events=["x"])
    events.events.append("y")
    assert events.events == ["x"]


def test_hand_built_models_need_their_identifying_strings() -> None:
    with pytest.raises(ValueError, match="uid"):
        Task(name="no uid")
    with pytest.raises(ValueError, match="name"):
        Agent(uid="a")
    assert Task.model_validate({"uid": "t"}) == Task(uid="t")
    assert Task.model_validate(Task(uid="t", x=1)).x == 1  # type: ignore[attr-defined]


def test_equality_hash_copy_and_pickle() -> None:
    a = Export(uid="e1", status="pending")
    b = Export(uid="e1", status="pending")
    c = Export(uid="e1", status="exported")
    assert a == b and a != c and hash(a) == hash(c)
    assert a != Task(uid="e1", status="pending")  # different models never compare equal
    assert a != "e1"
    assert copy.copy(a) is a and copy.deepcopy(a) is a
    back = pickle.loads(pickle.dumps(c))
    assert type(back) is Export and back == c and back.status == "exported"


def test_the_agent_secret_never_appears_in_repr_or_str() -> None:
    secret = "whsec_0123456789abcdef"
    agent = Agent(uid="a1", name="qa-bot", secret=secret, events=["task.completed"])
    assert agent.secret == secret  # readable on purpose
    for text in (repr(agent), str(agent), f"{agent}", repr([agent]), repr({"a": agent})):
        assert secret not in text
        assert "secret" not in text
    assert repr(agent).startswith("Agent(uid='a1', name='qa-bot'")
    assert "events=['task.completed']" in repr(agent)


def test_repr_shows_the_contract_fields_times_as_sent() -> None:
    task = Task(uid="t1", status="done", created_at="2024-01-01T00:00:00Z", big="x" * 1000)
    text = repr(task)
    assert text.startswith("Task(uid='t1', type=None, name=None, status='done'")
    assert "created_at='2024-01-01T00:00:00Z'" in text and "big" not in text


def test_project_keeps_its_official_repr_fields() -> None:
    p = Project(uid="p1", name="Alpha", status="active", task_type="image-annotation")
    assert repr(p) == "Project(uid='p1', name='Alpha', status='active', created_at=None, updated_at=None)"


def test_field_docs_are_kept_for_help() -> None:
    assert "exported" in (Export.status.__doc__ or "")
    assert "repr" in (Agent.secret.__doc__ or "")


def test_a_model_reads_strings_without_parsing_until_it_must(client: Any) -> None:
    # A model from the client reads string fields through libavala's getter;
    # the first other field parses the JSON once and drops the native object.
    p = client.projects.list(limit=1).items[0]
    assert p.uid and p._data is None and type(p._native) is avala._avala.Item
    assert p.is_active in (True, False)
    assert p._data is not None and p._native is None
    assert p.uid == p.to_dict()["uid"]


def test_string_fields_with_escapes_read_the_same_natively(stub: StubServer) -> None:
    text = 'say "hi"\n\u00e9 \\ \u2603'
    stub.respond(200, {"uid": "p", "name": "n\u00e9", "short_description": text, "owner_name": "plain"})
    with avala.Client(KEY, base_url=stub.base_url) as client:
        p = client.projects.get("p")
        assert type(p._native) is avala._avala.Item
        assert (p.name, p.short_description, p.owner_name) == ("n\u00e9", text, "plain")
        assert p._data is None  # all read without parsing the object


def test_iterated_models_hold_a_native_item_that_reads_like_the_model(stub: StubServer) -> None:
    # Iterators hand their models a plain native Item (get_string and json):
    # the same values as the model's, escapes decoded, and bad input refused.
    text = 'say "hi"\n\u00e9'
    stub.respond(200, {"results": [{"uid": "p", "name": "n", "short_description": text, "n": 1}], "next": None})
    with avala.Client(KEY, base_url=stub.base_url) as client:
        (p,) = list(client.projects.iter())
        (t,) = list(client.tasks.iter())
    for model in (p, t):
        item = model._native
        assert type(item) is avala._avala.Item
        assert item.get_string("uid") == model.uid == "p"
        assert item.get_string("short_description") == text
        assert item.get_string("n") is None and item.get_string("missing") is None
        assert '"n":1' in item.json().replace(" ", "")
        with pytest.raises(ValueError):
            item.get_string("u\0id")
        with pytest.raises(TypeError):
            item.get_string(1)
    assert p.short_description == text
    with pytest.raises(TypeError):
        avala._avala.Item()


def test_string_fields_are_c_descriptors_that_keep_the_python_behaviour() -> None:
    # The extension reads string fields in C; everything users see of the
    # Python field stays: class-level lookup, docs, read-only, and a value
    # for hand-built (parsed) models.
    raw = Project.__dict__["uid"]
    assert type(raw) is avala._avala.StrField and isinstance(Project.uid, Str)
    assert "newer value" in (Project.status.__doc__ or "")
    p = Project(uid="p1", name="Alpha")
    assert (p.uid, p.status) == ("p1", None)
    with pytest.raises(AttributeError, match="read-only"):
        p.uid = "x"  # type: ignore[misc]
    with pytest.raises(AttributeError, match="read-only"):
        del p.uid
    # Handed something that is not a model, it defers (and fails) like the Python field.
    with pytest.raises(AttributeError):
        raw.__get__(object(), Project)


def test_the_extension_only_writes_slots_of_real_models(client: Any) -> None:
    # The extension writes a model's two slots by offset: a class that only
    # borrowed Model's slot descriptors, or a model whose __new__ returns
    # something else, is refused instead of written into.
    class Borrowed:
        _native = Model._native  # type: ignore[misc]
        _data = Model._data  # type: ignore[misc]

    with pytest.raises(TypeError):
        avala._avala.register_model(Borrowed)

    class Odd(Project):
        __slots__ = ()

        def __new__(cls, *args: Any, **kwargs: Any) -> Any:
            return None

    native = client.projects.iter(limit=3)._native
    with pytest.raises(TypeError):
        native.take(3, Odd)
    assert [p.uid for p in native.take(3, Project)]  # the iterator is still usable


def test_a_page_item_keeps_its_page_alive(client: Any) -> None:
    # Items of a page borrow from it: one kept after the page is gone still
    # reads its own fields.
    import gc

    page = client.projects.list(limit=3)
    expected = (page.items[2].uid, page.items[2].name)
    third = page.items[2]
    del page
    gc.collect()
    # Other pages of the same size, made and freed: they would take the
    # memory of a page freed too early (and ASan would flag it).
    walked = [p.uid for _, p in zip(range(60), client.projects.iter(limit=3))]
    assert len(set(walked)) == 60
    assert third._native is not None
    assert (third.uid, third.name) == expected
    assert third.uid != client.projects.list(limit=1).items[0].uid
