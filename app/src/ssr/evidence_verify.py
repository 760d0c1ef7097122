#!/usr/bin/env python3
"""Checks a Vigil evidence pack's ledger proof with the Python 3 standard library and openssl.

Run it in the unzipped pack:  python3 verify.py
It checks, and says which check failed:
  1. checkpoint.txt is signed by signing-key.pub.pem (openssl, Ed25519);
  2. each line of ledger-records.jsonl is a record's canonical bytes: its SHA-256 is the
     record_hash that completions.csv lists for that record;
  3. each record's leaf hash SHA-256(0x00 || bytes) is in the checkpoint's tree, by the inclusion
     proof in ledger-proofs.jsonl (RFC 9162, section 2.1.3.2).
docs/evidence.md in Vigil's sources describes the encoding and the formats.
"""

import base64
import csv
import hashlib
import json
import os
import subprocess
import sys
import tempfile


def fail(message):
    print("FAILED: " + message)
    sys.exit(1)


def node(left, right):
    return hashlib.sha256(b"\x01" + left + right).digest()


def verify_inclusion(leaf, index, size, proof, root):
    if index >= size:
        return False
    fn, sn, r = index, size - 1, leaf
    for p in proof:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            r = node(p, r)
            while not fn & 1 and fn != 0:
                fn >>= 1
                sn >>= 1
        else:
            r = node(r, p)
        fn >>= 1
        sn >>= 1
    return sn == 0 and r == root


def check_signature(note):
    body, _, signatures = note.partition("\n\n")
    body += "\n"
    origin = body.split("\n")[0]
    for line in signatures.splitlines():
        parts = line.split(" ")
        if len(parts) == 3 and parts[0] == "\u2014" and parts[1] == origin:
            signed = base64.b64decode(parts[2])
            with tempfile.TemporaryDirectory() as scratch:
                body_path = os.path.join(scratch, "body")
                sig_path = os.path.join(scratch, "sig")
                with open(body_path, "wb") as out:
                    out.write(body.encode("utf-8"))
                with open(sig_path, "wb") as out:
                    out.write(signed[4:])
                checked = subprocess.run(
                    ["openssl", "pkeyutl", "-verify", "-pubin", "-inkey",
                     "signing-key.pub.pem", "-rawin", "-in", body_path, "-sigfile", sig_path],
                    capture_output=True, text=True)
                if checked.returncode != 0:
                    fail("checkpoint.txt is not signed by signing-key.pub.pem: "
                         + (checked.stdout + checked.stderr).strip())
            lines = body.split("\n")
            return origin, int(lines[1]), base64.b64decode(lines[2])
    fail("checkpoint.txt carries no signature by " + origin)


def main():
    with open("checkpoint.txt", encoding="utf-8") as f:
        origin, size, root = check_signature(f.read())
    print(f"1. checkpoint.txt: log {origin}, {size} records, signed by signing-key.pub.pem")

    listed = {}
    with open("completions.csv", newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            listed[int(row["record"])] = row["record_hash"]
    proofs = {}
    with open("ledger-proofs.jsonl", encoding="utf-8") as f:
        for line in f:
            proof = json.loads(line)
            proofs[proof["index"]] = proof

    count = 0
    with open("ledger-records.jsonl", "rb") as f:
        for raw in f:
            canonical = raw.rstrip(b"\n")
            record = json.loads(canonical)
            sequence = record["sequence"]
            if hashlib.sha256(canonical).hexdigest() != listed.get(sequence):
                fail(f"record {sequence}: its bytes do not hash to the record_hash "
                     "completions.csv lists")
            proof = proofs.get(sequence - 1)
            if proof is None:
                fail(f"record {sequence}: no inclusion proof")
            leaf = hashlib.sha256(b"\x00" + canonical).digest()
            path = [base64.b64decode(h) for h in proof["proof"]]
            if proof["tree_size"] != size or not verify_inclusion(
                    leaf, sequence - 1, size, path, root):
                fail(f"record {sequence}: it is not in the tree the checkpoint commits to")
            count += 1
    missing = sorted(set(listed) - {p + 1 for p in proofs})
    if missing:
        fail(f"record {missing[0]} is listed in completions.csv but has no proof")
    print(f"2. ledger-records.jsonl: {count} records, each hashing to its listed record_hash")
    print(f"3. ledger-proofs.jsonl: each of the {count} records is in the checkpoint's tree")
    print("The pack's records are in the ledger the checkpoint commits to.")


if __name__ == "__main__":
    main()
