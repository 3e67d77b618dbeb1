"""Helpers that drive the skill the way Alexa does: real request envelopes and the shoppers
that send them, for the test suite, the benchmarks (``bench/``), the demo's history and the
voice test console. Not test modules themselves, so all of them can import them."""
