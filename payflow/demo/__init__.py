"""``payflow demo``: the whole Payments - Flows journey against a local sandbox."""
