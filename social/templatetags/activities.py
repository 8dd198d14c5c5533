"""`{% activity_groups groups empty_text %}`: a page's activity groups (social.lines)."""

from django import template

from social.lines import activity_groups as groups_html

register = template.Library()


@register.simple_tag
def activity_groups(groups, empty_text=""):
    return groups_html(groups, empty_text)
