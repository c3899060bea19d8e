from django import template

from authoring.permissions import is_content_editor as _is_content_editor

register = template.Library()


@register.filter
def is_content_editor(user) -> bool:
    return _is_content_editor(user)


@register.filter
def content_value(value) -> str:
    """A field of the files' structure as one line: both languages, lists joined."""
    if value is None:
        return "—"
    if isinstance(value, dict) and set(value) <= {"da", "en"}:
        return " · ".join(
            f"{lang.upper()}: {value[lang]}" for lang in ("da", "en") if lang in value
        )
    if isinstance(value, dict):
        return ", ".join(f"{k}: {content_value(v)}" for k, v in value.items())
    if isinstance(value, list):
        return "; ".join(content_value(v) for v in value)
    return str(value)


@register.filter
def bilingual(value, lang: str) -> str:
    return value.get(lang, "") if isinstance(value, dict) else ""


@register.filter
def get_problems(problems: dict, key: str) -> list[str]:
    return problems.get(key, []) if isinstance(problems, dict) else []
