"""Front-end files: built from static/ and Bootstrap Italia's npm package into build/static/,
and served from there by WhiteNoise with content-hashed names (docs/performance.md).

`python -m consult.assets [--if-stale]` (run by `make static`, itself run by `make run`,
`make test` and `make bench`) builds them:
1. esbuild bundles each script of static/js (js/consult.js with the Bootstrap Italia plugins
   it imports) and minifies it;
2. PurgeCSS keeps, of Bootstrap Italia's compiled CSS, what the templates, the Python code and
   those scripts name (purgecss.config.cjs);
3. esbuild bundles the site's stylesheet (fonts.css, the purged Bootstrap Italia, consult.css)
   and each page's own, copying the fonts they name, and copies the icons and a sprite of the
   Bootstrap Italia icons the templates name; every file gets its content's hash in its name
   and every url() the new name;
4. WhiteNoise's compressor writes a .br and a .gz beside each file that compresses;
5. manifest.json, written last, maps each name a template asks for (`static_url("css/site.css")`)
   to the built one.
Nothing built is committed (build/ is in .gitignore).
"""
from __future__ import annotations

import argparse
import base64
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit

from flask import current_app, g, request
from markupsafe import Markup

from consult import ROOT
from consult.security import CONTENT_SECURITY_POLICY

SOURCE = ROOT / "static"
BUILD = ROOT / "build" / "static"
MANIFEST = BUILD / "manifest.json"
PREFIX = "/static/"
STYLESHEET = "css/site.css"
STYLESHEET_COOKIE = "css"  # the version of the stylesheet the browser has (inline_stylesheet)
PACKAGE = ROOT / "node_modules" / "bootstrap-italia" / "dist"
NODE_BIN = ROOT / "node_modules" / ".bin"

# What a change of makes the build stale.
INPUTS = (SOURCE, ROOT / "templates", ROOT / "consult", ROOT / "package-lock.json",
          ROOT / "purgecss.config.cjs")

# A built file's name: esbuild's hash (8 characters) before the extension.
HASHED = re.compile(r"\.[A-Z0-9]{8}\.[a-z0-9]+$")
ICON_NAME = re.compile(r"""["'](it-[a-z0-9-]+)["'#]""")
SYMBOL = re.compile(r'<symbol id="(it-[a-z0-9-]+)".*?</symbol>', re.S)


def build() -> None:
    """Build every file into a fresh directory, then put it in place of build/static."""
    work = ROOT / "build" / f"work-{os.getpid()}"
    output = ROOT / "build" / f"static-{os.getpid()}"
    for directory in (work, output):
        shutil.rmtree(directory, ignore_errors=True)
        directory.mkdir(parents=True)
    try:
        manifest = _scripts(output, work)
        _purge(work, manifest.pop("__inputs__"))
        manifest.update(_styles_and_images(output, work))
        _compress(output)
        (output / "manifest.json").write_text(json.dumps(manifest, indent=1, sort_keys=True))
        previous = ROOT / "build" / f"previous-{os.getpid()}"
        if BUILD.exists():
            BUILD.rename(previous)
        output.rename(BUILD)
        shutil.rmtree(previous, ignore_errors=True)
    finally:
        shutil.rmtree(work, ignore_errors=True)
        shutil.rmtree(output, ignore_errors=True)


def is_stale() -> bool:
    if not MANIFEST.exists():
        return True
    built = MANIFEST.stat().st_mtime
    return any(path.stat().st_mtime > built for path in _input_files())


def _input_files():
    for root in INPUTS:
        if root.is_file():
            yield root
        else:
            yield from (path for path in root.rglob("*")
                        if path.is_file() and "__pycache__" not in path.parts)


def _esbuild(entries: dict[str, Path], output: Path, metafile: Path, *options: str) -> dict:
    """Run esbuild on {output name without extension: source}; its metafile's outputs."""
    subprocess.run(
        [str(NODE_BIN / "esbuild"), *(f"{name}={path}" for name, path in entries.items()),
         "--bundle", "--minify", "--log-level=warning", f"--outdir={output}",
         "--entry-names=[dir]/[name].[hash]", f"--metafile={metafile}", *options],
        cwd=ROOT, check=True)
    return json.loads(metafile.read_text())["outputs"]


def _logical_names(outputs: dict, output: Path, names: dict[str, str]) -> dict[str, str]:
    """{name a template asks for: built name} of esbuild's outputs, their entry points named
    by `names` ({source path relative to ROOT: name})."""
    manifest = {}
    for built, details in outputs.items():
        source = details.get("entryPoint")
        if source in names:
            manifest[names[source]] = (ROOT / built).relative_to(output).as_posix()
    return manifest


def _scripts(output: Path, work: Path) -> dict:
    entries = {f"js/{path.stem}": path.relative_to(ROOT) for path in (SOURCE / "js").glob("*.js")}
    # --ignore-annotations: Bootstrap Italia's package.json says its plugins have no side
    # effects, but each one listens for its data-bs-toggle clicks when imported.
    outputs = _esbuild(entries, output, work / "scripts.json", "--format=esm", "--target=es2020",
                       "--ignore-annotations")
    names = {path.as_posix(): f"{name}.js" for name, path in entries.items()}
    manifest = _logical_names(outputs, output, names)
    manifest["__inputs__"] = sorted({source for details in outputs.values()
                                     for source in details["inputs"]})
    return manifest


def _purge(work: Path, script_inputs: list[str]) -> None:
    subprocess.run(
        [str(NODE_BIN / "purgecss"), "--config", "purgecss.config.cjs",
         "--css", str(PACKAGE / "css" / "bootstrap-italia.min.css"), "--output", str(work)],
        cwd=ROOT, check=True, env={**os.environ, "CONSULT_JS_INPUTS": "\n".join(script_inputs)})


def _styles_and_images(output: Path, work: Path) -> dict:
    site = work / "site.css"
    site.write_text("".join(f'@import "{path}";\n' for path in (
        SOURCE / "css" / "fonts.css", work / "bootstrap-italia.min.css", SOURCE / "css" / "consult.css")))
    sprite = work / "sprites.svg"
    sprite.write_text(icon_sprite())
    entries = {"css/site": site, "svg/sprites": sprite}
    entries |= {f"css/{path.stem}": path for path in (SOURCE / "css").glob("*.css")
                if path.name not in ("fonts.css", "consult.css")}
    entries |= {f"icons/{path.stem}": path for path in (SOURCE / "icons").iterdir()}
    # --public-path: url()s from the site root, so the stylesheet also works inlined in a page.
    outputs = _esbuild(entries, output, work / "styles.json", "--loader:.woff2=file",
                       f"--public-path={PREFIX}",
                       "--loader:.svg=copy", "--loader:.png=copy", "--loader:.ico=copy",
                       "--asset-names=fonts/[name].[hash]")
    names = {_relative(path): name + path.suffix for name, path in entries.items()}
    manifest = _logical_names(outputs, output, names)
    fonts = PACKAGE / "fonts"
    for built, details in outputs.items():  # the fonts, for <link rel="preload">
        for source in details["inputs"]:
            if (ROOT / source).is_relative_to(fonts) and not details.get("entryPoint"):
                manifest["fonts/" + (ROOT / source).relative_to(fonts).as_posix()] = (
                    (ROOT / built).relative_to(output).as_posix())
    return manifest


def _relative(path: Path) -> str:
    return os.path.relpath(path, ROOT).replace(os.sep, "/")


def icons_named() -> set[str]:
    """The Bootstrap Italia icons the templates and the code name ("it-search")."""
    names = set()
    for root in (ROOT / "templates", ROOT / "consult"):
        for path in root.rglob("*"):
            if path.suffix in (".html", ".py"):
                names |= set(ICON_NAME.findall(path.read_text(encoding="utf-8")))
    return names


def icon_sprite() -> str:
    """Bootstrap Italia's sprite with only the icons named (of its 179, 92 KB)."""
    full = (PACKAGE / "svg" / "sprites.svg").read_text(encoding="utf-8")
    wanted = icons_named()
    symbols = [match.group(0) for match in SYMBOL.finditer(full) if match.group(1) in wanted]
    return '<svg xmlns="http://www.w3.org/2000/svg">' + "".join(symbols) + "</svg>"


def _compress(output: Path) -> None:
    from whitenoise.compress import Compressor

    compressor = Compressor(quiet=True)
    for path in sorted(output.rglob("*")):
        if path.is_file() and compressor.should_compress(path.name):
            for _ in compressor.compress(str(path)):
                pass


# --- serving ----------------------------------------------------------------------------------

class Manifest:
    """The built names, read again when `make static` has rebuilt them."""

    def __init__(self, path: Path = MANIFEST):
        self.path, self.mtime, self.names, self.stylesheet = path, None, {}, None

    def _load(self) -> None:
        try:
            mtime = self.path.stat().st_mtime
        except FileNotFoundError:
            raise RuntimeError("The front-end files are not built: run `make static` "
                               "(or `python -m consult.assets`).") from None
        if mtime != self.mtime:
            self.names = json.loads(self.path.read_text())
            css = (self.path.parent / self.names[STYLESHEET]).read_text(encoding="utf-8").strip()
            digest = base64.b64encode(hashlib.sha256(css.encode()).digest()).decode()
            version = HASHED.search(self.names[STYLESHEET]).group(0).split(".")[1]
            self.stylesheet, self.mtime = (Markup(css), f"'sha256-{digest}'", version), mtime

    def resolve(self, name: str) -> str:
        self._load()
        return self.names[name]

    def inline_stylesheet(self) -> tuple[Markup, str, str]:
        """The site's stylesheet, its hash for the Content-Security-Policy, its version."""
        self._load()
        return self.stylesheet


manifest = Manifest()


def built_version() -> float:
    """Which build of the front-end files the pages name (a piece of page that links them is
    kept by it, consult.fragments)."""
    manifest._load()
    return manifest.mtime


def static_url(name: str) -> str:
    """The URL of a built file by its source name: static_url("css/site.css")."""
    return request.script_root + PREFIX + manifest.resolve(name)


def inline_stylesheet() -> Markup | None:
    """The site's stylesheet to put in the page itself, for a browser that has not had this
    version of it yet (no `css` cookie naming it): a first visit then needs one round trip
    less before it shows anything (on a phone's 4G, half a second), and the page fetches the
    file in the background (<link rel="prefetch">). Later pages link the file by its hashed
    name, from the browser's cache."""
    if not current_app.config.get("CONSULT_INLINE_STYLESHEET", True):
        return None
    css, digest, version = manifest.inline_stylesheet()
    if request.cookies.get(STYLESHEET_COOKIE) == version:
        return None
    g.inline_stylesheet = (digest, version)
    return css


def allow_the_inline_stylesheet(response):
    """The Content-Security-Policy lets exactly that stylesheet in (style-src keeps 'self'),
    and the cookie says the browser now has this version."""
    inlined = g.pop("inline_stylesheet", None)
    if inlined:
        digest, version = inlined
        policy = response.headers.get("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        response.headers["Content-Security-Policy"] = policy.replace(
            "style-src 'self'", f"style-src 'self' {digest}", 1)
        response.set_cookie(STYLESHEET_COOKIE, version, max_age=365 * 24 * 3600, samesite="Lax",
                            secure=current_app.config["SESSION_COOKIE_SECURE"], httponly=True)
    return response


def _headers(headers, path: str, url: str) -> None:
    headers["X-Content-Type-Options"] = "nosniff"
    if HASHED.search(url):
        headers["Cache-Control"] = "public, max-age=31536000, immutable"


def serve_static(app) -> None:
    """WhiteNoise in front of the application: /static/ from build/static, each file's .br or
    .gz when the browser takes it, hashed names cached for a year."""
    from whitenoise import WhiteNoise

    app.wsgi_app = WhiteNoise(app.wsgi_app, root=str(BUILD), prefix=PREFIX,
                              autorefresh=app.debug, max_age=60,
                              immutable_file_test=lambda path, url: bool(HASHED.search(url)),
                              add_headers_function=_headers)
    app.jinja_env.globals["static_url"] = static_url
    app.jinja_env.globals["built_version"] = built_version
    app.jinja_env.globals["inline_stylesheet"] = inline_stylesheet
    # Registered after the security headers, so it runs before them: the policy it sets stays.
    app.after_request(allow_the_inline_stylesheet)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--if-stale", action="store_true",
                        help="build only when a source is newer than the last build")
    arguments = parser.parse_args(argv)
    if arguments.if_stale and not is_stale():
        return 0
    build()
    print(f"Front-end files built into {BUILD.relative_to(ROOT)}.", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
