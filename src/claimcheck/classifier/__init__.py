"""The claim classifier: a second detector beside the rules, trained on our own corpus.

``features`` turns a sentence into lemma n-grams, ``model`` scores them (a linear model per
red-flag class, shipped as ``data/claim_model.npz``), ``detector`` turns scores above each
class's threshold into candidates for the context judge, ``classes`` says what each class means
to a reader, ``corpus`` reads and checks ``training/corpus`` and ``train`` rebuilds the model.
"""

#: the shipped model, inside the package
MODEL_FILE = "data/claim_model.npz"
