"""The knowledge and sources page: every number, rule and step the navigator uses, with its source."""
