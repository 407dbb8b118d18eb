"""Run `python -m bench.<name>`: trace_latency, load_neo4j, round_trips, startup."""
