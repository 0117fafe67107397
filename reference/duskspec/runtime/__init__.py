"""The runtime: transactions (Phoenix, Moonlight), genesis contracts, circuits, the VM."""
