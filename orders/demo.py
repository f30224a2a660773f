"""Demo orders with Chinese recipients, taken in by sales through orders.services.create_order (which
skips an order whose (store, order no.) exists, so a second run adds nothing). The shipments and
after-sales demos build on these orders by number."""

from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from .services import create_order

ORDERS = [
    # order no., store, recipient, phone, address, days ago, [(sku, quantity, unit price)]
    ("DEMO-1001", "tmall", "张伟", "138 0013 8000", "北京市朝阳区建国路 88 号 SOHO 现代城 2 号楼 1203 室", 1,
     [("SILK-SCARF-01", 2, "199.00")]),
    ("DEMO-1002", "jd", "王芳", "139 1088 6622", "上海市浦东新区世纪大道 100 号 环球金融中心 36 楼", 2,
     [("EAR-BUDS-10", 1, "239.00"), ("CHARGER-65W", 1, "99.00")]),
    ("DEMO-1003", "douyin", "李娜", "136 2277 4411", "广州市天河区天河路 385 号 太古汇 1 座 8 楼", 3,
     [("MUG-CERAMIC", 4, "39.90")]),
    ("DEMO-1004", "tmall", "刘洋", "137 5566 1200", "杭州市西湖区文三路 478 号 华星时代广场 A 座 501 室", 4,
     [("SILK-PILLOW-02", 2, "269.00")]),
    ("DEMO-1005", "jd", "陈静", "135 8899 0033", "深圳市南山区科技园南区 深南大道 9988 号 12 楼", 9,
     [("EAR-BUDS-10", 2, "229.00")]),
    ("DEMO-1006", "shopify", "杨帆", "+86 186 0210 7788", "成都市锦江区红星路三段 1 号 国际金融中心 2 号楼 2206 室", 7,
     [("SILK-SCARF-01", 1, "199.00")]),
    ("DEMO-1007", "tmall", "赵磊", "158 2100 3344", "南京市鼓楼区中山路 18 号 德基广场 909 室", 0,
     [("CHARGER-65W", 2, "99.00"), ("MUG-CERAMIC", 2, "39.90")]),
]


def seed(context):
    """context["orders"]: {order no.: order}."""
    actor = context["users"]["sales"]
    products, orders = context["products"], {}
    now = timezone.now()
    for number, store, name, phone, address, days_ago, lines in ORDERS:
        order, created = create_order(
            store=context["stores"][store], external_order_no=number, recipient_name=name,
            recipient_phone=phone, recipient_address=address, ordered_at=now - timedelta(days=days_ago, hours=3),
            lines=[(products[sku], quantity, Decimal(price)) for sku, quantity, price in lines], actor=actor)
        if created:
            context.created("orders")
        orders[number] = order
    context["orders"] = orders
