"""`make lab`: JupyterLab on the reader's own copies of the chapters, open at chapter 1.

The chapters in notebooks/ are the book: its source and its stored animations. A
reader runs, edits and saves copies of them in my-notebooks/ (git-ignored), so the
book's files never change under `git status` and a returning reader finds the work
of the day before. A chapter missing from my-notebooks/ is copied there; one
already there is kept, even when the book's copy is newer (the start-up message
names those, with how to take the new version). `--book` serves notebooks/ itself,
for those who change the book (CONTRIBUTING.md, "Changing a chapter").

The copies are trusted (so their stored animations play at once), and JupyterLab
listens on 127.0.0.1 only, without the language-server extension (the book needs
none, and its start-up line hides the address), opening the first chapter.

    python tools/lab.py [--book] [--dry-run] [JUPYTER LAB OPTION ...]
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BOOK = ROOT / "notebooks"
READER = ROOT / "my-notebooks"


def reader_copies(book: Path, reader: Path) -> tuple[list[Path], list[Path]]:
    """Copy into `reader` each chapter of `book` it lacks; return the chapters copied, and
    those kept although the book's file is newer."""
    reader.mkdir(parents=True, exist_ok=True)
    copied, older = [], []
    for chapter in sorted(book.glob("*.ipynb")):
        mine = reader / chapter.name
        if not mine.exists():
            shutil.copy2(chapter, mine)
            copied.append(mine)
        elif chapter.stat().st_mtime > mine.stat().st_mtime:
            older.append(mine)
    return copied, older


def lab_command(folder: Path, first: str | None) -> list[str]:
    """The `jupyter lab` command serving `folder` on 127.0.0.1, opening the notebook `first`."""
    command = [sys.executable, "-m", "jupyter", "lab", "--ServerApp.ip=127.0.0.1",
               f"--ServerApp.root_dir={folder}",
               "--ServerApp.jpserver_extensions=jupyter_lsp=False"]
    if first:
        command.append(f"--LabApp.default_url=/lab/tree/{first}")
    if os.geteuid() == 0:  # containers and CI machines often run as root; Jupyter asks to be told
        command.append("--allow-root")
    return command


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--book", action="store_true",
                        help="serve notebooks/ itself, to change the book")
    parser.add_argument("--dry-run", action="store_true", help="print the command, run nothing")
    args, extra = parser.parse_known_args(argv)
    folder = BOOK if args.book else READER
    if not args.book:
        copied, older = reader_copies(BOOK, READER)
        if copied:
            print(f"copied {len(copied)} chapter(s) into {READER.relative_to(ROOT)}/, "
                  "where your edits and saves stay")
        for mine in older:
            print(f"{mine.relative_to(ROOT)} is your copy; the book's {mine.name} is newer: "
                  f"delete yours (or rename it) and run `make lab` again to take it")
    chapters = sorted(folder.glob("*.ipynb"))
    command = lab_command(folder, chapters[0].name if chapters else None) + extra
    if args.dry_run:
        print(" ".join(command))
        return 0
    subprocess.run([sys.executable, "-m", "jupyter", "trust", *map(str, chapters)], check=True,
                   stdout=subprocess.DEVNULL)
    print(f"JupyterLab on {folder.relative_to(ROOT)}/: open the address it prints last "
          "(http://127.0.0.1:...?token=...)", flush=True)
    return subprocess.run(command).returncode


if __name__ == "__main__":
    sys.exit(main())
