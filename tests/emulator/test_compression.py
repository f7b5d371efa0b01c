"""Compressed answers (Accept-Encoding) and the two encoding faults.

Bodies are decoded here with Python's zlib, an implementation independent of
both the emulator and the client.
"""
import gzip
import http.client
import json
import zlib

import pytest

from harness import AUTH, KEY, PROJECTS, emulator

FAULTS = "/__emulator/faults"
PAGE = PROJECTS + "?limit=5"


@pytest.fixture(scope="module")
def emu():
    with emulator() as e:
        yield e


@pytest.fixture(autouse=True)
def _no_rules_left(request):
    yield
    if "emu" in request.fixturenames:
        assert request.getfixturevalue("emu").call("DELETE", FAULTS, headers={})[0] == 200


def fetch(e, accept_encoding=None, path=PAGE):
    """(status, headers, raw body bytes) of one GET."""
    conn = http.client.HTTPConnection(e.host, e.port, timeout=30)
    try:
        # skip_accept_encoding: http.client would otherwise send its own "identity".
        conn.putrequest("GET", path, skip_accept_encoding=True)
        conn.putheader("X-Avala-Api-Key", KEY)
        if accept_encoding is not None:
            conn.putheader("Accept-Encoding", accept_encoding)
        conn.endheaders()
        resp = conn.getresponse()
        return resp.status, resp.headers, resp.read()
    finally:
        conn.close()


def install(e, **rule):
    rule.setdefault("path", PROJECTS)
    status, _, body = e.call("POST", FAULTS, rule, headers={})
    assert status == 200, body
    return body["id"]


def test_gzip_when_asked_decodes_to_the_same_answer(emu):
    _, _, plain = fetch(emu)
    status, headers, body = fetch(emu, "gzip")
    assert status == 200
    assert headers["Content-Encoding"] == "gzip"
    assert headers["Vary"] == "Accept-Encoding"
    assert int(headers["Content-Length"]) == len(body) < len(plain)
    assert json.loads(gzip.decompress(body)) == json.loads(plain)


def test_deflate_is_zlib_wrapped(emu):
    _, _, plain = fetch(emu)
    status, headers, body = fetch(emu, "deflate")
    assert status == 200 and headers["Content-Encoding"] == "deflate"
    assert json.loads(zlib.decompress(body, zlib.MAX_WBITS)) == json.loads(plain)


@pytest.mark.parametrize("accept, expected", [
    (None, None),
    ("", None),
    ("identity", None),
    ("br", None),
    ("gzip, deflate", "gzip"),
    ("deflate, gzip", "gzip"),          # a tie goes to gzip
    ("gzip;q=0.5, deflate", "deflate"),
    ("gzip;q=0, deflate;q=0.1", "deflate"),
    ("gzip;q=0", None),
    ("*", "gzip"),
    ("*;q=0.5, gzip;q=0, deflate;q=0.2", "deflate"),
    ("GZIP", "gzip"),
    ("x-gzip", "gzip"),
    ("gzip;q=bogus", None),
])
def test_the_coding_follows_accept_encoding_and_q_values(emu, accept, expected):
    status, headers, body = fetch(emu, accept)
    assert status == 200
    assert headers.get("Content-Encoding") == expected
    decoded = {"gzip": gzip.decompress, "deflate": zlib.decompress, None: lambda b: b}[expected](body)
    assert json.loads(decoded)["results"]


def test_error_answers_are_compressed_too_and_the_control_plane_never(emu):
    status, headers, body = fetch(emu, "gzip", path=PROJECTS + "no-such-uid/")
    assert status == 404 and headers["Content-Encoding"] == "gzip"
    assert "detail" in json.loads(gzip.decompress(body))
    status, headers, body = fetch(emu, "gzip", path="/__emulator/stats")
    assert status == 200 and "Content-Encoding" not in headers
    assert "requests" in json.loads(body)


def test_no_compress_turns_it_off():
    with emulator("--no-compress") as e:
        status, headers, body = fetch(e, "gzip, deflate")
        assert status == 200 and "Content-Encoding" not in headers
        assert json.loads(body)["results"]


def test_bogus_encoding_labels_the_plain_body_br(emu):
    install(emu, fault="bogus_encoding")
    status, headers, body = fetch(emu, "gzip")
    assert status == 200 and headers["Content-Encoding"] == "br"
    assert json.loads(body)["results"]  # not compressed at all
    install(emu, fault="bogus_encoding", encoding="zstd")
    assert fetch(emu)[1]["Content-Encoding"] == "zstd"  # whatever the request asked


def test_compression_bomb_is_small_on_the_wire_and_exactly_its_size_decoded(emu):
    size = 64 * 1024 * 1024
    for coding, wbits in (("gzip", 16 + zlib.MAX_WBITS), ("deflate", zlib.MAX_WBITS)):
        install(emu, fault="compression_bomb", bytes=size, encoding=coding)
        status, headers, body = fetch(emu)  # sent whatever the request asked
        assert status == 200 and headers["Content-Encoding"] == coding
        assert headers["Connection"] == "close"
        assert int(headers["Content-Length"]) == len(body) < size // 500
        # Decoded in pieces, checksum checked by zlib at the end.
        d = zlib.decompressobj(wbits)
        total, first, last = 0, b"", b""
        for i in range(0, len(body), 4096):
            out = d.decompress(body[i:i + 4096])
            first = first or out[:64]
            last = (last + out)[-64:]
            total += len(out)
        total += len(d.flush())
        assert d.eof and not d.unused_data
        assert total == size
        assert first.startswith(b'{"results":[],"next":null,"previous":null,"padding":"xxx')
        assert last.endswith(b'xxx"}')


def test_a_10_gib_compression_bomb_is_about_10_mib_on_the_wire(emu):
    install(emu, fault="compression_bomb", bytes=10 << 30)
    status, headers, body = fetch(emu)
    assert status == 200 and headers["Content-Encoding"] == "gzip"
    assert len(body) < 16 << 20
    # Inflating only the first MiB shows it is the padded JSON, and that much
    # more is left (the whole would be 10 GiB).
    d = zlib.decompressobj(16 + zlib.MAX_WBITS)
    head = d.decompress(body, 1 << 20)
    assert len(head) == 1 << 20 and head.startswith(b'{"results":[]')
    assert len(d.unconsumed_tail) > len(body) // 2
    # The gzip trailer's ISIZE is the decoded size mod 2^32 (10 GiB is 0 mod 2^32).
    assert int.from_bytes(body[-4:], "little") == (10 << 30) % (1 << 32)


@pytest.mark.parametrize("rule, field", [
    ({"fault": "compression_bomb"}, "bytes"),
    ({"fault": "compression_bomb", "bytes": 10}, "bytes"),
    ({"fault": "compression_bomb", "bytes": 1000, "encoding": "br"}, "encoding"),
    ({"fault": "bogus_encoding", "encoding": ""}, "encoding"),
    ({"fault": "bogus_encoding", "encoding": "br\r\nX-Evil: 1"}, "encoding"),
])
def test_encoding_fault_parameters_are_checked(emu, rule, field):
    status, _, body = emu.call("POST", FAULTS, dict(rule, path=PROJECTS), headers={})
    assert status == 400 and field in body


def test_faults_that_send_part_of_the_answer_cut_the_compressed_body(emu):
    install(emu, fault="truncated_body")
    conn = http.client.HTTPConnection(emu.host, emu.port, timeout=10)
    conn.putrequest("GET", PAGE, skip_accept_encoding=True)
    conn.putheader("X-Avala-Api-Key", KEY)
    conn.putheader("Accept-Encoding", "gzip")
    conn.endheaders()
    resp = conn.getresponse()
    assert resp.headers["Content-Encoding"] == "gzip"
    with pytest.raises(http.client.IncompleteRead) as cut:
        resp.read()
    conn.close()
    with pytest.raises(EOFError):
        gzip.decompress(cut.value.partial)


def test_uncompressed_clients_see_no_change(emu):
    # The existing suite's requests (no Accept-Encoding) are answered as before.
    status, headers, body = emu.call("GET", PAGE, headers=AUTH)
    assert status == 200 and "Content-Encoding" not in headers and body["results"]
