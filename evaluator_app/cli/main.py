"""Entry point of the ``evaluator`` command.

Each subcommand lives in ``evaluator_app/cli/<name>.py`` (hyphens become underscores) and
exposes ``register(parser)`` that adds its arguments and sets ``func`` (returning an exit code).
A subcommand whose module does not exist yet is listed, says so honestly and exits 2.
Modules are imported only when their command runs, so ``--help`` never loads Qt.
"""

from __future__ import annotations

import argparse
import importlib
import importlib.util
import logging
import sys
from collections.abc import Sequence

from evaluator_app import __version__

# name -> (one-line help, issue that builds it)
SUBCOMMANDS: dict[str, tuple[str, int]] = {
    "app": ("start the desktop application (expert, supervisor or centre)", 5),
    "venue": ("initialise or serve a venue (session host)", 4),
    "demo": ("run a whole cross-city evaluation on this machine", 7),
    "plan": ("check a project file and show what the rules compute from it", 2),
    "pki": ("create the demo PKI and manage test tokens", 3),
    "cert": ("check a certificate against the trust list", 3),
    "sign": ("sign a file (detached CMS) or a PDF (PAdES)", 3),
    "verify": ("verify signed files, PDFs and archives offline", 3),
    "audit": ("check a venue's audit chain", 4),
    "trust-list": ("build, show and verify the signed trust list", 3),
    "draw": ("the expert pool and its verifiable draw (专家抽取): import, run, verify", 16),
}

NOT_BUILT_EXIT = 2


def _module_name(command: str) -> str:
    return "evaluator_app.cli." + command.replace("-", "_")


def _is_built(command: str) -> bool:
    return importlib.util.find_spec(_module_name(command)) is not None


def _not_built(command: str, issue: int):
    def run(_args: argparse.Namespace) -> int:
        print(
            f"evaluator {command}: not built yet (planned in issue #{issue}).\n"
            f"evaluator {command}：该功能尚未实现（见第 {issue} 号任务）。",
            file=sys.stderr,
        )
        return NOT_BUILT_EXIT

    return run


def build_parser(argv: Sequence[str] | None = None) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="evaluator",
        description="Remote cross-city bid evaluation (远程异地评标).",
    )
    parser.add_argument("--version", action="version", version=f"evaluator {__version__}")
    parser.add_argument("-v", "--verbose", action="store_true", help="log debug messages")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    # Only the command being run is imported: keeps --help and unrelated commands fast.
    wanted = next((a for a in (argv or []) if a in SUBCOMMANDS), None)
    for name, (help_text, issue) in SUBCOMMANDS.items():
        built = _is_built(name)
        cmd = sub.add_parser(
            name, help=help_text if built else f"{help_text} [not built yet]", description=help_text
        )
        if not built:
            cmd.set_defaults(func=_not_built(name, issue), accepts_anything=True)
        elif name == wanted:
            importlib.import_module(_module_name(name)).register(cmd)
        else:
            cmd.set_defaults(func=None)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args_list = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser(args_list)
    args, unknown = parser.parse_known_args(args_list)
    if unknown and not getattr(args, "accepts_anything", False):
        parser.error("unrecognized arguments: " + " ".join(unknown))
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.WARNING,
        format="%(levelname)s %(name)s: %(message)s",
    )
    if args.command is None:
        parser.print_help()
        return NOT_BUILT_EXIT
    func = getattr(args, "func", None)
    if func is None:  # a built command whose module register() forgot to set func
        parser.error(f"{args.command}: no action")
    return int(func(args) or 0)


if __name__ == "__main__":
    sys.exit(main())
