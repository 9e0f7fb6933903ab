"""Per-epoch cost of the Python call next to the native epoch.

    python python/bench.py FILE... [--reps N] [--yuma PATH]

For each EpochInput file, the median over N calls of

* ``native``: ``yuma bench FILE`` (the fast pipeline in process, JSON parsing excluded), when
  ``--yuma`` names the binary;
* ``parse``: ``runtime_of(bytes)`` — reading the JSON into an ``EpochInput`` and nothing else;
* ``epoch(bytes)``: JSON bytes in, the output dict out (parse + epoch + building the dict);
* ``as_numpy``: the same with numpy arrays out;
* ``epoch(path)``: the file read too;
* ``epoch(dict)``: a dict in (``json.dumps`` first);

and the overhead of ``epoch(bytes)`` over the native epoch. Prints a Markdown table.
"""

import argparse
import json
import os
import subprocess
import sys
import time

# The installed package, not ./yuma_consensus beside this script (which has no extension built).
_here = os.path.dirname(os.path.abspath(__file__))
sys.path = [p for p in sys.path if os.path.abspath(p or ".") != _here]
import yuma_consensus as yc  # noqa: E402


def median_ms(f, reps):
    f()  # warm-up
    ts = []
    for _ in range(reps):
        t = time.perf_counter_ns()
        f()
        ts.append(time.perf_counter_ns() - t)
    ts.sort()
    return ts[len(ts) // 2] / 1e6


def native_ms(yuma, path, reps):
    out = subprocess.run(
        [yuma, "bench", path, "--reps", str(reps), "--reference-reps", "0"],
        check=True,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
    ).stdout
    return json.loads(out.splitlines()[0])["main_ns"] / 1e6


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("files", nargs="+")
    p.add_argument("--reps", type=int, default=21)
    p.add_argument("--yuma", help="the yuma binary, for the native time")
    a = p.parse_args()
    cols = ["file", "n", "native", "parse", "epoch(bytes)", "as_numpy", "epoch(path)", "epoch(dict)", "overhead"]
    print("| " + " | ".join(cols) + " |")
    print("|" + "---|" * len(cols))
    for path in a.files:
        data = open(path, "rb").read()
        doc = json.loads(data)
        row = {
            "file": os.path.basename(path).removesuffix(".json"),
            "n": doc.get("n", "-"),
            "parse": median_ms(lambda: yc.runtime_of(data), a.reps),
            "epoch(bytes)": median_ms(lambda: yc.epoch(data), a.reps),
            "as_numpy": median_ms(lambda: yc.epoch(data, as_numpy=True), a.reps),
            "epoch(path)": median_ms(lambda: yc.epoch(path), a.reps),
            "epoch(dict)": median_ms(lambda: yc.epoch(doc), a.reps),
        }
        if a.yuma:
            row["native"] = native_ms(a.yuma, path, a.reps)
            row["overhead"] = row["epoch(bytes)"] - row["native"]
        cells = [
            f"{row[c]:.2f} ms" if isinstance(row.get(c), float) else str(row.get(c, "-"))
            for c in cols
        ]
        print("| " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main()
