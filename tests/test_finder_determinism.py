"""The finder gives the same result on every run: nothing in it hangs on the order of a set,
which Python's string hashing changes from one process to the next."""

from __future__ import annotations

import os
import random
import subprocess
import sys
from pathlib import Path

import pytest
from brief_reader.search.paraphrase import Idf
from hypothesis import given, settings
from hypothesis import strategies as st

PROJECT = Path(__file__).resolve().parent.parent
DATA = PROJECT.parent / "shared" / "data"

_STEMS = st.lists(st.text("abcdefghij", min_size=1, max_size=6), min_size=1, max_size=30)


@settings(derandomize=True, max_examples=200, deadline=None)
@given(
    sentences=st.lists(_STEMS, min_size=1, max_size=20),
    stems=_STEMS,
    seed=st.randoms(use_true_random=False),
)
def test_sums_of_weights_are_the_same_in_any_order(
    sentences: list[list[str]], stems: list[str], seed: random.Random
) -> None:
    idf = Idf([tuple(s) for s in sentences])
    shuffled = list(stems)
    seed.shuffle(shuffled)
    assert idf.total_weight(shuffled) == idf.total_weight(stems)
    assert idf.total_surprise(shuffled) == idf.total_surprise(stems)


_RUN = """
import hashlib, json, sys
from pathlib import Path
sys.path.insert(0, {project!r})
from bench.passages_bench import pan13
from brief_reader.search.facts import to_cache
from brief_reader.search.passages import find_shared
result = find_shared(pan13(Path({data!r})))
print(hashlib.sha256(json.dumps(to_cache(result, 0), sort_keys=True).encode()).hexdigest())
"""


@pytest.mark.skipif(not (DATA / "pan13").is_dir(), reason="no pan13 data")
def test_the_result_is_the_same_whatever_the_string_hashing() -> None:
    # On PAN13, hash seeds 1 and 8 once gave two links of the same kind whose scores, summed
    # over a set in two orders, differed in their last bit: a passage named another member as
    # its closest.
    code = _RUN.format(project=str(PROJECT), data=str(DATA))
    digests = set()
    for seed in ("1", "8"):
        env = dict(os.environ, PYTHONHASHSEED=seed)
        done = subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=600
        )
        assert done.returncode == 0, done.stderr[-2000:]
        digests.add(done.stdout.strip())
    assert len(digests) == 1
