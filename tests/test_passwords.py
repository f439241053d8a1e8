"""Passwords are hashed with Argon2; an older PBKDF2 hash still lets its owner in and is upgraded then; the
validators refuse short, common and numeric passwords."""

import pytest
from django.contrib.auth.hashers import make_password
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_a_new_password_is_hashed_with_argon2():
    assert make_password("Mijnbouw-schade-2026!").startswith("argon2$argon2id$")


def test_an_old_pbkdf2_hash_still_logs_in_and_is_upgraded(client):
    user = UserFactory(password=make_password("Mijnbouw-schade-2026!", hasher="pbkdf2_sha256"))
    assert user.password.startswith("pbkdf2_sha256$")
    assert client.login(username=user.username, password="Mijnbouw-schade-2026!")
    user.refresh_from_db()
    assert user.password.startswith("argon2$")


@pytest.mark.parametrize("password", ["kort12", "password123", "12345678901234"])
def test_weak_passwords_are_refused(password):
    with pytest.raises(ValidationError):
        validate_password(password)
