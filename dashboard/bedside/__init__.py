"""The bedside page: findings in, triage, red flags, ranking, workup, why and the case summary out."""
