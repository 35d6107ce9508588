#!/usr/bin/env python3
"""Self-test of check_rules.py on fixture trees (data-driven: a case is a folder).

fixtures/<rule>/bad and fixtures/<rule>/good are small repository roots. Every line that the
rule must report ends with the marker "// VIOLATION" (for file-length: the file's last line;
for function-length: the first line of the function's header); good trees have none. The limits
are lowered here (files 20 lines, functions 10) so that the fixtures stay small.
"""
import os
import sys
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import check_rules  # noqa: E402

FIXTURES = os.path.join(HERE, "fixtures")
MARKER = "// VIOLATION"


def marked_lines(root):
    """(path, line) of every line that carries the marker under root."""
    marked = set()
    for dirpath, _, names in os.walk(root):
        for name in names:
            path = os.path.join(dirpath, name)
            with open(path, encoding="utf-8") as f:
                for number, text in enumerate(f, 1):
                    if text.rstrip().endswith(MARKER):
                        marked.add((os.path.relpath(path, root), number))
    return marked


class RuleFixtures(unittest.TestCase):
    def setUp(self):
        self.limits = (check_rules.MAX_FILE_LINES, check_rules.MAX_FUNCTION_LINES)
        check_rules.MAX_FILE_LINES, check_rules.MAX_FUNCTION_LINES = 20, 10

    def tearDown(self):
        check_rules.MAX_FILE_LINES, check_rules.MAX_FUNCTION_LINES = self.limits

    def check_case(self, rule, case):
        root = os.path.join(FIXTURES, rule, case)
        self.assertTrue(os.path.isdir(root), f"missing fixture {root}")
        violations = check_rules.RULES[rule](root)
        got = {(v.path, v.line) for v in violations}
        want = marked_lines(root)
        if case == "bad":
            self.assertTrue(want, f"{root}: a bad fixture must mark at least one line")
        self.assertEqual(
            got, want,
            f"rule {rule} on fixtures/{rule}/{case}: reported {sorted(got)}, marked {sorted(want)}"
            + "".join(f"\n  {v}" for v in violations))
        for v in violations:  # every message names the rule and says what is wrong
            self.assertIn(rule, str(v))
            self.assertTrue(v.message)

    def test_every_rule_has_fixtures(self):
        self.assertEqual(sorted(os.listdir(FIXTURES)), sorted(check_rules.RULES))


def add_cases():
    for rule in check_rules.RULES:
        for case in ("bad", "good"):
            name = f"test_{rule.replace('-', '_')}_{case}"
            setattr(RuleFixtures, name, lambda self, r=rule, c=case: self.check_case(r, c))


add_cases()

if __name__ == "__main__":
    unittest.main()
