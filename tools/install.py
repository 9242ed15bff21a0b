"""Install the book into the running Python (`make setup` runs it with .venv's).

    python tools/install.py [--torch-index URL] PIP_INSTALL_ARGS...

On Linux the Makefile passes PyTorch's CPU-only wheel index (its TORCH_INDEX):
pip then takes torch==2.13.0+cpu from there instead of PyPI's Linux wheel,
which brings about 2.2 GB of NVIDIA CUDA libraries the book never uses. The
index is used only if it answers within a few seconds, since pip would retry
it for every package it installs. The last line printed says which torch was
installed and whether CUDA libraries came with it.
"""

from __future__ import annotations

import argparse
import importlib
import subprocess
import sys
import threading
import urllib.error
import urllib.request
from importlib import metadata

PROBE_SECONDS = 5
# Names of the packages PyPI's Linux torch pulls for the GPU (CUDA libraries, triton).
CUDA_PREFIXES = ("nvidia-", "cuda-", "triton")


def answers(index: str, timeout: float = PROBE_SECONDS) -> bool:
    """Whether the package index at `index` answers at all within `timeout` seconds."""
    request = urllib.request.Request(index.rstrip("/") + "/torch/", method="HEAD")
    answered = []

    def probe():
        try:
            urllib.request.urlopen(request, timeout=timeout).close()
        except urllib.error.HTTPError:
            pass  # it answered; pip makes sense of the reply
        except (OSError, ValueError):
            return
        answered.append(True)

    # A thread, since a name lookup that hangs is not bound by the socket's timeout.
    thread = threading.Thread(target=probe, daemon=True)
    thread.start()
    thread.join(timeout)
    return bool(answered)


def pip_command(pip_args: list[str], index: str | None) -> list[str]:
    command = [sys.executable, "-m", "pip", "install", *pip_args]
    return command + ["--extra-index-url", index] if index else command


def cuda_packages() -> dict[str, int]:
    """Installed CUDA-related distributions and their size on disk in bytes."""
    importlib.invalidate_caches()
    found = {}
    for dist in metadata.distributions():
        name = dist.metadata["Name"].lower()
        if name.startswith(CUDA_PREFIXES):
            found[name] = sum(f.size or 0 for f in dist.files or [])
    return found


def torch_report() -> str:
    """One line: the torch installed and whether CUDA libraries came with it."""
    importlib.invalidate_caches()
    try:
        version = metadata.version("torch")
    except metadata.PackageNotFoundError:
        return "torch is not installed"
    cuda = cuda_packages()
    if not cuda:
        return f"torch {version} installed: no CUDA libraries came with it (CPU only)"
    return (f"torch {version} installed with CUDA libraries: {len(cuda)} packages "
            f"({', '.join(sorted(cuda))}), {sum(cuda.values()) / 1e9:.1f} GB on disk")


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--torch-index", default="",
                        help="a wheel index to take torch from (empty: the default indexes)")
    args, pip_args = parser.parse_known_args(argv)
    index = args.torch_index or None
    if index and not answers(index):
        print(f"PyTorch's index {index} did not answer within {PROBE_SECONDS} s: "
              "installing torch from the default indexes", flush=True)
        index = None
    command = pip_command(pip_args, index)
    print("pip install " + " ".join(command[4:]), flush=True)
    subprocess.run(command, check=True)
    print(torch_report(), flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
