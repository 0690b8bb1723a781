"""The README's layout and docs/architecture.md's layer diagram keep up with the tree."""

import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
APP = ROOT / "app"


def _parts_of_app() -> list[str]:
    """app's top-level packages and modules, as `app.<name>`."""
    names = [p.stem for p in APP.glob("*.py") if p.name != "__init__.py"]
    names += [p.name for p in APP.iterdir() if (p / "__init__.py").is_file()]
    return sorted(f"app.{name}" for name in names)


def _layers() -> list[list[str]]:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]
    (layers,) = [c["layers"] for c in config["contracts"] if c["type"] == "layers"]
    return [[name.strip() for name in layer.split(":")] for layer in layers]


def test_every_part_of_app_is_in_a_layer():
    in_layers = {name for layer in _layers() for name in layer}
    assert sorted(set(_parts_of_app()) - in_layers) == []
    assert sorted(in_layers - set(_parts_of_app())) == []


def test_the_architecture_diagram_names_each_layer_as_the_contract_does():
    page = (ROOT / "docs" / "architecture.md").read_text()
    section = page[page.index("## The import direction") :]
    diagram = section[section.index("```") + 3 : section.index("```", section.index("```") + 3)]
    # One row of the diagram per layer, top first; a row may run onto indented lines.
    rows = re.split(r"\n(?=\S)", diagram.strip())
    assert len(rows) == len(_layers())
    for row, layer in zip(rows, _layers(), strict=True):
        words = set(re.findall(r"[a-z_]+(?:\.[a-z_]+)?", row))
        for name in layer:
            assert name in words or name.removeprefix("app.") in words, (name, row)


def test_the_readme_layout_lists_every_package_and_module():
    readme = (ROOT / "README.md").read_text()
    layout = readme[readme.index("## Layout") : readme.index("\n## ", readme.index("## Layout"))]
    listed = set(re.findall(r"[\w<>]+/?(?:\.py)?", layout))
    wanted = [p.name + "/" if p.is_dir() else p.name for p in APP.iterdir()]
    wanted += [p.name for p in (APP / "entries").glob("*.py") if p.name != "__init__.py"]
    missing = [name for name in wanted if name != "__pycache__/" and name not in listed]
    assert missing == []
