"""Markdown tables of the search-design results (``run.py``, ``scale.py`` JSON).

python bench/search_design/report.py --work /tmp/search-design --articles 100000
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

NAMES = {
    "pf": "(a) Pagefind year shards",
    "fts": "(b) SQLite FTS5 over HTTP ranges",
    "inv": "(c) inverted index by term range",
}


def kb(n: float) -> str:
    return f"{n / 1000:,.1f} kB" if n < 1e6 else f"{n / 1e6:,.1f} MB"


def build_table(results: dict[str, dict[str, Any]]) -> list[str]:
    rows = [
        "| candidate | index build | peak memory | index size | files "
        "| one edit searchable | 100 edits |",
        "|---|---|---|---|---|---|---|",
    ]
    for name, r in results.items():
        b, e = r["build"], r.get("edit", {})
        edits = r.get("edits", {})
        if name == "pf":
            one = f"{e.get('seconds', 0):.1f} s, {e.get('peak_mb', 0)} MB (its year re-indexed)"
            hundred = "every year re-indexed (= a full build); size unchanged"
        elif name == "fts":
            one = (
                f"{e['edit_s'] * 1000:.0f} ms; {e['pages_changed']} pages change, file re-uploaded"
            )
            hundred = (
                f"{edits['edit_s']:.2f} s; {edits['pages_changed']} pages; "
                f"db {kb(b['db_bytes'])} -> {kb(edits['db_bytes'])}"
            )
        else:
            one = f"{e['edit_s'] * 1000:.0f} ms; {e['delta_files']} files, {kb(e['delta_bytes'])}"
            hundred = (
                f"{edits['edit_s']:.2f} s; {edits['delta_files']} files, {kb(edits['delta_bytes'])}"
            )
        rows.append(
            f"| {NAMES[name]} | {b['seconds']:.0f} s | {b['peak_mb']:,} MB "
            f"| {kb(r['size']['bytes'])} | {r['size']['files']:,} | {one} | {hundred} |"
        )
    return rows


def query_table(results: dict[str, dict[str, Any]]) -> list[str]:
    rows = [
        "| candidate | query | first: runtime | first: index data | requests | time to result "
        "| second query (which) | second: data | second: time | hits / exact | check |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for name, r in results.items():
        for q, v in r.get("browser", {}).items():
            if q == "whole_file_host":
                continue
            f, s = v["first"], v["second"]
            check = []
            if "newest_dates_ok" in f:
                check.append("newest 10 by date " + ("right" if f["newest_dates_ok"] else "WRONG"))
            if "found_of_expected" in f:
                check.append(f"top 10 has {f['found_of_expected']} exact hits")
            rows.append(
                f"| {NAMES[name]} | {q} | {kb(f['runtime_bytes'])} | {kb(f['data_bytes'])} "
                f"| {f['requests']} | {f['ms'] / 1000:.2f} s | {s['query']} "
                f"| {kb(s['data_bytes'])} "
                f"| {s['ms'] / 1000:.2f} s | {f['total']:,} / {f['expected_total']:,} "
                f"| {'; '.join(check)} |"
            )
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--work", type=Path, default=Path("/tmp/search-design"))
    parser.add_argument("--articles", type=int, default=100_000)
    args = parser.parse_args()
    results = {}
    for name in NAMES:
        path = args.work / "results" / f"{name}-{args.articles}.json"
        if path.exists():
            results[name] = json.loads(path.read_text())
    print("\n".join(build_table(results)))
    print()
    print("\n".join(query_table(results)))
    for name, r in results.items():
        for key in ("whole_file_host",):
            if key in r.get("browser", {}):
                w = r["browser"][key]
                print(
                    f"\n{NAMES[name]}, whole-file host: {w['outcome']}; {kb(w['data_bytes'])} sent"
                )
        if "after_edits" in r:
            print(f"{NAMES[name]}, after the edit step: {json.dumps(r['after_edits'])}")
    for name in ("inv", "fts"):
        path = args.work / "results" / f"scale-{name}.json"
        if path.exists():
            print(f"\n| {NAMES[name]}: articles | index step | peak memory | size | files |")
            print("|---|---|---|---|---|")
            for n, row in json.loads(path.read_text()).items():
                print(
                    f"| {int(n):,} | {row['seconds']:.0f} s | {row['peak_mb']:,} MB "
                    f"| {kb(row['bytes'])} | {row['files']:,} |"
                )


if __name__ == "__main__":
    main()
