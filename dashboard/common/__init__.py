"""What two or more pages share: theme, words, the ranking chart, the assessment's HTML, the case
in the URL, the cached knowledge. Nothing here imports a page folder (tests/dashboard/test_layout.py)."""
