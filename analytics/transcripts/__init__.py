"""The transcripts page: every real skill session of a store, turn by turn (``/transcripts/``).
Reads in ``selectors``, writes (the review mark, a certification case) in ``services``."""
