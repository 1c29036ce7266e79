"""Jurisdiction zones end to end (issue 12 item 5), with a real fieldsync process: a
municipal commander's zone reaches every agency's laptop; nobody else may create or
edit it; a boundary that is not a valid (multi)polygon is refused by the laptop and by
the server, nothing stored."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from fieldclient.core.errors import InvalidInput, NotPermitted
from fieldclient.store.models import Zone
from tests.replication.support import Client, Server, password
from tests.replication.test_operations import _Api, _count, _sync

GDL = [[[[-103.42, 20.62], [-103.28, 20.62], [-103.28, 20.74], [-103.42, 20.74],
          [-103.42, 20.62]]]]
BOW_TIE = [[[[0, 0], [1, 1], [1, 0], [0, 1], [0, 0]]]]


@pytest.fixture(scope="module")
def zone_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """A server with SEDENA, GN and Guadalajara's municipal police."""
    srv = Server(tmp_path_factory.mktemp("zone-server"))
    srv.add_accounts()  # ana, beto: sedena commanders; gus: gn liaison
    assert srv.cli("agency", "add", "mun-gdl", "--name", "Guadalajara", "--kind",
                   "municipal").returncode == 0
    r = srv.cli("user", "add", "gdl", "--role", "commander", "--agency", "mun-gdl",
                stdin=password("gdl") + "\n")
    assert r.returncode == 0, r.stderr
    srv.start()
    yield srv
    srv.stop()


def _zone(c: Client, **extra: Any) -> str:
    return c.writer.create_record("zone", {"name": "Guadalajara", "agency": "mun-gdl",
                                           "level": "municipal", "geometry": GDL, **extra})


def test_a_zone_reaches_every_agency(zone_server: Server, make_client: Any) -> None:
    """A municipal commander's zone syncs to a SEDENA laptop, whole, and its edits follow."""
    gdl, ana = make_client("gdl", zone_server.url, "gdl"), make_client("ana", zone_server.url, "ana")
    _sync(gdl, ana)
    zid = _zone(gdl)
    _sync(gdl, ana)
    with ana.store.session() as s:
        z = s.get(Zone, zid)
        assert z is not None and z.agency == "mun-gdl" and z.level == "municipal"
        assert z.geometry == GDL and z.visibility == "shared"
    gdl.writer.update_record("zone", zid, {"name": "Municipio de Guadalajara"})
    _sync(gdl, ana)
    with ana.store.session() as s:
        assert s.get(Zone, zid).name == "Municipio de Guadalajara"


def test_only_the_zones_agency_writes_it(zone_server: Server, make_client: Any) -> None:
    """A SEDENA commander may not create a zone of the municipal police nor edit one; the
    server refuses the same pushes sent raw; nothing is stored."""
    gdl, ana = make_client("gdl", zone_server.url, "gdl"), make_client("ana", zone_server.url, "ana")
    _sync(gdl, ana)
    with pytest.raises(NotPermitted):
        _zone(ana)
    zid = _zone(gdl, name="Zona centro")
    _sync(gdl, ana)
    with pytest.raises(NotPermitted):
        ana.writer.update_record("zone", zid, {"name": "Nuestra"})
    api = _Api(zone_server)
    made = api.push("ana", "zone", {"name": "x", "agency": "mun-gdl", "level": "municipal",
                                    "geometry": GDL})
    assert made["status"] == "rejected", made
    edit = api.push("ana", "zone", {"name": "Nuestra"}, entity_id=zid)
    assert edit["status"] == "rejected", edit
    _sync(ana)
    with ana.store.session() as s:
        assert s.get(Zone, zid).name == "Zona centro"


def test_a_bad_boundary_is_refused(zone_server: Server, make_client: Any) -> None:
    """A boundary that crosses itself, or a zone that belongs to an operation, is refused
    with its reason by the laptop and by the server."""
    gdl = make_client("gdl", zone_server.url, "gdl")
    _sync(gdl)
    with pytest.raises(InvalidInput) as bad:
        _zone(gdl, geometry=BOW_TIE)
    assert bad.value.problem is not None and bad.value.problem.code == "polygon_crosses_itself"
    with pytest.raises(InvalidInput):
        _zone(gdl, visibility="operation")
    assert _count(gdl, Zone, name="Guadalajara", geometry=BOW_TIE) == 0
    made = _Api(zone_server).push("gdl", "zone", {"name": "x", "agency": "mun-gdl",
                                                  "level": "municipal", "geometry": BOW_TIE})
    assert made["status"] == "rejected" and made["code"] == "polygon_crosses_itself", made
