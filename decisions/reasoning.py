"""What every decision helper returns besides its result: ordered, cited reasoning steps, and a
clear error for input it cannot use."""

from dataclasses import dataclass

from django.utils.translation import get_language, gettext

AI_ACT_URL = "https://eur-lex.europa.eu/eli/reg/2024/1689/oj"
MDR_URL = "https://eur-lex.europa.eu/eli/reg/2017/745/oj"
GDPR_URL = "https://eur-lex.europa.eu/eli/reg/2016/679/oj"


def in_language(da: str, en: str) -> str:
    """The Danish or English text for the active language; Danish is the default."""
    return en if (get_language() or "da")[:2] == "en" else da


def cite(article: str) -> str:
    """A citation in the active language: "AI Act Art. 26(1)" is "AI-forordningens art. 26,
    stk. 1" in Danish. The results keep the English form (marked with gettext_noop where it is
    written) so a stored result reads right in either language; the Danish forms follow the
    citation style of the Danish versions of the regulations (art., stk., litra, bilag)."""
    return gettext(article) if article else ""


@dataclass(frozen=True)
class Step:
    """One step of an explanation, citing the article it rests on, in Danish and English."""

    article: str
    text_da: str
    text_en: str
    url: str = ""

    @property
    def text(self) -> str:
        return in_language(self.text_da, self.text_en)

    def as_dict(self) -> dict[str, str]:
        return {
            "article": self.article,
            "text_da": self.text_da,
            "text_en": self.text_en,
            "url": self.url,
        }


class InvalidInput(ValueError):
    """Input a helper cannot use. `errors` lists (field, message) pairs; the field is a path into
    the input such as ``lines[1].low[2]``, so a form can put each message next to its field."""

    def __init__(self, errors: list[tuple[str, str]]):
        self.errors = list(errors)
        super().__init__("; ".join(f"{field}: {message}" for field, message in self.errors))
