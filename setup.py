"""Map the project's top-level folders into the single `payflow` import namespace.

pyproject.toml holds all metadata; only the package mapping lives here, because it is
computed: every sub-package under a mapped folder is found, so adding one needs no edit.
"""

from setuptools import find_packages, setup

PACKAGE_ROOTS = {
    "payflow": "payflow",
    "payflow.schemas": "schemas",
    "payflow.generated": "generated",
    "payflow.validator": "validator",
}


def _packages() -> list[str]:
    packages = []
    for package, folder in PACKAGE_ROOTS.items():
        packages.append(package)
        packages.extend(f"{package}.{sub}" for sub in find_packages(folder))
    return packages


setup(package_dir=PACKAGE_ROOTS, packages=_packages())
