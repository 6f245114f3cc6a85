"""The validation corpus: published cases (and textbook controls) the engine is scored on."""
