"""Fill Swedish translations into locale/sv from a msgid → msgstr table (development helper).

Usage: .venv/bin/python scripts/translate_sv.py FILE.tsv  (msgid<TAB>msgstr; plural forms joined by " || ")
"""

import fcntl
import sys
from pathlib import Path

import polib

PO = "locale/sv/LC_MESSAGES/django.po"


def main(path: str) -> None:
    table = {}
    with open(path, encoding="utf-8") as handle:
        for line in handle:
            if line.strip() and "\t" in line:
                msgid, msgstr = line.rstrip("\n").split("\t", 1)
                table[msgid] = msgstr
    Path("var").mkdir(exist_ok=True)
    with open("var/.messages.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # `make messages` takes the same lock: helpers may run both at once
        _apply(table)


def _apply(table: dict) -> None:
    catalogue = polib.pofile(PO)
    for entry in catalogue:
        if entry.msgid in table:
            forms = table[entry.msgid].split(" || ")
            if entry.msgid_plural:
                entry.msgstr_plural = {0: forms[0], 1: forms[-1]}
            else:
                entry.msgstr = forms[0]
            if "fuzzy" in entry.flags:
                entry.flags.remove("fuzzy")
    catalogue.save(PO)
    missing = [e.msgid for e in catalogue.untranslated_entries()]
    print(f"{len(missing)} untranslated", *missing, sep="\n  ")


if __name__ == "__main__":
    main(sys.argv[1])
