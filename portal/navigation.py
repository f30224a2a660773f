"""The portal's own menu: (label, URL name). Kept apart from accounts.navigation, which is the internal
site's menu; a supplier user never sees that one."""

from django.utils.translation import gettext_lazy as _

PORTAL_MENU = [
    (_("Home"), "portal:home"),
    (_("Drop-ships"), "portal:dropship_list"),
    (_("After-sales tickets"), "portal:ticket_list"),
    (_("Statements"), "portal:statement_list"),
    (_("Balance"), "portal:balance"),
    (_("Scorecard"), "portal:scorecard"),
]

# Shown apart from the menu, with its unread count, and only to supplier logins (a person's own inbox).
PORTAL_INBOX = (_("Inbox"), "portal:inbox")
