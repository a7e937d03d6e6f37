"""Write training/corpus/references.jsonl: the lines around an article that claim nothing.

Reference lists, source lines, bylines, dates, copyright footers and links stand on real pages
as sentences of their own, and a classifier that never saw one reads "J Example Med." or
"U.S. Food and Drug Administration." as a claim. Their shape is regular by nature, so they are
generated (seeded, reproducible) from invented authors and titles and real journal names,
rather than written one by one. Every line is a negative (``plain``); references carry
GF-CITE.

    python training/make_references.py        # rewrites the file; then retrain
"""

from __future__ import annotations

import json
import random
from pathlib import Path

OUT = Path(__file__).resolve().parent / "corpus" / "references.jsonl"
SURNAMES = ("Okafor Lindqvist Moreau Haddad Tanaka Brennan Kowalski Osei Varga Delacroix "
            "Ferreira Nakamura Abernathy Quist Sandoval Petrakis Ibarra Whitcombe Halvorsen "
            "Mbeki Castellano Duarte Rinaldi Vos Achterberg Kaur Szabo Oyelaran Lindgren "
            "Ruiz").split()
TOPICS = (
    "platelet-rich plasma injections for knee osteoarthritis", "mesenchymal stromal cells in "
    "multiple sclerosis", "intravenous vitamin infusions and fatigue", "hyperbaric oxygen in "
    "children with autism", "ozone therapy for lumbar disc herniation", "ketamine infusions "
    "for treatment-resistant depression", "testosterone therapy in older men", "chelation "
    "therapy after myocardial infarction", "shockwave therapy for erectile dysfunction",
    "exosome products and adverse events", "acupuncture as an adjunct to IVF", "NAD+ precursors "
    "and muscle function", "direct-to-consumer stem cell clinics", "marketing claims of "
    "regenerative medicine providers", "compounded semaglutide dispensing errors",
    "chiropractic care for infant colic", "long-term antibiotics for persistent Lyme symptoms",
    "mistletoe extract in cancer care", "red light therapy for skin ageing", "neurofeedback "
    "for attention deficit disorder")
KINDS = ("a randomised controlled trial", "a systematic review and meta-analysis", "a pilot "
         "study", "a case series", "a cohort study", "a narrative review", "a survey of clinic "
         "websites", "a cross-sectional study")
JOURNALS = ("JAMA", "BMJ", "Lancet", "N Engl J Med", "BMJ Open", "PLoS One", "Stem Cell Reports",
            "Regen Med", "J Clin Med", "Arthritis Rheumatol", "Am J Sports Med", "Cochrane "
            "Database Syst Rev", "Ann Intern Med", "J Urol", "Pediatrics", "Cell Stem Cell")
KIND_OF = ("acupuncture alt-cancer anti-aging brain-clinics chelation-detox chiropractic "
           "exosomes fertility-addons hormone-pellets hyperbaric-oxygen iv-drips ketamine lyme "
           "nad ozone peptides prp shockwave stem-cells testosterone "
           "weight-loss-injections").split()
SITES = ("www.example-health.org", "www.regulator.example.gov", "clinic.example.com",
         "www.university-hospital.example.edu", "news.example.net")


def _authors(rng: random.Random) -> str:
    names = rng.sample(SURNAMES, rng.randint(1, 4))
    parts = [f"{n} {rng.choice('ABCDEFGHJKLMNPRSTW')}{rng.choice(['', 'J', 'M', 'R'])}"
             for n in names]
    return ", ".join(parts) + (", et al." if rng.random() < 0.4 else ".")


def _reference(rng: random.Random, n: int) -> str:
    topic, kind = rng.choice(TOPICS), rng.choice(KINDS)
    title = f"{topic[0].upper()}{topic[1:]}: {kind}"
    year, vol, issue = rng.randint(1998, 2025), rng.randint(3, 400), rng.randint(1, 12)
    first = rng.randint(1, 2900)
    pages = f"{first}-{first + rng.randint(3, 14)}"
    journal = rng.choice(JOURNALS)
    style = rng.randrange(5)
    if style == 0:
        return f"{n}. {_authors(rng)} {title}. {journal}. {year};{vol}({issue}):{pages}."
    if style == 1:
        doi = f"10.{rng.randint(1000, 9999)}/{rng.choice('abcdefghjk')}{rng.randint(1000, 99999)}"
        return f"{_authors(rng)} ({year}). {title}. {journal}, {vol}, {pages}. doi:{doi}"
    if style == 2:
        pmid = rng.randint(10**7, 4 * 10**7)
        return f"[{n}] {title}. {journal} {year}; {vol}: {pages}. PMID: {pmid}"
    if style == 3:
        month = rng.choice(["Jan", "Mar", "Jun", "Sep", "Nov"])
        return f"{_authors(rng)} {journal}. {year} {month};{vol}:{pages}."
    return f"{journal} {year}; {vol}."


AGENCIES = ("U.S. Food and Drug Administration", "Federal Trade Commission",
            "National Institutes of Health", "Therapeutic Goods Administration", "Health Canada")
LIBRARIES = ("ClinicalTrials.gov", "PubMed", "MedlinePlus", "Europe PMC")
OWNERS = ("Harbor", "Summit", "Riverside", "Northgate")
FIRMS = ("Health", "Clinic", "Wellness Group", "Medical Centre")
FIRST_NAMES = ("Dana", "Imre", "Priya", "Tomás", "Grace", "Felix")
PAPERS = ("the Herald", "the Ledger", "Health Weekly")


def _furniture(rng: random.Random) -> tuple[str, str]:
    site, year = rng.choice(SITES), rng.randint(2015, 2026)
    month, day = rng.choice("January March May July September November".split()), rng.randint(1, 28)
    who = f"{rng.choice(FIRST_NAMES)} {rng.choice(SURNAMES)}"
    number = rng.randint(10, 999)
    options = [
        (f"Source: {rng.choice(AGENCIES)}.", "regulator"),
        (f"Retrieved {day} {month} {year} from https://{site}/articles/{number}", "academic"),
        (f"By {who} | {month} {day}, {year}", "news"),
        (f"Last reviewed: {day} {month} {year}", "hospital"),
        (f"© {year} {rng.choice(OWNERS)} {rng.choice(FIRMS)}. All rights reserved.", "about-us"),
        (f"Read the full guidance at https://{site}/guidance/{number}.", "consumer-guide"),
        (f"{rng.choice(LIBRARIES)}, U.S. National Library of Medicine. https://{site}",
         "academic"),
        (f"Photo: {who} for {rng.choice(PAPERS)}", "news"),
        (f"This article was updated on {month} {day}, {year}.", "news"),
        ("References", "academic"),
        ("Further reading", "consumer-guide"),
        (f"Page {rng.randint(2, 40)} of {rng.randint(41, 90)}", "brochure"),
    ]
    return rng.choice(options)


def rows(n_refs: int = 220, n_other: int = 120, seed: int = 7) -> list[dict]:
    """The generated lines, unique and in a stable order."""
    rng = random.Random(seed)
    out, seen = [], set()
    while len(out) < n_refs:
        text = _reference(rng, len(out) % 40 + 1)
        if text not in seen:
            seen.add(text)
            out.append({"text": text, "labels": [], "kind": rng.choice(KIND_OF),
                        "voice": "academic", "context": "plain", "green": ["GF-CITE"]})
    while len(out) < n_refs + n_other:
        text, voice = _furniture(rng)
        if text not in seen:
            seen.add(text)
            out.append({"text": text, "labels": [], "kind": rng.choice(KIND_OF),
                        "voice": voice, "context": "plain"})
    return out


def main() -> None:
    OUT.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows()),
                   encoding="utf-8")
    print(f"wrote {OUT} ({len(rows())} lines)")


if __name__ == "__main__":
    main()
