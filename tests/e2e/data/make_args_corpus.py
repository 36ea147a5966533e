#!/usr/bin/env python3
"""Writes args.bin: NUL-separated arguments for the byte-for-byte round trip through
`lxhost attach -- printf '<%s>\\0' ARGS...`. Deterministic (fixed seed); rerun to regenerate."""
import os
import random

rng = random.Random(20261129)
args = [
    "", " ", "  two  spaces  ", "\t", "a\nb", "\n", "\r\n", "trailing\n",
    "'", "''", '"', '""', "it's", 'say "hi"', "\\", "\\\\", "back\\slash", "\\n",
    "$HOME", "${HOME}", "$(id)", "`id`", "a;b", "a&b", "a|b", "a>b", "a<b", "(x)", "{x}", "[x]",
    "*", "?", "~", "~root", "#comment", "!", "!!", "%", "a=b", "=", "--", "-", "-n", "--name=x", "-e",
    "\x01\x02\x03\x07\x08\x1b[31m\x7f", "é", "日本語", "\xff".encode("latin-1").decode("latin-1"),
]
# Raw bytes, including invalid UTF-8: write as bytes.
byte_args = [a.encode("utf-8", "surrogateescape") for a in args]
byte_args += [b"\xff", b"\xc3", b"\xc0\xaf", b"\xed\xa0\x80", b"ok\xfe\xffok"]
byte_args.append(bytes(range(1, 256)))
meta = b"|&;<>()$`\\\"' \t*?[]#~=%!{}"
byte_args.append(meta)
for _ in range(40):
    n = rng.randint(0, 24)
    byte_args.append(bytes(rng.choice(list(range(1, 256))) for _ in range(n)))
byte_args.append(b"x" * 4096)

with open(os.path.join(os.path.dirname(__file__), "args.bin"), "wb") as f:
    for a in byte_args:
        assert b"\0" not in a
        f.write(a + b"\0")
