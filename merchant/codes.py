"""Coded refusals shared by every app: a stable code with, beside it, the sentence staff read.

``class OrderErrorCode(WordedCode): OUT_OF_STOCK = "out_of_stock", "An item is ..."`` gives a
``StrEnum`` member equal to its code (so ``exc.code == "out_of_stock"`` keeps working) whose
``wording`` is the sentence, with ``{placeholders}`` the caller fills in.
"""

from enum import StrEnum


class WordedCode(StrEnum):
    wording: str

    def __new__(cls, code: str, wording: str):
        member = str.__new__(cls, code)
        member._value_ = code
        member.wording = wording
        return member
