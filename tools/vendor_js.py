"""The JavaScript the static site and the lecture decks load, fetched from npm at build time.

Pages built by nbconvert load html-manager (the stored widgets), require.js, jQuery,
MathJax and reveal.js from CDNs unless told otherwise. This module downloads the
pinned npm tarballs once (urllib; no node), checks each against the sha512
`integrity` the npm registry publishes for that version, extracts only the files a
page uses into a cache, and copies them beside the pages, so the pages work from
disk with no network. Later builds read the cache and never touch the network.

API (for tools/build_site.py, tools/build_slides.py and the tests):

    install(dest, names=PAGE_PACKAGES) -> None
        copy the packages into `dest/_static/<npm name>/` (package-relative paths);
        `dest` is the folder that holds the pages. Add "reveal.js" to `names` for decks.
    exporter_config(names=PAGE_PACKAGES) -> dict
        the nbconvert `HTMLExporter` / `SlidesExporter` traits pointing at those
        copies by URLs relative to a page in `dest` (e.g.
        `HTMLExporter(**exporter_config())`); with "reveal.js" also
        `reveal_url_prefix`.
    package_dir(name) -> Path
        the cached, verified files of one package (downloaded on first use).

The cache is `.venv/npm-cache/` (`BOOK_NPM_CACHE` overrides it); a change to a
package's pins or kept files extracts it again. A tarball whose digest differs
from the pinned one raises ValueError and is not kept.

    python tools/vendor_js.py DEST [reveal.js]   # install into DEST, e.g. build/html
"""

from __future__ import annotations

import base64
import hashlib
import io
import os
import re
import shutil
import sys
import tarfile
import urllib.request
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
REGISTRY = "https://registry.npmjs.org"
STATIC = "_static"


@dataclass(frozen=True)
class Package:
    """One pinned npm package: its version, the registry's sha512 and the files a page needs."""

    version: str
    integrity: str  # "sha512-<base64>", as in the registry's `dist.integrity`
    keep: tuple[str, ...]  # regular expressions, each matching a whole path inside the package


# The versions seen to work together with nbconvert 7.17's lab and reveal templates
# (reveal.js 5+ moved its plugins and breaks the reveal template).
PACKAGES = {
    # embed.js renders the stored widgets without require.js (half the size of
    # embed-amd.js, which can also load third-party widget modules; the book has none)
    # and takes its Font Awesome icons from beside itself (woff2: the format browsers take).
    "@jupyter-widgets/html-manager": Package(
        "1.0.15",
        "sha512-5thBIV6ymNgmPVOHvzx+gGy8ZSKmSazhtGw4/c4xJDVzRhG9PTeQsRjF3FUTopvFi//SABeNz1yp47bCrJ3CQA==",
        (r"dist/embed\.js(\.LICENSE\.txt)?", r"dist/[0-9a-f]{20}\.woff2", "LICENSE")),
    "requirejs": Package(
        "2.3.7",
        "sha512-DouTG8T1WanGok6Qjg2SXuCMzszOo0eHeH9hDZ5Y4x8Je+9JB38HdTLT4/VA8OaUhBa0JPVHJ0pyBkM1z+pDsw==",
        (r"require\.js", "LICENSE")),
    "jquery": Package(
        "3.7.1",
        "sha512-m4avr8yL8kmFN8psrbFFFmB/If14iN5o9nw/NgnnM+kybDJpRsAynV2BsfpTYrTRysYUdADVD7CkUUizgkpLfg==",
        (r"dist/jquery\.min\.js", r"LICENSE\.txt")),
    # MathJax 2 with only what "TeX-AMS_CHTML-full,Safe" loads: the TeX input, the
    # CommonHTML output and its web fonts (about 1 MB of the package's 60 MB).
    "mathjax": Package(
        "2.7.9",
        "sha512-NOGEDTIM9+MrsqnjPEjVGNx4q0GQxqm61yQwSK+/5S59i26wId5IC5gNu9/bu8+CCVl5p9G2IHcAl/wJa+5+BQ==",
        (r"MathJax\.js", r"config/(TeX-AMS_CHTML-full|Safe)\.js", r"extensions/[^/]+\.js",
         r"extensions/(TeX|MathML)/.+", r"jax/input/TeX/.+", r"jax/element/.+",
         r"jax/output/CommonHTML/.+", r"fonts/HTML-CSS/TeX/woff/.+", "LICENSE")),
    "reveal.js": Package(
        "4.0.2",
        "sha512-LWZSUenufF1gpD7npxJ7KfoQQFKgc1D6XrLTFgKlwWNP1BQ74hT48KONFWMAw+8R/QUeaScCLCLrBVHDfFIEiw==",
        (r"dist/reveal\.(js|css)", r"dist/theme/white\.css",
         r"dist/theme/fonts/source-sans-pro/[^/]+\.(css|woff)", r"plugin/notes/.+",
         r"plugin/zoom/zoom\.js", "LICENSE")),
    # The accessibility audit of `make e2e` (e2e/accessibility.py), injected into the pages it
    # checks; no page of the book loads it.
    "axe-core": Package(
        "4.14.1",
        "sha512-FHfa+lmNjQZfJz1q8wKqIDwC6DExcHt/pkjNQb09a3NPjCKg2rhu5qb2S4r76ASyFNNtuFooJpZe37OgudVGtQ==",
        (r"axe\.min\.js", r"LICENSE(-3RD-PARTY\.txt)?")),
}
PAGE_PACKAGES = ("@jupyter-widgets/html-manager", "requirejs", "jquery", "mathjax")


def cache_dir() -> Path:
    """Where verified packages are kept between builds."""
    return Path(os.environ.get("BOOK_NPM_CACHE", ROOT / ".venv" / "npm-cache"))


def tarball_url(name: str) -> str:
    """The registry's address of the pinned tarball of `name`."""
    return f"{REGISTRY}/{name}/-/{name.split('/')[-1]}-{PACKAGES[name].version}.tgz"


def verify(name: str, data: bytes) -> None:
    """Raise ValueError unless `data` has the sha512 the registry publishes for `name`."""
    digest = "sha512-" + base64.b64encode(hashlib.sha512(data).digest()).decode()
    if digest != PACKAGES[name].integrity:
        raise ValueError(f"{tarball_url(name)}: integrity {digest} is not the pinned "
                         f"{PACKAGES[name].integrity}")


def extract(name: str, data: bytes, dest: Path) -> int:
    """Write the kept regular files of the tarball `data` under `dest`; return how many."""
    pattern = re.compile("|".join(f"(?:{k})" for k in PACKAGES[name].keep))
    count = 0
    with tarfile.open(fileobj=io.BytesIO(data), mode="r:gz") as tar:
        for member in tar:
            inside = member.name.split("/", 1)[-1]  # npm tarballs wrap everything in package/
            if not member.isreg() or ".." in inside.split("/") or not pattern.fullmatch(inside):
                continue
            target = dest / inside
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(tar.extractfile(member).read())
            count += 1
    if not count:
        raise ValueError(f"{tarball_url(name)}: none of its files matched {PACKAGES[name].keep}")
    return count


def cached(name: str) -> Path:
    """The cache's folder for the pinned version of `name` (complete once it holds .complete)."""
    return cache_dir() / f"{name.replace('/', '__')}-{PACKAGES[name].version}"


def stamp(name: str) -> str:
    """What a complete cache folder of `name` holds in its .complete: the pinned digest and
    the kept files' patterns, so a change to either extracts the package again."""
    return "\n".join((PACKAGES[name].integrity, *PACKAGES[name].keep)) + "\n"


def package_dir(name: str) -> Path:
    """The cached files of `name`, downloaded, verified and extracted on first use."""
    folder = cached(name)
    if (folder / ".complete").exists() and (folder / ".complete").read_text() == stamp(name):
        return folder
    with urllib.request.urlopen(tarball_url(name), timeout=60) as response:
        data = response.read()
    verify(name, data)
    partial = folder.with_name(folder.name + ".partial")
    shutil.rmtree(partial, ignore_errors=True)
    extract(name, data, partial)
    (partial / ".complete").write_text(stamp(name))
    shutil.rmtree(folder, ignore_errors=True)
    partial.rename(folder)
    return folder


def install(dest: Path, names: tuple[str, ...] = PAGE_PACKAGES) -> None:
    """Copy the packages `names` beside the pages in `dest` (see the module's docstring)."""
    for name in names:
        source = package_dir(name)
        shutil.copytree(source, dest / STATIC / name, dirs_exist_ok=True,
                        ignore=shutil.ignore_patterns(".complete"))


def exporter_config(names: tuple[str, ...] = PAGE_PACKAGES) -> dict[str, str]:
    """nbconvert exporter traits that load the copies `install` made, relative to a page."""
    config = {
        "widget_renderer_url": f"{STATIC}/@jupyter-widgets/html-manager/dist/embed.js",
        "require_js_url": f"{STATIC}/requirejs/require.js",
        "jquery_url": f"{STATIC}/jquery/dist/jquery.min.js",
        "mathjax_url": f"{STATIC}/mathjax/MathJax.js?config=TeX-AMS_CHTML-full,Safe",
    }
    if "reveal.js" in names:
        config["reveal_url_prefix"] = f"{STATIC}/reveal.js"
    return config


if __name__ == "__main__":
    install(Path(sys.argv[1]), PAGE_PACKAGES + tuple(sys.argv[2:]))
