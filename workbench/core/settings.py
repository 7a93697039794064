"""Settings: which project to open, and user preferences. Fast to import."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path


def data_dir() -> Path:
    """The user data directory for workbench (platformdirs, honouring $WORKBENCH_DATA_DIR)."""
    override = os.environ.get("WORKBENCH_DATA_DIR")
    if override:
        return Path(override)
    from platformdirs import user_data_path

    return user_data_path("workbench", appauthor=False)


def default_project() -> str:
    return os.environ.get("WORKBENCH_PROJECT") or str(data_dir() / "default.sqlite")


def is_server_url(project: str) -> bool:
    return "://" in project and not project.startswith("sqlite")


@dataclass(frozen=True)
class Settings:
    project: str = field(default_factory=default_project)  # file path or SQLAlchemy URL
    coder: str | None = None
    keymap: Mapping[str, str] = field(default_factory=dict)  # binding id -> keys
    spacy_model: str | None = None  # an installed trained pipeline, e.g. en_core_web_sm
