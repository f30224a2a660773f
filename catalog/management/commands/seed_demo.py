"""Demo data: one login per role (password `demo`) and a few stores, suppliers, products, warehouses
and carriers with Chinese and English names. Idempotent; refuses to run with production settings."""

from decimal import Decimal

from django.conf import settings
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from accounts.models import User
from accounts.roles import Role
from catalog.models import Carrier, Platform, Product, Store, Supplier, Warehouse

DEMO_PASSWORD = "demo"
DEMO_USERS = [
    # username, role, first name, last name
    ("sales", Role.SALES, "Li", "Na 李娜"),
    ("approver", Role.APPROVER, "Wang", "Qiang 王强"),
    ("warehouse", Role.WAREHOUSE, "Zhao", "Lei 赵磊"),
    ("finance", Role.FINANCE, "Chen", "Jing 陈静"),
    ("supervisor", Role.FINANCE_SUPERVISOR, "Liu", "Fang 刘芳"),
    ("manager", Role.MANAGER, "Zhou", "Min 周敏"),
    ("supplier", Role.SUPPLIER, "Sun", "Hao 孙浩"),
]


class Command(BaseCommand):
    help = "Load demo users (password 'demo') and master data. Safe to run again."

    def handle(self, *args, **options):
        if not getattr(settings, "DEMO_DATA_ALLOWED", False):
            raise CommandError("seed_demo refuses to run with production settings.")
        with transaction.atomic():
            users = self.seed_users()
            self.seed_master_data(users)
        self.stdout.write("Demo logins (password 'demo'):")
        for username, role, *_names in DEMO_USERS:
            self.stdout.write(f"  {username:<11} {role.label}")
        self.stdout.write("  admin       administrator (Django admin at /admin/)")

    def seed_users(self):
        users = {}
        for username, role, first, last in DEMO_USERS:
            user, created = User.objects.get_or_create(
                username=username, defaults={"first_name": first, "last_name": last,
                                             "email": f"{username}@consign.local"}
            )
            if created:
                user.set_password(DEMO_PASSWORD)
                user.save(update_fields=["password"])
            user.groups.add(Group.objects.get(name=role))
            users[username] = user
        admin, created = User.objects.get_or_create(
            username="admin", defaults={"is_staff": True, "is_superuser": True, "email": "admin@consign.local"}
        )
        if created:
            admin.set_password(DEMO_PASSWORD)
            admin.save(update_fields=["password"])
        return users

    def seed_master_data(self, users):
        sales = users["sales"]
        for name, platform in [("天猫旗舰店 Tmall Flagship", Platform.TMALL), ("京东自营店 JD Store", Platform.JD),
                               ("抖音小店 Douyin Shop", Platform.DOUYIN), ("Shopify Global", Platform.SHOPIFY)]:
            Store.objects.get_or_create(name=name, defaults={"platform": platform, "salesperson": sales})
        suppliers = {}
        for code, name, contact, hours in [
            ("hz-textile", "杭州丝绸制造厂 Hangzhou Silk Works", "张伟", 48),
            ("sz-electronics", "深圳电子科技 Shenzhen Electronics", "Lin Tao 林涛", 24),
            ("nb-home", "宁波家居用品 Ningbo Home Goods", "Wu Yan 吴燕", 72),
        ]:
            suppliers[code], _ = Supplier.objects.get_or_create(code=code, defaults={
                "name": name, "contact_name": contact, "promised_dispatch_hours": hours,
                "contact_email": f"{code}@supplier.example", "contact_phone": "+86 571 8888 0000",
            })
        suppliers["hz-textile"].portal_users.add(users["supplier"])
        for sku, name, supplier, cost, price, threshold in [
            ("SILK-SCARF-01", "真丝围巾 Silk scarf", "hz-textile", "85.00", "199.00", 10),
            ("SILK-PILLOW-02", "真丝枕套 Silk pillowcase", "hz-textile", "120.00", "269.00", 5),
            ("EAR-BUDS-10", "蓝牙耳机 Bluetooth earbuds", "sz-electronics", "95.50", "239.00", 20),
            ("CHARGER-65W", "65W 快充充电器 65W charger", "sz-electronics", "42.00", "99.00", 20),
            ("MUG-CERAMIC", "陶瓷马克杯 Ceramic mug", "nb-home", "12.80", "39.90", 30),
        ]:
            Product.objects.get_or_create(sku=sku, defaults={
                "name": name, "default_supplier": suppliers[supplier], "supplier_unit_cost": Decimal(cost),
                "list_price": Decimal(price), "low_stock_threshold": threshold,
            })
        for code, name, address in [("sh-main", "上海主仓 Shanghai main", "上海市嘉定区叶城路 1288 号"),
                                    ("gz-south", "广州南仓 Guangzhou south", "广州市白云区太和镇 88 号")]:
            Warehouse.objects.get_or_create(code=code, defaults={"name": name, "address": address})
        for code, name, pattern in [
            ("sf", "顺丰速运 SF Express", "https://www.sf-express.com/chn/sc/waybill/waybill-detail/{tracking_number}"),
            ("zto", "中通快递 ZTO Express", "https://www.zto.com/?num={tracking_number}"),
            ("jd", "京东物流 JD Logistics", "https://www.jdl.com/orderSearch/?waybillCodes={tracking_number}"),
            ("dhl", "DHL Express", "https://www.dhl.com/track?tracking-id={tracking_number}"),
        ]:
            Carrier.objects.get_or_create(code=code, defaults={"name": name, "tracking_url_pattern": pattern})
