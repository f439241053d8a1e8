"""Filters for the letters: amounts as the letter's language writes them."""

from django import template

from .. import letter_content

register = template.Library()


@register.filter
def euro(amount) -> str:
    """{{ total|euro }}: '€ 4.250,00' in a Dutch letter, '€4,250.00' in an English one."""
    return letter_content.euro(amount)
