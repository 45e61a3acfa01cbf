"""Anonymous benchmarks of an association's members who allow them."""
