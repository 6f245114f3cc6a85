"""The app shell: a broken knowledge file is shown on the page (file, entry, field), not as
Streamlit's redacted error."""

from __future__ import annotations

import functools
import shutil
from pathlib import Path

import pytest
import yaml
from streamlit.testing.v1 import AppTest

import knowledge
from dashboard.common import page, words

APP = Path(__file__).resolve().parents[2] / "streamlit_app.py"
DATA = Path(knowledge.__file__).parent / "data"


@pytest.fixture
def broken_knowledge(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> knowledge.KnowledgeFileError:
    """The knowledge with an unknown field in the first source (sources.yaml is read first), loaded
    by the app in place of the real one; returns the error the loader raises for it."""
    data = tmp_path / "data"
    shutil.copytree(DATA, data)
    raw = yaml.safe_load((data / "sources.yaml").read_text(encoding="utf-8"))
    raw["sources"][0]["colour"] = "red"
    (data / "sources.yaml").write_text(yaml.safe_dump(raw, sort_keys=False, allow_unicode=True), encoding="utf-8")
    with pytest.raises(knowledge.KnowledgeFileError) as caught:
        knowledge.load_knowledge(data)
    # The loader takes a data directory but reads no setting for it, so the app's one call to it
    # is pointed at the broken copy (knowledge/ itself is not changed for a test).
    monkeypatch.setattr(knowledge, "load_knowledge", functools.partial(knowledge.load_knowledge, data))
    page.knowledge_base.clear()  # the cache is per process: AppTest runs the script in this one
    yield caught.value
    page.knowledge_base.clear()


@pytest.mark.parametrize("params", [{}, {"page": "sources"}, {"page": "teach"}], ids=["bedside", "sources", "teach"])
def test_a_broken_knowledge_file_is_named_on_the_page(broken_knowledge: knowledge.KnowledgeFileError, params: dict[str, str]) -> None:
    """Every page shows the loader's message (file, entry, field) in an error box and stops; no exception escapes."""
    at = AppTest.from_file(str(APP), default_timeout=30)
    for name, value in params.items():
        at.query_params[name] = value
    at.run()
    assert not at.exception
    assert len(at.error) == 1
    shown = at.error[0].value.replace("\\", "")  # the message is markdown-escaped on the page
    assert words.DATA_BROKEN in shown
    err = broken_knowledge
    assert (err.file, err.entry, err.field) == ("sources.yaml", err.entry, "colour")
    assert str(err) in shown
