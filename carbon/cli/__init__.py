"""Command line: ``carbon <group> <command> …``.

One module per command group (``carbon/cli/<group>.py``); each defines ``register(sub)``
that adds its parser to the top-level sub-parsers. Groups are found by listing this package,
so a new group is a new file. Modules import the heavy parts of carbon (pandas, pint, the
factor library) inside their command functions, so ``carbon --help`` starts quickly.

Errors are printed as carbon's messages (what, where, how to fix) with exit code 2.
"""

from __future__ import annotations

import argparse
import importlib
import pkgutil
import sys

__all__ = ["build_parser", "main"]


def _groups() -> list[str]:
    return sorted(m.name for m in pkgutil.iter_modules(__path__) if not m.name.startswith("_"))


def build_parser() -> argparse.ArgumentParser:
    """The argument parser (also used to document the CLI)."""
    p = argparse.ArgumentParser(prog="carbon", description="碳算 carbon — GHG inventory, product footprint and CBAM for Taiwanese manufacturers")
    sub = p.add_subparsers(dest="cmd", required=True)
    for name in _groups():
        importlib.import_module(f"{__name__}.{name}").register(sub)
    return p


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``carbon`` command."""
    from carbon.errors import CarbonError

    if hasattr(sys.stdout, "reconfigure"):
        sys.stdout.reconfigure(encoding="utf-8")
    args = build_parser().parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except CarbonError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    except BrokenPipeError:  # output piped into `head` and closed: not an error
        sys.stderr.close()
        return 0
