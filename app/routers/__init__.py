"""One module per resource: HTTP in, one service call, HTTP out."""
