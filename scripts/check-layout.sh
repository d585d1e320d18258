#!/usr/bin/env bash
# The layout rules of docs/ARCHITECTURE.md, checked on src/ (run by `make lint`):
#
#   1. no non-test source file over 600 lines;
#   2. no function over 70 lines (a brace-counting scan of `fn` items);
#   3. no import cycle between top-level modules of src/ (the graph of
#      `crate::X` references in each module's non-test code);
#   4. src/sim/ knows no Redis: it references none of crate::{repl, cmd,
#      server, view, playground, node, scenario, wasm}.
#
# Test code is skipped everywhere: files named tests.rs, files under a
# tests/ folder, and `#[cfg(test)]` modules. Comments and string literals
# are blanked before braces and references are read. Every finding names
# the file, the line or the function; the exit status is 1 if there is one.
set -euo pipefail
cd "$(dirname "$0")/.."

exec python3 - "$@" <<'PY'
import os, re, sys

MAX_FILE_LINES = 600
MAX_FN_LINES = 70
SIM_FORBIDDEN = {"repl", "cmd", "server", "view", "playground", "node", "scenario", "wasm"}

def is_test_file(path):
    parts = path.split(os.sep)
    return parts[-1] == "tests.rs" or "tests" in parts[:-1]

def blank_code(text):
    """The text with comments, strings and char literals replaced by spaces
    (newlines kept), so braces and paths are read from code only."""
    out, i, n = [], 0, len(text)
    while i < n:
        c = text[i]
        if text.startswith("//", i):
            j = text.find("\n", i)
            j = n if j < 0 else j
            out.append(" " * (j - i)); i = j
        elif text.startswith("/*", i):
            depth, j = 1, i + 2
            while j < n and depth:
                if text.startswith("/*", j): depth += 1; j += 2
                elif text.startswith("*/", j): depth -= 1; j += 2
                else: j += 1
            out.append(re.sub(r"[^\n]", " ", text[i:j])); i = j
        elif c == "r" and re.match(r'r#*"', text[i:i + 10]) and (i == 0 or not (text[i - 1].isalnum() or text[i - 1] == "_")):
            hashes = re.match(r'r(#*)"', text[i:]).group(1)
            end = text.find('"' + hashes, i + 2 + len(hashes))
            j = n if end < 0 else end + 1 + len(hashes)
            out.append(re.sub(r"[^\n]", " ", text[i:j])); i = j
        elif c == '"':
            j = i + 1
            while j < n and text[j] != '"':
                j += 2 if text[j] == "\\" else 1
            j += 1
            out.append(re.sub(r"[^\n]", " ", text[i:j])); i = j
        elif c == "'":
            m = re.match(r"'(\\.[^']*|[^\\'])'", text[i:i + 12])
            if m:
                out.append(" " * len(m.group(0))); i += len(m.group(0))
            else:
                out.append(c); i += 1  # a lifetime
        else:
            out.append(c); i += 1
    return "".join(out)

def matching_brace(code, open_at):
    depth = 0
    for j in range(open_at, len(code)):
        if code[j] == "{": depth += 1
        elif code[j] == "}":
            depth -= 1
            if depth == 0:
                return j
    return len(code) - 1

def strip_test_modules(code):
    """Blanks every `#[cfg(test)]` item (a test module or function)."""
    out = code
    for m in re.finditer(r"#\[cfg\(test\)\]", code):
        start = m.end()
        semi = out.find(";", start)
        brace = out.find("{", start)
        if brace < 0 or (0 <= semi < brace):
            continue  # `mod tests;`: the file itself is skipped
        end = matching_brace(out, brace)
        out = out[:m.start()] + re.sub(r"[^\n]", " ", out[m.start():end + 1]) + out[end + 1:]
    return out

FN = re.compile(r"^[ \t]*(?:pub(?:\([^)]*\))?\s+)?(?:const\s+)?(?:async\s+)?(?:unsafe\s+)?(?:extern\s+\"[^\"]*\"\s+)?fn\s+(\w+)", re.M)

def long_functions(path, code):
    found = []
    for m in FN.finditer(code):
        brace, semi = code.find("{", m.end()), code.find(";", m.end())
        if brace < 0 or (0 <= semi < brace):
            continue  # a declaration without a body
        end = matching_brace(code, brace)
        first = code.count("\n", 0, m.start()) + 1
        last = code.count("\n", 0, end) + 1
        if last - first + 1 > MAX_FN_LINES:
            found.append(f"{path}:{first}: fn {m.group(1)} has {last - first + 1} lines (limit {MAX_FN_LINES})")
    return found

def top_module(path):
    rel = os.path.relpath(path, "src").split(os.sep)
    if rel[0] == "bin" or rel == ["lib.rs"]:
        return None
    return rel[0][:-3] if rel[0].endswith(".rs") else rel[0]

REF = re.compile(r"\bcrate::(\{[^}]*\}|\w+)")

def references(code):
    names = set()
    for m in REF.finditer(code):
        group = m.group(1)
        if group.startswith("{"):
            names.update(re.findall(r"(?:^|[{,])\s*(\w+)", group))
        else:
            names.add(group)
    return names

def find_cycle(graph):
    state, stack = {}, []
    def visit(v):
        state[v] = 1; stack.append(v)
        for w in sorted(graph.get(v, ())):
            if state.get(w) == 1:
                return stack[stack.index(w):] + [w]
            if w not in state:
                c = visit(w)
                if c: return c
        state[v] = 2; stack.pop()
        return None
    for v in sorted(graph):
        if v not in state:
            c = visit(v)
            if c: return c
    return None

problems = []
graph = {}
sim_refs = []
for root, _, files in os.walk("src"):
    for f in sorted(files):
        if not f.endswith(".rs"):
            continue
        path = os.path.join(root, f)
        if is_test_file(path):
            continue
        text = open(path, encoding="utf-8").read()
        lines = text.count("\n") + (0 if text.endswith("\n") else 1)
        if lines > MAX_FILE_LINES:
            problems.append(f"{path}: {lines} lines (limit {MAX_FILE_LINES} for non-test files)")
        code = strip_test_modules(blank_code(text))
        problems.extend(long_functions(path, code))
        module = top_module(path)
        if module is None:
            continue
        refs = references(code) - {module, "self", "super"}
        graph.setdefault(module, set()).update(refs)
        if module == "sim":
            for name in sorted(refs & SIM_FORBIDDEN):
                sim_refs.append(f"{path}: src/sim/ must know no Redis, but references crate::{name}")
problems.extend(sim_refs)

# Cycles: report one, remove one of its edges, look again, so each
# independent cycle is named.
graph = {k: {v for v in vs if v in graph} for k, vs in graph.items()}
for _ in range(50):
    cycle = find_cycle(graph)
    if not cycle:
        break
    problems.append("import cycle between top-level modules: " + " -> ".join(cycle))
    graph[cycle[-2]].discard(cycle[-1])

if problems:
    print("check-layout: %d problem(s)" % len(problems))
    for p in problems:
        print("  " + p)
    sys.exit(1)
print("check-layout: ok (file sizes, function lengths, module cycles, sim's imports)")
PY
