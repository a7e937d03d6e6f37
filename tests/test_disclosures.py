"""Document-level checks: what a promoting page leaves out (risks, status, sources, cost)."""

from __future__ import annotations


def missing_ids(checker, text):
    return [m.rule for m in checker.check_text(text).missing]


def test_a_bare_promise_misses_every_disclosure(checker):
    text = "Our stem cells repair damaged cartilage and end knee pain for good."
    assert missing_ids(checker, text) == ["MISS001", "MISS002", "MISS003", "MISS004"]


def test_disclosing_risks_and_status_removes_those_items(checker):
    text = ("Our stem cells repair damaged cartilage. The injection is experimental and not "
            "approved by the FDA. Risks include infection and swelling at the injection site.")
    found = missing_ids(checker, text)
    assert "MISS001" not in found and "MISS002" not in found and "MISS003" in found


def test_a_page_that_promotes_nothing_is_not_asked_for_disclosures(checker):
    assert missing_ids(checker, "The clinic is open from nine to five on weekdays.") == []
    assert missing_ids(checker, "Be wary of clinics that promise a guaranteed cure.") == []


def test_missing_items_cost_points_and_show_in_the_arithmetic(checker):
    report = checker.check_text("Our stem cells repair damaged cartilage.")
    lines = {line.label.split()[0]: line.points for line in report.arithmetic}
    for item in report.missing:
        assert lines[item.rule] == -item.weight
    assert report.to_dict()["missing"][0].keys() >= {"rule", "name", "message", "weight"}
