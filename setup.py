"""Build hook: a wheel carries the data the commands need (docs/architecture.md §1).

``duskspec model-check`` needs ``models/tla`` and the vendored ``tools/tla`` jar, and
``duskspec vectors verify`` needs ``conformance-vectors``. They live at the top of the
repository, outside the package, so this hook copies them into ``duskspec/_data/`` of the
build; ``duskspec.paths`` finds them there when no checkout is around. Editable installs
read the checkout directly and copy nothing. Everything else is in pyproject.toml.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

HERE = Path(__file__).resolve().parent
DATA_FOLDERS = ("models/tla", "conformance-vectors", "tools/tla")


class BuildWithData(build_py):
    def run(self) -> None:
        super().run()
        if getattr(self, "editable_mode", False):
            return
        target = Path(self.build_lib) / "duskspec" / "_data"
        shutil.rmtree(target, ignore_errors=True)  # no stale files from an earlier build
        for folder in DATA_FOLDERS:
            shutil.copytree(HERE / folder, target / folder, dirs_exist_ok=True)


setup(cmdclass={"build_py": BuildWithData})
