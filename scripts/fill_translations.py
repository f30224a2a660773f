#!/usr/bin/env python3
"""Fill the Simplified Chinese catalogue from a JSON file of translations (no third-party packages).

    python scripts/fill_translations.py dump  [PO] > todo.json   # untranslated or fuzzy entries
    python scripts/fill_translations.py apply TRANSLATIONS.json [PO]

The JSON maps a key to its translation; the key is the msgid, or "msgctxt\\u0004msgid" for an entry
with a context (the gettext convention). Chinese has one plural form, so a plural entry gets its one
translation as msgstr[0]. `apply` fills only the entries named in the file, drops their `fuzzy` flag and
their "#| previous msgid" lines, and leaves every other line of the catalogue as it was. The catalogue
stays the source of truth: `make messages` (msgmerge) keeps what is filled in here.

Glossary: /work/shared/DESIGN.md "Words" (order 订单, shipment 发货单, drop-ship 厂家发货 …).
"""

import json
import sys
from datetime import UTC, datetime
from pathlib import Path


def gettext_noop(message):
    """Marks a string for `makemessages` (xgettext matches the name); returns it unchanged."""
    return message


# Strings shown by third-party packages that ship no zh_Hans catalogue (django-filter has only an old,
# partial zh_CN one). Listed here so `make messages` extracts them into our catalogue; Django merges the
# LOCALE_PATHS catalogue over every package's, so these translations apply to django-filter's widgets.
THIRD_PARTY_STRINGS = [
    # django_filters.widgets.BooleanWidget (the empty choice means "no filter"), LinkWidget
    gettext_noop("Unknown"), gettext_noop("Yes"), gettext_noop("No"), gettext_noop("All"),
    # django_filters.filters: DateRangeFilter, BaseCSVFilter, OrderingFilter, LookupChoiceFilter
    gettext_noop("Any date"), gettext_noop("Today"), gettext_noop("Yesterday"), gettext_noop("Past 7 days"),
    gettext_noop("This month"), gettext_noop("This year"),
    gettext_noop("Multiple values may be separated by commas."),
    gettext_noop("%s (descending)"), gettext_noop("Ordering"),
    # django_filters.fields (errors of range and lookup filters)
    gettext_noop("Range query expects two values."), gettext_noop("Select a lookup."),
]

DEFAULT_PO = Path(__file__).resolve().parent.parent / "locale/zh_Hans/LC_MESSAGES/django.po"
_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", '"': '"', "\\": "\\", "a": "\a", "b": "\b", "f": "\f", "v": "\v"}


def unquote(text):
    text = text.strip()
    assert text.startswith('"') and text.endswith('"'), text
    out, chars, i = [], text[1:-1], 0
    while i < len(chars):
        if chars[i] == "\\" and i + 1 < len(chars):
            out.append(_ESCAPES.get(chars[i + 1], chars[i + 1]))
            i += 2
        else:
            out.append(chars[i])
            i += 1
    return "".join(out)


def quote(text):
    text = text.replace("\\", "\\\\").replace('"', '\\"').replace("\t", "\\t").replace("\r", "\\r")
    if "\n" in text.rstrip("\n") or len(text) > 70:
        # Multi-line form, split after each newline, as xgettext/msgmerge write it.
        parts = text.replace("\n", "\\n\n").split("\n")
        return ['""'] + [f'"{p}"' for p in parts if p]
    return [f'"{text.replace(chr(10), chr(92) + "n")}"']


def parse(po_text):
    """Return entries: dict(lines=[...], fields={keyword: value}, flags=set) in file order."""
    blocks, current = [], []
    for line in po_text.splitlines():
        if line.strip() == "":
            if current:
                blocks.append(current)
                current = []
        else:
            current.append(line)
    if current:
        blocks.append(current)
    entries = []
    for lines in blocks:
        fields, flags, keyword = {}, set(), None
        for line in lines:
            if line.startswith("#,"):
                flags |= {f.strip() for f in line[2:].split(",")}
            elif line.startswith("#"):
                keyword = None
            elif line.startswith('"'):
                fields[keyword] += unquote(line)
            else:
                keyword, _, rest = line.partition(" ")
                fields[keyword] = unquote(rest)
        entries.append({"lines": lines, "fields": fields, "flags": flags})
    return entries


def key_of(entry):
    fields = entry["fields"]
    return f"{fields['msgctxt']}\x04{fields['msgid']}" if "msgctxt" in fields else fields["msgid"]


def is_obsolete(entry):
    return all(line.startswith("#~") for line in entry["lines"])


def needs_work(entry):
    fields = entry["fields"]
    if is_obsolete(entry) or fields.get("msgid", "") == "":
        return False
    strs = [v for k, v in fields.items() if k.startswith("msgstr")]
    return "fuzzy" in entry["flags"] or not strs or any(s == "" for s in strs)


def rebuild(entry, translation):
    fields, lines, out = entry["fields"], entry["lines"], []
    for line in lines:
        if line.startswith("#|"):
            continue
        if line.startswith("#,"):
            flags = [f.strip() for f in line[2:].split(",") if f.strip() and f.strip() != "fuzzy"]
            if flags:
                out.append("#, " + ", ".join(flags))
            continue
        out.append(line)
    keyword = "msgstr[0]" if "msgid_plural" in fields else "msgstr"
    quoted = quote(translation)
    out.append(f"{keyword} {quoted[0]}")
    out.extend(quoted[1:])
    return out


def apply(translations, po_path):
    text = po_path.read_text(encoding="utf-8")
    entries = parse(text)
    filled = 0
    for entry in entries:
        key = key_of(entry) if "msgid" in entry["fields"] else None
        if key in translations and not is_obsolete(entry) and entry["fields"]["msgid"] != "":
            entry["lines"] = rebuild({**entry, "lines": _strip_msgstr(entry["lines"])}, translations[key])
            filled += 1
        elif "msgid" in entry["fields"] and entry["fields"]["msgid"] == "" and not is_obsolete(entry):
            entry["lines"] = _header(entry["lines"])
    po_path.write_text("\n\n".join("\n".join(e["lines"]) for e in entries) + "\n", encoding="utf-8")
    return filled


def _strip_msgstr(lines):
    """Drop every msgstr line and its continuation lines."""
    out, skipping = [], False
    for line in lines:
        if line.startswith("msgstr"):
            skipping = True
            continue
        if skipping and line.startswith('"'):
            continue
        skipping = False
        out.append(line)
    return out


def _header(lines):
    now = datetime.now(UTC).strftime("%Y-%m-%d %H:%M+0000")
    replacements = {
        "# SOME DESCRIPTIVE TITLE.": "# Simplified Chinese translation of Consign.",
        "# Copyright (C) YEAR THE PACKAGE'S COPYRIGHT HOLDER": None,
        "# This file is distributed under the same license as the PACKAGE package.": None,
        "# FIRST AUTHOR <EMAIL@ADDRESS>, YEAR.": "# Glossary: DESIGN.md, \"Words\". Filled with scripts/fill_translations.py.",
        '"Project-Id-Version: PACKAGE VERSION\\n"': '"Project-Id-Version: Consign\\n"',
        '"Language: \\n"': '"Language: zh_Hans\\n"',
        '"Language-Team: LANGUAGE <LL@li.org>\\n"': '"Language-Team: Chinese (Simplified)\\n"',
        '"Last-Translator: FULL NAME <EMAIL@ADDRESS>\\n"': '"Last-Translator: Consign team\\n"',
    }
    out = []
    for line in lines:
        if line.startswith('"PO-Revision-Date:'):
            line = f'"PO-Revision-Date: {now}\\n"'
        line = replacements.get(line, line)
        if line is not None and line != "#, fuzzy":
            out.append(line)
    return out


def main(argv):
    if len(argv) >= 2 and argv[1] == "dump":
        po = Path(argv[2]) if len(argv) > 2 else DEFAULT_PO
        todo = {key_of(e): "" for e in parse(po.read_text(encoding="utf-8")) if needs_work(e)}
        json.dump(todo, sys.stdout, ensure_ascii=False, indent=1)
        sys.stdout.write("\n")
        return 0
    if len(argv) >= 3 and argv[1] == "apply":
        po = Path(argv[3]) if len(argv) > 3 else DEFAULT_PO
        translations = json.loads(Path(argv[2]).read_text(encoding="utf-8"))
        empty = [k for k, v in translations.items() if not v]
        if empty:
            print("no translation given for:", *empty, sep="\n  ", file=sys.stderr)
            return 1
        print(f"filled {apply(translations, po)} entries in {po}")
        return 0
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
