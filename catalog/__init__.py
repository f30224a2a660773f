"""Master data at the ground floor: stores, suppliers, products, warehouses, carriers."""
