"""Who is claiming what, on sentences of our own: marketing claims must count, careful or
critical sentences that mention the same words must not. A regression guard for the context
cues and the breadth of the rules (the labelled corpus that measures accuracy stays outside
the project; these sentences were written for the project)."""

from __future__ import annotations

import pytest

CLAIMS = [
    'Our regenerative injections eliminate joint pain permanently.',
    'Thousands of patients have already regained their mobility at our center.',
    'Stem cells naturally seek out damaged tissue and rebuild it.',
    'This breakthrough therapy is completely safe and has no downtime.',
    'Unlike surgery, our treatment fixes the underlying cause of your pain.',
    'Our stem cell treatment is FDA approved and covered by a 100% satisfaction guarantee.',
    'Join our patient-funded clinical study for just $5,000.',
    "Stem cells can help treat autism, Parkinson's, diabetes, COPD and heart disease.",
    "Could stem cells be the answer you've been looking for? Call today for a free consultation.",
    'Studies show our protocol works for over 90% of patients.',
    'Patients typically experience dramatic improvement within weeks.',
    'Our cells go straight to the site of injury.',
    "We've helped over 2,000 patients avoid knee replacement.",
    'This is the future of medicine.',
    "There's no need for risky surgery or addictive painkillers.",
    'Stem cell therapy can restore function to damaged nerves.',
    'Results are permanent.',
    ("Our treatments are performed in Mexico, where regulations allow advanced therapies "
     "not available in the US."),
    'Most patients report feeling better after one session.',
    'Say goodbye to pain for good.',
    'Exosomes carry healing signals to every cell in your body.',
    'Our doctors have seen remarkable results in patients with ALS.',
    'Reclaim your life without drugs or surgery.',
    'The procedure is virtually painless and risk free.',
    'Stem cells reduce inflammation and rebuild damaged joints naturally.',
    'Call now to reserve your spot at our free seminar.',
    'Our amniotic injections have been proven to regenerate worn cartilage.',
    'Clinical research confirms that stem cells heal damaged spinal discs.',
    'Over 85% of our patients report significant pain reduction.',
    'Nine out of ten patients would recommend us to a friend.',
    "Stem cells are the body's natural repair kit, replacing old cells with new healthy ones.",
    'Mesenchymal cells cross the blood-brain barrier to repair neurons.',
    'Our lab is registered with the FDA and follows strict cGMP standards.',
    'Our protocol is IRB-approved, so you can be confident it is safe.',
    'Stem cell therapy is legal and you have the right to use your own cells.',
    'Umbilical cord cells never cause rejection.',
    'Our treatment offers hope where traditional medicine has failed.',
    'Conventional medicine only treats symptoms; we treat the cause.',
    'Painkillers just mask the problem.',
    'Pro athletes and celebrities trust our clinic.',
    'Watch the video of Jane walking again after her treatment.',
    'We treat lupus, MS, autism, heart failure and erectile dysfunction.',
    'Anyone can be a candidate for stem cell therapy.',
    'Limited time offer: 20% off your first treatment.',
    'Our chiropractors are trained to administer stem cell injections.',
    'Experience the healing power of young stem cells.',
    'This revolutionary therapy turns back the clock on aging.',
    'Exosomes rejuvenate tired skin cells and restore youthful function.',
    'Stem cell treatment helps patients with COPD breathe easier.',
    'The treatment works by regenerating lung tissue.',
    'Our success rate speaks for itself.',
]

MENTIONS = [
    'There is no evidence that stem cells can regenerate cartilage in arthritic knees.',
    'Some clinics claim their injections regrow cartilage, but there is no good evidence for it.',
    'Patients should be skeptical of claims that stem cells can cure autism.',
    'The FTC said the company falsely claimed its treatment could cure COVID-19.',
    'Is stem cell therapy a cure for multiple sclerosis?',
    'Stem cell therapy may help with knee pain, but more research is needed.',
    'Regulators have warned that unapproved stem cell products can cause blindness and infections.',
    "The advertisements promised a miracle cure for Parkinson's disease, according to the lawsuit.",
    'We found that 40% of clinic websites made claims of guaranteed results.',
    'Beware of any provider who says there are no risks.',
    'Researchers are studying whether mesenchymal cells might one day repair damaged heart tissue.',
    'No stem cell product has been approved to treat autism.',
    'Many websites described the procedure as painless and risk-free, which is misleading.',
    'Claims that stem cells can reverse aging are not supported by evidence.',
    'In the study, cells injected into mice differentiated into bone.',
    "The company told consumers that its stem cell injections could treat Parkinson's disease.",
    'Marketers often say the cells are a natural way to heal, a claim experts dispute.',
    'According to the complaint, the clinic advertised a 90 percent success rate.',
    'The FDA has not approved any stem cell treatment for knee osteoarthritis.',
    'Do not believe websites that promise stem cells will reverse your disease.',
    'A warning sign is a clinic that offers the same cells for many unrelated conditions.',
    'Some providers charge patients thousands of dollars to take part in so-called studies.',
    'What evidence is there that the treatment works for my condition?',
    'Ask whether the study is registered and whether you will be charged to take part.',
    'Testimonials are not a substitute for clinical trials.',
    'There is currently no cure for fibromyalgia, and treatment focuses on managing symptoms.',
    'While stem cells hold promise, most uses remain experimental.',
    'The researchers cautioned that the results may not apply to people.',
    'Headlines that call each new study a breakthrough do patients a disservice.',
    'Experts say there is no proof that the injections repair damaged nerves.',
    'Unapproved clinics falsely advertise that their products are safe and effective.',
    'Early trials suggest possible benefits, but the evidence is weak.',
    'The agency said the products had not been shown to be safe or effective.',
    'Researchers hope that one day stem cells might help paralysed people walk again.',
    ("Unlike the treatments sold at clinics, approved bone marrow transplants are backed by "
     "decades of trials."),
    ("A clinic in Mexico may say its treatment is not available in the US because of "
     "regulations, which should make you cautious."),
    'Patients with COPD often hope to breathe easier, and pulmonary rehabilitation can help.',
    'Physical therapy and weight loss remain the first treatments for knee arthritis.',
    'Exosome products are not approved by the FDA for any use.',
    'Nobody can promise that stem cells will regenerate lung tissue.',
    'The lawsuit says the clinic told patients the injections were risk free.',
    'Patients deserve to know the success rate of a treatment before paying for it.',
    'Ask the clinic how many patients it has treated and what happened to them.',
    'Testimonials from happy patients are not evidence that a treatment works.',
    'If a provider claims a 90% success rate, ask to see the published data.',
    'The study found no difference between the stem cell group and the placebo group.',
    'Side effects can include infection, pain at the injection site and, rarely, tumours.',
]


@pytest.mark.parametrize("text", CLAIMS)
def test_a_marketing_claim_counts(checker, text):
    report = checker.check_text(text)
    assert any(f.counted for f in report.findings), [(f.rule, f.context) for f in report.findings]


@pytest.mark.parametrize("text", MENTIONS)
def test_a_careful_or_critical_sentence_does_not(checker, text):
    report = checker.check_text(text)
    counted = [(f.rule, f.context, f.match) for f in report.findings if f.counted]
    assert not counted


#: claims in our own words that no phrase rule covers: the claim classifier must find them
UNCOVERED = [
    "Our IV drips flush out the toxins that leave you tired and foggy.",
    "Most of our clients leave their very first session completely pain-free.",
    "Men who start our protocol get the drive and stamina of their twenties back.",
    "Our patients walk out of the clinic without their walking sticks.",
    "Get back to the life you love, without another round of painkillers.",
    "Our ozone infusions clear hidden infections that your GP never tests for.",
    "The peptide signals your tendons to rebuild themselves in weeks.",
    "Weekly NAD+ drips turn back your biological clock.",
    "Our doctors are trained in Europe in methods that are not yet allowed here.",
    "Your adjustments restore the nerve flow that your organs need to heal.",
    "Nine out of ten of our members sleep through the night within a fortnight.",
]
#: the same ideas, denied, warned against, reported, asked, hypothetical or accurate
UNCOVERED_MENTIONS = [
    "There is no good evidence that IV drips flush out toxins or lift brain fog.",
    "Be wary of any clinic that promises you will leave your first session pain-free.",
    ("The company told investors that its chambers lift brain fog for good, but no trial has "
     "shown it."),
    "Ask the clinic whether its patients really get the stamina of their twenties back.",
    "If a clinic says its infusions clear hidden infections, ask which test shows that.",
    "Testosterone therapy is approved for men with low levels caused by a medical condition.",
    ("Some small studies suggest peptides may help tendons heal in animals; no human trials "
     "exist."),
]


@pytest.mark.parametrize("text", UNCOVERED)
def test_a_claim_no_rule_covers_is_found_by_the_classifier(checker, rules_checker, text):
    assert not any(f.counted for f in rules_checker.check_text(text).findings)
    found = [f for f in checker.check_text(text).findings if f.counted]
    assert found and any(f.detector == "model" for f in found)


@pytest.mark.parametrize("text", UNCOVERED_MENTIONS)
def test_the_classifier_does_not_count_mentions(checker, text):
    counted = [(f.rule, f.context) for f in checker.check_text(text).findings if f.counted]
    assert not counted
