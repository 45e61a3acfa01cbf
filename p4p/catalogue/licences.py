"""Whether a checklist's licence lets another publisher adapt it as a local variant, and what
the variant's own licence must then be.

Licences are named as in the checklist file's `licence` field, by their SPDX identifiers
(https://spdx.org/licenses/), compared without regard to case. A licence p4p does not know is
treated as not allowing adaptation: the association should ask the publisher.
"""

from __future__ import annotations

from dataclasses import dataclass

# Licences that allow adapting the work and sharing the adaptation, for any purpose, with
# attribution (CC0 and the Open Government Licence need none, but a variant gives it anyway).
ADAPTABLE = frozenset(
    {
        "cc0-1.0",
        "cc-by-4.0",
        "cc-by-3.0",
        "cc-by-2.0",
        "ogl-uk-3.0",
        "ogl-uk-2.0",
    }
)
# ShareAlike: adaptations must carry the same licence.
SHARE_ALIKE = frozenset({"cc-by-sa-4.0", "cc-by-sa-3.0"})
# Licences that forbid adaptations, or restrict them to non-commercial use (providers are
# businesses, so a variant distributed to them is not safely non-commercial).
REFUSED_BECAUSE = {
    "cc-by-nd-4.0": "does not allow adapted versions (NoDerivatives)",
    "cc-by-nc-nd-4.0": "does not allow adapted versions (NoDerivatives)",
    "cc-by-nc-4.0": "allows adapted versions for non-commercial use only",
    "cc-by-nc-sa-4.0": "allows adapted versions for non-commercial use only",
}


@dataclass(frozen=True)
class VariantRule:
    allowed: bool
    # Why not, in words, when not allowed.
    reason: str = ""
    # The licence the variant must carry, when the original's licence requires it.
    required_licence: str | None = None


def _normal(licence: str) -> str:
    return licence.strip().lower()


def variant_rule(licence: str) -> VariantRule:
    """What the original's licence says about local variants."""
    name = _normal(licence)
    if name in ADAPTABLE:
        return VariantRule(True)
    if name in SHARE_ALIKE:
        return VariantRule(True, required_licence=licence.strip())
    why = REFUSED_BECAUSE.get(name, "is not one p4p knows to allow adapted versions")
    return VariantRule(
        False,
        reason=f"its licence, {licence.strip()}, {why}: ask its publisher for permission",
    )


def variant_licence_problem(original: str, variant: str) -> str | None:
    """Why a variant under licence `variant` of a work under `original` may not be published,
    or None."""
    rule = variant_rule(original)
    if not rule.allowed:
        return f"this edition cannot be adapted: {rule.reason}"
    if rule.required_licence and _normal(variant) != _normal(rule.required_licence):
        return (
            f"the edition it adapts is licensed under {rule.required_licence} (ShareAlike), so "
            f"a variant must carry the same licence, not {variant}"
        )
    return None
