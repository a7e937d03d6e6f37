"""Scoring: what the page leaves out (``disclosures``) and the 0-100 arithmetic (``scoring``)."""
