"""The Python API keeps a batch going and accepts any str."""

from __future__ import annotations

from claimcheck import Checker, Document, check_text


def test_lone_surrogates_are_replaced_one_for_one():
    text = "Our stem cells are a guaranteed cure \ud800 today."
    report = check_text(text)
    finding = report.findings[0]
    assert text[finding.start:finding.end] == finding.match == "guaranteed cure"
    assert "\ud800" not in report.text


def test_one_failing_document_becomes_an_error_record(monkeypatch):
    checker = Checker()
    real = Checker.check_document

    def flaky(self, document):
        if document.source == "bad":
            raise RuntimeError("boom")
        return real(self, document)

    monkeypatch.setattr(Checker, "check_document", flaky)
    reports = list(checker.check_documents(
        [Document("a", "Our cells cure arthritis."), Document("bad", "x"), Document("c", "ok")]))
    assert [r.source for r in reports] == ["a", "bad", "c"]
    assert reports[1].error.type == "internal" and "boom" in reports[1].error.message
    assert reports[0].score is not None and reports[2].score is not None
