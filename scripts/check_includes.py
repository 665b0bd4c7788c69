#!/usr/bin/env python3
"""Checks the source layout of sim/ and dse/ against tests/layout/include_rules.txt.

Every folder under sim/ and dse/ must have a rule; each C file may include only the folders
its rule names (qualified "folder/x.h") or headers of its own folder (bare "x.h"); no folder
holds more than MAX_SOURCES .c files. Prints one line per violation and exits 1 on any.
Usage: check_includes.py [ROOT]   (default: the checkout this script is in)
"""
import os
import re
import sys

MAX_SOURCES = 15
INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)"', re.M)


def load_rules(path):
    rules = {}
    with open(path, encoding='utf-8') as f:
        for n, line in enumerate(f, 1):
            line = line.split('#', 1)[0].strip()
            if not line:
                continue
            folder, sep, allowed = line.partition(':')
            if not sep:
                sys.exit(f'{path}:{n}: expected "folder: allowed folders"')
            rules[folder.strip()] = set(allowed.split())
    return rules


def main():
    root = sys.argv[1] if len(sys.argv) > 1 else os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    rules = load_rules(os.path.join(root, 'tests/layout/include_rules.txt'))
    errors = []
    # Short names ("net", "resources") resolve to sim/NAME or dse/NAME, as the include paths do.
    short = {}
    for top in ('sim', 'dse'):
        for d in sorted(os.listdir(os.path.join(root, top))):
            if os.path.isdir(os.path.join(root, top, d)):
                if d in short:
                    errors.append(f'{top}/{d}: folder name also used as {short[d]}: qualified includes would be ambiguous')
                short[d] = f'{top}/{d}'
    for top in ('sim', 'dse'):
        loose = [f for f in os.listdir(os.path.join(root, top)) if f.endswith(('.c', '.h'))]
        for f in sorted(loose):
            errors.append(f'{top}/{f}: source file outside a concern folder')
    for name, folder in sorted(short.items(), key=lambda kv: kv[1]):
        if folder not in rules:
            errors.append(f'{folder}: no rule in tests/layout/include_rules.txt')
            continue
        path = os.path.join(root, folder)
        files = sorted(f for f in os.listdir(path) if f.endswith(('.c', '.h')))
        nsrc = sum(f.endswith('.c') for f in files)
        if nsrc > MAX_SOURCES:
            errors.append(f'{folder}: {nsrc} .c files, more than {MAX_SOURCES}: split the concern')
        if not os.path.exists(os.path.join(path, 'README.md')):
            errors.append(f'{folder}: no README.md saying what lives here and what it may include')
        own = set(files)
        for f in files:
            text = open(os.path.join(path, f), encoding='utf-8', errors='replace').read()
            for m in INCLUDE.finditer(text):
                inc = m.group(1)
                line = text.count('\n', 0, m.start()) + 1
                where = f'{folder}/{f}:{line}'
                if inc.startswith('../'):
                    # Only the regression driver reaches into rtl/ (the job file format it shares with the harness).
                    if not (folder == 'dse/regress' and inc.startswith('../../rtl/')):
                        errors.append(f'{where}: "{inc}" reaches outside sim/ and dse/')
                    continue
                if '/' not in inc:
                    if inc not in own and inc != 'onnx.pb-c.h':
                        errors.append(f'{where}: bare "{inc}" is not a header of {folder}; write "FOLDER/{inc}"')
                    continue
                dep = inc.split('/', 1)[0]
                if dep not in short:
                    errors.append(f'{where}: "{inc}" names no folder of sim/ or dse/')
                elif dep not in rules[folder] and short[dep] != folder:
                    errors.append(f'{where}: {folder} may not include {short[dep]} ("{inc}"); '
                                  f'allowed: {" ".join(sorted(rules[folder])) or "nothing"}')
    for e in errors:
        print(e)
    if errors:
        print(f'check_includes: {len(errors)} violation(s)', file=sys.stderr)
        return 1
    print(f'check_includes: {len(short)} folders, layout and include directions OK')
    return 0


if __name__ == '__main__':
    sys.exit(main())
