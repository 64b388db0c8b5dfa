"""Code a build runs from the repository, named so a reviewer sees it (``playbook validate --strict``).

``playbook.yml`` is data: nothing in it runs. But a project also holds code the build runs with the
user's rights: ``hooks:`` and ``!!python/…`` tags in ``mkdocs.yml`` (MkDocs imports and calls them),
MkDocs plugins, and page-template overrides in ``templates/`` (Jinja, not sandboxed). Those are
trusted; these notices make each one visible in a pull request.
"""

from __future__ import annotations

from pathlib import Path

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from .errors import Problem

_PYTHON_TAG = "tag:yaml.org,2002:python/"


def _nodes(node: Node) -> list[Node]:
    """``node`` and every node under it."""
    found, pending = [], [node]
    while pending:
        current = pending.pop()
        found.append(current)
        if isinstance(current, MappingNode):
            pending += [part for pair in current.value for part in pair]
        elif isinstance(current, SequenceNode):
            pending += current.value
    return found


def _setting(root: Node | None, wanted: str) -> str | None:
    """The playbook plugin's setting ``wanted`` as written in mkdocs.yml's tree, or None."""
    if isinstance(root, MappingNode):
        for key, value in root.value:
            if isinstance(key, ScalarNode) and key.value == "plugins" and isinstance(value, SequenceNode):
                for entry in value.value:
                    if isinstance(entry, MappingNode):
                        for name, options in entry.value:
                            if name.value == "playbook" and isinstance(options, MappingNode):
                                for option, setting in options.value:
                                    if option.value == wanted and isinstance(setting, ScalarNode):
                                        return str(setting.value)
    return None


def _templates_folder(root: Node | None) -> str:
    """The playbook plugin's ``templates`` setting, or its default."""
    return _setting(root, "templates") or "templates"


def _compose(config: Path) -> Node | None:
    """mkdocs.yml as YAML nodes, without running its tags; None when there is none or it is not YAML."""
    try:
        return yaml.compose(config.read_text(encoding="utf-8"), Loader=yaml.SafeLoader)
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        return None  # no mkdocs.yml, or one the build itself will refuse


def playbook_plugin_setting(config: Path, option: str) -> str | None:
    """The playbook plugin's ``option`` in the MkDocs configuration ``config``, read without MkDocs; or None."""
    return _setting(_compose(config), option)


def _notice(file: str, node: Node | None, message: str) -> Problem:
    line, column = (node.start_mark.line + 1, node.start_mark.column + 1) if node is not None else (0, 0)
    return Problem(file, line, column, "", message, severity="notice",
                   hint="it runs with your rights on every build: review it like code")


def trusted_code(project: Path) -> list[Problem]:
    """A notice for each piece of code the build of ``project`` would run from the repository."""
    config = project / "mkdocs.yml"
    root = _compose(config)
    notices = []
    if isinstance(root, MappingNode):
        for key, _ in root.value:
            if isinstance(key, ScalarNode) and key.value == "hooks":
                notices.append(_notice("mkdocs.yml", key, "hooks: runs Python files from the repository"))
        notices += [_notice("mkdocs.yml", node, f"tag '!!{node.tag.removeprefix('tag:yaml.org,2002:')}' makes "
                            "MkDocs import and call Python code") for node in _nodes(root)
                    if node.tag.startswith(_PYTHON_TAG)]
    folder = project / _templates_folder(root)
    if folder.is_dir() and folder.resolve().is_relative_to(project.resolve()):
        notices += [_notice(path.relative_to(project).as_posix(), None,
                            "page-template override: Jinja code, not sandboxed")
                    for path in sorted(folder.rglob("*.j2")) if path.is_file()]
    return sorted(notices)
