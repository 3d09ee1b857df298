"""What every benchmark prints: its rows as a Markdown table."""

COLUMNS = ("benchmark", "value", "unit", "baseline", "ratio", "target")


def table(rows: list[dict]) -> str:
    """Rows ``{"benchmark", "value", "unit", "baseline", "ratio", "target"}`` as a Markdown table."""
    lines = ["| " + " | ".join(COLUMNS) + " |", "|" + "---|" * len(COLUMNS)]
    for r in rows:
        lines.append("| " + " | ".join("–" if r.get(k) is None else str(r[k]).replace("|", "\\|")
                                       for k in COLUMNS) + " |")
    return "\n".join(lines)
