"""`{% activity_groups groups empty_text %}`: a page's activity groups (social.lines)."""

from django import template

from social import lines

register = template.Library()
register.simple_tag(lines.activity_groups)
