"""劳模 records and the benefit rules that pay them."""
