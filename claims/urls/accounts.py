"""Accounts: log in and out (two steps for some), register, confirm the e-mail address, a new password,
activation, preferences.

`mijn/instellingen/` lives here, not in portal.py: the portal routes only `mijn/` and `mijn/<reference>/...`,
and this module is included first.
"""

from django.urls import path

from ..views import accounts as views
from ..views import two_factor

urlpatterns = [
    path("inloggen/", views.LoginView.as_view(), name="login"),
    path("inloggen/code/", two_factor.login_code, name="login_code"),
    path("inloggen/tweestapsverificatie/", two_factor.two_factor_setup, name="two_factor_setup"),
    path("inloggen/reservecodes/", two_factor.backup_codes, name="two_factor_backup_codes"),
    path("uitloggen/", views.LogoutView.as_view(), name="logout"),
    path("registreren/", views.register, name="register"),
    path("registreren/controleer-uw-e-mail/", views.check_email, name="check_email"),
    path("registreren/bevestigen/<str:token>/", views.verify_email, name="verify_email"),
    path("registreren/opnieuw/", views.resend_verification, name="resend_verification"),
    path("wachtwoord-vergeten/", views.PasswordResetView.as_view(), name="password_reset"),
    path("wachtwoord-vergeten/verstuurd/", views.PasswordResetDoneView.as_view(), name="password_reset_done"),
    path("wachtwoord-vergeten/nieuw/<uidb64>/<token>/", views.PasswordResetConfirmView.as_view(),
         name="password_reset_confirm"),
    path("wachtwoord-vergeten/klaar/", views.PasswordResetCompleteView.as_view(), name="password_reset_complete"),
    path("activeren/", views.activate, name="activate"),
    path("mijn/instellingen/", views.preferences, name="preferences"),
    path("mijn/instellingen/tweestapsverificatie-uit/", two_factor.two_factor_off, name="two_factor_off"),
    path("privacy/", views.privacy, name="privacy"),
]
