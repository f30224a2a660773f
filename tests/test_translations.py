"""The Chinese UI stays complete: every string marked for translation anywhere in the project has a
checked (not fuzzy) Simplified Chinese translation, placeholders survive translation, the glossary of
DESIGN.md ("Words") is used, and a user whose browser asks for Chinese, or who picks 中文 in the
language switcher, gets the login page in Chinese.

The extraction runs `makemessages` on a temporary copy of the sources and of locale/, so the
repository's catalogue is never touched. Needs GNU gettext (xgettext, msgmerge, msgattrib, msgfmt)."""

import gettext
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.management import call_command
from django.test import override_settings
from django.urls import reverse

from tests.conftest import skip_or_fail

ROOT = Path(django_settings.BASE_DIR)
PO = ROOT / "locale/zh_Hans/LC_MESSAGES/django.po"
GETTEXT_TOOLS = ("xgettext", "msgmerge", "msguniq", "msgattrib", "msgfmt")
SOURCE_SUFFIXES = {".py", ".html", ".txt", ".po"}
SKIPPED_DIRS = {".venv", "node_modules", ".git", "staticfiles", "media", ".test-media", "vendor",
                "__pycache__", ".pytest_cache", ".ruff_cache", "test-artifacts", "benchmarks"}

# DESIGN.md "Words": a msgid that is exactly one of these terms (any case) must be translated so.
GLOSSARY = {
    "order": "订单", "orders": "订单",
    "shipment": "发货单", "shipments": "发货单",
    "drop-ship": "厂家发货", "company dispatch": "公司发货",
    "approve": "审核通过", "reject": "驳回",
    "tracking number": "物流单号", "tracking no.": "物流单号",
    "carrier": "物流公司", "carriers": "物流公司",
    "stock ledger": "出入库流水",
    "on hand": "现存", "reserved": "预留", "available": "可用",
    "goods receipt": "入库单", "goods receipts": "入库单",
    "stocktake": "盘点",
    "after-sales ticket": "售后单", "after-sales tickets": "售后单",
    "compensation": "补偿",
    "manufacturer compensation": "厂家补偿", "seller compensation": "电商补偿",
    "notes thread": "沟通记录",
    "supplier account entry": "供应商往来明细", "supplier account entries": "供应商往来明细",
    "charge-back": "扣款",
    "reconciliation statement": "对账单", "reconciliation statements": "对账单",
    "reconciled": "已对账", "remaining": "剩余未对账",
    "payment": "付款", "payments": "付款",
    "supplier portal": "供应商门户",
    "invoice": "发票", "invoices": "发票",
    "dashboard": "报表看板",
    "store": "店铺", "stores": "店铺",
    "supplier": "供应商", "suppliers": "供应商",
    "product": "产品", "products": "产品",
    "warehouse": "仓库", "warehouses": "仓库",
    "approver": "审核员", "finance": "财务", "finance supervisor": "财务主管", "manager": "经理",
}


def _require_gettext():
    missing = [tool for tool in GETTEXT_TOOLS if shutil.which(tool) is None]
    if missing:
        skip_or_fail(f"GNU gettext is not installed (missing {', '.join(missing)})")


def _copy_sources(target):
    """The project's translatable sources and its locale/, without the virtualenv, assets, caches."""

    def ignore(directory, names):
        skipped = set()
        for name in names:
            path = Path(directory) / name
            if path.is_dir():
                if name in SKIPPED_DIRS:
                    skipped.add(name)
            elif path.suffix not in SOURCE_SUFFIXES:
                skipped.add(name)
        return skipped

    shutil.copytree(ROOT, target, ignore=ignore, symlinks=False)


_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", '"': '"', "\\": "\\"}


def _unquote(text):
    return re.sub(r"\\(.)", lambda m: _ESCAPES.get(m.group(1), m.group(1)), text[1:-1])


def _entries(po_text, plural=False):
    """[(msgctxt or None, msgid)] of a PO file's live entries, header excluded; with plural=True,
    [(msgctxt, msgid, msgid_plural or None)]."""
    entries = []
    for block in re.split(r"\n\s*\n", po_text):
        fields, field = {}, None
        for line in block.splitlines():
            keyword, _, rest = line.partition(" ")
            if keyword in ("msgctxt", "msgid", "msgid_plural") or keyword.startswith("msgstr"):
                field, fields[keyword] = keyword, _unquote(rest)
            elif line.startswith('"') and field:
                fields[field] += _unquote(line)
            else:
                field = None
        if fields.get("msgid"):
            entry = (fields.get("msgctxt"), fields["msgid"])
            entries.append((*entry, fields.get("msgid_plural")) if plural else entry)
    return entries


def _run(*args):
    return subprocess.run(args, capture_output=True, text=True, check=False)


@pytest.fixture(scope="module")
def merged_catalogue(tmp_path_factory):
    """locale/zh_Hans's catalogue merged with every string the sources mark today (makemessages)."""
    _require_gettext()
    copy = tmp_path_factory.mktemp("translations") / "src"
    _copy_sources(copy)
    with pytest.MonkeyPatch.context() as patch, override_settings(LOCALE_PATHS=[str(copy / "locale")]):
        patch.chdir(copy)
        call_command("makemessages", locale=["zh_Hans"], ignore_patterns=["static/vendor", "staticfiles"],
                     no_obsolete=True, verbosity=0)
    return copy / "locale/zh_Hans/LC_MESSAGES/django.po"


@pytest.fixture(scope="module")
def merged_translations(merged_catalogue):
    mo = merged_catalogue.with_suffix(".mo")
    result = _run("msgfmt", "-o", str(mo), str(merged_catalogue))
    assert result.returncode == 0, result.stderr
    with mo.open("rb") as handle:
        return gettext.GNUTranslations(handle)


def _describe(entries):
    return "\n".join(f"  {m!r}" + (f" (context {c!r})" if c else "") for c, m in entries)


def test_every_marked_string_has_a_checked_chinese_translation(merged_catalogue):
    untranslated = _run("msgattrib", "--untranslated", "--no-obsolete", "--no-wrap", str(merged_catalogue))
    fuzzy = _run("msgattrib", "--only-fuzzy", "--no-obsolete", "--no-wrap", str(merged_catalogue))
    assert untranslated.returncode == 0 and fuzzy.returncode == 0, untranslated.stderr + fuzzy.stderr
    missing, unchecked = _entries(untranslated.stdout), _entries(fuzzy.stdout)
    assert not missing and not unchecked, (
        "Fill these in locale/zh_Hans/LC_MESSAGES/django.po (run `make messages` first; "
        "scripts/fill_translations.py dump|apply helps):\n"
        f"untranslated ({len(missing)}):\n{_describe(missing)}\nfuzzy ({len(unchecked)}):\n{_describe(unchecked)}"
    )


def test_the_catalogue_compiles_and_keeps_every_placeholder(merged_catalogue):
    # --check-format compares %(name)s / {name} placeholders of python-format and python-brace-format
    # entries between msgid and msgstr; --check-header and --check-domain the rest.
    result = _run("msgfmt", "--check", "-o", "/dev/null", str(merged_catalogue))
    assert result.returncode == 0, result.stderr


def test_no_translation_breaks_html_or_drops_a_placeholder(merged_catalogue, merged_translations):
    broken = []
    for ctxt, msgid, msgid_plural in _entries(merged_catalogue.read_text(encoding="utf-8"), plural=True):
        if msgid_plural:  # Chinese has one form, msgstr[0], which must carry the plural's placeholders
            source, translation = msgid_plural, merged_translations.npgettext(ctxt, msgid, msgid_plural, 2) \
                if ctxt else merged_translations.ngettext(msgid, msgid_plural, 2)
        else:
            source = msgid
            translation = merged_translations.pgettext(ctxt, msgid) if ctxt else merged_translations.gettext(msgid)
        if translation == source:
            continue
        for pattern in (r"%\(\w+\)[sdr]", r"\{\w+\}", r"</?[a-zA-Z][^>]*>"):
            if sorted(re.findall(pattern, source)) != sorted(re.findall(pattern, translation)):
                broken.append(f"  {source!r} → {translation!r}")
    assert not broken, "Placeholders or HTML differ between English and Chinese:\n" + "\n".join(broken)


def test_glossary_terms_are_translated_as_design_md_says(merged_catalogue, merged_translations):
    wrong = []
    for ctxt, msgid in _entries(merged_catalogue.read_text(encoding="utf-8")):
        expected = GLOSSARY.get(msgid.lower())
        if expected is None:
            continue
        translation = (merged_translations.pgettext(ctxt, msgid) if ctxt else merged_translations.gettext(msgid))
        if translation not in (expected, msgid):  # untranslated ones are the first test's business
            wrong.append(f"  {msgid!r}: {translation!r}, DESIGN.md says {expected!r}")
    assert not wrong, "Glossary (DESIGN.md, Words) not followed:\n" + "\n".join(wrong)


# ---- the pages, rendered with the repository's catalogue compiled afresh --------------------------
@pytest.fixture
def chinese_catalogue(tmp_path, settings):
    _require_gettext()
    target = tmp_path / "locale/zh_Hans/LC_MESSAGES"
    target.mkdir(parents=True)
    result = _run("msgfmt", "-o", str(target / "django.mo"), str(PO))
    assert result.returncode == 0, result.stderr
    settings.LOCALE_PATHS = [str(tmp_path / "locale")]  # resets Django's translation caches


@pytest.mark.django_db
@pytest.mark.parametrize("accept_language", ["zh-hans", "zh-CN,zh;q=0.9,en;q=0.8"])
def test_a_chinese_browser_gets_the_login_page_in_chinese(client, chinese_catalogue, accept_language):
    page = client.get(reverse("accounts:login"), HTTP_ACCEPT_LANGUAGE=accept_language)
    text = page.content.decode()
    assert page.status_code == 200
    assert '<html lang="zh-hans">' in text
    assert "登录" in text and "用户名" in text and "密码" in text
    assert "Log in" not in text


@pytest.mark.django_db
def test_an_english_browser_gets_english(client, chinese_catalogue):
    text = client.get(reverse("accounts:login"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Log in" in text and "登录" not in text


@pytest.mark.django_db
def test_picking_chinese_in_the_language_switcher_translates_the_pages_that_follow(
    client, chinese_catalogue, make_user
):
    login = reverse("accounts:login")
    switched = client.post(reverse("set_language"), {"language": "zh-hans", "next": login},
                           HTTP_ACCEPT_LANGUAGE="en")
    assert switched.status_code == 302 and switched.url == login
    assert "登录" in client.get(login, HTTP_ACCEPT_LANGUAGE="en").content.decode()

    client.force_login(make_user("sales", first_name="Lina"))
    home = client.get(reverse("reports:home"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "退出登录" in home and "待发货订单" in home
    assert "Log out" not in home
