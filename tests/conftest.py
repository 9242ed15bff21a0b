"""Shared test settings: hypothesis runs the same examples on every machine."""

from hypothesis import HealthCheck, settings

settings.register_profile(
    "book",
    derandomize=True,
    deadline=None,
    max_examples=150,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.load_profile("book")
