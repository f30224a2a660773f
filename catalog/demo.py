"""Demo master data: stores, suppliers, products, warehouses and carriers with Chinese and English
names. Needs accounts' demo users (the stores' salesperson, the supplier's portal login)."""

from decimal import Decimal

from .models import Carrier, Platform, Product, Store, Supplier, Warehouse

STORES = [
    # key, name, platform, promised dispatch hours (the platform's rule)
    ("tmall", "天猫旗舰店 Tmall Flagship", Platform.TMALL, 48),
    ("jd", "京东自营店 JD Store", Platform.JD, 24),
    ("douyin", "抖音小店 Douyin Shop", Platform.DOUYIN, 48),
    ("shopify", "Shopify Global", Platform.SHOPIFY, 72),
]
SUPPLIERS = [
    ("hz-textile", "杭州丝绸制造厂 Hangzhou Silk Works", "张伟", 48),
    ("sz-electronics", "深圳电子科技 Shenzhen Electronics", "Lin Tao 林涛", 24),
    ("nb-home", "宁波家居用品 Ningbo Home Goods", "Wu Yan 吴燕", 72),
]
PRODUCTS = [
    ("SILK-SCARF-01", "真丝围巾 Silk scarf", "hz-textile", "85.00", "199.00", 10),
    ("SILK-PILLOW-02", "真丝枕套 Silk pillowcase", "hz-textile", "120.00", "269.00", 5),
    ("EAR-BUDS-10", "蓝牙耳机 Bluetooth earbuds", "sz-electronics", "95.50", "239.00", 20),
    ("CHARGER-65W", "65W 快充充电器 65W charger", "sz-electronics", "42.00", "99.00", 20),
    ("MUG-CERAMIC", "陶瓷马克杯 Ceramic mug", "nb-home", "12.80", "39.90", 30),
]
WAREHOUSES = [
    ("sh-main", "上海主仓 Shanghai main", "上海市嘉定区叶城路 1288 号"),
    ("gz-south", "广州南仓 Guangzhou south", "广州市白云区太和镇 88 号"),
]
CARRIERS = [
    ("sf", "顺丰速运 SF Express", "https://www.sf-express.com/chn/sc/waybill/waybill-detail/{tracking_number}"),
    ("zto", "中通快递 ZTO Express", "https://www.zto.com/?num={tracking_number}"),
    ("jd", "京东物流 JD Logistics", "https://www.jdl.com/orderSearch/?waybillCodes={tracking_number}"),
    ("dhl", "DHL Express", "https://www.dhl.com/track?tracking-id={tracking_number}"),
]


def _get_or_create(context, model, what, **kwargs):
    obj, created = model.objects.get_or_create(**kwargs)
    if created:
        context.created(what)
    return obj


def seed(context):
    """context["stores"] by key, ["suppliers"] by code, ["products"] by SKU, ["warehouses"] and
    ["carriers"] by code."""
    users = context["users"]
    context["stores"] = {
        key: _get_or_create(context, Store, "stores", name=name,
                            defaults={"platform": platform, "salesperson": users["sales"],
                                      "promised_dispatch_hours": hours})
        for key, name, platform, hours in STORES
    }
    suppliers = context["suppliers"] = {
        code: _get_or_create(context, Supplier, "suppliers", code=code, defaults={
            "name": name, "contact_name": contact, "promised_dispatch_hours": hours,
            "contact_email": f"{code}@supplier.example", "contact_phone": "+86 571 8888 0000"})
        for code, name, contact, hours in SUPPLIERS
    }
    suppliers["hz-textile"].portal_users.add(users["supplier"])
    context["products"] = {
        sku: _get_or_create(context, Product, "products", sku=sku, defaults={
            "name": name, "default_supplier": suppliers[supplier], "supplier_unit_cost": Decimal(cost),
            "list_price": Decimal(price), "low_stock_threshold": threshold})
        for sku, name, supplier, cost, price, threshold in PRODUCTS
    }
    context["warehouses"] = {
        code: _get_or_create(context, Warehouse, "warehouses", code=code,
                             defaults={"name": name, "address": address})
        for code, name, address in WAREHOUSES
    }
    context["carriers"] = {
        code: _get_or_create(context, Carrier, "carriers", code=code,
                             defaults={"name": name, "tracking_url_pattern": pattern})
        for code, name, pattern in CARRIERS
    }
