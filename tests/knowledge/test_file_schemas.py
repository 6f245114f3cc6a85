"""The committed JSON schemas of the knowledge files are the ones the models generate, and every data
file fits its schema's model (so the editor help and the loader agree)."""

from __future__ import annotations

import pytest
import yaml
from pydantic import ValidationError

from knowledge.file_schemas import SCHEMA_DIR, _file_models, schemas
from knowledge.loader import DATA_DIR


def test_committed_schemas_are_current():
    """If this fails, run `make knowledge-schemas` and commit the result."""
    for name, text in schemas().items():
        path = SCHEMA_DIR / name
        assert path.exists(), f"{name} is missing: run make knowledge-schemas"
        assert path.read_text(encoding="utf-8") == text, f"{name} is out of date: run make knowledge-schemas"
    assert {p.name for p in SCHEMA_DIR.glob("*.schema.json")} == set(schemas())


@pytest.mark.parametrize("name", sorted(_file_models()))
def test_each_data_file_fits_its_file_model(name):
    data = yaml.safe_load((DATA_DIR / f"{name}.yaml").read_text(encoding="utf-8"))
    _file_models()[name].model_validate(data)


def test_the_file_model_refuses_an_unknown_top_level_key():
    data = yaml.safe_load((DATA_DIR / "red_flags.yaml").read_text(encoding="utf-8"))
    data["rulez"] = []
    with pytest.raises(ValidationError):
        _file_models()["red_flags"].model_validate(data)
