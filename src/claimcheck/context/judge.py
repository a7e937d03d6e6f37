"""Who is claiming what: judge each match in its sentence (negated, warned against, hedged...).

A ConText/NegEx-style algorithm over the cue table (``cues.py``): each cue covers a scope of
tokens forward or backward from it, bounded by its clause or sentence, a window and terminator
words ("but", "however"). A match covered by cues takes the strongest of their contexts; a
match in a question is a question unless the question is a sales pitch; a match in a heading
is a heading. Cues inside the matched words never judge that match. Every detector's
candidates go through the same judge.
"""

from __future__ import annotations

from collections import defaultdict
from typing import NamedTuple

from ..match import RawMatch
from ..nlp import Analysis
from ..types import QUESTION_MARK, Context
from .cues import PRIORITY, CueGroup, CueTable

_QUOTES_OPEN = {"“", "«", "„"}
_QUOTES_CLOSE = {"”", "»"}
_QUOTES_BOTH = {'"', "''", "``"}
#: single quotes ('like this', ‘like this’, the British and Australian way) share their marks
#: with apostrophes ("patients' records", "don’t"): a mark opens a quotation only with a space
#: or bracket before it and a letter or figure after it, and closes one only right after a
#: word, with a space or punctuation after it. Selling copy puts its own words in them for
#: emphasis ("our devices are 'FDA registered'", "tap 'Book Now'"), so they hold someone
#: else's words only when the rest of the sentence does not speak as the writer or to the
#: reader
_SINGLE_OPEN = {"'", "‘"}
_SINGLE_CLOSE = {"'", "’"}
_BEFORE_OPENING = set("([{—–-/")
_AFTER_CLOSING = set(".,;:!?)]}—–-")
_ADDRESS = frozenset({"we", "our", "us", "ours", "you", "your", "yours", "tap", "click"})
_SCARE_QUOTE_MAX = 12
#: a quotation introduced by one of these people and verbs is a testimonial the writer offers
#: as evidence ("the patient expressed “50% improvement”"), not words held at a distance
_TESTIFIERS = {"patient", "client", "customer", "member", "guest", "mom", "mother", "dad",
               "father", "wife", "husband", "son", "daughter", "testimonial", "review"}
_TESTIMONY_VERBS = {"say", "express", "report", "tell", "describe", "write", "share", "rave",
                    "comment", "exclaim", "state", "note", "put"}
#: a question this short that does not open with a question word is a rhetorical lead-in
#: ("The solution? ...", "The best part? ...") that the text goes on to answer
_LEAD_IN_WORDS = 3
_QUESTION_WORDS = {"is", "are", "was", "were", "am", "can", "could", "do", "does", "did",
                   "will", "would", "should", "shall", "may", "might", "must", "have", "has",
                   "had", "how", "what", "why", "when", "where", "who", "whom", "whose",
                   "which", "whether", "any", "anything", "ok", "okay"}
#: after "and"/"or", these words begin a new clause with its own subject
_CLAUSE_STARTERS = {
    "the", "a", "an", "this", "these", "those", "that", "it", "they", "we", "you", "our",
    "their", "its", "there", "he", "she", "i", "your", "most", "many", "some", "results",
}
#: a match holding one of these makes a negative claim itself ("zero risk", "side-effect free")
_OWN_NEGATION = {"no", "not", "never", "without", "zero", "free", "none", "nothing", "nor"}
#: a verb's negation that still denies such a claim when it comes close before it, with no
#: list between ("is not free of side effects"), and the words that make a list
_VERB_NEGATIONS = {"not", "n't", "n’t", "never", "cannot"}
_DENIAL_REACH = 4
_LIST_BREAKS = {",", "and", "or", "&", "/", ";", ":", "no", "without", "zero", "nothing",
                "'", '"', "“", "‘", "”", "’"}  # and quotation marks: "don't accept 'nothing ...'"


#: a match that ends a reporting frame ("trials have found that", "studies show that") reports
#: a finding; when the finding itself denies a result ("... did not raise live births", "...
#: improved no more than sham"), the frame is evidence against, not a claim of evidence
_REPORTING = frozenset({"show", "find", "prove", "confirm", "demonstrate", "suggest", "indicate",
                        "reveal", "conclude", "establish"})
_RESULT_DENIALS = frozenset({"not", "n't", "n’t", "never", "cannot"})
#: ... unless the denial is the first half of a claim ("not only", "no longer needed")
_NOT_DENIALS_AFTER = frozenset({"only", "just", "longer", "merely", "simply"})
#: "no" denies a result before these ("no more than", "no benefit", "no difference")
_NO_RESULT = frozenset({"more", "better", "benefit", "effect", "difference", "improvement",
                        "change", "advantage", "reduction", "evidence", "sign", "signs"})
#: the finding's own words end at these (a comparison, a relative clause, a new clause)
_FINDING_ENDS = frozenset({",", "than", "who", "which", "so", "while"})
_FINDING_REACH = 15

#: how many words before a cue ``not_after`` looks for the writer's own voice
_OWNER_REACH = 3
#: words after which the look back stops: what follows is what a warning is about
_OBJECT_OPENERS = {"of", "about", "against", "from", "than", "like", "unlike", "to", "for"}
#: the clinic speaking for itself: a warning does not reach past these words
_WRITER_VOICE = frozenset({"we", "our", "us", "ours"})  # "we're" is two tokens: "we", "'re"
#: and in the first person singular
_OWN_VOICE = _WRITER_VOICE | {"i", "my", "me"}
#: a lead-in question answered with one of these is asked, not claimed ("A cure? No.")
_DENIALS = {"no", "not", "never", "nothing", "none", "nope", "hardly", "unfortunately"}
#: words that answer a question yes when they open the next sentence
_AFFIRMATIVE = {"yes", "yep", "absolutely", "definitely", "certainly"}

#: contexts from most to least cautious, for a claim judged at several places
_CAUTION = {c: n for n, c in enumerate((*PRIORITY, Context.REFERENCE, Context.HEADING,
                                         Context.ASSERTED))}


class Judgement(NamedTuple):
    """The context of a match and the words that set it. (A named tuple: every candidate gets
    one or more, and a tuple is built in a third of a frozen dataclass's time.)"""

    context: Context
    cue: str


class ContextJudge:
    """Judges matches in one analysed text, given the cue matches found in it."""

    def __init__(self, table: CueTable, analysis: Analysis, cue_matches: list[RawMatch]) -> None:
        self.table = table
        self.a = analysis
        sentence_of = {}
        for assertion in analysis.assertions:
            for t in range(assertion.start, assertion.end):
                sentence_of[t] = assertion.sentence
        self._sentence_of = sentence_of
        self._parsed = analysis.doc.has_annotation("DEP")  # a trained parser ran
        self._quoted: dict[int, list[tuple[int, int]]] = {}  # sentence start -> quotations
        # cues that cancel others, by sentence (so a huge text stays linear)
        pseudo: dict[int, list[RawMatch]] = defaultdict(list)
        excluded: dict[int, list[RawMatch]] = defaultdict(list)
        for m in cue_matches:
            if m.start in sentence_of:
                if self._group(m).type == "pseudo":
                    pseudo[sentence_of[m.start]].append(m)
                elif self._excluded(m):
                    excluded[sentence_of[m.start]].append(m)
        self._cues: dict[int, list[RawMatch]] = defaultdict(list)
        self._rhetorical: set[int] = set()
        for m in cue_matches:
            group = self._group(m)
            if group.type == "pseudo" or m.start not in sentence_of:
                continue
            index = sentence_of[m.start]
            # a pseudo cue cancels the cues inside it, not the sales question it belongs to
            if group.type != "rhetorical" and any(p.start <= m.start and m.end <= p.end
                                                  for p in pseudo[index]):
                continue
            # "ask" inside an excluded "ask about our" goes with it
            if any(x.key == m.key and x.start <= m.start and m.end <= x.end
                   for x in excluded[index]):
                continue
            if group.type == "rhetorical":
                self._rhetorical.add(index)
            else:
                self._cues[index].append(m)
        # an FAQ's question that the next sentence answers "yes" is asserted by that answer,
        # and so is a short lead-in ("The solution?") that the text goes on to answer
        self._rhetorical.update(i for i, s in enumerate(analysis.sentences)
                                if s.kind == "question" and (self._answered_yes(i)
                                                             or self._lead_in(i)))

    def _lead_in(self, index: int) -> bool:
        """Is question ``index`` a few words with no question word, followed by more text?"""
        if index + 1 >= len(self.a.sentences):
            return False
        s, nxt = self.a.sentences[index], self.a.sentences[index + 1]
        words = [w for w in self.a.lower[s.start:s.end] if w[:1].isalpha()]
        answer = next((w for w in self.a.lower[nxt.start:nxt.end] if w[:1].isalpha()), "")
        return (0 < len(words) <= _LEAD_IN_WORDS and words[0] not in _QUESTION_WORDS
                and answer not in _DENIALS)

    def _answered_yes(self, index: int) -> bool:
        """Does the sentence after question ``index`` open with a yes ("Yes.", "In short,
        yes", "Absolutely")?"""
        if index + 1 >= len(self.a.sentences):
            return False
        nxt = self.a.sentences[index + 1]
        words = [w for w in self.a.lower[nxt.start:min(nxt.end, nxt.start + 8)]
                 if w[:1].isalpha()][:4]
        return bool(words) and (words[0] in _AFFIRMATIVE or "yes" in words[:3])

    def _excluded(self, m: RawMatch) -> bool:
        """A cue shortly after ``not_after`` words ("our clinics offer", "our three clinics
        offer", "we have two clinics that offer": the writer's own) or right before
        ``not_before`` words. The look back stops at punctuation and at the words that open
        what a warning is about ("be wary of our rivals: clinics that promise ...")."""
        group, lower = self._group(m), self.a.lower
        if group.not_in_voice:
            first = self.a.sentences[self._sentence_of[m.start]].start
            if not _OWN_VOICE.isdisjoint(lower[first:m.start]):
                return True
        if group.not_after:
            for t in range(m.start - 1, max(-1, m.start - 1 - _OWNER_REACH), -1):
                if lower[t] in group.not_after:
                    return True
                if lower[t] in _OBJECT_OPENERS or not lower[t][:1].isalnum():
                    break
        return m.end < len(lower) and lower[m.end] in group.not_before

    def _group(self, m: RawMatch) -> CueGroup:
        return self.table.group(m.key)

    def judge(self, start: int, end: int, *, cues_inside: bool = False) -> Judgement:
        """The context of the words at token range [start, end).

        A rule's match owns the cues inside it ("no side effects" is the claim, not a denial);
        with ``cues_inside`` they judge it too (a model's evidence: "may help" is hedged).
        """
        judgement = self._judge(start, end, cues_inside)
        if judgement.context is Context.ASSERTED:
            sentence = self.a.sentences[self.a.assertion_at(start).sentence]
            if sentence.kind == "heading":
                return Judgement(Context.HEADING, "")
            if sentence.kind == "reference":
                return Judgement(Context.REFERENCE, "")
        return judgement

    def judge_spans(self, spans: list[tuple[int, int]]) -> Judgement:
        """The most cautious context of the pieces of a model's evidence: one warned against,
        reported or denied piece makes the whole claim not counted."""
        index = self._sentence_of.get(spans[0][0])
        if index is not None and self._plain(index) \
                and all(self._sentence_of.get(s) == index for s, _ in spans):
            return self.judge(*spans[0], cues_inside=True)  # every piece would say the same
        judgements = [self.judge(s, e, cues_inside=True) for s, e in dict.fromkeys(spans)]
        # a denial must cover the claim itself (the first span): "what doctors at home are not
        # allowed to" negates one word of evidence, not the claim it supports
        main = judgements[0]
        others = [j for j in judgements[1:] if j.context is not Context.NEGATED]
        return min([main, *others], key=lambda j: _CAUTION.get(j.context, len(_CAUTION)))

    def _plain(self, index: int) -> bool:
        """Does nothing in sentence ``index`` bear on the context of its words: no cue, no
        short quotation, not a question that stays open, no parse to read? Then every match
        in it is judged by the sentence's kind alone (asserted, a heading, a reference)."""
        sentence = self.a.sentences[index]
        return (not self._cues.get(index) and not self._parsed
                and (sentence.kind != "question" or index in self._rhetorical)
                and not self._quotations(sentence.start, sentence.end))

    def _judge(self, start: int, end: int, cues_inside: bool = False) -> Judgement:
        index = self._sentence_of.get(start)
        if index is None:
            return Judgement(Context.ASSERTED, "")
        sentence = self.a.sentences[index]
        found: dict[Context, str] = {}
        cues = self._cues.get(index, ())
        # "no side effects" carries its own negation: an earlier "no" does not flip it back,
        # though a refutation ("it is not true that ...") still denies it
        self_negated = not _OWN_NEGATION.isdisjoint(self.a.lemmas[start:end])
        for cue in cues:
            inside = cue.start < end and start < cue.end
            if inside and not cues_inside:
                continue  # a cue inside the match is part of what is claimed
            group = self._group(cue)
            if group.type == "negated" and self_negated and not group.refutes \
                    and not self._denies(cue, start, sentence.start):
                continue
            if inside or self._covers(group, cue, start, end, sentence):
                found.setdefault(Context(group.type), self._text(cue.start, cue.end))
        denial = self._finding_denied(start, end, sentence)
        if denial:
            found.setdefault(Context.NEGATED, denial)
        quoted = self._in_quotes(start, end, sentence)
        if quoted:
            found.setdefault(Context.QUOTED, quoted)
        if not found and self._parsed:
            parsed = _from_parse(self.a.doc, start, end, self_negated)
            if parsed:
                found[parsed.context] = parsed.cue
        if sentence.kind == "question" and index not in self._rhetorical:
            found.setdefault(Context.QUESTION, QUESTION_MARK)
        for kind in PRIORITY:
            if kind in found:
                return Judgement(kind, found[kind])
        return Judgement(Context.ASSERTED, "")

    def _finding_denied(self, start: int, end: int, sentence) -> str:  # type: ignore[no-untyped-def]
        """If [start, end) ends a reporting frame ("randomised trials found that") and the
        finding it reports denies a result ("... did not increase live births"), the words
        that deny it; else ""."""
        lower = self.a.lower
        if lower[end - 1] != "that" or _REPORTING.isdisjoint(self.a.lemmas[start:end]):
            return ""
        for t in range(end, min(sentence.end, end + _FINDING_REACH)):
            word = lower[t]
            if word in _FINDING_ENDS or self.a.lemmas[t] in self.table.terminators:
                return ""
            after = lower[t + 1] if t + 1 < len(lower) else ""
            if (word in _RESULT_DENIALS and after not in _NOT_DENIALS_AFTER) \
                    or (word == "no" and after in _NO_RESULT) \
                    or (word in ("fail", "fails", "failed") and after == "to"):
                return self._text(t, t + 1 if word in _RESULT_DENIALS else t + 2)
        return ""

    def _denies(self, cue: RawMatch, start: int, first: int) -> bool:
        """Is a verb's negation aimed straight at a claim that holds its own ("is not free of
        side effects", "doesn't make it risk-free")? Not a list's earlier item ("no needles,
        no side effects", "no downtime and no pain"), nor advice ("don't settle for ...");
        ``first``: the sentence's first token."""
        lower = self.a.lower
        if lower[cue.end - 1] not in _VERB_NEGATIONS or not 0 <= start - cue.end <= _DENIAL_REACH:
            return False
        # "Don't accept 'nothing can be done'", "Never settle for ...": advice, not a denial
        if cue.start == first or (cue.start == first + 1 and lower[first] == "do"):
            return False
        return all(lower[t] not in _LIST_BREAKS for t in range(cue.end, start))

    def _covers(self, group: CueGroup, cue: RawMatch, start: int, end: int, sentence) -> bool:  # type: ignore[no-untyped-def]
        if group.scope == "clause":
            clause = self.a.assertion_at(cue.start)
            lo, hi = clause.start, clause.end
        else:
            lo, hi = sentence.start, sentence.end
        lemmas, terms = self.a.lemmas, self.table.terminators
        if group.direction == "forward":
            if start < cue.end:
                return False
            limit = min(hi, cue.end + group.window)
            # a warning or a report ends where the writer's own voice begins: "unlike the
            # quacks down the road, our stem cells cure arthritis" warns against others and
            # claims for itself; "many patients say our stem cells cured them" and "according
            # to our patients, ..." are the writer's claims in others' mouths
            voice = _WRITER_VOICE if group.type in ("warning", "quoted") else ()
            for t in range(cue.end, min(start + 1, limit)):
                if lemmas[t] in terms or (group.scope == "clause" and self._new_clause(t)) \
                        or self.a.lower[t] in voice:
                    return False
            return start < limit
        if end > cue.start:
            return False
        limit = max(lo, cue.start - group.window)
        for t in range(end, cue.start):
            if lemmas[t] in terms:
                return False
        return start >= limit

    def _new_clause(self, t: int) -> bool:
        """Does a new clause start at token t ("... and the results vary", ", classifying")?"""
        lower = self.a.lower
        if t + 1 >= len(lower):
            return False
        word, nxt = lower[t], lower[t + 1]
        if word in ("and", "or"):
            return nxt in _CLAUSE_STARTERS
        return word == "," and (nxt in ("which", "who") or (nxt.endswith("ing") and
                                                              len(nxt) > 5))

    def _in_quotes(self, start: int, end: int, sentence) -> str:  # type: ignore[no-untyped-def]
        """The quoted words around a match, when they are a short quotation inside a sentence."""
        for open_at, close_at in self._quotations(sentence.start, sentence.end):
            if open_at < start and end <= close_at:
                return self._text(open_at, close_at + 1)
        return ""

    def _quotations(self, first: int, last: int) -> list[tuple[int, int]]:
        """The short quotations inside sentence [first, last): (opening, closing) quote mark
        tokens, worked out once per sentence."""
        found = self._quoted.get(first)
        if found is not None:
            return found
        lower, found, open_at, single = self.a.lower, [], None, False
        for t in range(first, last):
            word = lower[t]
            if open_at is None:
                single = word in _SINGLE_OPEN and self._opens(t)
                if single or word in _QUOTES_OPEN or word in _QUOTES_BOTH:
                    open_at = t
            elif (word in _SINGLE_CLOSE and self._closes(t)) if single else \
                    (word in _QUOTES_CLOSE or word in _QUOTES_BOTH):
                short = t - open_at - 1 <= _SCARE_QUOTE_MAX
                whole = open_at == first and t >= last - 2
                own = single and not (_ADDRESS.isdisjoint(lower[first:open_at])
                                      and _ADDRESS.isdisjoint(lower[t + 1:last]))
                if short and not whole and not own and not self._testimony(first, open_at):
                    found.append((open_at, t))
                open_at = None
        self._quoted[first] = found
        return found

    def _opens(self, t: int) -> bool:
        """Is single-quote token ``t`` an opening quote mark, not an apostrophe?"""
        text, at, end = self.a.text, self.a.starts[t], self.a.ends[t]
        before = text[at - 1] if at else " "
        return (before.isspace() or before in _BEFORE_OPENING) and end < len(text) \
            and text[end].isalnum()

    def _closes(self, t: int) -> bool:
        """Is single-quote token ``t`` a closing quote mark, right after a word?"""
        text, at, end = self.a.text, self.a.starts[t], self.a.ends[t]
        return at > 0 and not text[at - 1].isspace() and (
            end >= len(text) or text[end].isspace() or text[end] in _AFTER_CLOSING)

    def _testimony(self, first: int, open_at: int) -> bool:
        """Do the words before a quotation, in its sentence, have a patient say it?"""
        before = set(self.a.lemmas[first:open_at])
        return not before.isdisjoint(_TESTIFIERS) and not before.isdisjoint(_TESTIMONY_VERBS)

    def _text(self, start: int, end: int) -> str:
        return self.a.text[self.a.starts[start]: self.a.ends[end - 1]]


#: nouns for someone other than the writer, and verbs for making a claim (parse path)
_THIRD_PARTIES = {
    "clinic", "provider", "business", "company", "practitioner", "center", "centre",
    "website", "site", "ad", "advertisement", "marketer", "seller", "promoter", "operator",
    "defendant", "chiropractor", "firm",
}
_CLAIM_VERBS = {
    "promise", "claim", "offer", "advertise", "tout", "sell", "market", "guarantee", "peddle",
    "purport", "pitch", "boast", "allege", "say", "tell", "assert",
}


def _from_parse(doc, start: int, end: int, self_negated: bool) -> Judgement | None:  # type: ignore[no-untyped-def]
    """With a dependency parse: a negated governing verb, or a claim verb whose subject or
    relative-clause head is a third party ("clinics that promise X", "clinics promise X")."""
    head = doc[start:end].root
    for token in [head, *head.ancestors]:
        if token.pos_ in ("VERB", "AUX") or token.dep_ == "ROOT":
            negs = [c for c in token.children if c.dep_ == "neg"
                    and not start <= c.i < end]
            if negs and not self_negated:
                return Judgement(Context.NEGATED, negs[0].text)
            if token.lemma_.lower() in _CLAIM_VERBS:
                if token.dep_ == "relcl" and token.head.lemma_.lower() in _THIRD_PARTIES:
                    return Judgement(Context.WARNING, f"{token.head.text} … {token.text}")
                subjects = [c for c in token.children if c.dep_ == "nsubj"]
                if any(c.lemma_.lower() in _THIRD_PARTIES and c.tag_ in ("NNS", "NNPS")
                       and not any(d.lower_ in ("our", "my") for d in c.children)
                       for c in subjects):
                    return Judgement(Context.QUOTED, f"{subjects[0].text} {token.text}")
        if token.dep_ in ("ROOT", "conj"):
            break  # a coordinated verb has its own claim: "are advertised ... but provide X"
    return None
