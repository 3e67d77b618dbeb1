"""The voice purchase code: four digits, hashed; three wrong codes stop voice purchases for
15 minutes (the right code too); a right code clears the count."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine

from shoppers import forms, services
from shoppers.errors import ShopperError
from shoppers.models import ShopperAccount
from shoppers.selectors import voice_code_is_set, voice_code_locked

from .factories import ShopperAccountFactory

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 3, 2, 18, 0, tzinfo=UTC)


def test_the_code_is_four_digits_and_kept_hashed():
    account = ShopperAccountFactory()
    for bad in ("123", "12345", "12a4", ""):
        with pytest.raises(ShopperError) as refused:
            services.voice_code_set(account=account, code=bad)
        assert refused.value.code == "bad_voice_code"
    assert not voice_code_is_set(ShopperAccount.objects.get(pk=account.pk))
    services.voice_code_set(account=account, code="4711")
    account.refresh_from_db()
    assert voice_code_is_set(account) and "4711" not in account.voice_code_hash
    assert services.voice_code_check(account=account, code="4711") == services.VoiceCodeCheck(
        ok=True, locked_until=None
    )


def test_three_wrong_codes_lock_for_fifteen_minutes_then_the_right_one_works():
    account = ShopperAccountFactory()
    services.voice_code_set(account=account, code="4711")
    with time_machine.travel(NOW, tick=False):
        first = services.voice_code_check(account=account, code="1111")
        second = services.voice_code_check(account=account, code="2222")
        assert (first, second) == (
            services.VoiceCodeCheck(ok=False, locked_until=None),
            services.VoiceCodeCheck(ok=False, locked_until=None),
        )
        account.refresh_from_db()
        assert account.voice_code_failures == 2 and not voice_code_locked(account)
        third = services.voice_code_check(account=account, code="3333")
        until = NOW + timedelta(minutes=15)
        assert third == services.VoiceCodeCheck(ok=False, locked_until=until)
        account.refresh_from_db()
        assert voice_code_locked(account) and account.voice_code_locked_until == until

    with time_machine.travel(NOW + timedelta(minutes=14, seconds=59), tick=False):
        right_but_locked = services.voice_code_check(account=account, code="4711")
        assert right_but_locked == services.VoiceCodeCheck(ok=False, locked_until=until)
        account.refresh_from_db()
        assert account.voice_code_locked_until == until  # not extended

    with time_machine.travel(NOW + timedelta(minutes=15, seconds=1), tick=False):
        account.refresh_from_db()
        assert not voice_code_locked(account)
        assert services.voice_code_check(account=account, code="4711").ok
        account.refresh_from_db()
        assert (account.voice_code_failures, account.voice_code_locked_until) == (0, None)


def test_a_right_code_clears_the_count_of_wrong_ones():
    account = ShopperAccountFactory()
    services.voice_code_set(account=account, code="4711")
    services.voice_code_check(account=account, code="0000")
    services.voice_code_check(account=account, code="0000")
    assert services.voice_code_check(account=account, code="4711").ok
    assert services.voice_code_check(account=account, code="0000").locked_until is None
    account.refresh_from_db()
    assert account.voice_code_failures == 1


def test_an_account_without_a_code_is_refused_but_not_locked():
    account = ShopperAccountFactory()
    for _ in range(4):
        assert services.voice_code_check(account=account, code="0000") == services.VoiceCodeCheck(
            ok=False, locked_until=None
        )
    account.refresh_from_db()
    assert (account.voice_code_failures, account.voice_code_locked_until) == (0, None)


def test_setting_a_new_code_lifts_the_lock():
    account = ShopperAccountFactory()
    services.voice_code_set(account=account, code="4711")
    for _ in range(3):
        services.voice_code_check(account=account, code="0000")
    form = forms.VoiceCodeForm(data={"code": "9876", "code_again": "9876"}, account=account)
    assert form.is_valid()
    form.save()
    account.refresh_from_db()
    assert not voice_code_locked(account)
    assert services.voice_code_check(account=account, code="9876").ok


def test_the_form_wants_the_same_four_digits_twice():
    account = ShopperAccountFactory()
    form = forms.VoiceCodeForm(data={"code": "12a4", "code_again": "12a4"}, account=account)
    assert not form.is_valid() and form.errors["code"] == ["Four digits, please."]
    form = forms.VoiceCodeForm(data={"code": "1234", "code_again": "1235"}, account=account)
    assert not form.is_valid() and form.errors["code_again"] == ["The two codes differ."]
    account.refresh_from_db()
    assert account.voice_code_hash == ""
