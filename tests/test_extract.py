"""Sentences, assertions and offsets: every finding points at the exact words in the input."""

from __future__ import annotations

import platform

import pytest

from claimcheck.nlp import Pipeline

PAGE = (
    "Renewal Stem Cells\n"
    "\n"
    "Why Choose Us?\n"
    "Our stem cells are a guaranteed cure.   They turn into new nerve cells!\n"
    "  • No side effects\n"
    "  • Café-style recovery rooms with no risk of rejection\n"
    "Although there is no cure for arthritis, our cells repair damaged cartilage; results vary.\n"
)


def test_sentences_follow_headings_bullets_and_punctuation():
    analysis = Pipeline().analyse(PAGE)
    texts = [PAGE[s.char_start:s.char_end] for s in analysis.sentences]
    assert texts[:4] == ["Renewal Stem Cells", "Why Choose Us?",
                         "Our stem cells are a guaranteed cure.", "They turn into new nerve cells!"]
    assert "No side effects" in texts
    kinds = {PAGE[s.char_start:s.char_end]: s.kind for s in analysis.sentences}
    assert kinds["Renewal Stem Cells"] == "heading"
    assert kinds["Why Choose Us?"] == "question"


def test_clauses_split_at_subordinate_commas_and_semicolons():
    analysis = Pipeline().analyse(PAGE)
    clauses = [PAGE[analysis.starts[a.start]:analysis.ends[a.end - 1]]
               for a in analysis.assertions]
    assert "Although there is no cure for arthritis," in clauses
    assert "our cells repair damaged cartilage;" in clauses


def test_hard_wrapped_prose_stays_one_sentence():
    text = ("This clinic page was written with hard line breaks in the middle of its\n"
            "sentences, the way old plain-text files often are.\n")
    analysis = Pipeline().analyse(text)
    assert len(analysis.sentences) == 1


def test_finding_offsets_lines_and_columns(checker):
    report = checker.check_text(PAGE)
    assert report.findings
    lines = PAGE.split("\n")
    for f in report.findings:
        assert PAGE[f.start:f.end] == f.match
        assert lines[f.line - 1][f.column - 1:].startswith(f.match.split("\n")[0])
        assert f.match in f.sentence
    for s in report.signals:
        assert PAGE[s.start:s.end] == s.match


def test_lemmas_make_inflections_match(checker):
    a = checker.check_text("We guarantee cures.")
    b = checker.check_text("They guaranteed a cure.")
    assert [f.rule for f in a.findings if f.counted] == [f.rule for f in b.findings if f.counted]


def test_typo_is_matched_fuzzily_with_a_similarity_below_100(checker):
    report = checker.check_text("Our clinic offers a guarenteed cure.")
    fuzzy = [f for f in report.findings if f.similarity < 100]
    assert fuzzy and fuzzy[0].counted


def test_empty_and_blank_text(checker):
    for text in ("", "   \n\n  "):
        report = checker.check_text(text)
        assert report.score == 100 and report.findings == () and report.stats.sentences == 0


def test_a_long_run_forgets_each_pages_new_words_and_reports_the_same(monkeypatch):
    """Past its first words a Checker checks each text in a spaCy memory zone: the words a
    page adds to the vocabulary are dropped after it (a crawl of new words on every page runs
    in flat memory), and the reports are those of a checker that keeps every word. A lemma
    met in one page ("mice" -> "mouse") is still known in the next, even when the cache
    of strings has forgotten it."""
    import claimcheck.nlp.pipeline as pipeline_module
    from claimcheck.checker import Checker

    monkeypatch.setattr(pipeline_module, "STRING_CACHE", 2)
    pages = [f"Our stem cells cured arthritis{n} in mice and geese at Zorblax{n} Clinics. "
             f"Dr. Quillon{n} says results are guaranteed. Book your free consult{n} today."
             for n in range(30)]
    keeping, zoned = Checker(detector="both"), Checker(detector="both")
    zoned.pipeline.warm_words = 0  # a real run warms up on its first 100,000 words
    strings = []
    for page in pages:
        assert zoned.check_text(page) == keeping.check_text(page)
        strings.append(len(zoned.pipeline.nlp.vocab.strings))
    assert strings[-1] == strings[5]  # the new words of later pages are gone again
    assert len(keeping.pipeline.nlp.vocab.strings) > strings[-1] + 100


def test_a_lemma_that_was_also_a_word_of_the_page_is_not_remembered_past_it(monkeypatch):
    """A page with "magnet" and "magnets" adds the string "magnet" for that page only (the word
    came first), so the lemma of "magnets" is gone with the page. Remembering it made the next
    page with "magnets" fail with an internal error once the cache of strings forgot it (after
    22,509 sentences of our corpus)."""
    import claimcheck.nlp.pipeline as pipeline_module
    from claimcheck.checker import Checker

    monkeypatch.setattr(pipeline_module, "STRING_CACHE", 2)
    keeping, zoned = Checker(detector="rules"), Checker(detector="rules")
    zoned.pipeline.warm_words = 0
    pages = ["A magnet, two magnets: our magnets cure arthritis.", "More magnets cure pain.",
             "Geese and a goose.", "Magnets and geese cure everything."]
    for page in pages:
        assert zoned.check_text(page) == keeping.check_text(page)


def test_a_long_run_keeps_spacys_tables_small_and_reports_the_same(monkeypatch):
    """A word dropped at a zone's end leaves a dead cell in spaCy's hash tables (strings and
    lexemes), and a table doubles when 60% of its cells are used, live or dead: a crawl of new
    words grew both without end. The Checker rebuilds them from the words kept for good, and
    its reports do not change."""
    import claimcheck.nlp.tables as tables
    from claimcheck.checker import Checker

    monkeypatch.setattr(tables, "LEXEME_ADDS", 2_000)  # a real run waits for 250,000
    monkeypatch.setattr(tables, "CELLS_PER_STRING", 4)
    pages = [" ".join(f"zq{n}x{k}" for k in range(300)) + ". Our stem cells cure arthritis, "
             f"it's guaranteed. Call Dr. Vell{n} today!" for n in range(80)]
    keeping, zoned = Checker(), Checker()
    zoned.pipeline.warm_words = 0
    vocab = zoned.pipeline.nlp.vocab
    start = vocab.strings._map.capacity
    for page in pages:
        assert zoned.check_text(page) == keeping.check_text(page)
    assert vocab.strings._map.capacity <= start
    assert len(vocab) < len(keeping.pipeline.nlp.vocab) / 2  # lexemes indexed since a rebuild
    assert zoned.pipeline._tables.rebuilds >= 5


@pytest.mark.skipif(platform.libc_ver()[0] != "glibc", reason="glibc's malloc only")
def test_check_and_serve_keep_glibcs_mmap_threshold_fixed():
    """glibc raises its mmap threshold each time it frees a large block, after which a long
    run's per-page arrays come from a heap that fragments; the long-running commands fix it
    at its starting value (bench/speed.py's memory figures show the effect)."""
    from claimcheck.heap import fix_mmap_threshold

    assert fix_mmap_threshold() is True
