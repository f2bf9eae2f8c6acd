"""Sphinx configuration of the tsad_fast documentation (``bash scripts/docs.sh`` builds it)."""
import os
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(Path(__file__).parent))

import tsad_fast  # noqa: E402

project = "tsad_fast"
author = "the tsad_fast developers"
copyright = "2026, the tsad_fast developers"
release = version = tsad_fast.__version__

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.mathjax",
    "sphinx.ext.viewcode",
    "numpydoc",
    "myst_parser",
    "sphinx_gallery.gen_gallery",
]

source_suffix = {".rst": "restructuredtext", ".md": "markdown"}
exclude_patterns = ["_build", "_templates", "examples/README.txt", "**/*.ipynb", "**/*.py.md5",
                    "**/*.codeobj.json", "**/*.zip"]
myst_enable_extensions = ["dollarmath", "colon_fence", "deflist"]
myst_heading_anchors = 3

autosummary_generate = True
autodoc_default_options = {"members": True, "inherited-members": False}
autodoc_typehints = "none"
numpydoc_show_class_members = False
numpydoc_validation_checks = set()
numpydoc_xref_param_type = False

templates_path = ["_templates"]

# the gallery runs its examples unless TSAD_FAST_DOCS_GALLERY=0 (CI: pages only)
sphinx_gallery_conf = {
    "examples_dirs": "examples",
    "gallery_dirs": "auto_examples",
    "filename_pattern": r"/plot_",
    "plot_gallery": os.environ.get("TSAD_FAST_DOCS_GALLERY", "1") != "0",
    "download_all_examples": False,
    "remove_config_comments": True,
    "within_subsection_order": "FileNameSortKey",
    "matplotlib_animations": False,
}

_FIELD_SECTIONS = {"Parameters", "Other Parameters", "Attributes", "Returns", "Yields"}
_FIELD = re.compile(r"^(\*{0,2}[A-Za-z_][\w, *]*?) : (.+)$")


def _describe_fields(app, what, name, obj, options, lines):
    """Our docstrings write ``name : what it is`` on one line (the type among the words of
    the description); numpydoc would read that text as a type. Make it the description."""
    section, out = None, []
    for i, line in enumerate(lines):
        following = lines[i + 1] if i + 1 < len(lines) else ""
        if following.strip() and set(following.strip()) == {"-"} and line.strip():
            section = line.strip()
        match = _FIELD.match(line) if section in _FIELD_SECTIONS else None
        if match:
            out += [match.group(1), "    " + match.group(2)]
        else:
            out.append(line)
    lines[:] = out


def setup(app):
    app.connect("autodoc-process-docstring", _describe_fields, priority=400)


html_theme = "pydata_sphinx_theme"
html_title = "tsad_fast"
html_theme_options = {
    "navigation_with_keys": False,
    "show_toc_level": 2,
    "header_links_before_dropdown": 7,
}
html_static_path = ["_static"]
html_show_sourcelink = False
