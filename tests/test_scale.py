"""Crawl scale: web archives (WARC/ARC) through the real CLI, and the Dask engine on a
LocalCluster of 2 worker processes on 127.0.0.1 giving the bytes of a serial run.

The archives are written here with warcio: HTML, text and PDF responses, records that are not
pages (request, metadata, a 404, an image) and a broken record. The Dask tests skip when dask
is not installed (``pip install -e ".[dask]"``; the test extra has it).
"""

from __future__ import annotations

import gzip
import io
import json
import logging
import os
import socket
from pathlib import Path

import pytest
from conftest import SAMPLES, run_cli

from claimcheck.checker import Checker
from claimcheck.ruleset import load_rules
from claimcheck.types import Document

DATE = "2024-05-01T12:00:00Z"
HTML = (b"<html><head><title>Knee clinic</title></head><body><article><h1>Knee pain</h1>"
        b"<p>Our stem cell injections are a guaranteed cure for knee arthritis.</p>"
        b"<p>There are no side effects and no risks at all.</p></article></body></html>")
TEXT = b"Be wary of clinics that promise a guaranteed cure. Ask for the published trial."


def _response(writer, uri: str, ctype: str, body: bytes, status: str = "200 OK") -> None:
    from warcio.statusandheaders import StatusAndHeaders

    headers = StatusAndHeaders(status, [("Content-Type", ctype)], protocol="HTTP/1.1")
    writer.write_record(writer.create_warc_record(
        uri, "response", payload=io.BytesIO(body), http_headers=headers,
        warc_headers_dict={"WARC-Date": DATE}))


def write_warc(path: Path, *, gz: bool = True, broken: bool = True) -> Path:
    """An archive of 3 pages (HTML, text, PDF), 5 records that are not pages, a broken record
    (its gzip member's first bytes overwritten, or its header line mangled) and a last page."""
    from warcio.warcwriter import WARCWriter

    buf = io.BytesIO()
    w = WARCWriter(buf, gzip=gz)
    w.write_record(w.create_warcinfo_record(path.name, {"software": "claimcheck tests"}))
    _response(w, "https://clinic.example/knee", "text/html; charset=utf-8", HTML)
    w.write_record(w.create_warc_record("https://clinic.example/knee", "request",
                                        payload=io.BytesIO(b"GET /knee HTTP/1.1\r\n\r\n")))
    w.write_record(w.create_warc_record("https://clinic.example/knee", "metadata",
                                        payload=io.BytesIO(b"fetchTimeMs: 12\r\n")))
    _response(w, "https://clinic.example/advice.txt", "text/plain", TEXT)
    _response(w, "https://clinic.example/gone", "text/html", b"<p>Not found</p>", "404 Not Found")
    _response(w, "https://clinic.example/logo.png", "image/png", b"\x89PNG\r\n\x1a\n....")
    _response(w, "https://clinic.example/brochure.pdf", "application/pdf",
              (SAMPLES / "brochure.pdf").read_bytes())
    mark = buf.tell()
    _response(w, "https://clinic.example/broken", "text/html", b"<p>A cure for everyone.</p>")
    _response(w, "https://clinic.example/last", "text/plain", b"Our cells cure arthritis.")
    data = bytearray(buf.getvalue())
    if broken:
        data[mark:mark + 8] = b"JUNKJUNK" if gz else b"WXRC/1.0"
    path.write_bytes(bytes(data))
    return path


@pytest.fixture(scope="module")
def crawl(tmp_path_factory) -> Path:
    return write_warc(tmp_path_factory.mktemp("warc") / "crawl.warc.gz")


def _jsonl(result) -> list[dict]:
    return [json.loads(line) for line in result.stdout.decode().splitlines()]


# ---------------------------------------------------------------------- WARC through the CLI


def test_warc_pages_are_documents_named_by_uri_and_date_and_the_rest_is_counted(crawl):
    result = run_cli("check", "-f", "jsonl", "--fail-under", "0", str(crawl))
    docs = _jsonl(result)
    assert [d["source"] for d in docs] == [
        f"https://clinic.example/knee @ {DATE}", f"https://clinic.example/advice.txt @ {DATE}",
        f"https://clinic.example/brochure.pdf @ {DATE}", f"{crawl} (record at byte "
        + docs[3]["source"].split("byte ")[1], f"https://clinic.example/last @ {DATE}"]
    knee, advice, pdf, broken, last = docs
    assert knee["score"] < 55 and {f["rule"][:4] for f in knee["findings"] if f["counted"]} \
        >= {"CURE", "SAFE"}
    assert any("extracted from the HTML" in n for n in knee["notes"])
    assert any(n.startswith(f"from {crawl}, record at byte") for n in knee["notes"])
    assert not [f for f in advice["findings"] if f["counted"]]  # a warning, not a claim
    assert pdf["error"] is None and pdf["stats"]["words"] > 50
    assert all(f["page"] for f in pdf["findings"])
    assert broken["error"]["type"] == "warc" and broken["score"] is None
    assert last["error"] is None and last["findings"]  # reading went on after it
    err = result.stderr.decode()
    assert "1 archive HTTP 404 response, 1 archive image/png response" in err
    assert "1 archive metadata record, 1 archive request record" in err
    assert "Traceback" not in err and result.returncode == 2  # the broken record


def test_uncompressed_warc_arc_and_a_folder_of_archives(tmp_path):
    folder = tmp_path / "crawls"
    folder.mkdir()
    write_warc(folder / "plain.warc", gz=False)
    body = b"HTTP/1.0 200 OK\r\nContent-Type: text/html\r\n\r\n" + HTML
    head = b"1 0 test\nURL IP-address Archive-date Content-type Archive-length\n"
    arc = [f"{u} 1.2.3.4 20240501120000 {m} {len(b)}\n".encode() + b + b"\n"
           for u, m, b in (("filedesc://old.arc", "text/plain", head),
                           ("http://old.example/", "text/html", body))]
    (folder / "old.arc.gz").write_bytes(b"".join(map(gzip.compress, arc)))  # member a record
    (folder / "whole.warc.gz").write_bytes(gzip.compress(b"".join(arc)))  # gzipped as a whole
    (folder / "notes.tar.gz").write_bytes(b"not an archive")
    result = run_cli("check", "-f", "jsonl", "--fail-under", "0", str(folder))
    sources = [d["source"] for d in _jsonl(result)]
    assert sources[0] == f"http://old.example/ @ {DATE}"  # old.arc.gz sorts first
    assert sources[1:4] == [f"https://clinic.example/{p} @ {DATE}"
                            for p in ("knee", "advice.txt", "brochure.pdf")]
    assert "record at byte" in sources[4] and sources[5].startswith("https://clinic.example/last")
    whole = _jsonl(result)[6]
    assert whole["source"].endswith("whole.warc.gz (record at byte 0)")
    assert "warcio recompress" in whole["error"]["message"]
    assert "1 .gz" in result.stderr.decode()  # notes.tar.gz is not taken for an archive


def test_an_archive_cut_off_mid_record_and_an_oversized_page(tmp_path):
    whole = write_warc(tmp_path / "whole.warc.gz", broken=False).read_bytes()
    cut = tmp_path / "cut.warc.gz"
    cut.write_bytes(whole[:-40])
    docs = _jsonl(run_cli("check", "-f", "jsonl", "--fail-under", "0", str(cut)))
    assert docs[-1]["error"]["type"] == "warc" and "ends in the middle" in \
        docs[-1]["error"]["message"]
    big = _jsonl(run_cli("check", "-f", "jsonl", "--max-bytes", "1000", str(cut)))
    assert [d["error"]["type"] for d in big if d["error"]][0] == "too_large"  # the PDF


def test_warc_reading_is_streamed(tmp_path):
    """Documents come out one at a time: the first page is read before the archive's end."""
    from claimcheck.ingest import iter_documents

    path = write_warc(tmp_path / "c.warc.gz", broken=False)
    docs = iter_documents([str(path)], skipped={})
    first = next(docs)
    assert first.source.startswith("https://clinic.example/knee")


# ----------------------------------------------------------------------------- Dask


@pytest.fixture(scope="module")
def cluster():
    pytest.importorskip("distributed")
    import dask
    from distributed import Client, LocalCluster

    with dask.config.set({"distributed.scheduler.allowed-failures": 0}):
        local = LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                             host="127.0.0.1", dashboard_address="127.0.0.1:0",
                             silence_logs=logging.ERROR)
    client = Client(local, set_as_default=False)
    yield local, client
    client.close()
    local.close()


def test_dask_output_equals_the_serial_output_on_samples_and_a_warc(cluster, crawl):
    local, client = cluster
    inputs = [str(SAMPLES), str(crawl)]
    for fmt in ("json", "text"):
        serial = run_cli("check", "-f", fmt, *inputs)
        dask = run_cli("check", "-f", fmt, "--scheduler", local.scheduler_address, *inputs)
        assert dask.stdout == serial.stdout, fmt
        assert dask.returncode == serial.returncode == 2  # the broken record
        assert "Traceback" not in dask.stderr.decode()
        if fmt == "json":
            assert len(json.loads(dask.stdout)["documents"]) >= 12
    from claimcheck.scale.engine import builds

    per_worker = client.run(builds)
    assert len(per_worker) == 2 and all(per_worker.values())
    # the Checker is built once per worker per run (2 runs here), not once per task
    assert all(n == 2 for counts in per_worker.values() for n in counts.values())


def test_engine_dask_starts_its_own_local_cluster(crawl):
    pytest.importorskip("distributed")
    args = ("check", "-f", "jsonl", "--fail-under", "0", str(crawl))
    assert run_cli(*args, "--engine", "dask", "--jobs", "2").stdout == run_cli(*args).stdout


class Killer(Checker):
    """A checker whose worker process dies on the document named "boom"."""

    def check_document(self, document):
        if document.source == "boom":
            os._exit(3)
        return super().check_document(document)


def build_killer(rules, model, detector):
    return Killer(rules, model=model, detector=detector)


def test_a_document_that_kills_its_worker_costs_only_that_document(cluster):
    from claimcheck.scale.engine import CheckerSpec, DaskEngine

    _, client = cluster
    texts = [f"Our stem cells cure arthritis, page {n}." for n in range(20)]
    docs = [Document(f"d{n}", t) for n, t in enumerate(texts)]
    docs[5] = Document("boom", "anything")
    engine = DaskEngine(client, CheckerSpec.of(load_rules(), None, "both", build_killer))
    try:
        reports = list(engine.check(docs))
    finally:
        engine.close()
    assert [r.source for r in reports] == [d.source for d in docs]
    assert [r.source for r in reports if r.error] == ["boom"]
    assert reports[5].error.type == "worker"
    serial = Checker()
    for doc, report in zip(docs, reports, strict=True):
        if doc.source != "boom":
            assert report.to_dict() == serial.check_document(doc).to_dict()


def test_bag_of_archives_and_texts_writes_the_serial_jsonl_and_a_summary(cluster, crawl,
                                                                          tmp_path):
    import dask.bag as db

    from claimcheck.scale import check_bag, write_jsonl

    _, client = cluster
    with client.as_current():
        items = db.from_sequence([crawl, Document("<text 1>", TEXT.decode())], npartitions=2)
        summary = write_jsonl(check_bag(items), tmp_path / "out.jsonl",
                              summary=tmp_path / "ranked.csv")
    serial = run_cli("check", "-f", "jsonl", str(crawl), "-", stdin=TEXT)
    expected = serial.stdout.decode().replace('"source":"<stdin>"', '"source":"<text 1>"')
    assert (tmp_path / "out.jsonl").read_text(encoding="utf-8") == expected
    assert summary.to_dict()["documents"] == 6 and summary.to_dict()["errors"] == 1
    table = (tmp_path / "ranked.csv").read_text(encoding="utf-8-sig").splitlines()
    assert table[0] == "rank,score,grade,red_flags,source,error" and len(table) == 7
    assert table[-1].split(",")[2] == "error"  # failures rank last


def test_an_unreachable_scheduler_is_one_line_and_exit_2():
    pytest.importorskip("distributed")
    with socket.socket() as s:  # a port nothing listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    result = run_cli("check", "--scheduler", f"tcp://127.0.0.1:{port}", str(SAMPLES))
    err = result.stderr.decode().strip()
    assert result.returncode == 2 and len(err.splitlines()) == 1
    assert err.startswith("claimcheck: error: cannot reach the Dask scheduler at tcp://127.0.0.1")


def test_bytes_that_are_not_a_gzip_member_in_a_gz_archive_are_one_broken_record(tmp_path):
    """In a .warc.gz every record is its own gzip member. A stretch of plain (or damaged)
    bytes between members is a broken record: reported once, and the pages after it are read
    (warcio alone reads such bytes as plain text and may swallow the rest of the archive)."""
    from warcio.warcwriter import WARCWriter

    def records(gz: bool, uri: str, body: bytes) -> bytes:
        buf = io.BytesIO()
        _response(WARCWriter(buf, gzip=gz), uri, "text/plain", body)
        return buf.getvalue()

    archive = tmp_path / "mixed.warc.gz"
    archive.write_bytes(records(True, "https://clinic.example/first", b"Our cells cure pain.")
                        + records(False, "https://clinic.example/plain", b"A cure for all.")
                        + records(True, "https://clinic.example/last", b"Our cells cure MS."))
    from claimcheck.ingest import InputOptions, iter_documents

    docs = list(iter_documents([str(archive)], InputOptions(), {}))
    assert [d.source.split(" @")[0] for d in docs[::2]] == [
        "https://clinic.example/first", "https://clinic.example/last"]
    assert len(docs) == 3 and docs[1].error is not None and docs[1].error.type == "warc"
    assert docs[1].source.startswith(f"{archive} (record at byte ")
