"""The plain-Python baseline: an Avala projects client written the way one
would without libavala — standard library only (``http.client``, ``json``,
``dataclasses``), one keep-alive connection. It is meant to be a fair, lean
baseline: slotted dataclasses, strings kept as strings, no validation beyond
what a careful client does (status check, same-origin ``next``)."""

from __future__ import annotations

import http.client
import json
from dataclasses import dataclass
from typing import Any, Dict, Iterator, List, Optional, Tuple
from urllib.parse import urlencode, urlsplit

__all__ = ["PlainClient", "Project"]


@dataclass(slots=True)
class Project:
    uid: str
    name: str
    status: Optional[str] = None
    created_at: Optional[str] = None
    updated_at: Optional[str] = None
    task_type: Optional[str] = None
    is_active: Optional[bool] = None
    visibility: Optional[str] = None
    is_imported: Optional[bool] = None
    owner_name: Optional[str] = None
    short_description: Optional[str] = None
    industry_icon: Optional[str] = None

    @classmethod
    def from_json(cls, d: Dict[str, Any]) -> "Project":
        get = d.get
        return cls(d["uid"], d["name"], get("status"), get("created_at"), get("updated_at"),
                   get("task_type"), get("is_active"), get("visibility"), get("is_imported"),
                   get("owner_name"), get("short_description"), get("industry_icon"))


class PlainClient:
    def __init__(self, base_url: str, api_key: str, timeout: float = 30.0) -> None:
        url = urlsplit(base_url)
        if url.scheme != "http":
            raise ValueError("the baseline speaks plain http only")
        self._origin = f"{url.scheme}://{url.netloc}"
        self._path = url.path.rstrip("/")
        self._conn = http.client.HTTPConnection(url.hostname or "", url.port, timeout=timeout)
        self._headers = {"X-Avala-Api-Key": api_key, "Accept": "application/json",
                         "User-Agent": "plain-python"}

    def _get(self, target: str) -> Any:
        self._conn.request("GET", target, headers=self._headers)
        resp = self._conn.getresponse()
        body = resp.read()
        if resp.status != 200:
            raise RuntimeError(f"GET {target}: HTTP {resp.status}")
        return json.loads(body)

    def _page(self, target: str) -> Tuple[List[Project], Optional[str]]:
        page = self._get(target)
        items = [Project.from_json(item) for item in page["results"]]
        link = page.get("next")
        if link is None:
            return items, None
        if not link.startswith(self._origin + "/"):
            raise RuntimeError(f"refusing a cross-origin next link: {link}")
        return items, link[len(self._origin):]

    def list_projects(self, limit: Optional[int] = None) -> List[Project]:
        query = f"?{urlencode({'limit': limit})}" if limit else ""
        return self._page(f"{self._path}/users/me/projects/{query}")[0]

    def iter_projects(self, limit: Optional[int] = None) -> Iterator[Project]:
        query = f"?{urlencode({'limit': limit})}" if limit else ""
        target: Optional[str] = f"{self._path}/users/me/projects/{query}"
        while target is not None:
            items, target = self._page(target)
            yield from items

    def close(self) -> None:
        self._conn.close()
