"""Files every page loads from the site itself: the Vega bundle the charts are drawn with."""

from __future__ import annotations

from pathlib import Path

from ..fsutil import link_or_copy, write_atomic

BUNDLE = Path("site_libs") / "vega" / "vega-bundle.js"


def write_vega_bundle(site_dir: Path, cache_dir: Path) -> Path:
    """Vega, Vega-Lite and vega-embed (vl-convert's bundle) in ``site_libs/vega/``; made once per version."""
    import vl_convert as vlc

    cached = Path(cache_dir) / f"vega-bundle-{vlc.__version__}.js"
    if not cached.is_file():
        js = vlc.javascript_bundle()
        # a second copy on one page must be harmless: the bundle declares top-level names
        write_atomic(cached, f"if (!window.vegaEmbed) (function () {{\n{js}\n}})();\n")
    dest = Path(site_dir) / BUNDLE
    if dest.exists():
        dest.unlink()
    link_or_copy(cached, dest)
    return dest
