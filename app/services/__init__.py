"""One module per area: open the unit of work, load rows, ask the domain, persist."""
