#!/usr/bin/env python3
"""Compares Heron's BODYSTRUCTURE, BODY and ENVELOPE with Dovecot's for a set of messages.

Usage: compare.py [-v] DOVECOT_SH MIME_DUMP FILE...
DOVECOT_SH runs Dovecot's imap binary on one message (see README.md); MIME_DUMP is the program
built from mime_dump.cpp. Each message is first converted to CRLF line ends (Dovecot reports
CRLF sizes for LF files, Heron the stored bytes). Strings are compared after decoding (quoted
or literal) and lowercasing, since Heron lowercases types and Dovecot keeps the header's case.
Prints one line per difference and a summary.
"""
import os
import re
import subprocess
import sys
import tempfile


def tokens(data: bytes):
    i = 0
    out = []
    while i < len(data):
        c = data[i:i + 1]
        if c in b' \r\n':
            i += 1
        elif c in b'()':
            out.append(c.decode())
            i += 1
        elif c == b'"':
            j = i + 1
            s = bytearray()
            while j < len(data) and data[j:j + 1] != b'"':
                if data[j:j + 1] == b'\\':
                    j += 1
                s += data[j:j + 1]
                j += 1
            out.append(('s', bytes(s).lower()))
            i = j + 1
        elif c in (b'{', b'~'):
            m = re.match(rb'~?\{(\d+)\}\r\n', data[i:])
            n = int(m.group(1))
            start = i + m.end()
            out.append(('s', data[start:start + n].lower()))
            i = start + n
        else:
            m = re.match(rb'[^ ()\r\n]+', data[i:])
            out.append(('a', m.group(0)))
            i += m.end()
    return out


def items(response: bytes):
    """FETCH items of '* 1 FETCH (...)' as {name: token list}."""
    start = response.find(b'FETCH (')
    if start < 0:
        return {}
    toks = tokens(response[start + 7:])
    result, i = {}, 0
    while i < len(toks):
        name = toks[i]
        if name == ')':
            break
        i += 1
        depth, j = 0, i
        while True:
            t = toks[j]
            if t == '(':
                depth += 1
            elif t == ')':
                depth -= 1
            j += 1
            if depth == 0:
                break
        result[name[1].decode().upper()] = toks[i:j]
        i = j
    return result


def main():
    verbose = sys.argv[1] == '-v'
    args = sys.argv[2:] if verbose else sys.argv[1:]
    dovecot, dump, files = args[0], args[1], args[2:]
    same = differ = 0
    for path in files:
        raw = open(path, 'rb').read()
        crlf = re.sub(rb'\r?\n', b'\r\n', raw)
        with tempfile.NamedTemporaryFile(suffix='.eml', delete=False) as t:
            t.write(crlf)
        try:
            theirs = subprocess.run([dovecot, t.name, 'bodystructure body envelope'],
                                    capture_output=True, timeout=60).stdout
            ours = subprocess.run([dump, t.name], capture_output=True, timeout=60).stdout
        finally:
            os.unlink(t.name)
        try:
            a, b = items(ours), items(theirs)
        except (IndexError, AttributeError, ValueError):
            differ += 1
            print(f'DIFF {path}: unparsable answer')
            continue
        bad = [k for k in ('BODYSTRUCTURE', 'BODY', 'ENVELOPE') if a.get(k) != b.get(k)]
        if bad:
            differ += 1
            print(f'DIFF {path}: {" ".join(bad)}')
            if verbose:
                for k in bad:
                    x, y = a.get(k) or [], b.get(k) or []
                    n = next((i for i in range(min(len(x), len(y))) if x[i] != y[i]), None)
                    if n is None:
                        n = min(len(x), len(y))
                    print(f'  {k} at token {n}: heron {x[max(0, n - 3):n + 4]}')
                    print(f'  {" " * len(k)}             dovecot {y[max(0, n - 3):n + 4]}')
        else:
            same += 1
    print(f'{same} same, {differ} different')


if __name__ == '__main__':
    main()
