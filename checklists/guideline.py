"""The guideline as a document: one pathway version's content as data, for the guideline page,
the Markdown report for domain experts and the JSON export for other tools."""

from checklists.models import Pathway
from checklists.roles import AnswerType, ResponsibleBody, Role


def guideline_data(pathway: Pathway) -> dict:
    """`{slug, version, name_da, name_en, stages: [{..., items: [...]}]}` (see pathway_report)."""
    stages = pathway.stages.prefetch_related("items").order_by("order")
    return {
        "slug": pathway.slug,
        "version": pathway.version,
        "name_da": pathway.name_da,
        "name_en": pathway.name_en,
        "stages": [
            {
                "key": stage.key,
                "name_da": stage.name_da,
                "name_en": stage.name_en,
                "purpose_da": stage.purpose_da,
                "purpose_en": stage.purpose_en,
                "gate_question_da": stage.gate_question_da,
                "gate_question_en": stage.gate_question_en,
                "responsible_body": stage.responsible_body,
                "roles": list(stage.roles),
                "items": [
                    {
                        "key": item.key,
                        "text_da": item.text_da,
                        "text_en": item.text_en,
                        "help_da": item.help_da,
                        "help_en": item.help_en,
                        "role": item.role,
                        "answer_type": item.answer_type,
                        "required": item.required,
                        "condition": item.condition or None,
                        "signoff_role": item.signoff_role or None,
                        "sources": [
                            {
                                "title": source.get("title", ""),
                                "article": source.get("article", ""),
                                "url": source.get("url", ""),
                            }
                            for source in item.sources
                        ],
                    }
                    for item in stage.items.all()
                ],
            }
            for stage in stages
        ],
    }


def _condition_text(condition: dict | None) -> str:
    if not condition:
        return ""
    if "rule" in condition:
        return f"rule `{condition['rule']}`"
    return f"`{condition['item']}` ∈ {{{', '.join(condition['values'])}}}"


def guideline_markdown(pathway: Pathway) -> str:
    """The guideline for review: both languages side by side, every item with its metadata."""
    data = guideline_data(pathway)
    lines = [
        f"# {data['name_da']} / {data['name_en']} (v{data['version']})",
        "",
        f"Pathway `{data['slug']}`, version {data['version']}: {len(data['stages'])} stages, "
        f"{sum(len(s['items']) for s in data['stages'])} items.",
        "",
    ]
    for number, stage in enumerate(data["stages"], start=1):
        lines += [
            f"## {number}. {stage['name_da']} / {stage['name_en']}",
            "",
            f"- Key: `{stage['key']}`",
            f"- Responsible: {ResponsibleBody(stage['responsible_body']).label}",
            f"- Roles: {', '.join(str(Role(r).label) for r in stage['roles']) or '—'}",
            f"- Gate question (DA): {stage['gate_question_da'] or '—'}",
            f"- Gate question (EN): {stage['gate_question_en'] or '—'}",
            "",
            stage["purpose_da"],
            "",
            f"*{stage['purpose_en']}*" if stage["purpose_en"] else "",
            "",
        ]
        for item in stage["items"]:
            flags = [
                "required" if item["required"] else "optional",
                f"role: {Role(item['role']).label}",
                f"type: {AnswerType(item['answer_type']).label}",
            ]
            if item["signoff_role"]:
                flags.append(f"sign-off: {Role(item['signoff_role']).label}")
            if item["condition"]:
                flags.append(f"only when {_condition_text(item['condition'])}")
            lines += [
                f"### `{item['key']}`",
                "",
                f"- **DA:** {item['text_da']}",
                f"- **EN:** {item['text_en']}",
                f"- {'; '.join(flags)}",
            ]
            if item["help_da"]:
                lines.append(f"- Help (DA): {item['help_da']}")
            if item["help_en"]:
                lines.append(f"- Help (EN): {item['help_en']}")
            for source in item["sources"]:
                article = f", {source['article']}" if source["article"] else ""
                url = f" <{source['url']}>" if source["url"] else ""
                lines.append(f"- Source: {source['title']}{article}{url}")
            lines.append("")
    return "\n".join(lines).rstrip() + "\n"
