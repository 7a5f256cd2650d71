"""`make run`'s signing keys: a test certificate authority and, for every issuing body of the
demo (authorities, clusters, units), a test key with test images of a seal and a signature.
Made once under the folder given (default var/document-keys). Tests run this same file, so
what they sign with is what `make run` signs with."""

import sys
from pathlib import Path

from thidua_documents.testca import make_body_key
from thidua_ledger import scenario


def make_demo_keys(folder: Path) -> None:
    for key, (name, *_) in scenario.AUTHORITIES.items():
        make_body_key(folder, f"authority:{scenario.authority_id(key)}", name)
    for key, (name, *_) in scenario.CLUSTERS.items():
        make_body_key(folder, f"cluster:{scenario.cluster_id(key)}", name)
    for key, (name, *_) in scenario.UNITS.items():
        make_body_key(folder, f"unit:{scenario.unit_id(key)}", name)


if __name__ == "__main__":
    make_demo_keys(Path(sys.argv[1] if len(sys.argv) > 1 else "var/document-keys"))
