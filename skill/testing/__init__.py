"""Helpers that drive the skill the way Alexa does, for the test suite and the benchmarks
(``bench/``): not test modules themselves, so both can import them."""
