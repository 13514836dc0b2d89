"""Figures on matplotlib's Agg canvas (object-oriented API, no pyplot): PNG bytes with fixed
margins, text that mathtext can draw, and `Unplottable` for what has no picture.
"""

from __future__ import annotations

import io
import re

from .model import PLOT_DPI, _FONTS, one_line, shorten


class Unplottable(Exception):
    """There is nothing (sensible) to draw; the message says why."""


def attempt(draw, *args) -> bytes | str:
    """PNG bytes of the figure ``draw(fig, *args)`` draws, or the one-line reason it failed.
    The one place where exceptions are swallowed: a plot must never lose the report."""
    try:
        return png_of(draw, *args)
    except Unplottable as err:
        return one_line(err)
    except Exception as err:  # noqa: BLE001 -- any plotting failure degrades to a note
        return shorten(one_line(f"{type(err).__name__}: {err}"))


MARGINS_IN = {"left": 0.85, "right": 0.2, "bottom": 0.5, "top": 0.35}  # fixed margins [in] (no tight_layout)


def png_of(draw, *args) -> bytes:
    """Draw on a fresh 7 × 3.5 in Agg figure (``draw`` may resize it or set its own margins) and
    return the PNG at `PLOT_DPI`.  Margins are fixed in inches (`MARGINS_IN`) instead of
    tight_layout, which measured every tick label twice; mathtext that cannot be parsed is
    replaced by plain text (`plain_text`) instead of failing or showing raw TeX."""
    import matplotlib
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    with matplotlib.rc_context(_FONTS):
        fig = Figure(figsize=(7, 3.5), dpi=PLOT_DPI)
        FigureCanvasAgg(fig)
        fixed_margins(fig)
        draw(fig, *args)
        if tuple(fig.get_size_inches()) != getattr(fig, "_relu_verify_margins", None):
            fig.tight_layout()  # resized without setting its margins again (e.g. the d0 gd --plot panels)
        sanitize_text(fig)
        buf = io.BytesIO()
        fig.savefig(buf, format="png", dpi=PLOT_DPI, metadata={"Software": None})
    return buf.getvalue()


def fixed_margins(fig, **inches):
    """Subplot margins of ``fig`` fixed in inches (`MARGINS_IN`, overridden by ``left=``, ``right=``,
    ``bottom=``, ``top=``, e.g. for a legend outside the axes).  Call again after resizing the figure."""
    w, h = fig.get_size_inches()
    m = {**MARGINS_IN, **inches}
    fig.subplots_adjust(left=m["left"] / w, right=1 - m["right"] / w, bottom=m["bottom"] / h, top=1 - m["top"] / h,
                        hspace=0.55, wspace=0.3)
    fig._relu_verify_margins = (w, h)


def mathtext_ok(s: str) -> bool:
    """Whether matplotlib's mathtext parses ``s`` (plain text without ``$`` always does)."""
    if s.replace(r"\$", "").count("$") < 2:
        return True
    from matplotlib.font_manager import FontProperties
    from matplotlib.mathtext import MathTextParser

    try:
        MathTextParser("path").parse(s, 72, FontProperties())
        return True
    except (ValueError, RuntimeError):
        return False


TEX_WORDS = {"mathcal": "", "mathrm": "", "operatorname": "", "left": "", "right": "", "cdot": "·", "leq": "≤",
             "geq": "≥", "le": "≤", "ge": "≥", "infty": "∞", "circ": "°", "theta": "θ", "lambda": "λ", "mu": "μ",
             "varepsilon": "ε", "epsilon": "ε", "zeta": "ζ", "alpha": "α", "Gamma": "Γ", "Phi": "Φ", "in": "∈",
             "sqrt": "√", "|": "‖", ",": " ", " ": " ", "{": "{", "}": "}", "$": "$"}


def plain_text(s: str) -> str:
    """TeX-ish text as plain Unicode: ``$`` dropped, ``\\name`` → its symbol (or the name), groups
    ``{…}`` unwrapped (``x_{ab}`` → ``x_ab``)."""
    s = re.sub(r"\\([A-Za-z]+|.)", lambda m: TEX_WORDS.get(m[1], m[1]), str(s).replace(r"\$", "\0"))
    s = s.replace("$", "").replace("\0", "$")
    for _ in range(3):
        s = re.sub(r"([_^])\{([^{}]*)\}", lambda m: m[1] + (m[2] if len(m[2]) == 1 else f"({m[2]})"), s)
    return s.replace("{", "").replace("}", "")


def sanitize_text(fig):
    """Replace every text of ``fig`` that mathtext cannot render by its `plain_text`."""
    from matplotlib.text import Text

    for t in fig.findobj(Text):
        s = t.get_text()
        if "$" in s and not mathtext_ok(s):
            t.set_text(plain_text(s))


def mpl_text(s) -> str:
    """Data text (a series name, a parameter label) for matplotlib: ``$…$`` or TeX-ish markup
    (``x_{ab}``, ``\\alpha``) rendered as mathtext when it parses, else shown as `plain_text`; a lone
    ``$`` escaped so it never starts mathtext by accident."""
    s = str(s)
    if s.count("$") >= 2 and "\\$" not in s:  # already mathtext: render it if it parses, else plain text
        return s if mathtext_ok(s) else plain_text(s)
    if re.search(r"[_^]\{|\\[A-Za-z]", s) and "$" not in s:
        candidate = "$" + re.sub(r"(?<!\\) ", r"\\ ", s) + "$"
        return candidate if mathtext_ok(candidate) else plain_text(s)
    return s.replace("$", r"\$")
