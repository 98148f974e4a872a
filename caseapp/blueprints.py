"""Every blueprint: each area's ``views.bp``, then the JSON API with each area's ``api`` routes."""
from caseapp.areas import area_modules


def all_blueprints() -> list:
    blueprints = [m.bp for m in area_modules("views") if hasattr(m, "bp")]
    area_modules("api")  # each area's api.py adds its routes to the shared API blueprint
    from caseapp.api import bp as api_bp

    return blueprints + [api_bp]
