#!/usr/bin/env python3
"""The shape of the Swift code: the module graph, the longest functions, and imports not declared.

    swift package describe --type json > /tmp/describe.json
    python3 scripts/code_shape.py /tmp/describe.json graph      # each module and what it depends on
    python3 scripts/code_shape.py /tmp/describe.json longest 10 # the N longest functions (lines)
    python3 scripts/code_shape.py /tmp/describe.json imports    # exit 1 if a file imports an undeclared module

Functions are found by a plain scan (a `func`, `init` or closure-free accessor line, then its balanced
braces), which is exact for code formatted by swift-format; strings with braces are skipped.
"""

import json
import re
import sys
from pathlib import Path

# Modules every target may import without declaring them: the toolchain's.
TOOLCHAIN = {
    "Foundation", "FoundationEssentials", "FoundationNetworking", "Dispatch", "Glibc", "Darwin", "Musl", "Synchronization",
    "Testing", "XCTest", "_Concurrency", "os", "Observation",
}

# Product names whose import name differs from the product name.
IMPORT_ALIASES = {"HummingbirdTesting": {"HummingbirdTesting"}}


def load(path):
    return json.loads(Path(path).read_text())


def graph(describe):
    for target in sorted(describe["targets"], key=lambda t: (t["type"], t["name"])):
        if target["type"] == "test":
            continue
        deps = target.get("target_dependencies", [])
        products = target.get("product_dependencies", [])
        files = len(target["sources"])
        lines = sum(len((Path(target["path"]) / s).read_text().splitlines()) for s in target["sources"])
        print(f"{target['name']} ({files} files, {lines} lines) -> {', '.join(deps) or '-'}"
              + (f" | {', '.join(products)}" if products else ""))


FUNC_START = re.compile(r"^\s*(?:@[\w()]+\s+)*(?:(?:public|private|fileprivate|internal|package|static|"
                        r"nonisolated|mutating|override|final|convenience|required|@\w+)\s+)*"
                        r"(func\s+[\w<>`]+|init[?!]?|deinit|subscript)\b")
STRING = re.compile(r'"(?:\\.|[^"\\])*"')


def functions(path):
    lines = path.read_text().splitlines()
    i = 0
    while i < len(lines):
        match = FUNC_START.match(lines[i])
        if not match:
            i += 1
            continue
        name = match.group(1).replace("func ", "")
        depth, seen, j = 0, False, i
        while j < len(lines):
            text = STRING.sub('""', lines[j].split("//")[0])
            depth += text.count("{") - text.count("}")
            seen = seen or "{" in text
            if seen and depth <= 0:
                break
            if not seen and j > i + 12:  # a protocol requirement: no body
                break
            j += 1
        if seen:
            yield name, i + 1, j - i + 1
        i += 1


def longest(describe, count):
    found = []
    for target in describe["targets"]:
        if target["type"] == "test":
            continue
        for source in target["sources"]:
            path = Path(target["path"]) / source
            for name, line, length in functions(path):
                found.append((length, f"{Path(target['path']).name}/{source}:{line}", name))
    for length, where, name in sorted(found, reverse=True)[:count]:
        print(f"{length:4d}  {name:32s} {where}")


def undeclared_imports(describe):
    products_of = {}
    for target in describe["targets"]:
        products_of[target["name"]] = set(target.get("target_dependencies", [])) | set(
            target.get("product_dependencies", []))
    target_names = {t["name"] for t in describe["targets"]}
    problems = 0
    for target in describe["targets"]:
        declared = products_of[target["name"]]
        for source in target["sources"]:
            path = Path(target["path"]) / source
            for number, line in enumerate(path.read_text().splitlines(), 1):
                m = re.match(r"^\s*(?:@\w+(?:\([^)]*\))?\s+)*(?:public\s+|package\s+|internal\s+)?import\s+"
                             r"(?:struct\s+|enum\s+|class\s+|func\s+|protocol\s+)?(\w+)", line)
                if not m:
                    continue
                module = m.group(1)
                if module in TOOLCHAIN or module in declared or module == target["name"]:
                    continue
                if target["type"] == "test" and module in target_names and module in declared:
                    continue
                print(f"{Path(target['path']).name}/{source}:{number}: imports {module}, not declared by"
                      f" {target['name']}")
                problems += 1
    return problems


def main():
    describe = load(sys.argv[1])
    command = sys.argv[2] if len(sys.argv) > 2 else "graph"
    if command == "graph":
        graph(describe)
    elif command == "longest":
        longest(describe, int(sys.argv[3]) if len(sys.argv) > 3 else 10)
    elif command == "imports":
        sys.exit(1 if undeclared_imports(describe) else 0)
    else:
        sys.exit(f"unknown command {command}")


if __name__ == "__main__":
    main()
