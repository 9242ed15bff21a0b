"""The offline JavaScript fetcher: pinned, verified, only the files a page loads (no network)."""

import base64
import hashlib
import io
import tarfile
from pathlib import Path

import pytest
import vendor_js

ROOT = Path(__file__).parent.parent


def tarball(files: dict[str, bytes]) -> bytes:
    """A gzipped tar with `files` (name -> bytes), as npm packs them."""
    out = io.BytesIO()
    with tarfile.open(fileobj=out, mode="w:gz") as tar:
        for name, data in files.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return out.getvalue()


def test_every_package_is_pinned_to_a_sha512():
    for name, package in vendor_js.PACKAGES.items():
        assert package.version.count(".") == 2, name
        assert package.integrity.startswith("sha512-") and len(package.integrity) == 95, name
        assert vendor_js.tarball_url(name).startswith("https://registry.npmjs.org/" + name)


def test_a_tarball_with_another_digest_is_refused():
    with pytest.raises(ValueError, match="integrity"):
        vendor_js.verify("requirejs", b"not the tarball npm publishes")


def test_only_the_kept_files_are_extracted(tmp_path):
    data = tarball({"package/require.js": b"define", "package/bin/r.js": b"optimizer",
                    "package/../require.js": b"outside", "package/README.md": b"readme"})
    assert vendor_js.extract("requirejs", data, tmp_path) == 1
    assert [p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*")] == ["require.js"]
    with pytest.raises(ValueError, match="none of its files"):
        vendor_js.extract("requirejs", tarball({"package/bin/r.js": b""}), tmp_path)


def test_install_puts_every_configured_url_beside_the_pages(tmp_path, monkeypatch):
    """With a cache of stand-in files, every URL nbconvert is given names a copied file."""
    cache = tmp_path / "cache"
    monkeypatch.setenv("BOOK_NPM_CACHE", str(cache))
    stand_ins = {
        "@jupyter-widgets/html-manager": ["dist/embed.js", "dist/0123456789abcdef0123.woff2"],
        "requirejs": ["require.js"],
        "jquery": ["dist/jquery.min.js"],
        "mathjax": ["MathJax.js"],
        "reveal.js": ["dist/reveal.js", "plugin/notes/notes.js"],
    }
    for name, files in stand_ins.items():
        folder = vendor_js.cached(name)
        for file in files:
            (folder / file).parent.mkdir(parents=True, exist_ok=True)
            (folder / file).write_text(name)
        (folder / ".complete").write_text(vendor_js.stamp(name))
    names = (*vendor_js.PAGE_PACKAGES, "reveal.js")
    site = tmp_path / "site"
    vendor_js.install(site, names)
    config = vendor_js.exporter_config(names)
    assert set(config) == {"widget_renderer_url", "require_js_url", "jquery_url", "mathjax_url",
                           "reveal_url_prefix"}
    for url in config.values():
        assert "//" not in url and not url.startswith("/"), url
    for key in ("widget_renderer_url", "require_js_url", "jquery_url", "mathjax_url"):
        assert (site / config[key].split("?")[0]).is_file(), key
    assert (site / config["reveal_url_prefix"] / "plugin/notes/notes.js").is_file()
    fonts = site / config["widget_renderer_url"].replace("embed.js", "0123456789abcdef0123.woff2")
    assert fonts.is_file()
    assert not list(site.rglob(".complete"))


def test_the_cache_is_used_until_the_pins_or_the_kept_files_change(tmp_path, monkeypatch):
    data = tarball({"package/require.js": b"define", "package/r.js": b"optimizer"})
    digest = "sha512-" + base64.b64encode(hashlib.sha512(data).digest()).decode()
    monkeypatch.setitem(vendor_js.PACKAGES, "requirejs",
                        vendor_js.Package("2.3.7", digest, (r"require\.js",)))
    monkeypatch.setenv("BOOK_NPM_CACHE", str(tmp_path))
    downloads = []

    def urlopen(url, timeout):
        downloads.append(url)
        return io.BytesIO(data)

    monkeypatch.setattr(vendor_js.urllib.request, "urlopen", urlopen)
    folder = vendor_js.package_dir("requirejs")
    assert (folder / "require.js").read_bytes() == b"define" and not (folder / "r.js").exists()
    assert vendor_js.package_dir("requirejs") == folder and len(downloads) == 1
    monkeypatch.setitem(vendor_js.PACKAGES, "requirejs",
                        vendor_js.Package("2.3.7", digest, (r"require\.js", r"r\.js")))
    assert (vendor_js.package_dir("requirejs") / "r.js").is_file() and len(downloads) == 2


def test_the_audit_keeps_axe_and_its_licences_only(tmp_path):
    data = tarball({"package/axe.min.js": b"axe", "package/axe.js": b"unminified",
                    "package/LICENSE": b"MPL", "package/LICENSE-3RD-PARTY.txt": b"others",
                    "package/locales/de.json": b"{}"})
    assert vendor_js.extract("axe-core", data, tmp_path) == 3
    assert sorted(p.name for p in tmp_path.iterdir()) == ["LICENSE", "LICENSE-3RD-PARTY.txt",
                                                          "axe.min.js"]
