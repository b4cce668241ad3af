from django import template

from accounts import validators

register = template.Library()
register.filter("mask_card", validators.mask_card)
register.filter("mask_id", validators.mask_id_number)
register.filter("mask_phone", validators.mask_phone)
