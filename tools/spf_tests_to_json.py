#!/usr/bin/env python3
"""Convert the OpenSPF test suite (YAML, from pyspf) to the JSON the unit tests read.

Usage: tools/spf_tests_to_json.py ../shared/testdata/spf/pyspf/test/rfc7208-tests.yml \
           tests/data/shared/spf/pyspf/rfc7208-tests.json

The output is a list of scenarios, each {"description", "tests", "zonedata"}, exactly as in
the YAML (record types SPF, TXT, A, AAAA, MX, PTR, CNAME and the bare word TIMEOUT). A TXT or
SPF value written as a YAML list of strings stays a list (RFC 7208 3.3: the strings are
concatenated by the reader). Needs python3-yaml (Debian).
"""
import json
import sys

import yaml


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    with open(sys.argv[1], encoding="utf-8") as f:
        scenarios = list(yaml.safe_load_all(f))
    with open(sys.argv[2], "w", encoding="utf-8") as f:
        json.dump(scenarios, f, indent=1, ensure_ascii=True, sort_keys=True)
        f.write("\n")


if __name__ == "__main__":
    main()
