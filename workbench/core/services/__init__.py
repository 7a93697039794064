"""Core services: pure logic over domain objects (no I/O of their own)."""
