"""Fonts: a CJK font on this machine for the chart images, and the type plan of the Word documents.

Charts are drawn here, so the glyphs must come from a font installed on the machine that makes the
document. `find_cjk_font` looks for one, in this order:

1. ``$CASEREVIEW_CJK_FONT``: a font file (.ttf/.otf/.ttc) or a folder to search; when set, nothing else
   is searched, so a wrong value shows up as the missing-font warning instead of silently passing;
2. the usual font folders: Debian/Ubuntu ``/usr/share/fonts`` (package ``fonts-noto-cjk``),
   ``/usr/local/share/fonts``, ``~/.local/share/fonts``, ``~/.fonts``; Windows ``%WINDIR%\\Fonts`` and the
   per-user font folder (SimHei, Microsoft YaHei, SimSun…); macOS ``/System/Library/Fonts``,
   ``/Library/Fonts``, ``~/Library/Fonts`` (PingFang, Hiragino Sans GB, STHeiti).

Only files known to hold simplified-Chinese glyphs are taken from the folders (by file name, table
`KNOWN_FONTS`); a file named in the variable is trusted, its family name read with Pillow. When no
font is found the documents are still made, without the charts, and carry a warning saying so: a chart
drawn without a CJK font would show empty boxes instead of unit names.

Word documents do not embed fonts: the reader's Word draws them. `DocFonts` is the type plan of the
Chinese official-document style (GB/T 9704: title 方正小标宋简体, headings 黑体 and 楷体_GB2312, body
仿宋_GB2312, Latin text Times New Roman); every name is written on the styles and runs as
``w:eastAsia`` and declared in the document's font table with a fallback (``w:altName``: 宋体, 仿宋,
楷体, all shipped with Windows) that Word uses where the official font is not installed.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

ENV_FONT = "CASEREVIEW_CJK_FONT"
FONT_SUFFIXES = (".ttf", ".otf", ".ttc", ".otc")

# file name (lower case) -> family name; in order of preference (sans-serif first: charts read better).
KNOWN_FONTS: tuple[tuple[str, str], ...] = (
    ("notosanscjk-regular.ttc", "Noto Sans CJK SC"),
    ("notosanscjksc-regular.otf", "Noto Sans CJK SC"),
    ("notosanssc-regular.otf", "Noto Sans SC"),
    ("notosanssc-regular.ttf", "Noto Sans SC"),
    ("notosanssc[wght].ttf", "Noto Sans SC"),
    ("sourcehansanssc-regular.otf", "Source Han Sans SC"),
    ("sourcehansans-regular.ttc", "Source Han Sans SC"),
    ("msyh.ttc", "Microsoft YaHei"),
    ("msyh.ttf", "Microsoft YaHei"),
    ("simhei.ttf", "SimHei"),
    ("pingfang.ttc", "PingFang SC"),
    ("hiragino sans gb.ttc", "Hiragino Sans GB"),
    ("stheiti light.ttc", "STHeiti"),
    ("wqy-microhei.ttc", "WenQuanYi Micro Hei"),
    ("wqy-zenhei.ttc", "WenQuanYi Zen Hei"),
    ("notoserifcjk-regular.ttc", "Noto Serif CJK SC"),
    ("notoserifcjksc-regular.otf", "Noto Serif CJK SC"),
    ("simsun.ttc", "SimSun"),
    ("droidsansfallbackfull.ttf", "Droid Sans Fallback"),
)


@dataclass(frozen=True)
class CjkFont:
    """A font file with Chinese glyphs: where it is and the family name to ask for."""

    path: Path
    family: str

    @property
    def directory(self) -> Path:
        return self.path.parent


def default_font_dirs() -> list[Path]:
    home = Path.home()
    dirs = [Path("/usr/share/fonts"), Path("/usr/local/share/fonts"), home / ".local/share/fonts", home / ".fonts"]
    if sys.platform == "win32" or os.environ.get("WINDIR"):
        windir = os.environ.get("WINDIR", r"C:\Windows")
        dirs.insert(0, Path(windir) / "Fonts")
        local = os.environ.get("LOCALAPPDATA")
        if local:
            dirs.insert(1, Path(local) / "Microsoft" / "Windows" / "Fonts")
    if sys.platform == "darwin":
        dirs[:0] = [Path("/System/Library/Fonts"), Path("/Library/Fonts"), home / "Library/Fonts"]
    return dirs


def search_dirs() -> list[Path]:
    """Where `find_cjk_font()` looks by default: the override when set, else the usual folders."""
    override = os.environ.get(ENV_FONT, "").strip()
    return [Path(override).expanduser()] if override else default_font_dirs()


def _family_of(path: Path) -> str | None:
    """The family name inside a font file (a collection: its simplified-Chinese member when it says so)."""
    try:
        from PIL import ImageFont
    except ImportError:  # pragma: no cover - Pillow comes with streamlit
        return None
    names: list[str] = []
    for index in range(12 if path.suffix.lower() in (".ttc", ".otc") else 1):
        try:
            family, _style = ImageFont.truetype(str(path), size=12, index=index).getname()
        except OSError:
            break
        if family:
            names.append(family)
    for hint in (" SC", "GB", " CN", "Hei", "Song"):
        for name in names:
            if hint in name:
                return name
    return names[0] if names else None


def _walk(directory: Path) -> dict[str, Path]:
    found: dict[str, Path] = {}
    for root, _dirs, files in os.walk(directory):
        for name in files:
            if name.lower().endswith(FONT_SUFFIXES):
                found.setdefault(name.lower(), Path(root) / name)
    return found


@lru_cache(maxsize=16)
def _find(dirs: tuple[str, ...]) -> CjkFont | None:
    files: dict[str, Path] = {}
    for d in map(Path, dirs):
        if d.is_file() and d.suffix.lower() in FONT_SUFFIXES:
            known = dict(KNOWN_FONTS).get(d.name.lower())
            family = known or _family_of(d)
            if family:
                return CjkFont(d, family)
        elif d.is_dir():
            for name, path in _walk(d).items():
                files.setdefault(name, path)
    for name, family in KNOWN_FONTS:
        if name in files:
            return CjkFont(files[name], family)
    return None


def find_cjk_font(search: Sequence[Path | str] | None = None) -> CjkFont | None:
    """The preferred CJK font in `search` (default `search_dirs()`: the override or the usual folders).

    Folders are searched recursively for the files of `KNOWN_FONTS`; a font file given directly is
    taken as it is. None when there is none: callers leave the charts out and warn."""
    dirs = search_dirs() if search is None else [Path(p).expanduser() for p in search]
    return _find(tuple(str(p) for p in dirs))


def missing_font_message(search: Sequence[Path | str] | None = None) -> str:
    dirs = search_dirs() if search is None else [Path(p) for p in search]
    looked = ", ".join(str(d) for d in dirs) or "-"
    return (f"no font with Chinese glyphs was found (looked in: {looked}); the charts are left out of the "
            f"document. Install one (Debian/Ubuntu: apt-get install fonts-noto-cjk; Windows ships SimHei and "
            f"Microsoft YaHei) or set {ENV_FONT} to a .ttf/.otf/.ttc file or a folder holding one.")


# ------------------------------------------------------------------------------------------ Word

# Official font -> a font Windows ships, which Word uses when the official one is not installed.
FALLBACKS: dict[str, str] = {
    "方正小标宋简体": "宋体",
    "方正小标宋_GBK": "宋体",
    "仿宋_GB2312": "仿宋",
    "楷体_GB2312": "楷体",
    "黑体": "SimHei",
    "宋体": "SimSun",
    "仿宋": "FangSong",
    "楷体": "KaiTi",
}


@dataclass(frozen=True)
class DocFonts:
    """The type plan of a document: East Asian font per role, the Latin font, sizes in points.

    Sizes follow GB/T 9704: title 二号 (22 pt), body and headings 三号 (16 pt), tables 四号 (14 pt)
    or smaller, page numbers 四号 宋体."""

    title: str = "方正小标宋简体"
    heading1: str = "黑体"
    heading2: str = "楷体_GB2312"
    body: str = "仿宋_GB2312"
    table: str = "仿宋_GB2312"
    page_number: str = "宋体"
    latin: str = "Times New Roman"
    title_size: float = 22
    body_size: float = 16
    table_size: float = 10.5
    caption_size: float = 14
    fallbacks: dict[str, str] = field(default_factory=lambda: dict(FALLBACKS))

    def east_asian(self) -> list[str]:
        return list(dict.fromkeys([self.title, self.heading1, self.heading2, self.body, self.table,
                                   self.page_number]))
