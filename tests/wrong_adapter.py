"""A deliberately wrong implementation for the stdio vector protocol (spec/vectors.md §4).

It answers like the reference, except for cases whose name is in WRONG: for a valid case it
flips the last hex digit of the first string in ``post``; for an invalid one it answers a
different error code. ``tests/test_vectors.py`` checks that verify names exactly these cases.
"""

from __future__ import annotations

import json
import sys
from typing import Any

from duskspec.vectors.adapter import answer

#: (component, handler, case) that this adapter gets wrong.
WRONG = {
    ("merkle", "txroot", "dusk_bella_3"),
    ("hashes", "sha3_256", "abc"),
    ("encoding", "var_bytes", "over_bound"),
}


def corrupt(post: Any) -> Any:
    if isinstance(post, dict):
        key = sorted(post)[0]
        return {**post, key: corrupt(post[key])}
    if isinstance(post, str):
        return post[:-1] + ("0" if post[-1] != "0" else "1")
    if isinstance(post, int):
        return post + 1
    raise TypeError(type(post))


def main() -> None:
    for line in sys.stdin:
        request = json.loads(line)
        reply = answer(request)
        if (request["component"], request["handler"], request["case"]) in WRONG:
            if "post" in reply:
                reply["post"] = corrupt(reply["post"])
            else:
                reply["error"] = "encoding.not_this_one"
        sys.stdout.write(json.dumps(reply) + "\n")
        sys.stdout.flush()


if __name__ == "__main__":
    main()
