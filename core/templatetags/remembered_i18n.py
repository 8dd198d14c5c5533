"""Django's `i18n` template library (settings.TEMPLATES maps `{% load i18n %}` here), but a
`{% translate %}` of a constant message is translated once per language and process.

The project's own messages are written in pt-BR and are in no catalog: each lookup misses
every catalog and its fallbacks (~10 µs), and Django's node adds as much again, a few dozen
times per page. Messages with filters, a context or `noop` are translated as Django does.
"""

import functools

from django.template import Library
from django.templatetags import i18n
from django.utils.safestring import SafeData, mark_safe
from django.utils.translation import get_language, gettext

register = Library()
register.tags.update(i18n.register.tags)
register.filters.update(i18n.register.filters)


class RememberedTranslateNode(i18n.TranslateNode):
    def render(self, context):
        expression = self.filter_expression
        if self.noop or self.message_context or expression.filters or expression.var.literal is None:
            return super().render(context)
        value = _translated(get_language(), expression.var.literal)
        if self.asvar:
            context[self.asvar] = value
            return ""
        return value


@functools.lru_cache(maxsize=4096)
def _translated(language: str | None, message: str) -> str:
    # As Django's node: "%" doubled in the msgid and restored in the output; a literal in a
    # template is safe, and so is its translation.
    translated = gettext(message.replace("%", "%%")).replace("%%", "%")
    return mark_safe(translated) if isinstance(message, SafeData) else translated


@register.tag("translate")
@register.tag("trans")
def translate(parser, token):
    node = i18n.do_translate(parser, token)
    return RememberedTranslateNode(node.filter_expression, node.noop, node.asvar, node.message_context)
