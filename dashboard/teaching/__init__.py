"""The teaching page: the case library (from `casebook`), a case in student view, its answer, the class link."""
