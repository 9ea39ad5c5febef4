"""The documents a reader follows: links stay inside the repository (or are web
addresses), the references are public, and CITATION.cff matches the package."""

import re
from pathlib import Path

import pytest
import yaml

import rsparity

REPO = Path(__file__).resolve().parents[1]
DOCUMENTS = ["README.md", "ARCHITECTURE.md", "config/README.md"]
LINK = re.compile(r"\]\(([^)\s]+)(?:\s+\"[^\"]*\")?\)|<([a-z]+://[^>\s]+)>")


def links(text: str) -> list[str]:
    """Targets of Markdown links, images and <autolinks> in ``text``."""
    return [m.group(1) or m.group(2) for m in LINK.finditer(text)]


def outside(target: str, document: Path, root: Path = REPO) -> bool:
    """A relative link that leaves ``root`` or names nothing in it (web links and
    in-page anchors are fine)."""
    if re.match(r"[a-z]+://|mailto:|#", target):
        return False
    path = (document.parent / target.split("#")[0]).resolve()
    return not path.is_relative_to(root.resolve()) or not path.exists()


def test_the_link_check_catches_a_path_beside_the_checkout(tmp_path):
    (tmp_path / "repo").mkdir()
    doc = tmp_path / "repo" / "README.md"
    (tmp_path / "repo" / "here.txt").write_text("x")
    (tmp_path / "shared.txt").write_text("exists, but not in the repository")
    text = "[a](here.txt) [b](../shared.txt) ![c](missing.png) <https://example.org> [d](#top)"
    expected = ["here.txt", "../shared.txt", "missing.png", "https://example.org", "#top"]
    assert links(text) == expected
    bad = [t for t in links(text) if outside(t, doc, tmp_path / "repo")]
    assert bad == ["../shared.txt", "missing.png"]


@pytest.mark.parametrize("name", DOCUMENTS)
def test_documents_link_only_inside_the_repository(name):
    document = REPO / name
    targets = links(document.read_text())
    assert targets or name != "README.md"
    assert [t for t in targets if outside(t, document)] == []


def test_readme_cites_public_sources():
    text = (REPO / "README.md").read_text()
    refs = text[text.index("## References") :]
    assert "https://github.com/npow/schmidhuber-problems/tree/HEAD/rs-parity" in refs
    for cited in ("Hochreiter", "Bengio", "Long Short-Term Memory", "1994", "CITATION.cff"):
        assert cited in refs, cited
    for private in ("shared/reference", "seed-protocol.md", "paper-protocol.md"):
        assert private not in text, private


def test_citation_file_matches_the_package():
    cff = yaml.safe_load((REPO / "CITATION.cff").read_text())
    assert cff["cff-version"] == "1.2.0"
    assert cff["version"] == rsparity.__version__
    assert cff["title"] and cff["message"] and cff["authors"]
    assert {r["doi"] for r in cff["references"] if "doi" in r} >= {
        "10.1162/neco.1997.9.8.1735",
        "10.1109/72.279181",
    }


def test_the_code_names_public_sources_not_notes_beside_the_checkout():
    shipped = [*REPO.glob("rsparity/**/*.py"), *REPO.glob("workflow/**/*"), *REPO.glob("config/*")]
    for path in (p for p in shipped if p.is_file()):
        text = path.read_text(errors="replace")
        for private in ("shared/reference", "seed-protocol.md", "paper-protocol.md"):
            assert private not in text, f"{path.relative_to(REPO)} names {private}"
