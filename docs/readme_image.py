"""Make the README's picture of a brief: the first pages of a session brief, as PNG.

Uses the project's own pipeline (the pseudonymised demo corpus, the session brief
notebook, the PDF renderer) and pypdfium2 (a dev dependency) to draw the pages.

    make readme-image       # after make demo
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> int:
    import pypdfium2
    from PIL import Image

    pdf = ROOT / "reports/demo/briefs/seance-bxl-atelier-2-fr/seance-bxl-atelier-2-fr.pdf"
    if not pdf.exists():
        print(f"{pdf} is missing: run `make demo` first.", file=sys.stderr)
        return 1
    document = pypdfium2.PdfDocument(str(pdf))
    pages = [document[i].render(scale=1.1).to_pil() for i in range(min(3, len(document)))]
    gap = 16
    width = sum(p.width for p in pages) + gap * (len(pages) + 1)
    height = max(p.height for p in pages) + 2 * gap
    sheet = Image.new("RGB", (width, height), "#e8eaed")
    x = gap
    for page in pages:
        sheet.paste(page, (x, gap))
        x += page.width + gap
    out = ROOT / "docs/images/session-brief.png"
    sheet.save(out, optimize=True)
    print(f"wrote {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
