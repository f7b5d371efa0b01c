"""client.projects: list, get, iter, and the Project model."""

from __future__ import annotations

import copy
import pickle
import time
from datetime import datetime, timedelta, timezone

import pytest

import avala
from avala import CursorPage, Project
from avala.errors import InvalidArgumentError, NotFoundError, ValidationError

from conftest import KEY, Emulator

TOTAL = 250


def test_list_returns_one_page_with_the_official_shape(client: avala.Client) -> None:
    page = client.projects.list(limit=10)
    assert isinstance(page, CursorPage)
    assert len(page) == 10 and len(page.items) == 10
    assert all(isinstance(p, Project) for p in page)
    assert [p.uid for p in page] == [p.uid for p in page.items]
    assert page.has_more is True
    assert isinstance(page.next_cursor, str) and page.next_cursor
    assert page.previous_cursor is None


def test_following_next_cursor_visits_every_project_exactly_once(client: avala.Client) -> None:
    seen = []
    page = client.projects.list(limit=37)
    pages = 1
    while True:
        seen.extend(p.uid for p in page)
        if not page.has_more:
            break
        previous_first = page.items[0].uid
        page = client.projects.list(limit=37, cursor=page.next_cursor)
        pages += 1
        assert page.previous_cursor is not None
        # the previous cursor leads back to the page we came from
        back = client.projects.list(limit=37, cursor=page.previous_cursor)
        assert back.items[0].uid == previous_first
    assert pages == -(-TOTAL // 37)
    assert len(seen) == TOTAL and len(set(seen)) == TOTAL
    assert page.next_cursor is None


def test_the_default_page_size_is_the_servers(client: avala.Client) -> None:
    assert len(client.projects.list()) == 100


def test_get_returns_the_same_project_as_the_list(client: avala.Client) -> None:
    listed = client.projects.list(limit=5).items[3]
    got = client.projects.get(listed.uid)
    assert got == listed
    assert got.to_dict() == listed.to_dict()


def test_get_of_an_unknown_uid_raises_not_found(client: avala.Client) -> None:
    with pytest.raises(NotFoundError) as info:
        client.projects.get("00000000-0000-4000-8000-ffffffffffff")
    err = info.value
    assert err.status_code == 404
    assert str(err) == "Not found."
    assert err.body == {"detail": "Not found."}
    assert isinstance(err, LookupError)


@pytest.mark.parametrize("uid", ["../admin", "..", ".", "", "a/b", "a\\b", "%2e%2e", "x%2Fy", "a\nb", "a\x00b"])
def test_an_unsafe_uid_is_refused_and_nothing_is_sent(emulator: Emulator, client: avala.Client, uid: str) -> None:
    before = emulator.stats()["requests"]
    with pytest.raises(ValueError) as info:
        client.projects.get(uid)
    assert isinstance(info.value, InvalidArgumentError)
    assert info.value.status_code is None and info.value.attempts == 0
    assert "uid" in str(info.value)
    assert emulator.stats()["requests"] == before + 1  # only the stats call itself


def test_a_non_string_uid_is_a_type_error(client: avala.Client) -> None:
    with pytest.raises(TypeError):
        client.projects.get(42)  # type: ignore[arg-type]


def test_a_limit_the_server_refuses_is_a_validation_error(client: avala.Client) -> None:
    with pytest.raises(ValidationError) as info:
        client.projects.list(limit=5000)
    assert info.value.status_code == 400
    assert "limit" in str(info.value)
    assert isinstance(info.value, ValueError)


@pytest.mark.parametrize("limit", [0, -3])
def test_a_non_positive_limit_is_refused_before_sending(client: avala.Client, limit: int) -> None:
    with pytest.raises(ValueError, match="limit"):
        client.projects.list(limit=limit)


@pytest.mark.parametrize("limit", [None, 1, 7, 100, 1000])
def test_iter_yields_every_project_exactly_once_in_order(client: avala.Client, limit: int) -> None:
    uids = [p.uid for p in client.projects.iter(limit=limit)]
    assert len(uids) == TOTAL and len(set(uids)) == TOTAL
    listed = [p.uid for p in client.projects.list(limit=TOTAL)]
    assert uids == listed


def test_iter_holds_one_page_and_reads_the_next_one_ahead(emulator: Emulator, client: avala.Client) -> None:
    route = "GET /api/v1/users/me/projects/"

    def list_requests(expected: int) -> int:
        # The request read ahead is on the wire when next() returns, but the
        # emulator may count it a moment later.
        deadline = time.monotonic() + 5
        while True:
            seen = emulator.stats()["paths"].get(route, 0)
            if seen >= expected or time.monotonic() > deadline:
                return seen
            time.sleep(0.01)

    base = emulator.stats()["paths"].get(route, 0)
    it = client.projects.iter(limit=50)
    assert list_requests(base) == base  # creating it sent nothing
    first = next(it)
    assert list_requests(base + 2) == base + 2  # page 1, and page 2 already asked for
    for _ in range(49):
        next(it)
    time.sleep(0.05)
    assert list_requests(base + 2) == base + 2  # nothing more while page 1 lasts
    assert next(it).name == "Project 000051"  # page 2, from the request read ahead
    assert list_requests(base + 3) == base + 3  # and page 3 asked for in turn
    assert first.uid.endswith("000000000001")


def test_iter_can_start_from_a_cursor(client: avala.Client) -> None:
    page = client.projects.list(limit=100)
    rest = [p.uid for p in client.projects.iter(limit=100, cursor=page.next_cursor)]
    assert len(rest) == TOTAL - 100
    assert rest[0] != page.items[-1].uid and rest[0] not in {p.uid for p in page}


def test_times_are_timezone_aware_datetimes(client: avala.Client) -> None:
    p = client.projects.list(limit=1).items[0]
    assert p.created_at == datetime(2024, 1, 1, 0, 1, tzinfo=timezone.utc)
    assert p.updated_at == p.created_at + timedelta(hours=1)
    assert p.created_at.tzinfo is not None and p.created_at.utcoffset() == timedelta(0)


def test_documented_fields_are_typed_attributes_and_every_field_is_kept(client: avala.Client) -> None:
    p = client.projects.list(limit=3).items[2]
    assert p.uid == "00000000-0000-4000-8000-000000000003"
    assert p.name == "Project 000003"
    assert p.status == "paused"
    assert p.task_type in {"image-annotation", "video-annotation", "point-cloud-annotation", "point-cloud-objects"}
    assert p.is_active is False
    assert p.visibility == "public"
    assert p.is_imported is False
    assert p.owner_name == "emulator"
    assert p.short_description == "Generated project 3"
    assert p.industry_icon == "robotics"
    d = p.to_dict()
    assert d["created_at"] == "2024-01-01T00:03:00Z"
    assert set(d) >= {"uid", "name", "status", "created_at", "updated_at", "task_type", "visibility"}
    assert p.extra == {}
    d["name"] = "changed"  # a fresh copy each time
    assert p.name == "Project 000003" and p.to_dict()["name"] == "Project 000003"
    with pytest.raises(AttributeError):
        p.name = "x"  # type: ignore[misc]
    with pytest.raises(AttributeError):
        p.no_such_field


def test_demo_seed_covers_every_status_and_unknown_fields_are_reachable(demo_client: avala.Client) -> None:
    projects = list(demo_client.projects.iter())
    assert len(projects) >= 6
    statuses = {p.status for p in projects}
    assert {"active", "completed", "paused", "archived", "pending-approval", "canceled"} <= statuses
    for p in projects:
        assert p.created_at is None or p.created_at.tzinfo is not None
        assert p.to_dict()["uid"] == p.uid
        assert set(p.extra) == set(p.to_dict()) - {
            "uid", "name", "status", "created_at", "updated_at", "task_type", "is_active",
            "visibility", "is_imported", "owner_name", "short_description", "industry_icon",
        }
        for field, value in p.extra.items():
            assert getattr(p, field) == value


def test_equality_hash_copy_and_pickle(client: avala.Client) -> None:
    a, b = client.projects.list(limit=2).items
    again = client.projects.get(a.uid)
    assert a == again and a != b and a != a.uid
    assert len({a, again, b}) == 2
    assert copy.deepcopy(a) == a
    restored = pickle.loads(pickle.dumps(a))
    assert restored == a and restored.created_at == a.created_at


def test_repr_is_readable(client: avala.Client) -> None:
    p = client.projects.list(limit=1).items[0]
    text = repr(p)
    assert text.startswith("Project(uid='00000000-0000-4000-8000-000000000001', name='Project 000001'")
    assert "status='active'" in text and KEY not in text


def test_projects_can_be_built_by_hand_like_the_official_model() -> None:
    p = Project(uid="p1", name="Alpha", created_at=datetime(2024, 5, 1, tzinfo=timezone.utc), color="red")
    assert p.uid == "p1" and p.status is None and p.task_type is None
    assert p.created_at == datetime(2024, 5, 1, tzinfo=timezone.utc)
    assert p.to_dict()["created_at"] == "2024-05-01T00:00:00Z"
    assert p.extra == {"color": "red"} and p.color == "red"  # type: ignore[attr-defined]
    assert Project.model_validate(p.to_dict()) == p
    assert p.model_dump()["created_at"] == p.created_at
    with pytest.raises(ValueError):
        Project(name="no uid")


@pytest.mark.parametrize(
    "text, expected",
    [
        ("2024-01-01T00:00:00Z", datetime(2024, 1, 1, tzinfo=timezone.utc)),
        ("2024-01-01T00:00:00.5+02:00", datetime(2024, 1, 1, 0, 0, 0, 500000, tzinfo=timezone(timedelta(hours=2)))),
        ("2024-01-01T12:30:00.123456789Z", datetime(2024, 1, 1, 12, 30, 0, 123456, tzinfo=timezone.utc)),
        ("2024-01-01T12:30:00", datetime(2024, 1, 1, 12, 30, tzinfo=timezone.utc)),
        ("2024-01-01", datetime(2024, 1, 1, tzinfo=timezone.utc)),
        ("not a time", None),
        ("2024-13-01T00:00:00Z", None),
        (None, None),
    ],
)
def test_api_times_parse_to_aware_datetimes(text: str, expected: datetime) -> None:
    assert Project(uid="u", name="n", created_at=text).created_at == expected
