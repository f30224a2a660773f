"""A statement dispute in a phone's browser (390×844), in Chinese: the supplier user disputes one line of an
approved statement with a reason, finance posts an adjustment for it on the statement page, and the supplier
confirms the statement (after the confirmation dialog). Screenshots in test-artifacts/."""

import re
from decimal import Decimal

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from reconciliation import statements
from reconciliation.models import DisputedLine, EntryKind, Statement, StatementState
from tests.browser.helpers import screenshot
from tests.factories import SupplierFactory, UserFactory
from tests.portal.factories import supplier_user
from tests.reconciliation.factories import MIXED, build, post_entries

pytestmark = pytest.mark.browser


def in_chinese(page, live_server):
    page.context.add_cookies([{"name": "django_language", "value": "zh-hans", "url": live_server.url}])


def log_in(page, username):
    page.goto(reverse("accounts:login"))
    page.locator("input[name=username]").fill(username)
    page.locator("input[name=password]").fill("demo")
    page.locator("form button[type=submit]").click()
    expect(page.locator("#current-user")).to_have_text(username)


def log_out(page):
    toggler = page.locator(".navbar-toggler")
    if toggler.is_visible():
        toggler.click()
        expect(page.locator(".navbar-collapse")).to_have_class(re.compile(r"\bshow\b"))
    page.locator("nav form[action$='/accounts/logout/'] button").click()
    expect(page).to_have_url(re.compile(re.escape(reverse("accounts:login"))))


def fits_the_phone(page):
    assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0


def test_a_supplier_disputes_a_line_finance_adjusts_and_the_supplier_confirms(phone_page, live_server):
    page = phone_page
    page.on("dialog", lambda dialog: dialog.accept())  # the internal page's data-confirm prompts
    supplier = SupplierFactory(name="杭州纺织厂")
    li = supplier_user(supplier, username="hz-li", language="zh-hans")
    finance = UserFactory(username="fang", roles=("finance",), language="zh-hans")
    supervisor = UserFactory(username="sun", roles=("finance_supervisor",), language="zh-hans")
    statement = build(supplier, post_entries(supplier, MIXED), finance)
    statements.submit_statement(statement, actor=finance)
    statements.approve_statement(Statement.objects.get(pk=statement.pk), actor=supervisor)
    goods = statement.entries.filter(kind=EntryKind.DROP_SHIP_GOODS).get()
    in_chinese(page, live_server)

    # The supplier ticks the goods line, says why, and sends the dispute.
    log_in(page, li.username)
    page.goto(reverse("portal:statement_list"))
    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")
    page.locator(f"#statement-list a[data-statement='{statement.pk}']").click()
    expect(page.locator("#statement-state")).to_have_attribute("data-state", StatementState.APPROVED)
    line = page.locator(f"#statement-lines li[data-entry='{goods.pk}']")
    line.locator("input[name=dispute]").check()
    line.locator(f"input[name=reason_{goods.pk}]").fill("只收到2件，少了1件")
    page.locator("#dispute-message").fill("请核对订单1001")
    screenshot(page, "portal-statement-dispute-zh")
    fits_the_phone(page)
    page.locator("#dispute-submit").click()
    expect(page.locator("#statement-state")).to_have_attribute("data-state", StatementState.DISPUTED)
    expect(page.locator("#disputed-lines")).to_contain_text("只收到2件，少了1件")
    expect(page.locator("#waiting-for-answers")).to_be_visible()
    expect(page.locator("#confirm-open")).to_have_count(0)  # nothing to confirm until finance answers
    screenshot(page, "portal-statement-disputed-zh")
    log_out(page)

    # Finance sees the contested line and posts an adjustment correcting it.
    log_in(page, finance.username)
    page.goto(statement.get_absolute_url())
    disputed = page.locator(f"#disputed-lines li[data-entry='{goods.pk}']")
    expect(disputed).to_contain_text("只收到2件，少了1件")
    expect(page.locator("#thread")).to_contain_text("请核对订单1001")
    form = disputed.locator("form.adjust-form")
    form.locator("input[name=amount]").fill("-100.00")
    form.locator("input[name=reason]").fill("少发1件，冲减货款")
    screenshot(page, "finance-statement-dispute-answer-zh")
    form.locator("button[type=submit]").click()
    expect(page.locator(f"#disputed-lines li[data-entry='{goods.pk}'] .answer")).to_contain_text("少发1件，冲减货款")
    screenshot(page, "finance-statement-dispute-answered-zh")
    fits_the_phone(page)
    log_out(page)

    # The supplier reads the answer and confirms the statement.
    log_in(page, li.username)
    page.goto(reverse("portal:statement_detail", args=[statement.pk]))
    expect(page.locator("#all-answered")).to_be_visible()
    expect(page.locator(f"#disputed-lines li[data-entry='{goods.pk}'] .answer")).to_contain_text("-100.00")
    page.locator("#confirm-open").click()
    expect(page.locator("#confirm-dialog")).to_be_visible()
    screenshot(page, "portal-statement-confirm-dialog-zh", full_page=False)
    page.locator("#confirm-submit").click()
    expect(page.locator("#statement-state")).to_have_attribute("data-state", StatementState.SUPPLIER_CONFIRMED)
    screenshot(page, "portal-statement-confirmed-zh")
    fits_the_phone(page)
    assert not page.js_errors

    line = DisputedLine.objects.select_related("adjustment").get()
    assert line.adjustment.amount == Decimal("-100.00") and line.adjustment.corrects_id == goods.pk
    assert line.adjustment.statement_id is None  # it lands on the next statement
    assert Statement.objects.get(pk=statement.pk).state == StatementState.SUPPLIER_CONFIRMED
